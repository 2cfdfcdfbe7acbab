"""Retraining the triage model as a queued task: thin, it calls the training service."""

from huey.contrib.djhuey import db_task

from servicedesk.triage.learning import model_version_train
from servicedesk.triage.models import Trigger


@db_task()
def triage_train_task(trigger: str = Trigger.SCHEDULE) -> int:
    return model_version_train(trigger=Trigger(trigger)).pk


def triage_train_schedule() -> None:
    """Run by the scheduler at SERVICEDESK_TRIAGE_TRAIN_SCHEDULE (nightly by default)."""
    triage_train_task()
