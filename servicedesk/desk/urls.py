from django.urls import path

from servicedesk.desk.views import dashboard, intake, queues, ticket, triage

app_name = "desk"

urlpatterns = [
    path("", queues.ticket_list, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tickets/", queues.ticket_list, name="tickets"),
    path("search/", queues.ticket_search, name="search"),
    path("tickets/new/", intake.ticket_new, name="ticket_new"),
    path("call/", intake.call_log, name="call"),
    path("tickets/<str:number>/", ticket.ticket_detail, name="ticket"),
    path("tickets/<str:number>/edit/", ticket.ticket_edit, name="ticket_edit"),
    path("tickets/<str:number>/reply/", ticket.ticket_reply, name="ticket_reply"),
    path("tickets/<str:number>/links/", ticket.link_create, name="link_create"),
    path("tickets/<str:number>/watchers/", ticket.watcher_create, name="watcher_create"),
    path(
        "tickets/<str:number>/triage/<int:suggestion_id>/accept/",
        triage.suggestion_accept_view,
        name="triage_accept",
    ),
    path(
        "tickets/<str:number>/triage/<int:suggestion_id>/dismiss/",
        triage.suggestion_dismiss_view,
        name="triage_dismiss",
    ),
    path(
        "tickets/<str:number>/watchers/<int:user_id>/remove/",
        ticket.watcher_delete,
        name="watcher_delete",
    ),
]
