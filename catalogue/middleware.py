"""What every API answer shares: one language, and Cache-Control on GETs (ETags come from
ConditionalGetMiddleware)."""

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"


class ApiCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            # The same answer, and the same links, whatever the client's Accept-Language.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        if request.method in {"GET", "HEAD"} and request.path.startswith(API_PREFIX):
            if response.status_code < 400:
                response.setdefault("Cache-Control", "public, max-age=60")
            else:
                response.setdefault("Cache-Control", "no-cache")
        return response
