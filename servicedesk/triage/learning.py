"""Training the triage model on the desk's own history, storing each version, activating one.

Training reads the title and description of the most recent tickets (at most
``SERVICEDESK_TRIAGE_TRAINING_TICKETS``) and learns, per field, the values that at least
``SERVICEDESK_TRIAGE_MIN_PER_CLASS`` tickets carry: rarer values are left out of that field
(and named in its note), and a field with fewer than two such values is not trained. A version
with no trained field is stored but not activated, with the reason. The classifier itself is
the pure ``servicedesk.triage.classifier``; this module only feeds it and keeps its results.
"""

import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from servicedesk.core import clock
from servicedesk.tickets.models import Ticket
from servicedesk.triage.classifier.text import ticket_text
from servicedesk.triage.models import FieldModel, ModelVersion, TriageField, Trigger

# What each field's label is read from (the names Prediction.field uses).
LABEL_COLUMNS = {
    TriageField.CATEGORY: "category_id",
    TriageField.KIND: "kind",
    TriageField.ASSIGNMENT_GROUP: "assignment_group_id",
}
NAMED_RARE_VALUES = 5  # a note names at most this many left-out values


class ActivationError(ValueError):
    """The version cannot be activated (it has no trained field)."""


@dataclass(frozen=True)
class FieldResult:
    field: str
    trained: bool
    note: str
    size: int = 0
    classes: dict | None = None
    figures: dict | None = None
    model: bytes | None = None


def model_version_train(*, trigger: Trigger = Trigger.ON_DEMAND) -> ModelVersion:
    """Train a new version on the ticket history, store it and activate it if it learnt anything.

    The training itself runs outside any transaction (it takes a while and writes nothing); the
    version, its fields and the switch of the active version are then written in one.
    """
    began = time.perf_counter()
    minimum = settings.SERVICEDESK_TRIAGE_MIN_PER_CLASS
    history = _history(limit=settings.SERVICEDESK_TRIAGE_TRAINING_TICKETS)
    results = [
        _train_field(field, history, column=column, minimum=minimum)
        for field, column in LABEL_COLUMNS.items()
    ]
    seconds = time.perf_counter() - began
    with transaction.atomic():
        version = ModelVersion.objects.create(
            trained_at=clock.now(),
            trigger=trigger,
            training_size=len(history),
            min_per_class=minimum,
            seconds=round(seconds, 2),
            inactive_reason=_inactive_reason(results, size=len(history), minimum=minimum),
        )
        FieldModel.objects.bulk_create(
            FieldModel(
                version=version,
                field=result.field,
                trained=result.trained,
                note=result.note[:500],
                size=result.size,
                classes=result.classes or {},
                model=result.model,
                **(result.figures or {}),
            )
            for result in results
        )
        if not version.inactive_reason:
            _activate(version)
    return version


def model_version_activate(*, version: ModelVersion) -> ModelVersion:
    """Make ``version`` the one the desk predicts with (the previous one steps down)."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=version.pk)
        if not version.fields.filter(trained=True).exists():
            raise ActivationError(
                f"{version} has no trained field: {version.inactive_reason or 'nothing learnt'}"
            )
        if not version.is_active:
            _activate(version)
    return version


def _activate(version: ModelVersion) -> None:
    ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    version.is_active, version.activated_at, version.inactive_reason = True, clock.now(), ""
    version.save(update_fields=["is_active", "activated_at", "inactive_reason"])


def _history(*, limit: int) -> list[dict]:
    rows = Ticket.objects.order_by("-created_at", "-id").values(
        "title", "description", *LABEL_COLUMNS.values()
    )[:limit]
    history = []
    for row in rows:
        text = ticket_text(title=row["title"], description=row["description"])
        if text:
            history.append(row | {"text": text})
    return history


def _train_field(field: str, history: list[dict], *, column: str, minimum: int) -> FieldResult:
    # Imported by the training process only: scikit-learn costs about 75 MiB and a second, and
    # every web worker and command imports this module through the admin and the tasks.
    from servicedesk.triage.classifier.storage import to_bytes
    from servicedesk.triage.classifier.training import TrainingError, train

    counts = Counter(str(row[column]) for row in history if row[column] not in (None, ""))
    kept = {value for value, n in counts.items() if n >= minimum}
    rare = sorted((v for v in counts if v not in kept), key=lambda v: (-counts[v], v))
    left_out = ""
    if rare:
        named = ", ".join(f"{v} ({counts[v]})" for v in rare[:NAMED_RARE_VALUES])
        more = f" and {len(rare) - NAMED_RARE_VALUES} more" if len(rare) > NAMED_RARE_VALUES else ""
        left_out = f"{len(rare)} values with fewer than {minimum} tickets left out: {named}{more}"
    if len(kept) < 2:
        note = f"not trained: {len(kept)} value(s) with at least {minimum} tickets, 2 needed" + (
            f"; {left_out}" if left_out else ""
        )
        return FieldResult(field=field, trained=False, note=note)
    rows = [row for row in history if str(row[column]) in kept]
    try:
        model = train(
            [row["text"] for row in rows],
            [str(row[column]) for row in rows],
            target_precision=settings.SERVICEDESK_TRIAGE_TARGET_PRECISION,
        )
    except TrainingError as error:
        return FieldResult(field=field, trained=False, note=f"not trained: {error}")
    figures = model.figures
    return FieldResult(
        field=field,
        trained=True,
        note=left_out,
        size=figures.size,
        classes=figures.class_counts,
        figures={
            "accuracy": round(figures.accuracy, 4),
            "macro_f1": round(figures.macro_f1, 4),
            "threshold": figures.threshold,
            "coverage": round(figures.coverage, 4),
            "precision": round(figures.precision, 4),
        },
        model=to_bytes(model),
    )


def _inactive_reason(results: list[FieldResult], *, size: int, minimum: int) -> str:
    if any(result.trained for result in results):
        return ""
    if not size:
        return "no ticket with text to learn from"
    notes = "; ".join(f"{result.field}: {result.note}" for result in results)
    return f"nothing learnt from {size} tickets (at least {minimum} per value needed) — {notes}"
