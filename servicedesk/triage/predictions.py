"""What the active trained model predicts for a new ticket (the rules pipeline asks this).

Rules win over the model: the pipeline applies a prediction to a field only when no rule has set
that field and the prediction's confidence clears its threshold; below the threshold it is kept
as a suggestion an agent accepts with one click.

Each process keeps the active version's models in memory after the first prediction and asks
the database only which version is active (one indexed query per ticket): when another process
activates a new version, the next prediction here loads it.
"""

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from servicedesk.accounts.models import SupportGroup
from servicedesk.tickets.models import Category
from servicedesk.triage.classifier.text import ticket_text
from servicedesk.triage.models import FieldModel, ModelVersion, TriageField

if TYPE_CHECKING:
    from servicedesk.triage.classifier.compact import CompactClassifier
    from servicedesk.triage.classifier.training import TextClassifier


@dataclass(frozen=True)
class Prediction:
    field: str  # "category", "kind" or "assignment_group"
    value: str  # the category's or group's primary key as text, or a Kind value
    confidence: float  # calibrated probability, 0..1
    threshold: float  # the field's threshold in the model version that predicted it
    model_version: int  # primary key of the stored model version

    @property
    def applies(self) -> bool:
        return self.confidence >= self.threshold


@dataclass(frozen=True)
class _Loaded:
    version: int
    # field -> (classifier, stored threshold); compact unless stored before the folded form
    fields: dict[str, tuple["CompactClassifier | TextClassifier", float]]


_lock = threading.Lock()
_loaded: _Loaded | None = None


def ticket_predictions(*, title: str, description: str) -> list[Prediction]:
    """The active model's predictions; [] with no active model or no text to read."""
    if not ticket_text(title=title, description=description):
        return []
    active = ModelVersion.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if active is None:
        return []
    loaded = _models_of(active)
    text = f"{title or ''}\n{description or ''}"
    fixed = settings.SERVICEDESK_TRIAGE_THRESHOLDS
    found = []
    for field, (classifier, threshold) in loaded.fields.items():
        guess = classifier.predict([text])[0]
        if guess is not None:
            found.append(Prediction(
                field=field, value=guess.label, confidence=round(guess.confidence, 4),
                threshold=fixed.get(field, threshold), model_version=loaded.version,
            ))  # fmt: skip
    return _still_usable(found)


def forget() -> None:
    """Drop the models this process holds (tests; a process that wants the memory back)."""
    global _loaded
    with _lock:
        _loaded = None


def _classifier(stored: bytes) -> "CompactClassifier | TextClassifier":
    """The compact form (plain Python: a web worker keeps its memory, decision 0008); a model
    stored before that form existed is read with scikit-learn until it is retrained."""
    from servicedesk.triage.classifier.compact import CompactFormUnavailable, compact_from_bytes

    try:
        return compact_from_bytes(stored)
    except CompactFormUnavailable:
        # scikit-learn costs a process about 75 MiB and a second to import (numpy, scipy).
        from servicedesk.triage.classifier.storage import from_bytes

        return from_bytes(stored)


def _models_of(version: int) -> _Loaded:
    # Loaded with the first prediction, not with the module: a desk without an active model
    # never pays for it.
    global _loaded
    with _lock:
        if _loaded is None or _loaded.version != version:
            rows = FieldModel.objects.filter(version_id=version, trained=True)
            _loaded = _Loaded(
                version=version,
                fields={
                    row.field: (_classifier(bytes(row.model)), row.threshold)
                    for row in rows.only("field", "model", "threshold")
                },
            )
        return _loaded


def _still_usable(predictions: list[Prediction]) -> list[Prediction]:
    # A category or group may have been retired since the model learnt it: never suggest it.
    wanted = {p.field: p.value for p in predictions}
    gone = set()
    if TriageField.CATEGORY in wanted:
        pk = wanted[TriageField.CATEGORY]
        if not Category.objects.filter(pk=pk, is_active=True).exists():
            gone.add(TriageField.CATEGORY)
    if TriageField.ASSIGNMENT_GROUP in wanted:
        pk = wanted[TriageField.ASSIGNMENT_GROUP]
        if not SupportGroup.objects.filter(pk=pk, is_active=True).exists():
            gone.add(TriageField.ASSIGNMENT_GROUP)
    return [p for p in predictions if p.field not in gone]
