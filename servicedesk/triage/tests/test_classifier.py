"""The classifier on small made-up data: normalising, training, confidence, threshold, storage."""

import io
import pickle

import numpy as np
import pytest

from servicedesk.triage.classifier import (
    BASELINE,
    NEVER,
    TrainingError,
    normalise,
    threshold_for_precision,
    ticket_text,
    train,
)
from servicedesk.triage.classifier.storage import ModelFormatError, from_bytes, to_bytes
from servicedesk.triage.tests.synthetic import tickets


@pytest.fixture(scope="module")
def trained():
    texts, labels = tickets(60)
    return train(texts, labels, n_jobs=1)


def test_normalise_keeps_words_and_drops_formatting():
    text = "VPN down!! See https://intra.example.com/kb/12 or mail Ann.Lee@example.com, ref 4711."
    assert normalise(text) == "vpn down see xurlx or mail xemailx ref xnumx"


def test_normalise_of_nothing_is_empty():
    assert normalise("") == ""
    assert normalise("  \t\n ") == ""
    assert normalise("?!... --") == ""
    assert ticket_text(title=" ", description="\n") == ""


def test_normalise_is_stable_when_applied_twice():
    text = "Ünïcode TITLE\u00a0with  spaces, 12:30 and foo_bar"
    assert (
        normalise(normalise(text))
        == normalise(text)
        == "ünïcode title with spaces xnumx and foo bar"
    )


def test_ticket_text_reads_title_then_description():
    assert ticket_text(title="Laptop", description="Screen broken") == "laptop screen broken"


def test_trained_model_predicts_the_label_of_each_vocabulary(trained):
    guesses = trained.predict(
        ["my laptop screen is broken", "password reset please", "buy licence"]
    )
    assert [g.label for g in guesses] == ["Hardware", "Access", "Purchase"]
    assert all(0.5 < g.confidence <= 1.0 for g in guesses)


def test_probabilities_are_a_distribution(trained):
    proba = trained.probabilities([normalise("dock and password and invoice")])
    assert proba.shape == (1, 3)
    assert proba.sum() == pytest.approx(1.0)
    assert (proba > 0).all()


def test_no_text_gets_no_prediction(trained):
    guesses = trained.predict(["", "   ", "laptop battery", "!!!"])
    assert guesses[0] is None and guesses[1] is None and guesses[3] is None
    assert guesses[2].label == "Hardware"


def test_cross_validated_figures_describe_the_training(trained):
    figures = trained.figures
    assert figures.size == 180
    assert figures.class_counts == {"Access": 60, "Hardware": 60, "Purchase": 60}
    assert 0.85 <= figures.accuracy <= 1.0
    assert figures.precision >= 0.95
    assert 0 < figures.threshold <= 1
    assert trained.threshold == figures.threshold
    assert 0.5 <= figures.coverage <= 1.0


def test_threshold_is_the_lowest_confidence_that_keeps_the_precision():
    # Confidences 0.9 .. 0.5; the fourth most confident is wrong.
    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.55, 0.5])
    correct = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    proba = np.column_stack([confidence, 1 - confidence])
    y = np.where(correct, 0, 1)
    # Cumulative precision: 1, 1, 1, .75, .8, .667
    assert threshold_for_precision(proba, y, target=0.95) == pytest.approx(0.7)
    assert threshold_for_precision(proba, y, target=0.8) == pytest.approx(0.55)
    assert threshold_for_precision(proba, y, target=0.6) == pytest.approx(0.5)


def test_threshold_does_not_cut_through_a_tie():
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.8, 0.2], [0.6, 0.4]])
    y = np.array([0, 0, 1, 0])  # of the tie at 0.8 one is right, one is wrong
    # Cutting inside the tie would give precision 1.0 at 0.8; as a whole it is 2/3.
    assert threshold_for_precision(proba, y, target=0.95) == pytest.approx(0.9)


def test_threshold_never_when_the_precision_is_out_of_reach():
    proba = np.array([[0.9, 0.1], [0.7, 0.3]])
    y = np.array([1, 1])
    assert threshold_for_precision(proba, y, target=0.95) == NEVER
    assert NEVER > 1.0


def test_two_labels_train_and_predict():
    texts, labels = tickets(40, labels=["Hardware", "Access"], seed=3)
    model = train(texts, labels, n_jobs=1)
    proba = model.probabilities([normalise("laptop charger"), normalise("locked account")])
    assert proba.shape == (2, 2)
    assert [model.classes[i] for i in proba.argmax(axis=1)] == ["Hardware", "Access"]
    assert proba.max(axis=1).min() > 0.5


def test_baseline_recipe_trains_too():
    texts, labels = tickets(40, seed=5)
    model = train(texts, labels, recipe=BASELINE, n_jobs=1)
    assert len(model.vectorisers) == 1 and len(model.members) == 1
    assert model.predict(["vpn login locked"])[0].label == "Access"


def test_training_refuses_what_it_cannot_learn():
    with pytest.raises(TrainingError, match="no text"):
        train(["", "  "], ["a", "b"])
    with pytest.raises(TrainingError, match="at least two labels"):
        train(["laptop", "screen", "dock"], ["Hardware"] * 3)
    texts, labels = tickets(20, seed=1)
    with pytest.raises(TrainingError, match="'Rare' has 2 texts"):
        train(texts + ["printer", "toner"], labels + ["Rare", "Rare"])


def test_texts_without_words_are_left_out_of_training():
    texts, labels = tickets(20, seed=2)
    model = train(texts + ["", "   "], labels + ["Hardware", "Access"], n_jobs=1)
    assert model.figures.size == 60


def test_stored_model_predicts_the_same(trained):
    loaded = from_bytes(to_bytes(trained))
    texts = [normalise(t) for t in ("monitor flicker", "vpn password", "quote for budget")]
    assert loaded.classes == trained.classes
    assert loaded.threshold == trained.threshold
    assert loaded.figures == trained.figures
    np.testing.assert_allclose(loaded.probabilities(texts), trained.probabilities(texts))


def test_garbage_is_not_a_model():
    with pytest.raises(ModelFormatError):
        from_bytes(b"not a model")
    with pytest.raises(ModelFormatError):
        from_bytes(b"")


def test_a_pickle_is_refused_not_run():
    # An npz whose metadata is an object array would need pickle to load: it is refused.
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array([{"format": "x"}], dtype=object))
    with pytest.raises(ModelFormatError):
        from_bytes(buffer.getvalue())
    with pytest.raises(ModelFormatError):
        from_bytes(pickle.dumps({"format": "servicedesk-triage-classifier/1"}))


def test_another_format_is_refused(trained):
    data = to_bytes(trained)
    arrays = dict(np.load(io.BytesIO(data), allow_pickle=False))
    arrays["meta"] = np.frombuffer(b'{"format": "other/9"}', dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(ModelFormatError, match="unknown model format 'other/9'"):
        from_bytes(buffer.getvalue())


def test_mismatched_shapes_are_refused(trained):
    arrays = dict(np.load(io.BytesIO(to_bytes(trained)), allow_pickle=False))
    arrays["coef_0"] = arrays["coef_0"][:, :-1]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(ModelFormatError, match="coefficients do not match"):
        from_bytes(buffer.getvalue())
