"""servicedesk kb-import and kb-search."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article
from servicedesk.tickets.models import Category

pytestmark = pytest.mark.django_db

GOOD = """---
title: Reset your password
category: Access > Password
keywords: [password, login]
audience: public
owner: lee
review_date: 2027-06-30
---
Use the **self-service** page.
"""


@pytest.fixture
def folder(tmp_path, agent_l1_lee):
    access = Category.objects.create(name="Access")
    Category.objects.create(name="Password", parent=access)
    (tmp_path / "password.md").write_text(GOOD)
    sub = tmp_path / "network"
    sub.mkdir()
    (sub / "vpn.md").write_text("# VPN drops\n\nReconnect the client.\n")
    (sub / "internal.markdown").write_text(
        "---\naudience: internal\nstate: draft\n---\n# Failover\n\nRunbook.\n"
    )
    (tmp_path / "notes.txt").write_text("not markdown, ignored")
    return tmp_path


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_import_and_reimport_is_idempotent(folder):
    code, out, err = run("kb-import", str(folder))
    assert code == 0, err
    assert "3 files: 3 created, 0 updated, 0 unchanged, 0 not imported" in out
    password = Article.objects.get(import_key="password.md")
    assert password.title == "Reset your password"
    assert str(password.category) == "Access > Password"
    assert password.keywords == "password, login"
    assert password.owner.username == "lee"
    assert password.state == ArticleState.PUBLISHED
    assert str(password.review_date) == "2027-06-30"
    vpn = Article.objects.get(import_key="network/vpn.md")
    assert vpn.title == "VPN drops" and vpn.body.strip() == "Reconnect the client."
    internal = Article.objects.get(import_key="network/internal.markdown")
    assert (internal.audience, internal.state) == (Audience.INTERNAL, ArticleState.DRAFT)

    code, out, _ = run("kb-import", str(folder))
    assert code == 0 and "0 created, 0 updated, 3 unchanged" in out
    (folder / "network" / "vpn.md").write_text("# VPN drops\n\nReconnect, then restart.\n")
    code, out, _ = run("kb-import", str(folder))
    assert "1 updated, 2 unchanged" in out
    assert Article.objects.count() == 3
    vpn.refresh_from_db()
    assert vpn.versions.count() == 3  # created, published, updated


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        (b"---\ncolour: red\n---\nbody", "unknown front matter key"),
        (b"---\naudience: everyone\n---\nbody", "audience must be"),
        (b"---\ncategory: Nowhere\n---\nbody", "no category 'Nowhere'"),
        (b"---\nowner: ann\n---\nbody", "not an active agent"),
        (b"---\nreview_date: soon\n---\nbody", "review_date"),
        (b"# Title only\n", "body is empty"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"---\n- a list\n---\nbody", "key: value"),
    ],
)
def test_bad_files_are_reported_and_the_rest_imported(folder, requester_ann, content, reason):
    (folder / "bad.md").write_bytes(content)
    code, out, err = run("kb-import", str(folder))
    assert code == 1
    assert "bad.md: " in err and reason in err
    assert "3 created" in out and "1 not imported" in out
    assert not Article.objects.filter(import_key="bad.md").exists()


def test_not_a_directory_is_exit_2(tmp_path):
    code, _, err = run("kb-import", str(tmp_path / "missing"))
    assert code == 2 and "not a directory" in err


def test_kb_search_as_end_user_and_agent(folder, agent_l1_lee):
    run("kb-import", str(folder))
    code, out, _ = run("kb-search", "password")
    assert code == 0 and "Reset your password" in out and "/portal/kb/" in out
    code, out, _ = run("kb-search", "pasword", "--json")
    assert '"corrected": "password"' in out
    code, out, _ = run("kb-search", "vpn", "--as", "lee")
    assert "/desk/kb/" in out
    code, _, err = run("kb-search", "vpn", "--as", "nobody")
    assert code == 2
