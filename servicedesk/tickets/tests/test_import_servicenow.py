"""``servicedesk import-servicenow``: the parser alone, the command on a small log, the real log."""

import csv
import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import Count

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.models import Membership, SupportGroup, User
from servicedesk.tickets.choices import Channel, EventKind, State
from servicedesk.tickets.imports import servicenow_write
from servicedesk.tickets.imports.servicenow import (
    COLUMNS,
    RowUnreadable,
    parse_log,
    parse_row,
    replay,
)
from servicedesk.tickets.imports.servicenow_file import LogUnreadable, open_log
from servicedesk.tickets.imports.servicenow_write import ImportStopped, servicenow_import
from servicedesk.tickets.models import (
    Category,
    ConfigurationItem,
    CustomField,
    NumberSequence,
    Ticket,
    TicketEvent,
)
from servicedesk.tickets.selectors import visible_tickets
from servicedesk.tickets.tests.factories import make_ticket

SMALL = Path(__file__).parent / "data" / "servicenow_small.csv"
HEADER = ",".join(COLUMNS)


def run_import(path: Path, *, status: int = 0) -> tuple[str, str]:
    """The command's stdout and stderr. ``status`` is the exit status it must end with: with 1
    (rows skipped), stderr ends with the CommandError's line, as the ``servicedesk`` CLI prints it.
    """
    out, err = io.StringIO(), io.StringIO()
    if status == 0:
        call_command("import-servicenow", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()
    with pytest.raises(CommandError) as caught:
        call_command("import-servicenow", str(path), stdout=out, stderr=err)
    assert caught.value.returncode == status
    return out.getvalue(), f"{err.getvalue()}CommandError: {caught.value}\n"


def parse_small():
    with open_log(SMALL) as stream:
        return parse_log(stream, tz=UTC)


def events_of(number: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket__external_ref=number).order_by("id"))


def utc(day: int, month: int, hour: int, minute: int) -> datetime:
    return datetime(2016, month, day, hour, minute, tzinfo=UTC)


# ---- the parser, without a database ----------------------------------------------------------


def test_parser_reports_unreadable_rows_with_their_line_numbers():
    log = parse_small()

    assert log.rows == 23
    assert [(p.line, p.reason, p.number) for p in log.problems] == [
        (7, "sys_updated_at '31/2/2016 10:00' is not a day/month/year hours:minutes time",
         "INC0000900"),
        (14, "impact '4 - Extreme' is not a known impact", "INC0000900"),
        (15, "35 columns where the header has 36", "INC0000900"),
    ]  # fmt: skip
    assert log.readable_rows == 20
    # INC0000900's one readable row (line 24) is left out with it.
    assert (log.left_out, log.left_out_rows) == (["INC0000900"], 1)


def test_parser_orders_each_incidents_updates_by_sys_mod_count():
    log = parse_small()

    by_number = {incident.number: incident for incident in log.incidents}
    assert list(by_number) == ["INC0000901", "INC0000902", "INC0000903", "INC0000001"]
    assert [u.mod_count for u in by_number["INC0000901"].updates] == [0, 1, 2, 3, 4]
    assert [u.line for u in by_number["INC0000901"].updates] == [2, 4, 3, 6, 5]


def test_replay_keeps_the_previous_state_for_minus_100():
    incident = next(i for i in parse_small().incidents if i.number == "INC0000903")

    steps = replay(incident)

    assert [s.state for s in steps] == [
        State.NEW, State.IN_PROGRESS, State.IN_PROGRESS, State.AWAITING_VENDOR,
        State.AWAITING_CHANGE, State.RESOLVED,
    ]  # fmt: skip
    assert steps[0].message == ("ServiceNow update 0; the source state is -100 (unknown), kept new")
    assert steps[2].message == (
        "ServiceNow update 2; the source state is -100 (unknown), kept in_progress"
    )
    assert steps[2].changes == {}
    assert steps[3].changes == {
        "state": ["in_progress", "awaiting_vendor"],
        "vendor": [None, "Vendor 1"],
    }


REAL_LINE = (
    "INC0000045,New,true,0,0,0,true,Caller 2403,Opened by  8,29/2/2016 01:16,Created by 6,"
    "29/2/2016 01:23,Updated by 21,29/2/2016 01:23,Phone,Location 143,Category 55,"
    "Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,true,false,"
    "Do Not Notify,?,?,?,?,code 5,Resolved by 149,29/2/2016 11:29,5/3/2016 12:00"
)


def _row(**overrides: str) -> dict[str, str]:
    row = dict(zip(COLUMNS, next(csv.reader([REAL_LINE])), strict=True))
    return row | overrides


def test_parse_row_reads_a_real_row():
    update = parse_row(_row(), line=2, tz=ZoneInfo("Europe/Zurich"))

    assert update.number == "INC0000045"
    assert update.state == State.NEW
    assert update.opened_by == "Opened by  8"
    assert update.opened_at == datetime(2016, 2, 29, 0, 16, tzinfo=UTC)
    assert (update.impact, update.urgency, update.priority) == (2, 2, 3)
    assert update.ci is None
    assert update.knowledge is True


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("incident_state", "Pending", "incident_state 'Pending' is not a known state"),
        ("reopen_count", "-1", "reopen_count '-1' is not a whole number from 0 to 1,000,000"),
        ("made_sla", "yes", "made_sla 'yes' is not true or false"),
        ("urgency", "0 - None", "urgency '0 - None' is not a known urgency"),
        ("priority", "5 - Planning", "priority '5 - Planning' is not a known priority"),
        ("opened_at", "?", "opened_at is missing"),
        ("resolved_at", "2016-02-29 11:29", "resolved_at '2016-02-29 11:29' is not a "
         "day/month/year hours:minutes time"),
        ("number", "?", "number is missing"),
        ("rfc", "C" * 65, "rfc is longer than 64 characters"),
    ],
)  # fmt: skip
def test_parse_row_names_the_bad_column(column, value, reason):
    with pytest.raises(RowUnreadable) as caught:
        parse_row(_row(**{column: value}), line=9, tz=UTC)
    assert str(caught.value) == reason


def test_a_file_without_the_log_columns_is_refused(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("id,title,status\n1,Printer,open\n")

    with open_log(path) as stream, pytest.raises(LogUnreadable) as caught:
        parse_log(stream, tz=UTC)
    assert str(caught.value).startswith(
        "not a ServiceNow incident event log: missing column(s) number, incident_state, active"
    )


def test_a_file_whose_header_is_not_utf8_text_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(HEADER.encode("utf-16") + b"\n")

    with open_log(path) as stream, pytest.raises(LogUnreadable) as caught:
        parse_log(stream, tz=UTC)
    assert str(caught.value) == (
        "line 1, the header: not UTF-8 text (byte 0xff at byte 1 of the line)"
    )


def test_a_zip_without_a_csv_is_refused(tmp_path):
    path = tmp_path / "log.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.md", "nothing here")

    with pytest.raises(LogUnreadable) as caught, open_log(path):
        pass
    assert str(caught.value) == "the zip holds no .csv file (it holds 'README.md')"


# ---- the command on the small log ------------------------------------------------------------


@pytest.mark.django_db
def test_import_builds_tickets_as_the_log_left_them():
    out, err = run_import(SMALL, status=1)

    assert Ticket.objects.count() == 4
    t901 = Ticket.objects.select_related(
        "requester", "reported_by", "assignment_group", "assignee", "category", "subcategory",
        "resolved_by",
    ).get(number="INC0000901")  # fmt: skip
    assert t901.external_ref == "INC0000901"
    assert t901.state == State.CLOSED
    assert t901.channel == Channel.PHONE
    assert (t901.requester.name, t901.requester.role) == ("Caller 11", Role.END_USER)
    assert t901.reported_by.name == "Opened by  3"
    assert (t901.category.name, t901.subcategory.name) == ("Category 2", "Subcategory 5")
    assert t901.subcategory.parent_id == t901.category_id
    assert (t901.assignment_group.name, t901.assignee.name) == ("Group 9", "Resolver 6")
    assert (t901.reassignment_count, t901.reopen_count) == (1, 0)
    assert (t901.impact, t901.urgency, t901.priority) == (2, 2, 3)
    assert t901.knowledge is True
    assert t901.made_sla is True
    assert t901.resolved_by.name == "Resolved by 8"
    assert t901.resolution_code == ""
    assert t901.created_at == utc(1, 3, 9, 0)
    assert t901.updated_at == utc(7, 3, 16, 0)
    assert t901.resolved_at == utc(2, 3, 15, 30)
    assert t901.closed_at == utc(7, 3, 16, 0)
    assert t901.title == "Symptom 9 (Category 2 / Subcategory 5)"
    assert t901.custom_fields == {
        "source": "servicenow", "symptom": "Symptom 9", "location": "Location 7",
        "notify": "Do Not Notify", "priority_confirmation": True, "closed_code": "code 6",
        "contact_type": "Phone", "active": False, "sys_created_by": "Created by 3",
        "sys_created_at": "2016-03-01T09:02:00+00:00",
    }  # fmt: skip

    t902 = Ticket.objects.get(number="INC0000902")
    assert (t902.state, t902.channel, t902.priority) == (State.CLOSED, Channel.EMAIL, 1)
    assert (t902.reassignment_count, t902.reopen_count) == (0, 1)
    assert t902.made_sla is False

    t903 = Ticket.objects.select_related("requester").get(number="INC0000903")
    assert t903.state == State.RESOLVED
    assert t903.channel == Channel.PORTAL
    assert (t903.requester.name, t903.requester.role) == ("Unknown caller", Role.END_USER)
    assert t903.reported_by_id is None
    assert t903.resolution_code == "solved"
    assert t903.custom_fields["closed_code"] == "Solved (Permanently)"
    assert t903.custom_fields["vendor"] == "Vendor 1"
    assert (t903.problem_ref, t903.change_ref) == ("Problem ID  7", "CHG0000123")
    assert t903.closed_at is None

    t001 = Ticket.objects.select_related("configuration_item").get(number="INC0000001")
    assert t001.state == State.AWAITING_USER
    assert t001.channel == Channel.PHONE
    assert t001.configuration_item.name == "cmdb_ci 3"
    assert t001.subcategory_id is None

    assert "incidents created: 4\n" in out
    assert "events created: 19\n" in out
    assert "rows skipped as unreadable: 3\n" in out
    assert "incidents left out for unreadable rows: 1\n" in out
    assert "their readable rows, not imported: 1\n" in out
    assert not Ticket.objects.filter(external_ref="INC0000900").exists()
    assert (
        "servicenow_small.csv: left out because of the unreadable rows, none of their rows "
        "imported: INC0000900\n"
    ) in err
    assert "servicenow_small.csv line 7: sys_updated_at '31/2/2016 10:00'" in err
    assert "servicenow_small.csv line 14: impact '4 - Extreme' is not a known impact" in err
    assert "servicenow_small.csv line 15: 35 columns where the header has 36" in err


@pytest.mark.django_db
def test_import_writes_one_event_per_readable_update_with_what_changed():
    run_import(SMALL, status=1)

    events = events_of("INC0000901")
    assert TicketEvent.objects.count() == 19
    assert {(e.kind, e.channel) for e in TicketEvent.objects.all()} == {
        (EventKind.IMPORTED, Channel.IMPORT)
    }
    assert [e.actor.name for e in events] == [
        "Updated by 3", "Updated by 21", "Updated by 21", "Updated by 22", "Updated by 908",
    ]  # fmt: skip
    assert [e.created_at for e in events] == [
        utc(1, 3, 9, 2),
        utc(1, 3, 9, 40),
        utc(1, 3, 11, 5),
        utc(2, 3, 15, 30),
        utc(7, 3, 16, 0),
    ]
    assert events[0].changes == {
        "state": [None, "new"], "channel": [None, "phone"], "requester": [None, "Caller 11"],
        "reported_by": [None, "Opened by  3"], "category": [None, "Category 2"],
        "subcategory": [None, "Category 2 > Subcategory 5"], "impact": [None, 2],
        "urgency": [None, 2], "priority": [None, 3], "assignment_group": [None, "Group 4"],
        "reassignment_count": [None, 0], "reopen_count": [None, 0], "knowledge": [None, False],
        "made_sla": [None, True], "resolved_by": [None, "Resolved by 8"],
        "resolved_at": [None, "2016-03-02T15:30:00+00:00"],
        "closed_at": [None, "2016-03-07T16:00:00+00:00"], "symptom": [None, "Symptom 9"],
        "location": [None, "Location 7"], "notify": [None, "Do Not Notify"],
        "priority_confirmation": [None, False], "closed_code": [None, "code 6"],
    }  # fmt: skip
    assert [e.changes for e in events[1:]] == [
        {"state": ["new", "in_progress"], "assignee": [None, "Resolver 5"]},
        {
            "assignment_group": ["Group 4", "Group 9"],
            "assignee": ["Resolver 5", "Resolver 6"],
            "reassignment_count": [0, 1],
        },
        {"state": ["in_progress", "resolved"], "knowledge": [False, True]},
        {"state": ["resolved", "closed"], "priority_confirmation": [False, True]},
    ]
    assert events[2].message == "ServiceNow update 2"

    reopen = events_of("INC0000902")
    assert len(reopen) == 6
    assert reopen[3].changes == {"state": ["resolved", "in_progress"], "reopen_count": [0, 1]}
    assert reopen[5].changes == {"state": ["resolved", "closed"], "made_sla": [True, False]}

    unknown = events_of("INC0000903")
    assert unknown[0].changes["state"] == [None, "new"]
    assert unknown[0].changes["requester"] == [None, "Unknown caller"]
    assert unknown[0].changes["resolution_code"] == [None, "solved"]
    assert "reported_by" not in unknown[0].changes
    assert unknown[2].changes == {}
    assert unknown[2].message.endswith("the source state is -100 (unknown), kept in_progress")


@pytest.mark.django_db
def test_import_labels_the_source_values_it_keeps_and_leaves_admin_labels_alone():
    CustomField.objects.create(key="location", label="Site")
    run_import(SMALL, status=1)
    labels = dict(CustomField.objects.values_list("key", "label"))
    assert labels["symptom"] == "Symptom"
    assert labels["location"] == "Site"
    assert CustomField.objects.get(key="active").type == "boolean"
    run_import(SMALL, status=1)
    assert CustomField.objects.count() == len(labels)


@pytest.mark.django_db
def test_import_creates_people_groups_and_categories_once():
    out, _ = run_import(SMALL, status=1)

    assert User.objects.count() == 13
    assert set(User.objects.filter(role=Role.END_USER).values_list("display_name", flat=True)) == {
        "Caller 11", "Caller 12", "Unknown caller",
    }  # fmt: skip
    resolver = User.objects.get(display_name="Resolver 6")
    assert (resolver.username, resolver.role) == ("resolver-6", Role.AGENT)
    assert not resolver.has_usable_password()
    assert User.objects.get(display_name="Opened by  3").username == "opened-by-3"
    assert set(SupportGroup.objects.values_list("name", "tier")) == {
        ("Group 4", Tier.L2), ("Group 9", Tier.L2),
    }  # fmt: skip
    assert set(Membership.objects.values_list("group__name", "user__display_name")) == {
        ("Group 4", "Resolver 5"), ("Group 9", "Resolver 6"),
    }  # fmt: skip
    assert set(Category.objects.values_list("parent__name", "name")) == {
        (None, "Category 2"), (None, "Category 3"), ("Category 2", "Subcategory 5"),
        ("Category 2", "Subcategory 6"), ("Category 3", "Subcategory 5"),
    }  # fmt: skip
    assert list(ConfigurationItem.objects.values_list("name", flat=True)) == ["cmdb_ci 3"]
    assert NumberSequence.objects.get(kind="incident").last == 903
    assert "users created: 13\n" in out
    assert "subcategories created: 3\n" in out
    # Membership is what lets an agent see the tickets of their groups.
    assert set(visible_tickets(resolver).values_list("number", flat=True)) == {
        "INC0000901", "INC0000001",
    }  # fmt: skip


@pytest.mark.django_db
def test_a_second_import_adds_nothing(tmp_path):
    run_import(SMALL, status=1)
    before = [
        m.objects.count()
        for m in (Ticket, TicketEvent, User, SupportGroup, Membership, Category, ConfigurationItem)
    ]
    archive = tmp_path / "servicenow_small.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SMALL, "incident_event_log.csv")

    out, _ = run_import(archive, status=1)

    after = [
        m.objects.count()
        for m in (Ticket, TicketEvent, User, SupportGroup, Membership, Category, ConfigurationItem)
    ]
    assert after == before
    assert "incidents created: 0\n" in out
    assert "incidents skipped as already imported: 4\n" in out
    assert "events created: 0\n" in out
    assert NumberSequence.objects.get(kind="incident").last == 903


@pytest.mark.django_db
def test_a_number_taken_by_a_desk_ticket_gets_a_new_one(requester_ann):
    desk_ticket = make_ticket(requester=requester_ann)
    assert desk_ticket.number == "INC0000001"

    out, _ = run_import(SMALL, status=1)

    imported = Ticket.objects.get(external_ref="INC0000001", custom_fields__source="servicenow")
    assert imported.number == "INC0000904"
    assert Ticket.objects.get(number="INC0000001").requester == requester_ann
    assert NumberSequence.objects.get(kind="incident").last == 904
    assert "incidents renumbered (number taken by another ticket): 1\n" in out

    out, _ = run_import(SMALL, status=1)
    assert "incidents skipped as already imported: 4\n" in out
    assert Ticket.objects.count() == 5


@pytest.mark.django_db
def test_times_are_read_in_the_desks_time_zone(settings):
    settings.TIME_ZONE = "Europe/Zurich"

    run_import(SMALL, status=1)

    ticket = Ticket.objects.get(number="INC0000903")
    # 31/3/2016 23:50 in Zurich (summer time, +02:00).
    assert ticket.created_at == datetime(2016, 3, 31, 21, 50, tzinfo=UTC)
    assert Ticket.objects.get(number="INC0000901").created_at == utc(1, 3, 8, 0)


@pytest.mark.django_db
def test_a_file_that_is_not_the_log_exits_with_2(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("number,title\nINC1,Printer\n")

    with pytest.raises(CommandError) as caught:
        run_import(path)
    assert caught.value.returncode == 2
    assert "missing column(s) incident_state" in str(caught.value)

    with pytest.raises(CommandError) as caught:
        run_import(tmp_path / "absent.zip")
    assert caught.value.returncode == 2
    assert Ticket.objects.count() == 0


def test_the_cli_says_one_line_and_exits_2_for_a_missing_file(tmp_path):
    env = {"SERVICEDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "import-servicenow", str(tmp_path / "absent.csv")],
        capture_output=True, text=True, env=env, cwd=Path(__file__).parents[3], timeout=60,
    )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'absent.csv'}: no such file"
    ]
    assert done.stdout == ""


# ---- hostile files -----------------------------------------------------------------------------

NOT_OUR_NUMBER = "is not INC followed by 1 to 10 digits"
UNBALANCED = (
    "unbalanced quote: a quoted field does not end on its line "
    "(the log's fields hold no line breaks)"
)


def log_line(**overrides: str) -> str:
    """A row of the real log with some columns replaced, written without quoting."""
    return ",".join(_row(**overrides).values())


def numbered(count: int) -> list[str]:
    return [log_line(number=f"INC{n:07d}") for n in range(1, count + 1)]


def write_log(path: Path, *lines: str | bytes, header: str = HEADER, end: bytes = b"\n") -> Path:
    encoded = [line if isinstance(line, bytes) else line.encode() for line in (header, *lines)]
    path.write_bytes(end.join(encoded) + end)
    return path


def zip_of(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def parse_file(path: Path):
    with open_log(path) as stream:
        return parse_log(stream, tz=UTC)


def problems_in(path: Path) -> list[tuple[int, str]]:
    return [(problem.line, problem.reason) for problem in parse_file(path).problems]


def refused(path: Path) -> str:
    """The one line a file the command cannot read at all ends with (exit code 2)."""
    with pytest.raises(CommandError) as caught:
        run_import(path)
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    return message


def database_state() -> list:
    models = (Ticket, TicketEvent, User, SupportGroup, Membership, Category, ConfigurationItem)
    return [m.objects.count() for m in models] + list(NumberSequence.objects.values_list())


@pytest.mark.parametrize(
    "number",
    ["INC99999999999999999", "INC12345678901", "INC", "inc0000001", "REQ0000001", "INC٠١٢",
     "INC 12", "INC12\x00"],
)  # fmt: skip
def test_parse_row_refuses_a_number_outside_our_numbering(number):
    with pytest.raises(RowUnreadable) as caught:
        parse_row(_row(number=number), line=2, tz=UTC)
    assert str(caught.value) == f"number {number!r} {NOT_OUR_NUMBER}"


@pytest.mark.django_db
def test_a_serial_too_long_for_our_numbers_is_skipped_and_never_bumps_the_sequence(
    tmp_path, requester_ann
):
    path = write_log(
        tmp_path / "log.csv",
        log_line(number="INC9999999999"),
        log_line(number="INC0000005"),
        log_line(number="INC99999999999999999"),
        log_line(number="INC0000006"),
    )

    out, err = run_import(path, status=1)

    assert f"log.csv line 4: number 'INC99999999999999999' {NOT_OUR_NUMBER}; row skipped" in err
    # Its number is not one of ours, so its incident is one of those around it.
    assert "imported: INC0000005, INC0000006\n" in err
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC9999999999"]
    assert NumberSequence.objects.get(kind="incident").last == 9_999_999_999
    # The desk counts on from the highest ten-digit serial and stays within the 20 characters
    # of Ticket.number and the API's route pattern (three letters, at most 17 digits).
    desk_ticket = make_ticket(requester=requester_ann)
    assert desk_ticket.number == "INC10000000000"
    assert re.fullmatch("[A-Za-z]{3}[0-9]{1,17}", desk_ticket.number)


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("reassignment_count", "9" * 30, repr("9" * 30)),
        ("reopen_count", "9" * 5000, f"{'9' * 40!r}... (5,000 characters)"),
        ("sys_mod_count", "1000001", "'1000001'"),
        ("reassignment_count", "１２", "'１２'"),
        ("sys_mod_count", "", "''"),
    ],
)
def test_parse_row_refuses_counts_out_of_range(column, value, shown):
    with pytest.raises(RowUnreadable) as caught:
        parse_row(_row(**{column: value}), line=2, tz=UTC)
    assert str(caught.value) == f"{column} {shown} is not a whole number from 0 to 1,000,000"


def test_parse_row_takes_counts_up_to_a_million():
    update = parse_row(_row(reassignment_count="1000000", sys_mod_count="0000007"), line=2, tz=UTC)
    assert (update.reassignment_count, update.mod_count) == (1_000_000, 7)


def test_parse_row_refuses_years_the_database_cannot_store():
    with pytest.raises(RowUnreadable) as caught:
        parse_row(_row(opened_at="1/1/0001 00:30"), line=2, tz=ZoneInfo("Europe/Zurich"))
    assert str(caught.value) == "opened_at '1/1/0001 00:30' is not in the years 1900 to 2999"


@pytest.mark.django_db
def test_huge_counts_skip_their_rows_and_the_rest_is_imported(tmp_path):
    first, second, third = numbered(3)
    path = write_log(
        tmp_path / "log.csv",
        log_line(number="INC0000001", reassignment_count="9" * 30),
        log_line(number="INC0000002", reopen_count="9" * 5000),
        third,
    )

    out, err = run_import(path, status=1)

    assert "log.csv line 2: reassignment_count '999999999999999999999999999999' is not" in err
    assert "log.csv line 3: reopen_count '9999999999999999999999999999999999999999'..." in err
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC0000003"]
    assert "rows skipped as unreadable: 2\n" in out


@pytest.mark.django_db
def test_a_failure_in_the_writer_leaves_the_database_as_it_was(monkeypatch, requester_ann):
    make_ticket(requester=requester_ann)  # INC0000001: the import must renumber its own
    before = database_state()
    real_insert = servicenow_write.insert_rows

    def insert_then_fail(model, rows):
        if model is TicketEvent:  # tickets, people, groups and the sequence are written by now
            raise DatabaseError("disk I/O error")
        real_insert(model, rows)

    monkeypatch.setattr(servicenow_write, "insert_rows", insert_then_fail)

    with pytest.raises(CommandError) as caught:
        run_import(SMALL)

    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "the database refused the import (disk I/O error); 0 of 4 incidents were imported "
        "before that batch, nothing of it was written; run the import again to carry on"
    )
    assert database_state() == before
    assert NumberSequence.objects.get(kind="incident").last == 1


@pytest.mark.django_db
def test_a_failed_batch_keeps_the_batches_before_it_whole_and_a_rerun_carries_on(monkeypatch):
    log = parse_small()
    real_insert = servicenow_write.insert_rows
    event_batches = []

    def fail_second_batch(model, rows):
        if model is TicketEvent:
            event_batches.append(len(rows))
            if len(event_batches) == 2:
                raise DatabaseError("database is locked")
        real_insert(model, rows)

    monkeypatch.setattr(servicenow_write, "insert_rows", fail_second_batch)

    with pytest.raises(ImportStopped) as caught:
        servicenow_import(log=log, batch=2)

    assert caught.value.done == 2
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [
        "INC0000901", "INC0000902",
    ]  # fmt: skip
    assert TicketEvent.objects.count() == 11
    # Only what the first batch names: INC0000903's caller and INC0000001's CI are not there.
    assert not User.objects.filter(display_name="Unknown caller").exists()
    assert ConfigurationItem.objects.count() == 0
    assert NumberSequence.objects.get(kind="incident").last == 903

    monkeypatch.undo()
    summary = servicenow_import(log=log, batch=2)

    assert (summary.incidents_created, summary.incidents_skipped) == (2, 2)
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == (4, 19)
    assert User.objects.count() == 13


@pytest.mark.django_db
@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_zip_member_with_damaged_bytes_exits_2_with_one_line(tmp_path, compression):
    path = zip_of(tmp_path / "log.zip", {"incident_event_log.csv": SMALL.read_bytes()}, compression)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("incident_event_log.csv")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(data)

    message = refused(path)

    assert message.startswith(f"{path}: 'incident_event_log.csv' in the zip is damaged (")
    assert ("Bad CRC-32" in message) == (compression == zipfile.ZIP_STORED)
    assert Ticket.objects.count() == User.objects.count() == 0


@pytest.mark.django_db
def test_a_password_protected_zip_exits_2_with_one_line(tmp_path):
    path = zip_of(tmp_path / "log.zip", {"incident_event_log.csv": SMALL.read_bytes()})
    data = bytearray(path.read_bytes())
    # zipfile cannot encrypt; an encrypted member is one whose headers carry flag bit 0.
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + flags_at] |= 1
    path.write_bytes(data)

    assert refused(path) == (
        f"{path}: 'incident_event_log.csv' in the zip is password-protected; "
        "extract it and import the CSV"
    )


@pytest.mark.django_db
def test_a_truncated_zip_exits_2_saying_so(tmp_path):
    path = zip_of(tmp_path / "log.zip", {"incident_event_log.csv": SMALL.read_bytes()})
    path.write_bytes(path.read_bytes()[:-200])

    assert refused(path) == (
        f"{path}: not a readable zip file, it may be truncated or damaged (File is not a zip file)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "members",
    [
        {"notes.csv": b"a,b\n", "export/incident_event_log.csv": b"", "README.md": b"hi"},
        {"README.md": b"hi", "servicenow_small.csv": b""},
    ],
)
def test_a_zip_with_several_members_imports_the_log_by_name_or_the_only_csv(tmp_path, members):
    members = {name: data or SMALL.read_bytes() for name, data in members.items()}
    out, _ = run_import(zip_of(tmp_path / "log.zip", members), status=1)

    assert "incidents created: 4\n" in out


@pytest.mark.django_db
def test_a_zip_with_several_csvs_none_named_like_the_log_exits_2_naming_them(tmp_path):
    path = zip_of(tmp_path / "log.zip", {"a.csv": b"x\n", "b.csv": b"y\n", "c.txt": b""})

    assert refused(path) == (
        f"{path}: the zip holds several .csv files and none is named incident_event_log.csv: "
        "'a.csv', 'b.csv'"
    )


@pytest.mark.corpus
def test_real_log_fields_hold_no_line_breaks_or_quotes(corpus):
    """What reading one row per line rests on."""
    path = corpus / "servicenow" / "incident_event_log.csv.zip"
    with zipfile.ZipFile(path) as archive:
        data = archive.read("incident_event_log.csv")
    assert (data.count(b'"'), data.count(b"\r")) == (0, 0)
    assert data.count(b"\n") == 119999


@pytest.mark.django_db
def test_an_unclosed_quote_spoils_only_its_own_line(tmp_path):
    lines = numbered(12)
    lines[1] = log_line(number="INC0000002", caller_id='"Caller 2')  # line 3 of 13
    path = write_log(tmp_path / "log.csv", *lines)

    out, err = run_import(path, status=1)

    assert f"log.csv line 3: {UNBALANCED}; row skipped" in err
    assert "rows skipped as unreadable: 1\n" in out
    assert Ticket.objects.count() == 11
    assert not Ticket.objects.filter(number="INC0000002").exists()


def test_a_quoted_field_with_a_line_break_is_reported_where_it_starts(tmp_path):
    first, second, third, fourth = numbered(4)
    broken = log_line(number="INC0000002", caller_id='"Caller\n2"')
    path = write_log(tmp_path / "log.csv", first, broken, third, fourth)

    log = parse_file(path)

    assert [(p.line, p.reason[:40], p.number) for p in log.problems] == [
        (3, UNBALANCED[:40], "INC0000002"),
        (4, "29 columns where the header has 36", None),
    ]
    # Line 4 starts with '2"', no incident number: it may be a row of the incident above or
    # below it, so both are left out.
    assert log.left_out == ["INC0000002", "INC0000003"]
    assert [i.number for i in log.incidents] == ["INC0000001", "INC0000004"]
    assert [u.line for i in log.incidents for u in i.updates] == [2, 6]


def test_well_quoted_fields_and_crlf_line_ends_are_read(tmp_path):
    path = write_log(
        tmp_path / "log.csv",
        log_line(caller_id='"Caller, 7"'),
        log_line(number="INC0000046", caller_id='"Caller ""8"""'),
        end=b"\r\n",
    )

    log = parse_file(path)

    assert log.problems == []
    assert [i.updates[0].caller for i in log.incidents] == ["Caller, 7", 'Caller "8"']


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (log_line(caller_id='"Caller" 7'), "quotes out of place (',' expected after '\"')"),
        (log_line(caller_id="Caller\r7"), "a carriage return inside the row (the log's fields "
         "hold no line breaks)"),
    ],
)  # fmt: skip
def test_other_broken_lines_are_reported(tmp_path, line, reason):
    path = write_log(tmp_path / "log.csv", line, numbered(1)[0])

    assert problems_in(path) == [(2, reason)]


@pytest.mark.django_db
def test_a_line_that_is_not_utf8_is_reported_and_skipped(tmp_path):
    lines: list[str | bytes] = list(numbered(5))
    latin1 = log_line(number="INC0000003", caller_id="Caller Müller").encode("latin-1")
    lines[2] = latin1  # line 4
    lines[4] = log_line(number="INC0000005", caller_id="Caller Müller")  # UTF-8 is fine
    path = write_log(tmp_path / "log.csv", *lines)

    out, err = run_import(path, status=1)

    column = latin1.index(b"\xfc") + 1
    assert f"log.csv line 4: not UTF-8 text (byte 0xfc at byte {column} of the line)" in err
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [
        "INC0000001", "INC0000002", "INC0000004", "INC0000005",
    ]  # fmt: skip
    assert User.objects.get(display_name="Caller Müller").role == Role.END_USER


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{REAL_LINE}\n".encode())

    log = parse_file(path)

    assert (log.rows, log.problems, log.incidents[0].number) == (1, [], "INC0000045")


@pytest.mark.django_db
def test_a_huge_field_skips_its_row_and_the_rest_is_imported(tmp_path):
    first, second, third, fourth = numbered(4)
    path = write_log(
        tmp_path / "log.csv",
        first,
        log_line(number="INC0000002", u_symptom="x" * 200_000),
        log_line(number="INC0000003", u_symptom=f'"{"x" * 200_000}"'),
        "y" * 3_000_000,
        fourth,
    )

    out, err = run_import(path, status=1)

    assert err.splitlines()[:4] == [
        "log.csv line 3: u_symptom is 200,000 characters long, more than 10,000; row skipped",
        "log.csv line 4: a quoted field is longer than 131,072 characters; row skipped",
        "log.csv line 5: the line is longer than 1,048,576 bytes; row skipped (its incident "
        "number cannot be read, so the incidents of the rows before and after it are left out)",
        "log.csv: left out because of the unreadable rows, none of their rows imported: "
        "INC0000002, INC0000003, INC0000004",
    ]
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC0000001"]


@pytest.mark.parametrize(
    ("column", "value", "what"),
    [
        ("caller_id", "Caller\x00 7", "a control character (U+0000)"),
        ("assignment_group", "Group\x1b[31m 5", "a control character (U+001B)"),
        ("subcategory", "Sub\t5", "a control character (U+0009)"),
        ("category", "Category\u20285", "a line break (U+2028)"),
        ("opened_by", "Opened by 8\x0b", "a line break (U+000B)"),  # not stripped away
    ],
)
def test_parse_row_refuses_control_characters_in_names(column, value, what):
    with pytest.raises(RowUnreadable) as caught:
        parse_row(_row(**{column: value}), line=2, tz=UTC)
    assert str(caught.value) == f"{column} holds {what}"


def test_parse_row_keeps_no_break_spaces_and_accents_in_names():
    update = parse_row(_row(caller_id="Zoë\xa0Müller"), line=2, tz=UTC)
    assert update.caller == "Zoë\xa0Müller"


@pytest.mark.django_db
def test_a_nul_in_a_group_name_skips_the_row_and_creates_no_group(tmp_path):
    first, second = numbered(2)
    path = write_log(tmp_path / "log.csv", log_line(assignment_group="Group\x005"), second)

    out, err = run_import(path, status=1)

    assert "log.csv line 2: assignment_group holds a control character (U+0000)" in err
    assert list(SupportGroup.objects.values_list("name", flat=True)) == ["Group 56"]
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC0000002"]


@pytest.mark.django_db
def test_a_header_naming_a_column_twice_exits_2(tmp_path):
    path = write_log(tmp_path / "log.csv", f"{REAL_LINE},extra", header=f"{HEADER},number")

    assert refused(path) == f"{path}: the header names column(s) number more than once"
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_file_exits_2(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"")

    assert refused(path) == f"{path}: the file is empty"


# ---- an unreadable row leaves its whole incident out -------------------------------------------


def updates_of(number: str, count: int, **bad: str) -> list[str]:
    """``count`` rows of one incident, update 0 to count - 1; the ``bad`` columns in update 4."""
    rows = [
        {"number": number, "sys_mod_count": str(mod), "sys_updated_at": f"{mod + 1}/3/2016 10:00"}
        for mod in range(count)
    ]
    if bad:
        rows[4] |= bad
    return [log_line(**row) for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"sys_updated_at": "31/2/2016 10:00"},
         "sys_updated_at '31/2/2016 10:00' is not a day/month/year hours:minutes time"),
        ({"reassignment_count": "two"},
         "reassignment_count 'two' is not a whole number from 0 to 1,000,000"),
        ({"impact": "4 - Extreme"}, "impact '4 - Extreme' is not a known impact"),
        ({"caller_id": '"Caller 2'}, UNBALANCED),
        (None, "35 columns where the header has 36"),  # the last column cut off
    ],
)  # fmt: skip
def test_an_incident_with_an_unreadable_row_is_left_out_and_a_corrected_file_adds_it(
    tmp_path, bad, reason
):
    broken = updates_of("INC0000007", 8, **(bad or {}))
    if bad is None:
        broken[4] = broken[4].rsplit(",", 1)[0]
    path = write_log(tmp_path / "log.csv", numbered(1)[0], *broken, numbered(9)[-1])

    out, err = run_import(path, status=1)

    # Line 7 is update 4 of INC0000007; none of its eight updates is imported.
    assert err.splitlines()[:2] == [
        f"log.csv line 7: {reason}; row skipped",
        "log.csv: left out because of the unreadable rows, none of their rows imported: INC0000007",
    ]
    assert err.splitlines()[-1] == (
        f"CommandError: {path}: 1 unreadable row skipped and 1 incident left out; correct the "
        "rows and run the import again to add them"
    )
    assert sorted(Ticket.objects.values_list("number", flat=True)) == ["INC0000001", "INC0000009"]
    assert "incidents created: 2\n" in out
    assert "rows skipped as unreadable: 1\n" in out
    assert "incidents left out for unreadable rows: 1\n" in out
    assert "their readable rows, not imported: 7\n" in out
    assert "events created: 2\n" in out

    write_log(path, numbered(1)[0], *updates_of("INC0000007", 8), numbered(9)[-1])
    out, err = run_import(path)

    assert "incidents created: 1\n" in out
    assert "incidents skipped as already imported: 2\n" in out
    assert "rows skipped as unreadable: 0\n" in out
    assert "incidents left out for unreadable rows: 0\n" in out
    assert [e.message for e in events_of("INC0000007")] == [
        f"ServiceNow update {mod}" for mod in range(8)
    ]
    assert Ticket.objects.count() == 3


@pytest.mark.django_db
def test_every_unreadable_row_is_reported_and_every_incident_of_theirs_left_out(tmp_path):
    path = write_log(
        tmp_path / "log.csv",
        *updates_of("INC0000007", 6, impact="9 - Odd"),
        *updates_of("INC0000008", 3),
        *updates_of("INC0000009", 5, urgency="9 - Odd"),
        *updates_of("INC0000010", 2),
        log_line(number="?"),  # line 18: whose row it is cannot be told
        *updates_of("INC0000011", 2),
    )

    out, err = run_import(path, status=1)

    assert err.splitlines()[:4] == [
        "log.csv line 6: impact '9 - Odd' is not a known impact; row skipped",
        "log.csv line 15: urgency '9 - Odd' is not a known urgency; row skipped",
        "log.csv line 18: number is missing; row skipped (its incident number cannot be read, "
        "so the incidents of the rows before and after it are left out)",
        "log.csv: left out because of the unreadable rows, none of their rows imported: "
        "INC0000007, INC0000009, INC0000010, INC0000011",
    ]
    assert err.splitlines()[-1].startswith(
        f"CommandError: {path}: 3 unreadable rows skipped and 4 incidents left out;"
    )
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC0000008"]
    assert "their readable rows, not imported: 13\n" in out


@pytest.mark.django_db
def test_a_left_out_number_is_kept_free_for_the_run_that_imports_it(tmp_path, requester_ann):
    path = write_log(
        tmp_path / "log.csv", numbered(1)[0], log_line(number="INC0000050", made_sla="maybe")
    )
    run_import(path, status=1)

    desk_ticket = make_ticket(requester=requester_ann)
    assert desk_ticket.number == "INC0000051"

    write_log(path, numbered(1)[0], log_line(number="INC0000050"))
    run_import(path)

    assert Ticket.objects.get(external_ref="INC0000050").number == "INC0000050"


@pytest.mark.django_db
def test_a_log_read_whole_exits_0_and_says_nothing_was_skipped(tmp_path):
    out, err = run_import(write_log(tmp_path / "log.csv", *numbered(3)))

    assert "incidents created: 3\n" in out
    assert "rows skipped as unreadable: 0\n" in out
    assert "left out" not in err


# ---- resolved and closed only when the log's last state says so -------------------------------


@pytest.mark.django_db
def test_resolution_fields_are_kept_only_on_resolved_and_closed_tickets(tmp_path):
    # Like the real log, every row carries the incident's resolved_by, resolved_at, closed_at.
    def rows(number: str, *states: str) -> list[str]:
        return [
            log_line(number=number, incident_state=state, sys_mod_count=str(mod))
            for mod, state in enumerate(states)
        ]

    path = write_log(
        tmp_path / "log.csv",
        *rows("INC0000001", "New"),
        *rows("INC0000002", "New", "Active", "Resolved", "Active"),
        *rows("INC0000003", "New", "Awaiting User Info", "-100"),
        *rows("INC0000004", "New", "Resolved"),
        *rows("INC0000005", "New", "Resolved", "-100"),
        *rows("INC0000006", "New", "Resolved", "Closed"),
    )

    run_import(path)

    tickets = Ticket.objects.order_by("number").values_list(
        "number", "state", "resolved_by__display_name", "resolved_at", "closed_at"
    )
    resolved, closed = utc(29, 2, 11, 29), utc(5, 3, 12, 0)
    assert list(tickets) == [
        ("INC0000001", State.NEW, None, None, None),
        ("INC0000002", State.IN_PROGRESS, None, None, None),
        ("INC0000003", State.AWAITING_USER, None, None, None),
        ("INC0000004", State.RESOLVED, "Resolved by 149", resolved, None),
        ("INC0000005", State.RESOLVED, "Resolved by 149", resolved, None),
        ("INC0000006", State.CLOSED, "Resolved by 149", resolved, closed),
    ]


# ---- the real log ----------------------------------------------------------------------------


def _read_counts(path: Path) -> tuple[int, dict[str, tuple[int, int]]]:
    """The number of rows, and (reassignment_count, reopen_count) of each incident's last
    update, read with csv alone."""
    last: dict[str, tuple[int, int, int]] = {}
    rows = 0
    with zipfile.ZipFile(path) as archive, archive.open("incident_event_log.csv") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        header = next(reader)
        number, mods = header.index("number"), header.index("sys_mod_count")
        reassigned, reopened = header.index("reassignment_count"), header.index("reopen_count")
        for row in reader:
            rows += 1
            mod = int(row[mods])
            if row[number] not in last or mod >= last[row[number]][0]:
                last[row[number]] = (mod, int(row[reassigned]), int(row[reopened]))
    return rows, {key: (r, o) for key, (_, r, o) in last.items()}


@pytest.mark.corpus
@pytest.mark.django_db
def test_the_real_log_imports_whole_and_once(corpus):
    path = corpus / "servicenow" / "incident_event_log.csv.zip"
    rows, expected = _read_counts(path)

    out, err = run_import(path)

    assert Ticket.objects.count() == 20769 == len(expected)
    per_priority = Ticket.objects.values_list("priority").annotate(n=Count("id"))
    assert dict(per_priority) == {
        1: 220, 2: 337, 3: 19554, 4: 658,
    }  # fmt: skip
    counts = {
        ref: (reassigned, reopened)
        for ref, reassigned, reopened in Ticket.objects.values_list(
            "external_ref", "reassignment_count", "reopen_count"
        )
    }
    assert counts == expected
    # Every row of the real log is readable, so every row is one event.
    assert "rows skipped as unreadable: 0\n" in out
    assert TicketEvent.objects.filter(kind=EventKind.IMPORTED).count() == rows == 119998
    assert "imported 20769/20769 incidents" in err
    assert NumberSequence.objects.get(kind="incident").last == max(
        int(number[3:]) for number in expected
    )
    # Its rows carry resolution times and a resolver, but its last state is new.
    assert Ticket.objects.filter(external_ref="INC0029233").values_list(
        "state", "resolved_at", "closed_at", "resolved_by"
    ).get() == (State.NEW, None, None, None)
    assert not Ticket.objects.exclude(state__in=[State.RESOLVED, State.CLOSED]).exclude(
        resolved_at=None, closed_at=None, resolved_by=None
    )

    out, _ = run_import(path)

    assert "incidents created: 0\n" in out
    assert "incidents skipped as already imported: 20769\n" in out
    assert Ticket.objects.count() == 20769
    assert TicketEvent.objects.count() == 119998
