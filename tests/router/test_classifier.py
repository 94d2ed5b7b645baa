"""The text classifier and its evaluation, on generated labelled text (no database)."""

import numpy as np
import pytest

from router import evaluation
from router.classifier import TextClassifier, train
from router.evaluation import Prediction
from router.synthetic import labelled


@pytest.fixture(scope="module")
def trained():
    data = list(labelled(1200, seed=1))
    return train([t for t, _ in data], [s for _, s in data])


def test_it_learns_the_services_from_labelled_text(trained):
    held = list(labelled(300, seed=2, confusion=0.0))
    proba = trained.predict_proba([t for t, _ in held])
    predicted = trained.classes[proba.argmax(axis=1)]
    accuracy = np.mean(predicted == np.array([s for _, s in held]))
    assert accuracy > 0.9
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)


def test_a_typo_still_finds_the_service(trained):
    slug, confidence = trained.top("the stret lihgt outside is out", 1)[0]
    assert slug == "report-a-street-light-fault"
    assert confidence > 0.5


def test_the_model_round_trips_through_arrays_only(trained):
    data = trained.to_bytes()
    again = TextClassifier.from_bytes(data)
    texts = ["my bin was not emptied", "dog barking all day"]
    assert np.allclose(again.predict_proba(texts), trained.predict_proba(texts), atol=1e-5)
    with np.load(__import__("io").BytesIO(data), allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_training_needs_two_services():
    with pytest.raises(ValueError, match="two services"):
        train(["a street light", "a lamp"], ["lights", "lights"])


def prediction(truth, *ranked):
    return Prediction(truth=truth, ranked=tuple(ranked))


def test_the_report_has_per_service_scores_top_k_coverage_and_confusions():
    predictions = [
        prediction("a", ("a", 0.9), ("b", 0.1)),
        prediction("a", ("b", 0.6), ("a", 0.4)),
        prediction("b", ("b", 0.95), ("a", 0.05)),
        prediction("c", ("a", 0.5), ("b", 0.3), ("c", 0.2)),
    ]
    report = evaluation.evaluate(predictions, {"a": 0.8, "b": 0.9}, default_threshold=0.85)
    assert report["top1"] == 0.5
    assert report["top3"] == 1.0
    assert report["coverage"] == 0.5  # a at 0.9 and b at 0.95 pass their thresholds
    assert report["accuracy_when_automatic"] == 1.0
    assert report["per_service"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["most_confused"][0]["count"] == 1
    text = evaluation.as_text(report, thresholds={"a": 0.8})
    assert "Top-1 accuracy: 0.500" in text and "Most confused" in text


def test_a_threshold_is_the_lowest_confidence_that_was_right_often_enough():
    right = [prediction("a", ("a", c)) for c in (0.95, 0.9, 0.85, 0.8, 0.75, 0.7)]
    wrong = [prediction("b", ("a", c)) for c in (0.5, 0.45, 0.4, 0.35, 0.6)]
    chosen = evaluation.choose_thresholds(
        right + wrong, ["a", "z"], target_precision=0.9, default=0.85
    )
    assert 0.6 < chosen["a"] <= 0.7
    assert chosen["z"] == 0.85  # no evidence: the default
