"""The triage classifier: pure code (no Django, no database) from texts to calibrated guesses."""

from servicedesk.triage.classifier.text import normalise, ticket_text
from servicedesk.triage.classifier.training import (
    BASELINE,
    DESK,
    NEVER,
    Figures,
    Guess,
    Recipe,
    TextClassifier,
    TrainingError,
    threshold_for_precision,
    train,
)

__all__ = [
    "BASELINE", "DESK", "NEVER", "Figures", "Guess", "Recipe", "TextClassifier", "TrainingError",
    "normalise", "threshold_for_precision", "ticket_text", "train",
]  # fmt: skip
