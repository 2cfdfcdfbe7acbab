"""Admins edit the notification templates: a broken one is refused, a good one previewed."""

import pytest

from servicedesk.core.models import OutboxMessage
from servicedesk.core.outbox import outbox_deliver_job
from servicedesk.notifications.defaults import DEFAULT_TEMPLATES
from servicedesk.notifications.models import NotificationTemplate
from servicedesk.notifications.rendering import SAMPLE_CONTEXT, render_notification, render_strings
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def change_url(kind: str) -> str:
    pk = NotificationTemplate.objects.get(kind=kind).pk
    return f"/admin/notifications/notificationtemplate/{pk}/change/"


def test_every_kind_ships_with_its_default(db):
    rows = dict(NotificationTemplate.objects.values_list("kind", "subject"))
    assert rows == {kind: subject for kind, (subject, _) in DEFAULT_TEMPLATES.items()}


def test_a_template_that_does_not_compile_is_a_validation_error(client, admin_ada):
    client.force_login(admin_ada)
    response = client.post(
        change_url("reply"),
        {
            "kind": "reply",
            "enabled": "on",
            "subject": "Re: {{ ticket.title|shout }}",
            "body": "{% for %}",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "This template does not work" in errors["subject"][0]
    assert "This template does not work" in errors["body"][0]
    assert NotificationTemplate.objects.get(kind="reply").subject == DEFAULT_TEMPLATES["reply"][0]


def test_a_template_that_fails_to_render_is_refused_too(client, admin_ada):
    client.force_login(admin_ada)
    response = client.post(
        change_url("closed"),
        {"kind": "closed", "enabled": "on", "subject": "Closed", "body": "{% include 'x.txt' %}"},
    )
    assert "This template does not work" in response.context["adminform"].form.errors["body"][0]


def test_a_saved_template_shows_its_preview_with_sample_values(client, admin_ada):
    client.force_login(admin_ada)
    response = client.post(
        change_url("reply"),
        {"kind": "reply", "enabled": "on", "subject": "{{ ticket.title }}",
         "body": "Dear {{ recipient.name }}, {{ reply.author }} says: {{ reply.body }}"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(change_url("reply")).content.decode()
    assert "Subject: [INC0001234] Printer on floor 2 prints blank pages" in page
    assert "Dear Ann Example, Lee Agent says: Could you send us a photo" in page
    assert "{{ reply.body }}" in page  # the list of values a template can use


def test_the_outbox_is_readable_in_the_admin_and_not_editable(
    client, admin_ada, requester_ann, service_desk
):
    make_ticket(requester=requester_ann, title="Monitor flickers")
    client.force_login(admin_ada)
    listing = client.get("/admin/core/outboxmessage/")
    assert listing.status_code == 200
    assert b"Monitor flickers" in listing.content
    pk = OutboxMessage.objects.get().pk
    assert (
        client.post(f"/admin/core/outboxmessage/{pk}/change/", {"to": "x@y.z"}).status_code == 403
    )
    assert (
        client.post(f"/admin/core/outboxmessage/{pk}/delete/", {"post": "yes"}).status_code == 403
    )
    deleting = {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
    client.post("/admin/core/outboxmessage/", deleting)
    assert OutboxMessage.objects.filter(pk=pk).exists()
    assert b"delete_selected" not in listing.content


def test_nothing_leaves_without_a_configured_transport(
    settings, requester_ann, service_desk, mailoutbox
):
    make_ticket(requester=requester_ann)
    settings.SERVICEDESK_MAIL_DELIVERY = False
    assert outbox_deliver_job() == 0
    assert mailoutbox == []
    settings.SERVICEDESK_MAIL_DELIVERY = True
    assert outbox_deliver_job() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "body",
    [
        # Quick on the sample note, hours on a real one: loops over a value are refused.
        "{% for a in ticket.resolution_notes %}{% for b in ticket.resolution_notes %}"
        "{% for c in ticket.resolution_notes %}x{% endfor %}{% endfor %}{% endfor %}",
        "{% lorem 100000000 w %}",
        '{{ ticket.title|ljust:"900000000" }}',
        '{{ links_valid_days|stringformat:"0900000000d" }}',
    ],
    ids=["nested loops", "lorem", "ljust", "stringformat"],
)
def test_a_template_whose_cost_has_no_bound_is_refused(client, admin_ada, body):
    client.force_login(admin_ada)
    response = client.post(
        change_url("resolved"),
        {"kind": "resolved", "enabled": "on", "subject": "Done", "body": body},
    )
    assert response.status_code == 200
    assert "This template does not work" in response.context["adminform"].form.errors["body"][0]
    assert (
        NotificationTemplate.objects.get(kind="resolved").body == DEFAULT_TEMPLATES["resolved"][1]
    )


def test_a_stored_loop_is_sent_as_the_default_text(db):
    # Saved around the form (an older release took loops): the mail still goes, with the default.
    template = NotificationTemplate.objects.get(kind="resolved")
    template.body = "{% for c in ticket.title %}{{ c }}{% endfor %}"
    template.save()
    context = {**SAMPLE_CONTEXT, "ticket": {**SAMPLE_CONTEXT["ticket"], "title": "t" * 10_000}}
    subject, body = render_notification(kind="resolved", template=template, context=context)
    assert body == render_strings(*DEFAULT_TEMPLATES["resolved"], context)[1]
