"""Routes of API version 1."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from servicedesk.api.views.activity import (
    AttachmentViewSet,
    ClockViewSet,
    CommentViewSet,
    EventViewSet,
    LinkViewSet,
    WatcherViewSet,
)
from servicedesk.api.views.alerts import (
    AlertDeliveryViewSet,
    AlertReceiveView,
    AlertSourceViewSet,
)
from servicedesk.api.views.chat import ChatViewSet
from servicedesk.api.views.common import NUMBER_PATTERN
from servicedesk.api.views.dashboard import DashboardViewSet
from servicedesk.api.views.directory import CategoryViewSet, GroupViewSet, UserViewSet
from servicedesk.api.views.email import InboundMailView, InboundMessageViewSet
from servicedesk.api.views.knowledge import ArticleViewSet
from servicedesk.api.views.report_exports import EventLogExportView, ReportExportView
from servicedesk.api.views.reports import ReportViewSet
from servicedesk.api.views.sla import CalendarViewSet, EscalationTargetViewSet, PolicyViewSet
from servicedesk.api.views.tickets import TicketViewSet
from servicedesk.api.views.triage import RuleViewSet, SuggestionViewSet, TriageViewSet

TICKET = f"tickets/(?P<ticket_number>{NUMBER_PATTERN})"

router = DefaultRouter(trailing_slash=True)
router.register("tickets", TicketViewSet, basename="ticket")
router.register(f"{TICKET}/comments", CommentViewSet, basename="ticket-comment")
router.register(f"{TICKET}/attachments", AttachmentViewSet, basename="ticket-attachment")
router.register(f"{TICKET}/events", EventViewSet, basename="ticket-event")
router.register(f"{TICKET}/links", LinkViewSet, basename="ticket-link")
router.register(f"{TICKET}/watchers", WatcherViewSet, basename="ticket-watcher")
router.register(f"{TICKET}/clocks", ClockViewSet, basename="ticket-clock")
router.register(f"{TICKET}/triage", TriageViewSet, basename="ticket-triage")
router.register(
    f"{TICKET}/triage/suggestions", SuggestionViewSet, basename="ticket-triage-suggestion"
)
router.register("users", UserViewSet, basename="user")
router.register("groups", GroupViewSet, basename="group")
router.register("categories", CategoryViewSet, basename="category")
router.register("dashboard", DashboardViewSet, basename="dashboard")
router.register("reports", ReportViewSet, basename="report")
router.register("email/messages", InboundMessageViewSet, basename="email-message")
router.register("alert-sources", AlertSourceViewSet, basename="alert-source")
router.register("alert-deliveries", AlertDeliveryViewSet, basename="alert-delivery")
router.register("sla/calendars", CalendarViewSet, basename="sla-calendar")
router.register("sla/policies", PolicyViewSet, basename="sla-policy")
router.register("sla/escalation-targets", EscalationTargetViewSet, basename="sla-escalation-target")
router.register("triage/rules", RuleViewSet, basename="triage-rule")
router.register("kb/articles", ArticleViewSet, basename="kb-article")
router.register("chat", ChatViewSet, basename="chat")

urlpatterns = [
    path("email/inbound/", InboundMailView.as_view(), name="email-inbound"),
    path(
        "reports/<slug:name>.<str:extension>",
        ReportExportView.as_view(),
        name="report-export",
    ),
    path("eventlog.<str:extension>", EventLogExportView.as_view(), name="eventlog"),
    path("alerts/<slug:source>/", AlertReceiveView.as_view(), name="alerts-receive"),
    *router.urls,
]
