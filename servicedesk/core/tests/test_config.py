"""What a process keeps of the configuration, and how every process learns it changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.core import config
from servicedesk.tickets.models import PriorityMatrixCell
from servicedesk.tickets.services._common import matrix_priority

pytestmark = pytest.mark.django_db


def _another_process_changes_it() -> None:
    # What another worker's save leaves in the database: a new token (its own kept values
    # are its business); this process's are then out of date.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_configversion SET token = token + 1 WHERE id = 1")


def test_a_kept_value_is_read_again_after_a_change_in_another_process():
    loads = []
    assert config.kept("numbers", lambda: loads.append(1) or len(loads)) == 1
    assert config.kept("numbers", lambda: loads.append(1) or len(loads)) == 1
    _another_process_changes_it()
    assert config.kept("numbers", lambda: loads.append(1) or len(loads)) == 2


def test_saving_a_watched_model_changes_the_token_in_its_transaction():
    before = config.token()
    cell = PriorityMatrixCell.objects.get(impact=3, urgency=3)
    cell.priority = 3
    cell.save()
    assert config.token() not in (None, before)
    assert matrix_priority(3, 3) == 3
    cell.delete()
    assert matrix_priority(3, 3) == 4  # the shipped default again


def test_the_matrix_is_kept_and_a_request_reads_the_token_once():
    assert matrix_priority(1, 1) == 1
    # What the request signals do for core.config (sending the signals themselves would also
    # close the test's database connection, as at the end of a real request).
    config._request_started()
    try:
        with CaptureQueriesContext(connection) as queries:
            for _ in range(3):
                assert matrix_priority(1, 1) == 1
        assert [q["sql"] for q in queries] == [
            'SELECT token FROM "core_configversion" WHERE id = 1'
        ]
        # A change within the request, by this process, is seen at once.
        PriorityMatrixCell.objects.filter(impact=1, urgency=1).update(priority=2)
        config.changed()
        assert matrix_priority(1, 1) == 2
    finally:
        config._request_finished()


def test_a_change_rolled_back_leaves_no_token_a_later_change_could_repeat():
    from django.db import transaction

    first = config.token()
    with pytest.raises(RuntimeError), transaction.atomic():
        config.changed()
        inside = config.token()
        raise RuntimeError
    assert config.token() == first
    config.changed()
    assert config.token() not in (first, inside)
