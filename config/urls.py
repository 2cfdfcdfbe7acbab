from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from servicedesk.core.views import healthz, home

admin.site.site_header = "servicedesk administration"
admin.site.site_title = "servicedesk admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("servicedesk.accounts.urls")),
    path("", include("servicedesk.tickets.urls")),
    path("desk/reports/", include("servicedesk.reports.urls")),
    path("desk/", include("servicedesk.desk.urls")),
    path("portal/", include("servicedesk.portal.urls")),
    path("api/", include("servicedesk.api.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/core/favicon.svg")),
]

handler400 = "servicedesk.core.views.bad_request"
handler403 = "servicedesk.core.views.forbidden"
handler404 = "servicedesk.core.views.not_found"
handler500 = "servicedesk.core.views.server_error"
