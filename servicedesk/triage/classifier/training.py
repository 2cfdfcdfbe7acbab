"""Training a text classifier with calibrated confidence and a threshold for a target precision.

The recipe (``DESK``): word 1-2-grams and character 2-5-grams inside word boundaries, TF-IDF
with sublinear term frequency; three linear members, a LinearSVC and a ComplementNB on all those
features and a second LinearSVC on the words alone; their cross-validated scores, standardised, stacked by a multinomial logistic
regression, whose probabilities are the confidence. The stacker is a calibration step (a
multi-class Platt scaling over both members at once), so a single fit gives both the ensemble
and the calibration.

Cross-validation does the work twice, cheaply:

1. the members are fitted on ``folds`` folds of the training data and score the fold they did
   not see: out-of-fold scores for every training text (plus one fit on all of it for use);
2. the stacker is cross-validated on those out-of-fold scores: out-of-fold *calibrated*
   probabilities, from which come the cross-validated figures and the threshold, the lowest
   confidence above which the predictions reached ``target_precision``.

``BASELINE`` is the plain recipe the issue compares with: word unigrams, TF-IDF, a LinearSVC,
calibrated and thresholded the same way. Pure code: no Django, no database.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from servicedesk.triage.classifier.text import normalise

# A threshold no calibrated probability reaches: nothing is applied, all are suggestions.
NEVER = math.nextafter(1.0, 2.0)


@dataclass(frozen=True)
class Recipe:
    """How the features and the members are made (the defaults are the desk's)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 5)
    sublinear_tf: bool = True
    word_min_df: int = 2
    char_min_df: int = 3
    max_df: float = 0.9
    svc_c: float = 0.3
    naive_bayes: bool = True
    word_svc_c: float | None = 0.5  # a second LinearSVC on the word columns alone
    nb_alpha: float = 0.3
    stacker_c: float = 1.0


DESK = Recipe()
BASELINE = Recipe(
    word_ngrams=(1, 1), char_ngrams=None, sublinear_tf=False, word_min_df=1, max_df=1.0,
    svc_c=1.0, naive_bayes=False, word_svc_c=None,
)  # fmt: skip


@dataclass(frozen=True)
class Figures:
    """Cross-validated figures of one trained field (out-of-fold, on the training data)."""

    accuracy: float
    macro_f1: float
    threshold: float
    coverage: float  # share of training texts whose out-of-fold confidence clears the threshold
    precision: float  # precision among those
    size: int
    seconds: float
    class_counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "threshold": self.threshold,
            "coverage": round(self.coverage, 4),
            "precision": round(self.precision, 4),
            "size": self.size,
            "seconds": round(self.seconds, 1),
            "class_counts": dict(self.class_counts),
        }


@dataclass(frozen=True)
class Guess:
    label: str
    confidence: float


@dataclass
class Vectoriser:
    """One TF-IDF block: its analyser settings, vocabulary (terms in column order) and idf."""

    analyzer: str
    ngrams: tuple[int, int]
    sublinear_tf: bool
    terms: list[str]
    idf: np.ndarray
    _fitted: TfidfVectorizer | None = None

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.vectorizer().transform(texts)

    def vectorizer(self) -> TfidfVectorizer:
        if self._fitted is None:
            vectorizer = _tfidf(self.analyzer, self.ngrams, self.sublinear_tf)
            vectorizer.set_params(vocabulary={term: i for i, term in enumerate(self.terms)})
            vectorizer.idf_ = self.idf
            self._fitted = vectorizer
        return self._fitted


@dataclass
class TextClassifier:
    """A trained field: features -> linear members -> standardised scores -> stacker."""

    classes: list[str]
    vectorisers: list[Vectoriser]
    # One (coef, intercept) per member: scores = X @ coef.T + intercept, one column per class.
    members: list[tuple[np.ndarray, np.ndarray]]
    score_mean: np.ndarray
    score_scale: np.ndarray
    stacker_coef: np.ndarray
    stacker_intercept: np.ndarray
    threshold: float
    figures: Figures

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        blocks = [v.transform(texts) for v in self.vectorisers]
        return sparse.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0].tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities (rows sum to 1) of already normalised texts."""
        matrix = self.features(texts)
        scores = np.hstack([np.asarray(matrix @ c.T) + b for c, b in self.members])
        return _softmax(
            ((scores - self.score_mean) / self.score_scale) @ self.stacker_coef.T
            + self.stacker_intercept
        )

    def predict(self, texts: Sequence[str]) -> list[Guess | None]:
        """The best label and its confidence per raw text; None where there is nothing to read."""
        cleaned = [normalise(text) for text in texts]
        readable = [i for i, text in enumerate(cleaned) if text]
        guesses: list[Guess | None] = [None] * len(cleaned)
        if not readable:
            return guesses
        proba = self.probabilities([cleaned[i] for i in readable])
        best = proba.argmax(axis=1)
        for row, i in enumerate(readable):
            guesses[i] = Guess(self.classes[best[row]], float(proba[row, best[row]]))
        return guesses


class TrainingError(ValueError):
    """The data cannot train a classifier (too few texts or classes)."""


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    recipe: Recipe = DESK,
    target_precision: float = 0.95,
    folds: int = 5,
    seed: int = 0,
    n_jobs: int = 2,
) -> TextClassifier:
    """Train on raw texts and their labels; texts with nothing to read are left out."""
    started = time.perf_counter()
    pairs = [(t, str(y)) for t, y in zip(map(normalise, texts), labels, strict=True) if t]
    if not pairs:
        raise TrainingError("no text to train on")
    cleaned = [t for t, _ in pairs]
    classes, y = np.unique([y for _, y in pairs], return_inverse=True)
    if len(classes) < 2:
        raise TrainingError("training needs at least two labels")
    counts = np.bincount(y)
    if counts.min() < folds:
        raise TrainingError(
            f"label {str(classes[counts.argmin()])!r} has {counts.min()} texts; "
            f"cross-validation needs at least {folds} per label"
        )
    vectorisers, matrix = _fit_features(cleaned, recipe)
    word_columns = len(vectorisers[0].terms)
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(matrix, y))
    jobs = [(matrix, y, None)] + [(matrix, y, s) for s in splits]
    fitted = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_fit_members)(m, t, s, recipe, word_columns) for m, t, s in jobs
    )
    members = fitted[0][0]
    oof = np.zeros((len(y), sum(c.shape[0] for c, _ in members)))
    for (_, fold_scores), (_, held) in zip(fitted[1:], splits, strict=True):
        oof[held] = fold_scores
    mean, scale = oof.mean(axis=0), oof.std(axis=0)
    scale[scale == 0] = 1.0
    standard = (oof - mean) / scale
    stacker = LogisticRegression(C=recipe.stacker_c, max_iter=1000)
    proba = cross_val_predict(
        stacker, standard, y, cv=StratifiedKFold(folds, shuffle=True, random_state=seed + 1),
        method="predict_proba",
    )  # fmt: skip
    stacker.fit(standard, y)
    coef, intercept = stacker.coef_, stacker.intercept_
    if coef.shape[0] == 1:  # two labels: p = sigmoid(w.x + b) is a softmax over (0, w.x + b)
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.array([0.0, intercept[0]])
    threshold = threshold_for_precision(proba, y, target=target_precision)
    predicted, confidence = proba.argmax(axis=1), proba.max(axis=1)
    above = confidence >= threshold
    figures = Figures(
        accuracy=float((predicted == y).mean()),
        macro_f1=float(f1_score(y, predicted, average="macro")),
        threshold=threshold,
        coverage=float(above.mean()),
        precision=float((predicted[above] == y[above]).mean()) if above.any() else 1.0,
        size=len(y),
        seconds=time.perf_counter() - started,
        class_counts={str(c): int(n) for c, n in zip(classes, counts, strict=True)},
    )
    return TextClassifier(
        classes=[str(c) for c in classes],
        vectorisers=vectorisers,
        members=members,
        score_mean=mean,
        score_scale=scale,
        stacker_coef=coef,
        stacker_intercept=intercept,
        threshold=threshold,
        figures=figures,
    )


def folded(model: TextClassifier) -> tuple[np.ndarray, np.ndarray]:
    """The model as one linear map before the softmax: (features x classes) weights, intercept.

    Each member's scores are linear in the features, their standardisation is affine and the
    stacker is linear, so ``probabilities`` equals ``softmax(X @ weights + intercept)``: what a
    process without scikit-learn needs to predict (``compact``). Folded in float64 and stored
    as float32 like the members.
    """
    k = len(model.classes)
    weights = np.zeros((model.members[0][0].shape[1], k))
    intercept = np.array(model.stacker_intercept, dtype=np.float64)
    for m, (coef, bias) in enumerate(model.members):
        columns = slice(m * k, (m + 1) * k)
        scale = model.score_scale[columns]
        stacker = model.stacker_coef[:, columns] / scale  # classes x this member's scores
        weights += coef.T.astype(np.float64) @ stacker.T
        intercept += ((bias - model.score_mean[columns]) / scale) @ model.stacker_coef[:, columns].T
    return weights.astype(np.float32), intercept


def threshold_for_precision(proba: np.ndarray, y: np.ndarray, *, target: float) -> float:
    """The lowest confidence t such that the predictions with confidence >= t reach ``target``.

    Read on out-of-fold probabilities, so the figure is what unseen tickets should get. Walking
    down from the most confident, the cumulative precision wobbles at first; the threshold is
    the lowest point at which it is still at or above the target. ``NEVER`` if it never is.
    """
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y
    order = np.argsort(-confidence, kind="stable")
    ranked = confidence[order]
    precision = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    # Only cut between distinct confidences: a tie is applied or withheld as a whole.
    last_of_tie = np.append(ranked[1:] < ranked[:-1], True)
    good = np.flatnonzero((precision >= target) & last_of_tie)
    if not len(good):
        return NEVER
    return float(ranked[good[-1]])


def _tfidf(analyzer: str, ngrams: tuple[int, int], sublinear_tf: bool, **extra) -> TfidfVectorizer:
    if analyzer == "word":  # one-letter words count too (the default pattern drops them)
        extra["token_pattern"] = r"(?u)\b\w+\b"
    return TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngrams, sublinear_tf=sublinear_tf, lowercase=False,
        dtype=np.float32, **extra,
    )  # fmt: skip


def _fit_features(texts: list[str], recipe: Recipe) -> tuple[list[Vectoriser], sparse.csr_matrix]:
    # Fitted once on all training texts: the vocabulary and idf are unsupervised, and refitting
    # them per fold would cost more than the members themselves for a negligible difference.
    settings = [("word", recipe.word_ngrams, recipe.word_min_df)]
    if recipe.char_ngrams:
        settings.append(("char_wb", recipe.char_ngrams, recipe.char_min_df))
    vectorisers, blocks = [], []
    for analyzer, ngrams, min_df in settings:
        min_df = min(min_df, len(texts))
        max_df = recipe.max_df if len(texts) * recipe.max_df >= min_df else 1.0
        vectorizer = _tfidf(analyzer, ngrams, recipe.sublinear_tf, min_df=min_df, max_df=max_df)
        try:
            blocks.append(vectorizer.fit_transform(texts))
        except ValueError as error:  # every term pruned: nothing left to learn from
            raise TrainingError(f"no usable terms in the texts ({error})") from None
        terms = [""] * len(vectorizer.vocabulary_)
        for term, column in vectorizer.vocabulary_.items():
            terms[column] = term
        vectorisers.append(
            Vectoriser(analyzer, ngrams, recipe.sublinear_tf, terms, vectorizer.idf_, vectorizer)
        )
    return vectorisers, sparse.hstack(blocks, format="csr")


def _fit_members(matrix, y, split, recipe: Recipe, word_columns: int):
    """Fit the members on a fold (or on all of it: ``split`` None); score the held-out part."""
    train_rows, held = split if split is not None else (np.arange(len(y)), None)
    x_train, y_train = matrix[train_rows], y[train_rows]
    svc = LinearSVC(C=recipe.svc_c, random_state=0).fit(x_train, y_train)
    members = [_linear(svc.coef_, svc.intercept_, len(svc.classes_))]
    if recipe.naive_bayes:
        nb = ComplementNB(alpha=recipe.nb_alpha).fit(x_train, y_train)
        # Naive Bayes scores grow with the length of the text; less their mean over the
        # classes (the same per row, so the ranking is kept) they no longer do.
        weights = nb.feature_log_prob_ - nb.feature_log_prob_.mean(axis=0)
        members.append((weights.astype(np.float32), np.zeros(len(nb.classes_))))
    if recipe.word_svc_c is not None:
        words = LinearSVC(C=recipe.word_svc_c, random_state=0).fit(
            x_train[:, :word_columns], y_train
        )
        coef, intercept = _linear(words.coef_, words.intercept_, len(words.classes_))
        # Zeros over the character columns: the same product as the other members.
        padded = np.zeros((coef.shape[0], matrix.shape[1]), dtype=np.float32)
        padded[:, :word_columns] = coef
        members.append((padded, intercept))
    if held is None:
        return members, None
    x_held = matrix[held]
    return members, np.hstack([np.asarray(x_held @ c.T) + b for c, b in members])


def _linear(coef: np.ndarray, intercept: np.ndarray, n_classes: int):
    # A two-class LinearSVC has one column of scores; give it one per class like the rest.
    if n_classes == 2 and coef.shape[0] == 1:
        coef, intercept = np.vstack([-coef, coef]), np.array([-intercept[0], intercept[0]])
    return coef.astype(np.float32), np.asarray(intercept, dtype=np.float64)


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)
