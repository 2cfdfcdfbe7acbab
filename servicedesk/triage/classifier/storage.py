"""A trained classifier as bytes and back: numpy arrays and JSON in one ``.npz``, no pickle.

The desk stores its own models in its own database, so pickle would be acceptable; this format
is chosen anyway because loading it runs no code (``np.load(allow_pickle=False)`` reads plain
arrays, the metadata is JSON), so a model file from anywhere can be inspected and loaded
without trusting it, and it does not break when scikit-learn's internals change between
versions: what is stored is the vocabulary, the idf weights and the linear coefficients.
"""

import dataclasses
import io
import json
import zipfile

import numpy as np

from servicedesk.triage.classifier.training import Figures, TextClassifier, Vectoriser, folded

FORMAT = "servicedesk-triage-classifier/1"


class ModelFormatError(ValueError):
    """The bytes are not a classifier this version of the desk can read."""


def to_bytes(model: TextClassifier) -> bytes:
    arrays: dict[str, np.ndarray] = {
        "score_mean": model.score_mean,
        "score_scale": model.score_scale,
        "stacker_coef": model.stacker_coef,
        "stacker_intercept": model.stacker_intercept,
    }
    # The same model as one linear map, for processes that predict without scikit-learn
    # (``compact``); readers of this format that do not know these arrays ignore them.
    arrays["folded_coef"], arrays["folded_intercept"] = folded(model)
    for i, vectoriser in enumerate(model.vectorisers):
        arrays[f"idf_{i}"] = vectoriser.idf
    for i, (coef, intercept) in enumerate(model.members):
        arrays[f"coef_{i}"], arrays[f"intercept_{i}"] = coef, intercept
    meta = {
        "format": FORMAT,
        "classes": model.classes,
        "threshold": model.threshold,
        "figures": dataclasses.asdict(model.figures),
        "vectorisers": [
            {
                "analyzer": v.analyzer,
                "ngrams": list(v.ngrams),
                "sublinear_tf": v.sublinear_tf,
                "terms": v.terms,
            }
            for v in model.vectorisers
        ],  # fmt: skip
        "members": len(model.members),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def from_bytes(data: bytes) -> TextClassifier:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        meta = json.loads(arrays.pop("meta").tobytes())
        if meta.get("format") != FORMAT:
            raise ModelFormatError(f"unknown model format {meta.get('format')!r}")
        vectorisers = [
            Vectoriser(
                v["analyzer"],
                tuple(v["ngrams"]),
                bool(v["sublinear_tf"]),
                list(v["terms"]),
                arrays[f"idf_{i}"],
            )  # fmt: skip
            for i, v in enumerate(meta["vectorisers"])
        ]
        members = [(arrays[f"coef_{i}"], arrays[f"intercept_{i}"]) for i in range(meta["members"])]
        model = TextClassifier(
            classes=[str(c) for c in meta["classes"]],
            vectorisers=vectorisers,
            members=members,
            score_mean=arrays["score_mean"],
            score_scale=arrays["score_scale"],
            stacker_coef=arrays["stacker_coef"],
            stacker_intercept=arrays["stacker_intercept"],
            threshold=float(meta["threshold"]),
            figures=Figures(**meta["figures"]),
        )
    except ModelFormatError:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as error:
        raise ModelFormatError(f"not a stored classifier: {error}") from None
    _check_shapes(model)
    return model


def _check_shapes(model: TextClassifier) -> None:
    n_classes = len(model.classes)
    width = sum(len(v.terms) for v in model.vectorisers)
    for v in model.vectorisers:
        if v.idf.shape != (len(v.terms),):
            raise ModelFormatError("idf and vocabulary differ in length")
    for coef, intercept in model.members:
        if coef.shape != (n_classes, width) or intercept.shape != (n_classes,):
            raise ModelFormatError("a member's coefficients do not match the features")
    scores = n_classes * len(model.members)
    if model.score_mean.shape != (scores,) or model.score_scale.shape != (scores,):
        raise ModelFormatError("score scaling does not match the members")
    if model.stacker_coef.shape != (n_classes, scores):
        raise ModelFormatError("the stacker does not match the members")
