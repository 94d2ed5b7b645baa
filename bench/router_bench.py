"""Bench: the learning router's speed and accuracy on generated labelled enquiries.

No database, broker or server: the classifier is pure (router/classifier.py). Measures
- classifying one message (p50/p95 over single calls), against a same-run baseline: the
  keyword rules (enquiries.routing.decide, 10 rules) on the same messages;
- training on N cases (default 100,000), against a same-run baseline: vectorising the same
  texts alone (TF-IDF fit_transform);
- the evaluation report on a time-ordered held-out fifth (router/evaluation.py).
Results go to bench/RESULTS.md ("Learning router").

    .venv/bin/python bench/router_bench.py [--cases 100000] [--messages 2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation_common import write_section  # noqa: E402

from enquiries.routing import CaseFacts, RuleSpec, decide  # noqa: E402
from router import evaluation  # noqa: E402
from router.classifier import _char_vectorizer, _word_vectorizer, train  # noqa: E402
from router.evaluation import Prediction  # noqa: E402
from router.synthetic import TOPICS, labelled  # noqa: E402

START, END = "<!-- router:start -->", "<!-- router:end -->"


def ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def keyword_rules() -> list[RuleSpec]:
    return [
        RuleSpec(id=i, name=f"rule {i}", order=i, keywords_any=(kw, kw + "*"), department_slug="x")
        for i, kw in enumerate(
            [
                "asbestos",
                "flood",
                "urgent",
                "complaint",
                "ombudsman",
                "needle",
                "gas",
                "fire",
                "collapsed",
                "injured",
            ]
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()

    data = list(labelled(args.cases, seed=42, confusion=0.15))
    cut = len(data) - len(data) // 5
    train_set, held_out = data[:cut], data[cut:]
    texts, labels = [t for t, _ in train_set], [s for _, s in train_set]

    began = time.perf_counter()
    _word_vectorizer().fit_transform(texts)
    _char_vectorizer().fit_transform(texts)
    vectorise_s = time.perf_counter() - began

    began = time.perf_counter()
    classifier = train(texts, labels)
    train_s = time.perf_counter() - began

    messages = [t for t, _ in held_out[: args.messages]]
    rules = keyword_rules()
    classify, keyword, classify_cpu = [], [], []
    for text in messages:
        t0, c0 = time.perf_counter(), time.thread_time()
        classifier.top(text, 3)
        classify.append(time.perf_counter() - t0)
        classify_cpu.append(time.thread_time() - c0)
        t0 = time.perf_counter()
        decide(CaseFacts(text=text, channel="email"), rules, service_department_slug=None)
        keyword.append(time.perf_counter() - t0)

    began = time.perf_counter()
    proba = classifier.predict_proba([t for t, _ in held_out])
    order = proba.argsort(axis=1)[:, ::-1][:, :3]
    predictions = [
        Prediction(truth=s, ranked=tuple((str(classifier.classes[j]), float(row[j])) for j in top))
        for (_, s), row, top in zip(held_out, proba, order, strict=True)
    ]
    thresholds = evaluation.choose_thresholds(
        predictions, sorted(TOPICS), target_precision=0.9, default=0.85
    )
    report = evaluation.evaluate(predictions, thresholds, default_threshold=0.85)
    evaluate_s = time.perf_counter() - began
    total_s = train_s + evaluate_s

    p50, p95 = ms(classify, 0.5), ms(classify, 0.95)
    k50, k95 = ms(keyword, 0.5), ms(keyword, 0.95)
    c50, c95 = ms(classify_cpu, 0.5), ms(classify_cpu, 0.95)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())

    def met(ok: bool) -> str:
        return "yes" if ok else "no"

    rows = [
        (
            "Classify one message, p50 (wall)",
            f"{p50:.2f} ms",
            f"keyword rules {k50:.3f} ms",
            f"{p50 / k50:.0f}×",
            "< 5 ms",
            met(p50 < 5),
        ),
        (
            "Classify one message, p95 (wall)",
            f"{p95:.2f} ms",
            f"keyword rules {k95:.3f} ms",
            f"{p95 / k95:.0f}×",
            "< 5 ms",
            met(p95 < 5),
        ),
        (
            "Classify one message, CPU time p50 / p95",
            f"{c50:.2f} / {c95:.2f} ms",
            "",
            "",
            "< 5 ms",
            met(c95 < 5),
        ),
        (
            f"Train on {len(train_set):,} cases",
            f"{train_s:.1f} s",
            f"TF-IDF alone {vectorise_s:.1f} s",
            f"{train_s / vectorise_s:.1f}×",
            "",
            "",
        ),
        (
            f"Train and evaluate on {args.cases:,} cases (as train_router does)",
            f"{total_s:.1f} s",
            "",
            "",
            "< 120 s",
            met(total_s < 120),
        ),
    ]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    text = f"""## Learning router (`bench/router_bench.py`)

Run {datetime.now():%Y-%m-%d %H:%M} on {platform.machine()} ({platform.python_version()}), one
process, no database: {args.cases:,} generated labelled enquiries over {len(TOPICS)} services
(15 % of messages also mention a second topic; dropped-letter typos), time-ordered split:
{len(train_set):,} to train, the newest {len(held_out):,} held out.

| Measure | Result | Same-run baseline | Ratio | Target | Met |
|---|---:|---:|---:|---|---|
{table}

(Mean single classification {statistics.mean(classify) * 1000:.2f} ms over {len(messages)} calls.
Machine load average during the run: {load} on 2 cores shared with other work: the wall-clock
p95 includes time waiting for a CPU; the CPU-time row is the classifier's own cost.)

### Evaluation report on the held-out cases

```
{evaluation.as_text(report, thresholds=thresholds)}
```
"""
    write_section(START, END, text)
    print(text)


if __name__ == "__main__":
    main()
