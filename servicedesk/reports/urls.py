from django.urls import path

from servicedesk.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        "subscriptions/<int:subscription_id>/delete/",
        views.subscription_remove,
        name="subscription_delete",
    ),
    path("eventlog.<str:format>", views.eventlog_export, name="eventlog"),
    path("<slug:name>/", views.report_page, name="report"),
    path("<slug:name>/subscribe/", views.subscription_add, name="subscribe"),
    path("<slug:name>.<str:format>", views.report_export, name="export"),
]
