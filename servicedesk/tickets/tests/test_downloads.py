"""Attachment downloads: only for who may see them, always as a download, never sniffed or cached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.accounts.services import api_token_create
from servicedesk.tickets.services import comment_add
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.tickets.views import content_disposition

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture
def t2(requester_bob, service_desk):
    """Bob's ticket with a file; the client claimed HTML, the bytes are a PNG."""
    return make_ticket(
        requester=requester_bob,
        title="Globex VPN drops",
        attachments=[SimpleUploadedFile("screen.png", PNG, content_type="text/html")],
    )


def _url(attachment) -> str:
    return f"/attachments/{attachment.pk}/"


def test_download_headers(client, requester_bob, t2):
    client.force_login(requester_bob)
    response = client.get(_url(t2.attachments.get()))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="screen.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PNG))


def test_non_ascii_filename_is_encoded_per_rfc_5987(client, requester_bob, t2):
    comment_add(
        ticket=t2,
        by=requester_bob,
        body="the report",
        attachments=[SimpleUploadedFile("Résumé 報告.txt", b"plain text\n")],
    )
    attachment = t2.attachments.get(filename="Résumé 報告.txt")
    client.force_login(requester_bob)
    response = client.get(_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == (
        'attachment; filename="Resume .txt"; '
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E5%A0%B1%E5%91%8A.txt"
    )


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            'say "hi".txt',
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
        ),
        ("a\\b.txt", "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%5Cb.txt"),
        (
            "日本.pdf",
            "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf",
        ),
        ("報告", "attachment; filename=\"attachment\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A"),
        ("line\r\nbreak.txt", 'attachment; filename="linebreak.txt"'),
    ],
)
def test_content_disposition_never_breaks_the_header(name, header):
    assert content_disposition(name) == header


def test_anonymous_is_sent_to_sign_in(client, t2):
    attachment = t2.attachments.get()
    response = client.get(_url(attachment))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/attachments/{attachment.pk}/"


def test_other_users_attachment_is_404(client, requester_ann, t2):
    client.force_login(requester_ann)
    assert client.get(_url(t2.attachments.get())).status_code == 404
    assert client.get("/attachments/999999/").status_code == 404


def test_internal_note_attachment_is_for_agents_only(client, requester_bob, agent_l1_lee, t2):
    note = comment_add(
        ticket=t2,
        by=agent_l1_lee,
        body="internal",
        is_public=False,
        attachments=[SimpleUploadedFile("secret.txt", b"for agents")],
    )
    attachment = note.attachments.get()
    client.force_login(requester_bob)
    assert client.get(_url(attachment)).status_code == 404
    client.force_login(agent_l1_lee)
    response = client.get(_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"for agents"


def test_token_authenticated_download(client, requester_bob, requester_ann, t2):
    attachment = t2.attachments.get()
    _, key = api_token_create(user=requester_bob, name="scripts")
    response = client.get(_url(attachment), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == 'attachment; filename="screen.png"'

    _, ann_key = api_token_create(user=requester_ann, name="scripts")
    response = client.get(_url(attachment), headers={"Authorization": f"Bearer {ann_key}"})
    assert response.status_code == 404


@pytest.mark.parametrize("header", ["Bearer sd_not-a-real-token", "Bearer", "Token "])
def test_bad_token_is_401_even_with_a_session(client, requester_bob, t2, header):
    client.force_login(requester_bob)
    response = client.get(_url(t2.attachments.get()), headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_missing_file_is_404_not_500(client, requester_bob, t2):
    attachment = t2.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(requester_bob)
    assert client.get(_url(attachment)).status_code == 404
