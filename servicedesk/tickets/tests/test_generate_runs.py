"""``generate-tickets``: seeds, second runs, numbering, the priority matrix, the command line."""

import io
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from servicedesk.accounts.models import Membership, Organisation, SupportGroup, User
from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, Kind
from servicedesk.tickets.generate import writer
from servicedesk.tickets.generate.profile import load_profile
from servicedesk.tickets.generate.writer import MAX_TICKETS, GenerateStopped, generate_tickets
from servicedesk.tickets.models import (
    Category,
    Comment,
    NumberSequence,
    PriorityMatrixCell,
    Ticket,
    TicketEvent,
)
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.tickets.tests.generated import NOW, generate_at_now, snapshot

pytestmark = pytest.mark.django_db

PROFILE = load_profile()
POOL = PROFILE.agents + PROFILE.callers  # the generated people: the log's assignees and callers


class _Discard(Exception):
    pass


def written(write: Callable[[], object]) -> tuple[dict, set[str]]:
    """What ``write()`` stores into an empty database, rolled back after, and its access tokens."""
    try:
        with transaction.atomic():
            write()
            taken = snapshot(), set(Ticket.objects.values_list("access_token", flat=True))
            raise _Discard
    except _Discard:
        pass
    assert not Ticket.objects.exists() and not User.objects.exists()
    return taken


def directory_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, SupportGroup, Membership, Category)
    }


# ---- seeds ---------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_tickets_in_another_database():
    first, first_tokens = written(lambda: generate_at_now(count=150, seed=42, batch=40))
    second, second_tokens = written(lambda: generate_at_now(count=150, seed=42, batch=40))

    assert len(first["tickets"]) == 150
    assert len(first["events"]) > 600
    assert len(first["comments"]) > 100
    assert first == second
    # Access tokens open status pages without signing in: secrets, never repeated.
    assert len(first_tokens) == len(second_tokens) == 150
    assert not first_tokens & second_tokens


def test_another_seed_gives_other_tickets():
    first, _ = written(lambda: generate_at_now(count=150, seed=1))
    other, _ = written(lambda: generate_at_now(count=150, seed=2))

    by_number = {row[0]: row for row in first["tickets"]}
    assert [row for row in other["tickets"] if by_number.get(row[0]) == row] == []
    assert first["events"] != other["events"]


def test_the_same_seed_and_end_give_the_same_tickets_on_another_day():
    args = ("200", "--seed", "3", "--until", "2024-06-01T12:00Z")
    first, _ = written(lambda: run(*args, at=NOW))
    later, _ = written(lambda: run(*args, at=NOW + timedelta(days=3, hours=5)))

    assert first == later
    end = datetime(2024, 6, 1, 12, tzinfo=UTC)
    assert max(row[4] for row in first["events"]) <= end
    assert any(row[4] > end - timedelta(days=2) for row in first["events"])


def test_without_an_end_another_day_gives_other_tickets():
    today, _ = written(lambda: run("200", "--seed", "3", at=NOW))
    other, _ = written(lambda: run("200", "--seed", "3", at=NOW + timedelta(days=3)))
    assert today["tickets"] != other["tickets"]


def test_a_second_run_reuses_the_generated_people_groups_and_categories():
    first = generate_at_now(count=60, seed=1)
    after_first = directory_counts()
    second = generate_at_now(count=60, seed=2)

    assert (first.users_created, first.users) == (POOL, POOL)
    assert (second.users_created, second.users) == (0, POOL)
    assert directory_counts() == after_first
    assert after_first["User"] == POOL
    assert after_first["SupportGroup"] == len(PROFILE.groups)
    assert Ticket.objects.count() == 120
    # Each group has one lead; the service desk's lead sees every ticket.
    assert SupportGroup.objects.filter(lead=None).count() == 0
    assert list(
        User.objects.filter(can_see_all_tickets=True).values_list("username", flat=True)
    ) == [SupportGroup.objects.get(name="Service Desk").lead.username]


def test_a_desk_that_has_its_service_desk_keeps_it_and_its_lead(lead_mo, service_desk):
    generate_at_now(count=30, seed=3)

    desk = SupportGroup.objects.get(name="Service Desk")
    assert desk.pk == service_desk.pk
    assert desk.lead == lead_mo
    assert desk.members.filter(username__startswith="gen-").count() == PROFILE.group_agents[0]
    assert Ticket.objects.filter(assignment_group=desk).exists()


# ---- numbers ---------------------------------------------------------------------------------


def numbers(kind: str) -> list[int]:
    return sorted(
        int(n[3:]) for n in Ticket.objects.filter(kind=kind).values_list("number", flat=True)
    )


def test_numbers_carry_on_across_runs_after_the_desks_own_tickets(requester_ann):
    with time_machine.travel(NOW):
        make_ticket(requester=requester_ann, kind=Kind.INCIDENT)
        make_ticket(requester=requester_ann, kind=Kind.REQUEST)
    generate_at_now(count=70, seed=4, batch=20)
    first = dict(Ticket.objects.values_list("number", "pk"))
    generate_at_now(count=70, seed=5, batch=30)

    for kind in Kind.values:
        taken = numbers(kind)
        assert taken == list(range(1, len(taken) + 1)), kind
        assert NumberSequence.objects.get(kind=kind).last == len(taken)
    second = Ticket.objects.exclude(pk__in=first.values())
    assert second.count() == 70
    for kind in Kind.values:
        before = [int(n[3:]) for n in first if Ticket.objects.get(number=n).kind == kind]
        after = [int(n[3:]) for n in second.filter(kind=kind).values_list("number", flat=True)]
        assert not before or not after or min(after) > max(before)
    # The desk numbers on from there too.
    following = f"INC{len(numbers(Kind.INCIDENT)) + 1:07d}"
    assert make_ticket(requester=requester_ann).number == following


def test_a_failed_batch_keeps_the_batches_before_it_whole_and_a_rerun_carries_on(monkeypatch):
    real_insert = writer.insert_rows
    comment_batches = []

    def fail_second_batch(model, rows):
        if model is Comment:
            comment_batches.append(len(rows))
            if len(comment_batches) == 2:
                raise DatabaseError("database is locked")
        real_insert(model, rows)

    monkeypatch.setattr(writer, "insert_rows", fail_second_batch)
    with pytest.raises(GenerateStopped) as caught:
        generate_at_now(count=30, seed=8, batch=10)

    assert caught.value.done == 10
    assert str(caught.value) == (
        "the database refused a batch (database is locked); 10 of 30 tickets were written "
        "before it and nothing of it; run again to add more"
    )
    assert Ticket.objects.count() == 10
    assert sum(NumberSequence.objects.values_list("last", flat=True)) == 10
    written = set(Ticket.objects.values_list("pk", flat=True))
    assert set(TicketEvent.objects.values_list("ticket_id", flat=True)) == written
    assert Comment.objects.count() == comment_batches[0]

    monkeypatch.undo()
    generate_at_now(count=20, seed=9, batch=10)

    for kind in Kind.values:
        taken = numbers(kind)
        assert taken == list(range(1, len(taken) + 1)), kind
    assert Ticket.objects.count() == 30


def test_the_command_says_in_one_line_what_a_database_failure_kept(monkeypatch):
    real_insert = writer.insert_rows

    def fail_events(model, rows):
        if model is TicketEvent and Ticket.objects.count() > 4:
            raise DatabaseError("disk I/O error\nwhile writing")
        real_insert(model, rows)

    monkeypatch.setattr(writer, "insert_rows", fail_events)
    with pytest.raises(CommandError) as caught:
        run("9", "--batch", "4")

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "the database refused a batch (disk I/O error while writing); 4 of 9 tickets were "
        "written before it and nothing of it; run again to add more"
    )
    assert Ticket.objects.count() == 4


# ---- the priority matrix ---------------------------------------------------------------------


def test_priority_follows_the_desks_matrix_with_an_admins_change():
    # An admin raised low impact x low urgency from 4 (low) to 3 (moderate).
    PriorityMatrixCell.objects.update_or_create(impact=3, urgency=3, defaults={"priority": 3})
    matrix = {**DEFAULT_PRIORITY_MATRIX, (3, 3): 3}

    generate_at_now(count=600, seed=6)

    rows = list(Ticket.objects.values_list("number", "impact", "urgency", "priority"))
    assert [r for r in rows if r[3] != matrix[r[1], r[2]]] == []
    changed = [r for r in rows if (r[1], r[2]) == (3, 3)]
    assert len(changed) >= 3
    created = TicketEvent.objects.filter(kind="created", ticket__impact=3, ticket__urgency=3)
    assert {e.changes["priority"][1] for e in created} == {3}


# ---- the command line ------------------------------------------------------------------------


def run(*args: str, at: datetime = NOW) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command("generate-tickets", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def nothing_written() -> bool:
    return not any(
        model.objects.exists()
        for model in (Ticket, TicketEvent, Comment, User, SupportGroup, Category, NumberSequence)
    )


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "-1",
        "1e3",
        "1_000",
        " ５",
        "５",
        "1.5",
        "0x10",
        "",
        "ten",
        str(MAX_TICKETS + 1),
        "9" * 30,
    ],
)
def test_a_bad_count_exits_2_with_one_line_and_writes_nothing(value):
    with pytest.raises(CommandError) as caught:
        run(value)

    assert caught.value.returncode == 2
    message = str(caught.value)
    assert message.startswith(f"N must be a whole number from 1 to {MAX_TICKETS:,}, not ")
    assert "\n" not in message
    assert nothing_written()


@pytest.mark.parametrize(
    ("option", "value", "limits"),
    [
        ("--seed", "-1", "from 0 to 999,999,999,999"),
        ("--seed", "x", "from 0 to 999,999,999,999"),
        ("--seed", "1e3", "from 0 to 999,999,999,999"),
        ("--seed", "1000000000000", "from 0 to 999,999,999,999"),
        ("--batch", "0", "from 1 to 50,000"),
        ("--batch", "50001", "from 1 to 50,000"),
        ("--batch", "５", "from 1 to 50,000"),
        ("--batch", "", "from 1 to 50,000"),
    ],
)
def test_a_bad_seed_or_batch_exits_2_with_one_line_and_writes_nothing(option, value, limits):
    with pytest.raises(CommandError) as caught:
        run("10", option, value)

    assert caught.value.returncode == 2
    assert str(caught.value).startswith(f"{option} must be a whole number {limits}, not ")
    assert nothing_written()


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2024-13-01", "2024-02-30T10:00", "２０２４-01-31", "", "1975-12-31T23:59Z",
     "2025-03-15T09:00Z"],  # the last is a day after now
)  # fmt: skip
def test_a_bad_end_exits_2_with_one_line_and_writes_nothing(value):
    with pytest.raises(CommandError) as caught:
        run("10", "--until", value)

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "--until must be an ISO 8601 time from 1976-01-01 to now, such as "
        f"2026-01-31T17:00+01:00, not {value.strip()!r}."
    )
    assert nothing_written()


@pytest.mark.parametrize(
    ("value", "end"),
    [
        ("2024-06-01", datetime(2024, 6, 1, tzinfo=UTC)),
        ("2024-06-01T14:00+02:00", datetime(2024, 6, 1, 12, tzinfo=UTC)),
        (" 2024-06-01T12:00:00Z ", datetime(2024, 6, 1, 12, tzinfo=UTC)),
    ],
)
def test_the_end_in_iso_8601_is_where_the_history_ends(value, end):
    by_command, _ = written(lambda: run("40", "--until", value))
    ended_there, _ = written(lambda: generate_tickets(count=40, now=end))

    assert by_command == ended_there
    assert max(row[4] for row in by_command["events"]) <= end


def test_an_end_without_an_offset_is_read_in_the_desks_time_zone(settings):
    settings.TIME_ZONE = "Europe/Zurich"
    by_command, _ = written(lambda: run("40", "--until", "2024-06-01T12:00"))
    # Noon in Zurich, in summer time.
    noon = datetime(2024, 6, 1, 10, tzinfo=UTC)
    ended_there, _ = written(lambda: generate_tickets(count=40, now=noon))
    assert by_command == ended_there


def test_a_run_prints_its_summary_to_stdout_and_progress_to_stderr():
    out, err = run("25", "--seed", "7", "--batch", "10")

    lines = out.splitlines()
    assert lines[:4] == [
        "tickets: 25",
        f"events: {TicketEvent.objects.count()}",
        f"comments: {Comment.objects.count()}",
        f"users: {POOL} ({POOL} created now)",
    ]
    assert [line.split(":")[0] for line in lines[4:]] == ["seconds", "tickets/s"]
    progress = err.splitlines()
    assert [line.split(" tickets in ")[0] for line in progress] == [
        "generated 10/25",
        "generated 20/25",
        "generated 25/25",
    ]
    assert Ticket.objects.count() == 25


def test_quiet_runs_print_no_progress():
    out, err = run("5", "--verbosity", "0")
    assert err == ""
    assert out.startswith("tickets: 5\n")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([" ５"], "CommandError: N must be a whole number from 1 to 10,000,000, not '５'."),
        (
            ["5", "--sede", "1"],
            "servicedesk generate-tickets: error: unrecognized arguments: --sede 1",
        ),
        ([], "servicedesk generate-tickets: error: the following arguments are required: N"),
    ],
)
def test_the_cli_says_one_line_exits_2_and_opens_no_database(tmp_path, args, line):
    env = {"SERVICEDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "generate-tickets", *args],
        capture_output=True, text=True, env=env, cwd=Path(__file__).parents[3], timeout=60,
    )  # fmt: skip

    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [line]
    assert not (tmp_path / "servicedesk.sqlite3").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics; SQLite keeps none"
)
def test_the_planner_is_told_what_a_generation_wrote():
    generate_at_now(count=40)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('accounts_user', 'tickets_ticket', 'tickets_ticketevent')"
        )
        sampled = dict(cursor.fetchall())
    assert sampled == {
        "accounts_user": User.objects.count(),
        "tickets_ticket": 40,
        "tickets_ticketevent": TicketEvent.objects.count(),
    }
