"""``servicedesk worker``: run_huey's consumer with our settings, its own loop faked."""

import logging

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY


class _Consumer:
    def run(self) -> None:
        logging.getLogger("huey.consumer").info("Consumer line %s", 42)


@pytest.fixture
def huey_logger(monkeypatch):
    """The "huey" logger as the worker finds it in a fresh process, put back afterwards."""
    logger = logging.getLogger("huey")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setattr(HUEY, "create_consumer", lambda **options: _Consumer())
    return logger


def test_each_log_line_of_the_worker_is_printed_once(huey_logger, monkeypatch, capsys):
    # The console handler LOGGING puts on the root logger, writing to this test's stderr.
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.StreamHandler()])

    call_command("worker", "--no-periodic", "--workers", "1")

    lines = [line for line in capsys.readouterr().err.splitlines() if "Consumer line 42" in line]
    assert len(lines) == 1
    assert lines[0].endswith("INFO:huey.consumer:MainThread:Consumer line 42")


def test_a_huey_logger_configured_in_logging_is_left_alone(huey_logger):
    handler = logging.NullHandler()
    huey_logger.addHandler(handler)

    call_command("worker", "--no-periodic", "--workers", "1")

    assert (huey_logger.handlers, huey_logger.propagate) == ([handler], True)
