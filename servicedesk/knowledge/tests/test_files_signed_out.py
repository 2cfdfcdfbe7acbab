"""An article's files are for signed-in users, like the article: a public article's image
was served to anyone who guessed its number."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.knowledge.tests.factories import make_article

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_public_articles_file_asks_a_signed_out_visitor_to_sign_in(client, agent_l1_lee):
    article = make_article("VPN drops", "Reconnect.")
    client.force_login(agent_l1_lee)
    client.post(
        f"/desk/kb/{article.pk}/files/",
        {"file": SimpleUploadedFile("shot.png", PNG, content_type="image/png")},
    )
    url = f"/kb/files/{article.attachments.get().pk}/shot.png"
    assert client.get(url).status_code == 200
    client.logout()
    signed_out = client.get(url)
    assert signed_out.status_code == 302
    assert signed_out["Location"].split("?")[0].endswith("/login/")
    assert not signed_out.content.startswith(b"\x89PNG")
