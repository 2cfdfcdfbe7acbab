"""What the active trained model predicts for a new ticket (the rules pipeline asks this).

Rules win over the model: the pipeline applies a prediction to a field only when no rule has set
that field and the prediction's confidence clears its threshold; below the threshold it is kept
as a suggestion an agent accepts with one click.
"""

from dataclasses import dataclass


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


def ticket_predictions(*, title: str, description: str) -> list[Prediction]:
    """The active model's predictions; [] with no active model or no text to read."""
    return []
