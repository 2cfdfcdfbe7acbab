from django.urls import path

from servicedesk.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.ticket_new, name="ticket_new"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<str:number>/accept/", views.ticket_accept, name="ticket_accept"),
    path("tickets/<str:number>/reject/", views.ticket_reject, name="ticket_reject"),
    path("status/<str:token>/", views.status, name="status"),
    # The accept and reject links of the "resolved" mail (servicedesk.notifications.tokens).
    path("resolution/<str:token>/accept/", views.verdict_accept, name="verdict_accept"),
    path("resolution/<str:token>/reject/", views.verdict_reject, name="verdict_reject"),
]
