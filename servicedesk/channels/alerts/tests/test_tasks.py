"""The periodic jobs: deliveries stored but never processed are taken up."""

from datetime import timedelta

import time_machine

from servicedesk.channels.alerts.models import AlertDelivery
from servicedesk.channels.alerts.services import alert_delivery_store
from servicedesk.channels.alerts.tasks import alert_deliveries_recover
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket


def test_a_delivery_left_unprocessed_is_taken_up_after_a_minute(make_source):
    source = make_source("generic")
    stored = alert_delivery_store(source=source, raw=b'{"id": "x", "title": "Left behind"}')
    assert alert_deliveries_recover() == 0  # too fresh: its request may still be at it
    with time_machine.travel(clock.now() + timedelta(minutes=2), tick=False):
        assert alert_deliveries_recover() == 1
    stored.refresh_from_db()
    assert stored.state == "processed"
    assert Ticket.objects.get().title == "Left behind"
    assert alert_deliveries_recover() == 0
    assert AlertDelivery.objects.count() == 1
