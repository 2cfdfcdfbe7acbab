"""Train as the desk would on one labelled file, score another: the figures ``triage-eval`` prints.

Every test row counts: a row with no text to read gets no prediction, so it is wrong for
``accuracy`` and ``macro_f1`` and not covered for ``coverage_at_95``. Rows without a label are
left out of both files (there is nothing to learn from or score against).
"""

import csv
import gzip
import io
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from sklearn.metrics import f1_score

from servicedesk.triage.classifier.compact import CompactClassifier, compact_from_bytes
from servicedesk.triage.classifier.storage import to_bytes
from servicedesk.triage.classifier.training import BASELINE, DESK, Recipe, TextClassifier, train

GZIP_MAGIC = b"\x1f\x8b"
# One ticket text may be long (a pasted log); the csv module's default cap is 128 KiB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
TIMED_PREDICTIONS = 1000  # single-ticket predictions timed for predict_ms_p50


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[str]


def read_labelled_csv(path: Path, *, text_col: str, label_col: str) -> Labelled:
    """The text and label columns of a CSV file (gzip by name or by its first bytes)."""
    try:
        with (
            _open(path) as binary,
            io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text,
        ):
            reader = csv.DictReader(text)
            columns = reader.fieldnames or []
            missing = [c for c in (text_col, label_col) if c not in columns]
            if missing:
                found = ", ".join(columns) if columns else "none"
                raise ValueError(
                    f"{path}: no column {' or '.join(map(repr, missing))} (columns: {found})"
                )
            texts, labels = [], []
            for row in reader:
                label = (row.get(label_col) or "").strip()
                if label:
                    texts.append(row.get(text_col) or "")
                    labels.append(label)
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError; truncated: EOFError
        raise ValueError(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    except csv.Error as error:
        raise ValueError(f"{path} is not a readable CSV file: {error}") from None
    if not labels:
        raise ValueError(f"{path}: no labelled rows")
    return Labelled(texts, labels)


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as raw:
        compressed = path.suffix == ".gz" or raw.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def score(model: TextClassifier, test: Labelled) -> dict[str, float]:
    guesses = model.predict(test.texts)
    truth = np.array(test.labels, dtype=object)
    predicted = np.array([g.label if g else "" for g in guesses], dtype=object)
    confidence = np.array([g.confidence if g else -1.0 for g in guesses])
    above = confidence >= model.threshold
    correct = predicted == truth
    return {
        "accuracy": round(float(correct.mean()), 4),
        "macro_f1": round(float(f1_score(truth.astype(str), predicted.astype(str),
                                         labels=sorted(set(test.labels)), average="macro")), 4),
        "coverage_at_95": round(float(above.mean()), 4),
        "precision_at_threshold": round(float(correct[above].mean()), 4) if above.any() else None,
        "threshold": round(model.threshold, 4),
    }  # fmt: skip


def predict_ms_p50(
    model: CompactClassifier | TextClassifier, texts: Sequence[str]
) -> tuple[float, float]:
    """The median time of one ticket's prediction, as the desk makes them (one at a time, with
    the compact form read back from the stored bytes): wall clock, and the CPU time of the
    predicting thread (what a shared machine does not hide).
    """
    step = max(1, len(texts) // TIMED_PREDICTIONS)
    sample = list(texts[::step])[:TIMED_PREDICTIONS]
    model.predict(sample[:1])  # the first call builds the vectorisers
    wall, cpu = [], []
    for text in sample:
        began, began_cpu = time.perf_counter(), time.thread_time()
        model.predict([text])
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    return round(statistics.median(wall), 3), round(statistics.median(cpu), 3)


def evaluate(
    training: Labelled,
    test: Labelled,
    *,
    recipe: Recipe = DESK,
    baseline: bool = True,
    target_precision: float = 0.95,
) -> dict:
    """The figures of the desk's recipe on ``test`` after training on ``training``, and the
    baseline's (plain TF-IDF + LinearSVC, calibrated and thresholded the same way) beside them."""
    began, cpu = time.perf_counter(), time.process_time()
    model = train(training.texts, training.labels, recipe=recipe, target_precision=target_precision)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    stored = to_bytes(model)
    wall_ms, cpu_ms = predict_ms_p50(compact_from_bytes(stored), test.texts)
    figures = score(model, test) | {
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu_seconds, 1),  # both cores' work: shows what load hides
        "predict_ms_p50": wall_ms,
        "predict_cpu_ms_p50": cpu_ms,
        "train_size": model.figures.size,
        "test_size": len(test.labels),
        "model_bytes": len(stored),  # what the desk stores per field
        "cv_accuracy": round(model.figures.accuracy, 4),
        "cv_coverage_at_95": round(model.figures.coverage, 4),
    }
    if baseline:
        began = time.perf_counter()
        plain = train(
            training.texts, training.labels, recipe=BASELINE, target_precision=target_precision
        )
        plain_seconds = time.perf_counter() - began
        plain_figures = score(plain, test)
        figures |= {
            "baseline_accuracy": plain_figures["accuracy"],
            "baseline_macro_f1": plain_figures["macro_f1"],
            "baseline_coverage_at_95": plain_figures["coverage_at_95"],
            "baseline_precision_at_threshold": plain_figures["precision_at_threshold"],
            "baseline_train_seconds": round(plain_seconds, 1),
        }
    return figures
