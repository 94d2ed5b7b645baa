"""The text classifier: TF-IDF word and character n-grams, multinomial logistic regression.

Pure (no database): train on (text, label) pairs, serialise to NumPy arrays only, predict with
a sparse dot product and a softmax. Characters n-grams cope with typos ("streetlight",
"stret light"); words carry the meaning.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MAX_WORD_FEATURES = 30_000
MAX_CHAR_FEATURES = 30_000


def _word_vectorizer(vocabulary=None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        strip_accents="unicode",
        max_features=None if vocabulary is not None else MAX_WORD_FEATURES,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _char_vectorizer(vocabulary=None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        strip_accents="unicode",
        max_features=None if vocabulary is not None else MAX_CHAR_FEATURES,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


@dataclass
class TextClassifier:
    classes: np.ndarray  # labels (service slugs), in coefficient order
    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray

    def _features(self, texts: Sequence[str]):
        return sparse.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text: the probability of each class (``classes`` order)."""
        scores = np.asarray(self._features(texts) @ self.coef.T) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The k most likely labels for one text, most likely first."""
        proba = self.predict_proba([text])[0]
        order = np.argsort(proba)[::-1][:k]
        return [(str(self.classes[i]), float(proba[i])) for i in order]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            classes=np.asarray(self.classes, dtype=str),
            word_terms=np.asarray(_terms(self.word), dtype=str),
            word_idf=self.word.idf_.astype(np.float32),
            char_terms=np.asarray(_terms(self.char), dtype=str),
            char_idf=self.char.idf_.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> TextClassifier:
        """Arrays only: ``allow_pickle=False`` means a stored model can never run code."""
        arrays = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
        word = _word_vectorizer({t: i for i, t in enumerate(arrays["word_terms"].tolist())})
        word.idf_ = arrays["word_idf"]
        char = _char_vectorizer({t: i for i, t in enumerate(arrays["char_terms"].tolist())})
        char.idf_ = arrays["char_idf"]
        return cls(
            classes=arrays["classes"],
            word=word,
            char=char,
            coef=arrays["coef"],
            intercept=arrays["intercept"],
        )


def _terms(vectorizer: TfidfVectorizer) -> list[str]:
    vocabulary = vectorizer.vocabulary_
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    return terms


def train(
    texts: Sequence[str], labels: Sequence[str], *, weights: Sequence[float] | None = None
) -> TextClassifier:
    """Fit on labelled texts (at least two labels). ``weights`` let catalogue text count less
    than real cases once there is history."""
    if len(set(labels)) < 2:
        raise ValueError("Training needs examples of at least two services.")
    word = _word_vectorizer()
    char = _char_vectorizer()
    features = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=20.0, max_iter=300, tol=1e-3)
    model.fit(features, np.asarray(labels), sample_weight=weights)
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1:  # two classes: sklearn keeps one row; make it a softmax pair
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return TextClassifier(
        classes=model.classes_, word=word, char=char, coef=coef, intercept=intercept
    )
