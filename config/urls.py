from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from servicedesk.core.views import healthz, home
from servicedesk.knowledge import urls as knowledge_urls

admin.site.site_header = "servicedesk administration"
admin.site.site_title = "servicedesk admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("servicedesk.accounts.urls")),
    path("", include("servicedesk.tickets.urls")),
    path("desk/reports/", include("servicedesk.reports.urls")),
    path("desk/kb/", include((knowledge_urls.desk_patterns, "kb_desk"))),
    path("desk/", include("servicedesk.desk.urls")),
    path("portal/kb/", include((knowledge_urls.portal_patterns, "kb_portal"))),
    path("portal/chat/", include("servicedesk.channels.chat.urls")),
    path("portal/", include("servicedesk.portal.urls")),
    path("kb/files/", include((knowledge_urls.file_patterns, "kb_files"))),
    path("api/", include("servicedesk.api.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/core/favicon.svg")),
]

handler400 = "servicedesk.core.views.bad_request"
handler403 = "servicedesk.core.views.forbidden"
handler404 = "servicedesk.core.views.not_found"
handler500 = "servicedesk.core.views.server_error"
