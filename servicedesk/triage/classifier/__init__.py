"""The triage classifier: pure code (no Django, no database) from texts to calibrated guesses.

``text`` is plain Python; ``training``, ``storage`` and ``evaluation`` load scikit-learn (about
75 MiB and a second per process), so the desk imports them only where it trains or predicts.
The names below are looked up on first use, so that importing this package loads nothing more.
"""

import importlib
from typing import Any

from servicedesk.triage.classifier.text import normalise, ticket_text

_FROM_TRAINING = frozenset(
    {"BASELINE", "DESK", "NEVER", "Figures", "Guess", "Recipe", "TextClassifier",
     "TrainingError", "threshold_for_precision", "train"}
)  # fmt: skip

__all__ = [
    "BASELINE", "DESK", "NEVER", "Figures", "Guess", "Recipe", "TextClassifier", "TrainingError",
    "normalise", "threshold_for_precision", "ticket_text", "train",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _FROM_TRAINING:
        return getattr(importlib.import_module("servicedesk.triage.classifier.training"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
