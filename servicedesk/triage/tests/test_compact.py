"""The compact predictor (plain Python, what the web worker uses) gives what scikit-learn gives.

Its analysers against scikit-learn's on every text of the corpus, and a model trained on a part
of the corpus predicting the rest both ways: the same label for every ticket, probabilities
equal to float32's precision. The small-data checks run everywhere; the corpus ones skip
without it.
"""

import csv
import gzip
import io
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from servicedesk.triage.classifier import Recipe, normalise, train
from servicedesk.triage.classifier.compact import (
    CompactFormUnavailable,
    _Block,
    compact_from_bytes,
)
from servicedesk.triage.classifier.storage import from_bytes, to_bytes
from servicedesk.triage.tests.synthetic import tickets

ANALYSERS = [("word", (1, 2)), ("word", (1, 1)), ("word", (2, 3)), ("char_wb", (2, 5)),
             ("char_wb", (1, 3)), ("char", (1, 5))]  # fmt: skip


def corpus_texts(corpus, limit=None) -> tuple[list[str], list[str]]:
    with gzip.open(corpus / "it-tickets" / "tickets.csv.gz", "rt", newline="") as source:
        rows = list(csv.DictReader(source))[:limit]
    return [r["Document"] for r in rows], [r["Topic_group"] for r in rows]


def sklearn_analyser(analyzer, ngrams):
    extra = {"token_pattern": r"(?u)\b\w+\b"} if analyzer == "word" else {}
    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, lowercase=False, **extra)
    return vectorizer.build_analyzer()


@pytest.mark.parametrize(("analyzer", "ngrams"), ANALYSERS)
def test_analysers_make_scikit_learns_ngrams_on_awkward_text(analyzer, ngrams):
    block, expected = (
        _Block(analyzer, ngrams, True, ["a"], None, 0),
        sklearn_analyser(analyzer, ngrams),
    )
    for text in ["", "a", "ab", "a b  c", "printer on floor xnumx is jammed", "ünï  code",
                 " leading and trailing ", "x" * 9]:  # fmt: skip
        assert block.terms(text) == expected(text), text


@pytest.mark.corpus
@pytest.mark.parametrize(("analyzer", "ngrams"), ANALYSERS[:1] + ANALYSERS[3:4])
def test_analysers_make_scikit_learns_ngrams_on_the_corpus(corpus, analyzer, ngrams):
    texts, _ = corpus_texts(corpus)
    block, expected = (
        _Block(analyzer, ngrams, True, ["a"], None, 0),
        sklearn_analyser(analyzer, ngrams),
    )
    assert all(block.terms(text) == expected(text) for text in map(normalise, texts))


def assert_same_predictions(model, texts):
    compact = compact_from_bytes(to_bytes(model))
    cleaned = [t for t in map(normalise, texts) if t]
    expected = model.probabilities(cleaned)
    got = np.array([compact.probabilities(t) for t in cleaned])
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-5)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    ours, theirs = compact.predict(texts), model.predict(texts)
    assert [g and g.label for g in ours] == [g and g.label for g in theirs]
    assert [g.confidence for g in ours if g] == pytest.approx(
        [g.confidence for g in theirs if g], abs=2e-5
    )
    assert compact.threshold == model.threshold and compact.classes == model.classes


def test_compact_predicts_what_the_model_predicts_on_small_data():
    texts, labels = tickets(60)
    model = train(texts, labels, n_jobs=1)
    assert_same_predictions(model, texts[:50] + ["", "  ", "an unknown word", "Laptop!!"])


def test_compact_handles_two_labels_and_one_block():
    texts, labels = tickets(40)
    keep = [i for i, y in enumerate(labels) if y in ("Hardware", "Access")]
    recipe = Recipe(char_ngrams=None, naive_bayes=False, word_svc_c=None)
    model = train([texts[i] for i in keep], [labels[i] for i in keep], recipe=recipe, n_jobs=1)
    assert_same_predictions(model, texts)


@pytest.mark.corpus
def test_compact_predicts_what_the_model_predicts_on_the_corpus(corpus):
    texts, labels = corpus_texts(corpus, limit=6000)
    model = train(texts[:4000], labels[:4000], n_jobs=1)
    assert_same_predictions(model, texts[4000:])


def test_a_model_stored_without_the_folded_form_is_refused():
    texts, labels = tickets(30)
    stored = io.BytesIO(to_bytes(train(texts, labels, n_jobs=1)))
    older = io.BytesIO()  # as stored before the folded form existed
    with zipfile.ZipFile(stored) as source, zipfile.ZipFile(older, "w") as copy:
        for name in source.namelist():
            if not name.startswith("folded_"):
                copy.writestr(name, source.read(name))
    assert from_bytes(older.getvalue()).classes == sorted(set(labels))
    with pytest.raises(CompactFormUnavailable):
        compact_from_bytes(older.getvalue())
    with pytest.raises(ValueError, match="not a stored classifier"):
        compact_from_bytes(b"not a zip file")


PROBE = """
import sys
from servicedesk.triage.classifier.compact import compact_from_bytes
model = compact_from_bytes(open(sys.argv[1], "rb").read())
print(model.predict(["my laptop screen is broken"])[0].label)
print(sorted(name for name in ("sklearn", "scipy", "numpy", "joblib") if name in sys.modules))
"""


def test_predicting_loads_no_numpy_nor_scikit_learn(tmp_path):
    texts, labels = tickets(60)
    path = tmp_path / "model.npz"
    path.write_bytes(to_bytes(train(texts, labels, n_jobs=1)))
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    assert done.stdout.split("\n")[:2] == ["Hardware", "[]"], done.stderr
