from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Occupations catalogue — curation"
admin.site.site_title = "Occupations catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("catalogue.api.urls")),
    path("", include("catalogue.urls")),
]

handler404 = "catalogue.views.page_not_found"
handler500 = "catalogue.views.server_error"
