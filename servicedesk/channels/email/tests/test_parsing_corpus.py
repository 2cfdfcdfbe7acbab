"""The shared corpus of real messages (../shared/corpus/email): every expectation, every file.

Each expectation of ``expected.jsonl`` is its own test, so a failure names the file and the
field. Where we hold that an expectation is wrong, ``DISAGREEMENTS`` says what we give instead
and why; the test then asserts our value, so a change either way shows.
"""

import json

import pytest

from servicedesk.channels.email.parsing import parse_message
from servicedesk.channels.email.reply import reply_text

DISAGREEMENTS = {
    # RFC 2047 section 5 forbids encoded words in an addr-spec. The expected value is what a
    # lenient decoder makes of the malformed word; the same decoding turns mail118's
    # "=?utf-8?Q?agent?=@example.com" into agent@example.com, a spoofed sender. We keep the
    # local part as written (lower-cased, as every from_address).
    ("zammad-mail117.eml", "from_address"): "=?utf-8?q?attacker?q?agent?=@victim.example",
}


def _expectations(corpus):
    with (corpus / "email" / "expected.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _checks(entry):
    """(name, expected) pairs that this entry settles."""
    if entry["format"] == "body_only":
        yield "reply_text", entry["reply_text"]
        for excluded in entry.get("reply_excludes") or []:
            yield "reply_excludes", excluded
        return
    if entry["from_address"] is not None:
        yield "from_address", entry["from_address"]
    yield "subject", entry["subject"]
    if entry["is_auto_reply"] is not None:
        yield "is_auto_reply", entry["is_auto_reply"]
    yield "is_bounce", entry["is_bounce"]
    for text in entry["body_contains"]:
        yield "body_contains", text
    if entry["attachments"] is not None:
        yield "attachments", entry["attachments"]
    for name in ("in_reply_to", "references"):
        if entry[name] is not None:
            yield name, entry[name]
    for name, value in (entry.get("dsn") or {}).items():
        yield f"dsn.{name}", value
    if "empty_body" in entry["tags"]:
        yield "empty_body", ""


def _normalised(text: str) -> str:
    """Fragments a blank line apart, each trimmed: the README's "compare normalised"."""
    return "\n\n".join(part.strip() for part in text.split("\n\n") if part.strip())


def _actual(name, entry, raw):
    if entry["format"] == "body_only":
        return reply_text(raw.decode("utf-8"))
    parsed = parse_message(raw)
    if name == "from_address":
        return parsed.from_address
    if name == "subject":
        return parsed.subject
    if name in ("is_auto_reply", "is_bounce"):
        return getattr(parsed, name)
    if name in ("body_contains", "empty_body"):
        return parsed.body_text
    if name == "attachments":
        return parsed.attachments
    if name in ("in_reply_to", "references"):
        return " ".join(f"<{found}>" for found in getattr(parsed, name))
    return parsed


def _cases(corpus):
    for entry in _expectations(corpus):
        for number, (name, expected) in enumerate(_checks(entry)):
            yield entry, name, expected, number


@pytest.mark.corpus
def test_every_message_parses_without_the_last_resort(corpus):
    messages = sorted((corpus / "email" / "messages").glob("*.eml"))
    assert len(messages) == 61
    for path in messages:
        parsed = parse_message(path.read_bytes())
        assert not any(d.startswith("unreadable") for d in parsed.defects), path.name
        assert parsed.subject or parsed.body_text or parsed.attachments or parsed.from_address


@pytest.mark.corpus
def test_every_expectation_holds(corpus):
    held, failed, disagreed = 0, [], []
    total = 0
    for entry, name, expected, _number in _cases(corpus):
        total += 1
        file = entry["file"].rsplit("/", 1)[-1]
        raw = (corpus / "email" / entry["file"]).read_bytes()
        actual = _actual(name, entry, raw)
        if (file, name) in DISAGREEMENTS:
            ours = DISAGREEMENTS[file, name]
            if actual != ours:
                failed.append((file, name, ours, actual))
            disagreed.append((file, name))
            continue
        if not _holds(name, expected, actual):
            failed.append((file, name, expected, _shown(name, actual)))
        else:
            held += 1
    assert failed == []
    assert disagreed == list(DISAGREEMENTS)
    assert held == total - len(DISAGREEMENTS) and total >= 400


def _holds(name, expected, actual) -> bool:
    if name == "from_address":
        return actual == expected.lower()  # the contract lower-cases addresses
    if name == "subject":
        return actual == (expected or "")
    if name == "reply_text":
        return actual == expected or _normalised(actual) == _normalised(expected)
    if name == "reply_excludes":
        return expected not in actual
    if name == "body_contains":
        return expected in actual
    if name == "empty_body":
        return actual.strip() == ""
    if name == "attachments":
        if [a["filename"] for a in expected] != [a.filename for a in actual]:
            return False
        return all(
            a.get("content_type", got.content_type) == got.content_type
            and a.get("size", got.size) == got.size
            for a, got in zip(expected, actual, strict=True)
        )
    if name in ("in_reply_to", "references"):
        return actual == " ".join(expected.split())
    if name.startswith("dsn."):
        status = actual.delivery_status
        if status is None:
            return False
        field = name.removeprefix("dsn.")
        value = getattr(status, field)
        if field == "original_message_id":
            value = f"<{value}>"
        return value == expected
    return actual == expected


def _shown(name, actual):
    if name == "attachments":
        return [(a.filename, a.content_type, a.size) for a in actual]
    if name.startswith("dsn."):
        return actual.delivery_status
    return actual if not isinstance(actual, str) else actual[:300]
