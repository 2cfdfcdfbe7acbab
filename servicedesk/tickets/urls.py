from django.urls import path

from servicedesk.tickets import views

app_name = "tickets"

urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
