from django.urls import path

from servicedesk.channels.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("new/", views.conversation_new, name="new"),
    path("upload/", views.upload, name="upload"),
]
