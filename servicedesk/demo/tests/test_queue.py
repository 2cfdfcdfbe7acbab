"""config/queue.py: a row of the periodic-jobs table becomes a Huey periodic task."""

from datetime import datetime

from huey import MemoryHuey, crontab

from config.queue import PeriodicJob, register


def _sweep() -> str:
    return "swept"


def test_a_registered_job_is_due_when_its_schedule_says():
    huey = MemoryHuey(immediate=False)

    register((PeriodicJob("sweep", crontab(minute="*/5"), _sweep),), huey=huey)

    due = huey.read_periodic(datetime(2026, 3, 4, 10, 5))
    assert [task.name for task in due] == ["sweep"]
    assert huey.read_periodic(datetime(2026, 3, 4, 10, 3)) == []
