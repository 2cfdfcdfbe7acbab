"""kb-import of a folder with a file whose name is not UTF-8: that file is refused, by name,
and the others are imported."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from servicedesk.knowledge.importing import BadFile, parse_file
from servicedesk.knowledge.models import Article

pytestmark = pytest.mark.django_db


def test_a_file_name_that_is_not_utf8_is_refused_and_the_rest_imported(tmp_path):
    (tmp_path / "vpn.md").write_text("# VPN drops\nReconnect.\n")
    (tmp_path / os.fsdecode(b"caf\xe9.md")).write_text("# Coffee machine\nDescale it.\n")
    (tmp_path / "wifi.md").write_text("# Wi-Fi\nForget the network.\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("kb-import", str(tmp_path), stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == ["VPN drops", "Wi-Fi"]
    assert err.getvalue().strip().splitlines() == [
        "caf\\xe9.md: the file name is not UTF-8 (rename the file); not imported"
    ]
    assert "3 files: 2 created, 0 updated, 0 unchanged, 1 not imported" in out.getvalue()


def test_keywords_nested_through_yaml_aliases_are_refused_not_expanded():
    # Each level holds the one before nine times: 9 ** 9 strings once written out.
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
    body = f"---\ntitle: Laughs\nkeywords: [{', '.join(levels)}]\n---\nBody.\n"
    with pytest.raises(BadFile, match="keywords must be a list of words"):
        parse_file(body.encode(), name="laughs.md")
    for key in ("audience", "state", "owner", "review_date"):
        nested = body.replace("keywords:", f"{key}:")
        with pytest.raises(BadFile, match=f"{key} must be one value, not a list"):
            parse_file(nested.encode(), name="laughs.md")
    assert parse_file(b"---\nkeywords: [vpn, 2026]\n---\nBody.\n", name="a.md").keywords == (
        "vpn, 2026"
    )
