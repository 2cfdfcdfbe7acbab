"""The shared corpus through the whole ingest: stored, processed, none lost, none raising."""

import json

import pytest

from servicedesk.channels.email.choices import InboundState, Outcome
from servicedesk.channels.email.models import InboundMessage
from servicedesk.tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]


def _messages(corpus):
    folder = corpus / "email"
    expected = [json.loads(line) for line in (folder / "expected.jsonl").read_text().splitlines()]
    return [(folder / e["file"], e) for e in expected if e["format"] == "rfc5322"]


def test_every_corpus_message_becomes_a_ticket_a_note_or_is_recognised_automatic(corpus, deliver):
    messages = _messages(corpus)
    assert len(messages) >= 60
    failures = []
    for path, expected in messages:
        processed = deliver(path.read_bytes())
        if processed.state not in (
            InboundState.PROCESSED,
            InboundState.DUPLICATE,
            InboundState.DISCARDED,
        ):
            failures.append((path.name, processed.state, processed.reason))
            continue
        assert processed.state in (
            InboundState.PROCESSED, InboundState.DUPLICATE, InboundState.DISCARDED,
        ), f"{path.name}: {processed.state} {processed.reason}"  # fmt: skip
        # Only machines are turned away (the mailbox makes contacts of unknown people).
        if processed.state == InboundState.DISCARDED and not processed.is_automatic:
            failures.append((path.name, "discarded, not automatic", processed.reason))
        if expected["is_bounce"] and (
            not processed.is_automatic or processed.outcome == Outcome.TICKET_CREATED
        ):
            failures.append((path.name, "bounce not recognised", processed.outcome))
    assert failures == [], "\n".join(map(str, failures))
    assert InboundMessage.objects.count() == len(messages)
    assert InboundMessage.objects.filter(state=InboundState.RECEIVED).count() == 0
    made = InboundMessage.objects.filter(outcome__in=[Outcome.TICKET_CREATED, Outcome.FOLLOW_UP])
    assert made.count() == Ticket.objects.count()
    assert Ticket.objects.count() >= 30


def test_every_person_written_corpus_message_opens_a_ticket_on_its_own(corpus, deliver):
    """One at a time into an empty desk: each mail a person wrote makes its ticket."""
    for path, expected in _messages(corpus):
        if expected["is_auto_reply"] is not False or expected["is_bounce"]:
            continue
        processed = deliver(path.read_bytes())
        if processed.state == InboundState.DUPLICATE:
            continue  # the corpus holds the same message twice in two spellings
        assert processed.outcome in (Outcome.TICKET_CREATED, Outcome.REPLY_ADDED), (
            f"{path.name}: {processed.state} {processed.outcome} {processed.reason}"
        )
