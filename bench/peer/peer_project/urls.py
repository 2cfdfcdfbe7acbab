"""django-helpdesk under /helpdesk/ (its UI, its login and its REST API at /helpdesk/api/)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
