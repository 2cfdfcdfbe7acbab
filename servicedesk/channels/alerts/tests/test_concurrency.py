"""Concurrent first deliveries of one alert open one incident: the database decides.

PostgreSQL only: there, transactions really run side by side (READ COMMITTED), both find no
current episode and both insert; the partial unique index makes the second wait and fail, and
it becomes a repeat. SQLite takes its one write lock at BEGIN (IMMEDIATE), so deliveries cannot
overlap there; bench/alerts_load.py checks the same over HTTP with 8 senders on either.
"""

import threading

import pytest
from django.db import connection

from servicedesk.channels.alerts.models import Alert
from servicedesk.channels.alerts.receiver import receive
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_eight_first_deliveries_at_once_make_one_incident(make_source, service_desk):
    source = make_source("generic", correlation_window=0, storm_threshold=0)
    body = b'{"id": "race", "title": "Database down", "host": "db-9", "status": "firing"}'
    start = threading.Barrier(8)
    answers = []

    def send():
        from django.db import connection as own

        try:
            start.wait()
            answers.append(receive(source, body, {"Content-Type": "application/json"}))
        finally:
            own.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status for a in answers) == [202] * 8
    outcomes = sorted(a.body["alerts"][0]["outcome"] for a in answers)
    assert outcomes == ["opened"] + ["repeat"] * 7
    assert Ticket.objects.count() == 1
    assert Alert.objects.get().occurrences == 8
    assert len({a.body["alerts"][0]["incident"] for a in answers}) == 1
