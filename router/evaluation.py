"""How good a classifier is on labelled cases it never saw: pure functions over predictions.

Works on any labelled set (held-out cases, or a CSV: ``manage.py train_router --evaluate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Confidence steps tried when choosing a service's threshold.
THRESHOLD_STEPS = tuple(round(0.3 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95


@dataclass(frozen=True)
class Prediction:
    truth: str
    ranked: tuple[tuple[str, float], ...]  # (label, confidence), most likely first

    @property
    def label(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]


def choose_thresholds(
    predictions: Sequence[Prediction],
    labels: Sequence[str],
    *,
    target_precision: float,
    default: float,
    min_support: int = 5,
) -> dict[str, float]:
    """Per service, the lowest confidence at which automatic routing was right at least
    ``target_precision`` of the time; ``default`` where there is too little evidence."""
    thresholds: dict[str, float] = {}
    for label in labels:
        mine = [p for p in predictions if p.label == label]
        chosen = default
        if len(mine) >= min_support:
            for step in THRESHOLD_STEPS:
                above = [p for p in mine if p.confidence >= step]
                if len(above) < min_support:
                    break
                if sum(p.truth == label for p in above) / len(above) >= target_precision:
                    chosen = step
                    break
            else:
                chosen = max(default, THRESHOLD_STEPS[-1])
        thresholds[label] = chosen
    return thresholds


def evaluate(
    predictions: Sequence[Prediction],
    thresholds: Mapping[str, float],
    *,
    default_threshold: float,
) -> dict:
    """Per-service precision, recall and F1; top-1 and top-3 accuracy; coverage and accuracy
    at the thresholds; the most-confused pairs."""
    n = len(predictions)
    if n == 0:
        return {"cases": 0}
    labels = sorted({p.truth for p in predictions} | {p.label for p in predictions})
    per_service = {}
    for label in labels:
        tp = sum(p.truth == label and p.label == label for p in predictions)
        predicted = sum(p.label == label for p in predictions)
        actual = sum(p.truth == label for p in predictions)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_service[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": actual,
        }
    covered = [p for p in predictions if p.confidence >= thresholds.get(p.label, default_threshold)]
    confused = Counter((p.truth, p.label) for p in predictions if p.truth != p.label)
    return {
        "cases": n,
        "top1": round(sum(p.truth == p.label for p in predictions) / n, 4),
        "top3": round(sum(p.truth in {lab for lab, _ in p.ranked[:3]} for p in predictions) / n, 4),
        "coverage": round(len(covered) / n, 4),
        "accuracy_when_automatic": round(sum(p.truth == p.label for p in covered) / len(covered), 4)
        if covered
        else None,
        "per_service": per_service,
        "most_confused": [
            {"truth": truth, "predicted": predicted, "count": count}
            for (truth, predicted), count in confused.most_common(10)
        ],
    }


def as_text(report: Mapping, *, thresholds: Mapping[str, float] | None = None) -> str:
    """The report as a plain-text table (admin page, bench/RESULTS.md)."""
    if not report.get("cases"):
        return "No held-out cases to evaluate on (cold start from the service catalogue)."
    lines = [
        f"Held-out cases: {report['cases']}",
        f"Top-1 accuracy: {report['top1']:.3f}   Top-3 accuracy: {report['top3']:.3f}",
        f"Routed automatically at the thresholds: {report['coverage']:.1%} of cases, "
        + (
            f"{report['accuracy_when_automatic']:.1%} of them correctly"
            if report["accuracy_when_automatic"] is not None
            else "none"
        ),
        "",
        f"{'Service':<45} {'Prec':>6} {'Recall':>6} {'F1':>6} {'N':>5} {'Thresh':>6}",
    ]
    for label, row in sorted(report["per_service"].items()):
        threshold = (thresholds or {}).get(label)
        lines.append(
            f"{label[:45]:<45} {row['precision']:>6.3f} {row['recall']:>6.3f} "
            f"{row['f1']:>6.3f} {row['support']:>5} "
            + (f"{threshold:>6.2f}" if threshold is not None else f"{'-':>6}")
        )
    if report["most_confused"]:
        lines += ["", "Most confused (true -> predicted: count):"]
        lines += [
            f"  {row['truth']} -> {row['predicted']}: {row['count']}"
            for row in report["most_confused"]
        ]
    return "\n".join(lines)
