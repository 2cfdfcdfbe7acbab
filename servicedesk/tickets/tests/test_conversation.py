"""Replies, notes and attachments: the checks made before anything is stored."""

import io

import pytest
from django.core.files.uploadedfile import UploadedFile

from servicedesk.tickets.services.conversation import attachment_check
from servicedesk.tickets.services.validation import Problems

MIB = 1024 * 1024


def refusal(size: int, limit: int, settings) -> list[str]:
    settings.ATTACHMENT_MAX_BYTES = limit
    problems = Problems()
    attachment_check(problems, UploadedFile(io.BytesIO(), name="big.bin", size=size))
    return problems.fields.get("attachments", [])


@pytest.mark.parametrize(
    ("size", "limit", "message"),
    [
        (50, 10, "big.bin is 50 bytes; the limit is 10 bytes."),
        (25 * MIB, 20 * MIB, "big.bin is 25 MiB; the limit is 20 MiB."),
        (2_500_000, 2 * MIB, "big.bin is 2.4 MiB; the limit is 2 MiB."),
        (1536, 1024, "big.bin is 1.5 KiB; the limit is 1 KiB."),
        (MIB - 1, 1000, "big.bin is 1 MiB; the limit is 1000 bytes."),
        (20 * MIB + 1, 20 * MIB,
         "big.bin is 20,971,521 bytes; the limit is 20,971,520 bytes (20 MiB)."),
        (5 * 1024**4, 4 * 1024**4, "big.bin is 5 TiB; the limit is 4 TiB."),
    ],
)  # fmt: skip
def test_an_attachment_over_the_limit_is_told_in_readable_distinct_sizes(
    settings, size, limit, message
):
    assert refusal(size, limit, settings) == [message]


def test_an_attachment_at_the_limit_passes(settings):
    assert refusal(20 * MIB, 20 * MIB, settings) == []
