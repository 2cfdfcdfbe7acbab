"""Predicting with a stored classifier in plain Python: no scikit-learn, no numpy, no scipy.

A web worker predicts one ticket at a time, and the libraries that train (scikit-learn, with
numpy and scipy) cost it about 100 MiB of memory against a worker target of 80 MiB
(docs/decisions/0008-triage-predicts-without-scikit-learn.md). What prediction needs is small:

- the text's terms, made exactly as scikit-learn's ``word``, ``char_wb`` and ``char`` analysers
  make them (the same n-grams, in the same way, from the same normalised text);
- per feature block, TF-IDF as ``TfidfVectorizer`` computes it: counts, ``1 + log`` when
  sublinear, times the term's idf, divided by the block's Euclidean norm;
- one matrix product. The members' scores, their standardisation and the stacker are all
  linear until the softmax, so training folds them into one weight per feature and class
  (``training.folded``), stored beside the members as ``folded_coef`` and ``folded_intercept``.

The vocabulary is kept as a sorted array of the terms' ``hash()`` (eight bytes a term) and the
column of each, searched by bisection, instead of a dict of 150,000 strings (about 20 MiB). The
hashes are this process's own, computed once when the model is loaded; two vocabulary terms
with one hash (odds about 1 in 10^9 for 150,000 terms) make the loader refuse the compact form,
and the desk then predicts with scikit-learn. ``tests/test_compact.py`` checks that both ways
give the same probabilities on the corpus.
"""

import ast
import io
import json
import math
import re
import zipfile
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from servicedesk.triage.classifier.text import normalise

_NPY_MAGIC = b"\x93NUMPY"
# numpy's dtype codes -> array's typecodes, little-endian (the only order numpy writes here).
_TYPECODES = {"<f4": "f", "<f8": "d", "<i8": "q", "<u8": "Q", "<i4": "i", "|u1": "B"}
_WORD = re.compile(r"(?u)\b\w+\b")  # the token pattern ``training._tfidf`` gives words
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's, before character n-grams


class CompactFormUnavailable(ValueError):
    """The stored model has no folded form (trained before it existed) or cannot use it."""


@dataclass(frozen=True)
class Guess:
    label: str
    confidence: float


class _Block:
    """One TF-IDF block: how its terms are made, where each known term's column is, its idf."""

    def __init__(self, analyzer: str, ngrams: Sequence[int], sublinear_tf: bool,
                 terms: list[str], idf: array, offset: int) -> None:  # fmt: skip
        if analyzer not in ("word", "char_wb", "char"):
            raise CompactFormUnavailable(f"unknown analyser {analyzer!r}")
        self.analyzer, self.sublinear_tf, self.offset = analyzer, sublinear_tf, offset
        self.min_n, self.max_n = int(ngrams[0]), int(ngrams[1])
        hashes = array("q", map(hash, terms))
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        self.hashes = array("q", (hashes[i] for i in order))
        self.columns = array("i", order)
        del hashes, order
        if any(a == b for a, b in zip(self.hashes, self.hashes[1:], strict=False)):
            raise CompactFormUnavailable("two terms share a hash in this process")
        self.idf = idf

    def terms(self, text: str) -> list[str]:
        """The n-grams scikit-learn's analyser of the same settings makes of ``text``."""
        if self.analyzer == "word":
            return _word_ngrams(_WORD.findall(text), self.min_n, self.max_n)
        text = _WHITE_SPACES.sub(" ", text)
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(text, self.min_n, self.max_n)
        return _char_ngrams(text, self.min_n, self.max_n)

    def features(self, text: str) -> list[tuple[int, float]]:
        """(column, TF-IDF value) of the known terms, L2-normalised over this block."""
        hashes, columns, idf = self.hashes, self.columns, self.idf
        size = len(hashes)
        found = []
        for term, count in Counter(self.terms(text)).items():
            h = hash(term)
            i = bisect_left(hashes, h)
            if i < size and hashes[i] == h:
                column = columns[i]
                tf = 1.0 + math.log(count) if self.sublinear_tf else float(count)
                found.append((column, tf * idf[column]))
        norm = math.sqrt(sum(value * value for _, value in found))
        if not norm:
            return []
        return [(self.offset + column, value / norm) for column, value in found]


class CompactClassifier:
    """A stored classifier's folded form: TF-IDF blocks, one weight per feature and class."""

    def __init__(self, *, classes: list[str], blocks: list[_Block], weights: array,
                 intercept: list[float], threshold: float) -> None:  # fmt: skip
        self.classes, self.blocks, self.weights = classes, blocks, weights
        self.intercept, self.threshold = intercept, threshold

    def probabilities(self, text: str) -> list[float]:
        """Calibrated class probabilities of an already normalised text."""
        k = len(self.classes)
        logits = list(self.intercept)
        weights = self.weights
        for block in self.blocks:
            for column, value in block.features(text):
                row = weights[column * k : column * k + k]
                for c in range(k):
                    logits[c] += value * row[c]
        top = max(logits)
        exp = [math.exp(x - top) for x in logits]
        total = sum(exp)
        return [x / total for x in exp]

    def predict(self, texts: Sequence[str]) -> list[Guess | None]:
        """The best label and its confidence per raw text; None where there is nothing to read."""
        guesses: list[Guess | None] = []
        for raw in texts:
            text = normalise(raw)
            if not text:
                guesses.append(None)
                continue
            proba = self.probabilities(text)
            best = max(range(len(proba)), key=proba.__getitem__)
            guesses.append(Guess(self.classes[best], proba[best]))
        return guesses


def compact_from_bytes(data: bytes) -> CompactClassifier:
    """The folded form of a stored classifier (``storage.to_bytes``), read without numpy.

    Raises CompactFormUnavailable for a model stored before the folded form existed, and
    ValueError for bytes that are not a stored classifier at all.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as stored:
            names = set(stored.namelist())
            if "folded_coef.npy" not in names:
                raise CompactFormUnavailable("stored without the folded form: retrain it")
            meta = json.loads(_npy(stored, "meta").tobytes())
            weights = _npy(stored, "folded_coef")
            intercept = list(_npy(stored, "folded_intercept"))
            blocks, offset = [], 0
            for i, v in enumerate(meta["vectorisers"]):
                idf = _npy(stored, f"idf_{i}")
                terms = v["terms"]
                blocks.append(
                    _Block(v["analyzer"], v["ngrams"], bool(v["sublinear_tf"]), terms, idf, offset)
                )
                offset += len(terms)
                del terms, v["terms"]  # the strings are not kept: their hashes are
    except CompactFormUnavailable:
        raise
    except (OSError, ValueError, KeyError, TypeError, SyntaxError, zipfile.BadZipFile) as error:
        raise ValueError(f"not a stored classifier: {error}") from None
    classes = [str(c) for c in meta["classes"]]
    if len(weights) != offset * len(classes) or len(intercept) != len(classes):
        raise ValueError("not a stored classifier: the folded weights do not match")
    return CompactClassifier(
        classes=classes, blocks=blocks, weights=weights, intercept=intercept,
        threshold=float(meta["threshold"]),
    )  # fmt: skip


def _npy(stored: zipfile.ZipFile, name: str) -> array:
    """One array of an ``.npz`` as a flat ``array`` (C order), from the ``.npy`` format's header."""
    raw = stored.read(f"{name}.npy")
    if not raw.startswith(_NPY_MAGIC):
        raise ValueError(f"{name} is not a numpy array")
    major = raw[6]
    if major == 1:
        length, start = int.from_bytes(raw[8:10], "little"), 10
    else:
        length, start = int.from_bytes(raw[8:12], "little"), 12
    header = ast.literal_eval(raw[start : start + length].decode("latin-1"))
    if header["fortran_order"] or header["descr"] not in _TYPECODES:
        raise ValueError(f"{name}: unsupported layout {header['descr']!r}")
    values = array(_TYPECODES[header["descr"]])
    values.frombytes(raw[start + length :])
    expected = math.prod(header["shape"])
    if len(values) != expected:
        raise ValueError(f"{name}: {len(values)} values for shape {header['shape']}")
    return values


def _word_ngrams(tokens: list[str], min_n: int, max_n: int) -> list[str]:
    # scikit-learn's order and joining: the tokens themselves, then each longer n-gram.
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    grams = []
    for word in text.split():
        padded = f" {word} "
        width = len(padded)
        for n in range(min_n, max_n + 1):
            if width <= n:  # a short word is counted once, whole, at the first n that covers it
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(width - n + 1))
    return grams


def _char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    return [
        text[i : i + n]
        for n in range(min_n, min(max_n, len(text)) + 1)
        for i in range(len(text) - n + 1)
    ]
