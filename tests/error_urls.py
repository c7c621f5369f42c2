"""The site's URLs plus one that fails, to see the 500 page."""

from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a failure the visitor must not see")


urlpatterns = [path("broken/", broken), *site_urlpatterns]

urlpatterns.insert(0, path("api/v1/broken/", broken))
