"""Keyset pages: every row once, in order, forwards and backwards, in any ordering."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F

from servicedesk.core.errors import ValidationFailed
from servicedesk.core.keyset import Keyset, Page, page_size, paginate
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket

START = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)  # the night the clocks go forward in Europe
TITLES = ("Mail ~ down", "100% disk", "Mail ~ down", "VPN", "%7E", "VPN", "a~b%25", "Printer")
ORDERINGS = [
    ("-created_at", "-id"),
    ("created_at", "id"),
    ("priority", "id"),
    ("-priority", "-id"),
    ("-priority", "created_at", "-id"),  # columns running in opposite directions
    ("title", "id"),  # text that holds the cursor's separator and escapes
    ("requester", "-id"),  # a foreign key pages by its id
    ("-number",),  # a unique column alone
]


@pytest.fixture
def tickets(requester_ann, requester_bob, time_machine):
    """Twelve tickets, three to each creation second, with few priorities and repeated titles."""
    made = []
    for i in range(12):
        time_machine.move_to(START + timedelta(seconds=i // 3), tick=False)
        made.append(
            make_ticket(
                requester=requester_ann if i % 2 else requester_bob,
                title=TITLES[i % len(TITLES)],
                impact=1 + i % 3,
                urgency=1 + i % 2,
            )
        )
    return made


def _walk(keyset: Keyset, size: int) -> list[Page]:
    pages = [paginate(Ticket.objects.all(), keyset, size=size)]
    while pages[-1].next_cursor:
        assert len(pages) <= 12, "the walk goes round in circles"
        pages.append(paginate(Ticket.objects.all(), keyset, after=pages[-1].next_cursor, size=size))
    return pages


def _walk_back(keyset: Keyset, size: int, last: Page) -> list[Page]:
    pages = [last]
    while pages[0].prev_cursor:
        assert len(pages) <= 12, "the walk goes round in circles"
        pages.insert(
            0, paginate(Ticket.objects.all(), keyset, before=pages[0].prev_cursor, size=size)
        )
    return pages


def _ids(pages: list[Page]) -> list[list[int]]:
    return [[t.pk for t in page.rows] for page in pages]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("size", [1, 5, 12])
def test_pages_hold_every_row_once_in_order_both_ways(tickets, ordering, size):
    keyset = Keyset(Ticket, ordering)
    expected = list(Ticket.objects.order_by(*keyset.order_by()).values_list("pk", flat=True))
    assert len(set(expected)) == 12

    pages = _walk(keyset, size)
    assert [len(p.rows) for p in pages] == [size] * (12 // size) + (
        [12 % size] if 12 % size else []
    )
    assert sum(_ids(pages), []) == expected
    assert pages[0].prev_cursor is None
    assert pages[-1].next_cursor is None

    back = _walk_back(keyset, size, pages[-1])
    assert _ids(back) == _ids(pages)
    assert back[0].prev_cursor is None
    assert back[0].next_cursor == pages[0].next_cursor


@pytest.mark.django_db
def test_ties_in_the_leading_column_are_broken_by_the_last(tickets):
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    first = paginate(Ticket.objects.all(), keyset, size=4)
    # The page ends in the middle of a second that three tickets share.
    assert [t.created_at for t in first.rows].count(first.rows[-1].created_at) == 1
    second = paginate(Ticket.objects.all(), keyset, after=first.next_cursor, size=4)
    assert second.rows[0].created_at == first.rows[-1].created_at
    assert second.rows[0].pk < first.rows[-1].pk


@pytest.mark.django_db
def test_mixed_directions_follow_each_column(tickets):
    rows = sum((p.rows for p in _walk(Keyset(Ticket, ("-priority", "created_at", "-id")), 5)), [])
    expected = sorted(tickets, key=lambda t: (-t.priority, t.created_at, -t.pk))
    assert [t.pk for t in rows] == [t.pk for t in expected]


@pytest.mark.django_db
def test_an_annotated_column_pages_like_a_model_one(tickets):
    # As the desk's SLA queues sort by a due time the queryset annotates.
    qs = Ticket.objects.annotate(
        due=ExpressionWrapper(F("created_at") + timedelta(hours=1), output_field=DateTimeField())
    )
    keyset = Keyset(Ticket, ("-due", "id"), annotations={"due": DateTimeField()})
    pages = [paginate(qs, keyset, size=5)]
    while pages[-1].next_cursor:
        pages.append(paginate(qs, keyset, after=pages[-1].next_cursor, size=5))
    back = paginate(qs, keyset, before=pages[-1].prev_cursor, size=5)
    expected = sorted(tickets, key=lambda t: (-t.created_at.timestamp(), t.pk))
    assert [t.pk for p in pages for t in p.rows] == [t.pk for t in expected]
    assert [t.pk for t in back.rows] == [t.pk for t in pages[-2].rows]
    with pytest.raises(ValidationFailed):
        keyset.decode("not a time~1")


@pytest.mark.django_db
def test_first_last_and_empty_pages(tickets):
    keyset = Keyset(Ticket, ("created_at", "id"))
    whole = paginate(Ticket.objects.all(), keyset, size=12)
    # A page that ends exactly at the last row knows there is no more (it reads one row extra).
    assert (len(whole.rows), whole.next_cursor, whole.prev_cursor) == (12, None, None)

    last = paginate(Ticket.objects.all(), keyset, after=keyset.encode(tickets[-2]), size=5)
    assert [t.pk for t in last.rows] == [tickets[-1].pk]
    assert last.next_cursor is None
    assert last.prev_cursor == keyset.encode(tickets[-1])

    beyond = paginate(Ticket.objects.all(), keyset, after=keyset.encode(tickets[-1]), size=5)
    assert beyond == Page(rows=[], next_cursor=None, prev_cursor=None)
    before_all = paginate(Ticket.objects.all(), keyset, before=keyset.encode(tickets[0]), size=5)
    assert before_all == Page(rows=[], next_cursor=None, prev_cursor=None)
    assert paginate(Ticket.objects.none(), keyset, size=5).rows == []


@pytest.mark.django_db
def test_one_query_of_size_plus_one_rows(tickets, django_assert_num_queries):
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    with django_assert_num_queries(1) as queries:
        paginate(Ticket.objects.all(), keyset, after=keyset.encode(tickets[-1]), size=3)
    sql = queries.captured_queries[0]["sql"].upper()
    assert "LIMIT 4" in sql
    assert "OFFSET" not in sql and "COUNT(" not in sql


@pytest.mark.django_db
def test_the_condition_starts_with_a_range_on_the_leading_column(tickets):
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    values = keyset.decode(keyset.encode(tickets[5]))
    query = Ticket.objects.order_by(*keyset.order_by()).filter(keyset.beyond(values))[:3]
    sql, params = query.query.sql_with_params()
    where = sql[sql.index(" WHERE ") :]
    assert where.startswith(' WHERE ("tickets_ticket"."created_at" <= %s AND (')
    assert len(set(params[:3])) == 1 and params[3] == values[1] == tickets[5].pk
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
        assert plan.startswith("SEARCH")
        assert "USING INDEX ticket_created (created_at<?)" in plan


def test_cursors_read_as_the_values_of_the_ordering():
    keyset = Keyset(Ticket, ("-priority", "title", "created_at", "-id"))
    row = Ticket(
        id=17,
        priority=2,
        title="50% off ~ today",
        created_at=datetime(2025, 3, 30, 3, 15, 0, 250, tzinfo=UTC) + timedelta(hours=2),
    )
    cursor = keyset.encode(row)
    assert cursor == "2~50%25 off %7E today~2025-03-30T05:15:00.000250Z~17"
    assert keyset.decode(cursor) == (2, "50% off ~ today", row.created_at, 17)


@pytest.mark.parametrize(
    "written",
    ["2025-03-30T03:15:00+02:00", "2025-03-30T01:15:00Z", "2025-03-29T20:15:00-05:00"],
)
def test_a_moment_is_read_whatever_its_time_zone(written):
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    moment, pk = keyset.decode(f"{written}~3")
    assert (moment, moment.tzinfo, pk) == (datetime(2025, 3, 30, 1, 15, tzinfo=UTC), UTC, 3)


@pytest.mark.django_db
def test_a_cursor_in_another_time_zone_gives_the_same_page(tickets):
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    cursor = keyset.encode(tickets[7])
    stamp, pk = cursor.split("~")
    moment = datetime.fromisoformat(stamp).astimezone(timezone(timedelta(hours=5, minutes=30)))
    shifted = f"{moment.isoformat()}~{pk}"
    assert "+05:30" in shifted
    here = paginate(Ticket.objects.all(), keyset, after=cursor, size=4)
    there = paginate(Ticket.objects.all(), keyset, after=shifted, size=4)
    assert (
        [t.pk for t in here.rows]
        == [t.pk for t in there.rows]
        == [
            tickets[6].pk,
            *(t.pk for t in tickets[3:6][::-1]),
        ]
    )


@pytest.mark.parametrize(
    ("ordering", "cursor"),
    [
        (("-created_at", "-id"), ""),
        (("-created_at", "-id"), "garbage"),
        (("-created_at", "-id"), "2025-01-01T00:00:00~1"),  # no time zone
        (("-created_at", "-id"), "2025-13-01T00:00:00Z~1"),
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~x"),
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~1~2"),
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~"),
        (("-created_at", "-id"), "0001-01-01T00:00:00+05:00~1"),  # before year 1 in UTC
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~99999999999999999999"),
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~\u0661"),  # an Arabic-Indic one
        (("-created_at", "-id"), "2025-01-01T00:00:00Z~ 1"),
        (("priority", "id"), "2025-01-01T00:00:00Z~1"),  # a cursor of another ordering
        (("priority", "id"), "1.5~1"),
        (("title", "id"), "%ff~1"),  # not UTF-8
        (("title", "id"), "a%00~1"),  # NUL, which PostgreSQL refuses
    ],
)
def test_a_bad_cursor_is_a_clear_bad_cursor_error(ordering, cursor):
    with pytest.raises(ValidationFailed) as caught:
        Keyset(Ticket, ordering).decode(cursor)
    assert (caught.value.status, caught.value.code) == (400, "bad_cursor")
    assert caught.value.message == "This page link is broken; start again from the first page."


@pytest.mark.django_db
def test_paginate_refuses_a_bad_cursor_and_both_directions_at_once():
    keyset = Keyset(Ticket, ("-created_at", "-id"))
    with pytest.raises(ValidationFailed, match="page link is broken") as bad:
        paginate(Ticket.objects.all(), keyset, after="nonsense", size=5)
    assert bad.value.code == "bad_cursor"
    cursor = "2025-01-01T00:00:00Z~1"
    with pytest.raises(ValidationFailed, match="both forward and back") as both:
        paginate(Ticket.objects.all(), keyset, after=cursor, before=cursor, size=5)
    assert both.value.code == "bad_cursor"
    with pytest.raises(ValueError, match="at least one row"):
        paginate(Ticket.objects.all(), keyset, size=0)


@pytest.mark.parametrize(
    ("ordering", "problem"),
    [
        ((), "at least one column"),
        (("-created_at",), "must end in a unique column"),
        (("priority", "colour", "id"), "no column 'colour'"),
        (("assignee", "id"), "Ticket.assignee is not a non-null column"),
        (("watchers", "id"), "Ticket.watchers is not a non-null column"),
    ],
)
def test_an_ordering_that_cannot_be_paged_is_refused_up_front(ordering, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        Keyset(Ticket, ordering)


def test_pk_names_the_primary_key():
    keyset = Keyset(Ticket, ("-updated_at", "-pk"))
    assert keyset.order_by() == ["-updated_at", "-id"]
    assert keyset.order_by(backwards=True) == ["updated_at", "id"]


@pytest.mark.parametrize(
    ("raw", "size"), [(None, 50), ("1", 1), ("200", 200), ("007", 7)]
)  # fmt: skip
def test_page_size(raw, size):
    assert page_size(raw, default=50, maximum=200) == size


@pytest.mark.parametrize("raw", ["", "0", "201", "-1", "abc", "1.5", " 5", "\u00b2", "9" * 30])
def test_a_bad_page_size_is_refused(raw):
    with pytest.raises(ValidationFailed, match="whole number from 1 to 200") as caught:
        page_size(raw, default=50, maximum=200)
    assert caught.value.code == "bad_page_size"
