"""Training, evaluating, activating and rolling back router models (the database side).

History is the council's own finished cases, labelled by the service they ended in (so a
staff correction teaches the router), plus imported CRM history; the service catalogue is
always in the training set, so a new service can be recognised before it has any cases.
The held-out set is the most recent history (a time-ordered split): the model is judged on
cases that came after everything it learned from, as in real use.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from enquiries.choices import Status
from enquiries.models import Case, Service
from router import evaluation
from router.classifier import TextClassifier, train
from router.evaluation import Prediction
from router.models import ImportedCase, RouterModel
from router.text import case_text, catalogue_texts

#: Below this many history cases nothing is held out: the model is a cold start.
MIN_HISTORY_TO_EVALUATE = 50
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    when: datetime | None = None


def catalogue_examples(services: list[Service]) -> list[Example]:
    return [Example(text, s.slug) for s in services for text in catalogue_texts(s)]


def history_examples(slugs: set[str], *, limit: int | None = None) -> list[Example]:
    """Finished cases and imported rows, oldest first."""
    cases = (
        Case.objects.filter(
            status__in=[Status.RESOLVED, Status.CLOSED],
            service__slug__in=slugs,
            merged_into__isnull=True,
            personal_data_removed_at__isnull=True,
        )
        .order_by("-created_at")
        .values_list("channel", "summary", "description", "service__slug", "created_at")
    )
    if limit:
        cases = cases[:limit]
    examples = [
        Example(case_text(Case(channel=ch, summary=su, description=de)), slug, when)
        for ch, su, de, slug, when in cases
    ]
    imported = ImportedCase.objects.filter(service__slug__in=slugs).order_by("-received_at")
    if limit:
        imported = imported[:limit]
    examples += [
        Example(text, slug, when)
        for text, slug, when in imported.values_list("text", "service__slug", "received_at")
    ]
    examples = [e for e in examples if e.text.strip()]
    examples.sort(key=lambda e: e.when or datetime.min.replace(tzinfo=UTC))
    return examples[-limit:] if limit else examples


def time_split(history: list[Example]) -> tuple[list[Example], list[Example]]:
    if len(history) < MIN_HISTORY_TO_EVALUATE:
        return history, []
    cut = len(history) - int(len(history) * HELD_OUT_SHARE)
    return history[:cut], history[cut:]


def predict(classifier: TextClassifier, examples: list[Example]) -> list[Prediction]:
    if not examples:
        return []
    proba = classifier.predict_proba([e.text for e in examples])
    order = proba.argsort(axis=1)[:, ::-1][:, :3]
    return [
        Prediction(
            truth=e.label,
            ranked=tuple((str(classifier.classes[j]), float(row[j])) for j in top),
        )
        for e, row, top in zip(examples, proba, order, strict=True)
    ]


def train_router(*, force: bool = False, history_limit: int | None = None) -> RouterModel:
    """Train a new version; activate it only if it is at least as good as the active one on
    the same held-out cases (or nothing is active, or ``force``)."""
    started = time.perf_counter()
    services = list(Service.objects.filter(is_active=True))
    slugs = {s.slug for s in services}
    history = history_examples(slugs, limit=history_limit)
    train_set, held_out = time_split(history)
    examples = catalogue_examples(services) + train_set
    classifier = train([e.text for e in examples], [e.label for e in examples])
    predictions = predict(classifier, held_out)
    thresholds = evaluation.choose_thresholds(
        predictions,
        sorted(slugs),
        target_precision=settings.ROUTER_TARGET_PRECISION,
        default=settings.ROUTER_DEFAULT_THRESHOLD,
    )
    report = evaluation.evaluate(
        predictions, thresholds, default_threshold=settings.ROUTER_DEFAULT_THRESHOLD
    )
    active = RouterModel.objects.filter(state=RouterModel.State.ACTIVE).first()
    decision, better = _compare(report, active, held_out)
    with transaction.atomic():
        version = (RouterModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        model = RouterModel.objects.create(
            version=version,
            weights=classifier.to_bytes(),
            thresholds=thresholds,
            trained_on=len(examples),
            history_cases=len(history),
            held_out=len(held_out),
            report=report,
            report_text=evaluation.as_text(report, thresholds=thresholds),
            decision=decision if not force else f"Activated by hand (forced). {decision}",
            seconds_to_train=round(time.perf_counter() - started, 2),
        )
        if better or force:
            _activate(model)
        else:
            model.state = RouterModel.State.REJECTED
            model.save(update_fields=["state"])
    return model


def _compare(report: dict, active: RouterModel | None, held_out: list[Example]):
    if active is None:
        return "No model was active.", True
    if not held_out:
        return (
            "Not enough history to compare with the active model (kept the active one).",
            False,
        )
    old = evaluation.evaluate(
        predict(TextClassifier.from_bytes(active.weights), held_out),
        active.thresholds,
        default_threshold=settings.ROUTER_DEFAULT_THRESHOLD,
    )
    report["active_model"] = {"version": active.version, "top1": old["top1"], "top3": old["top3"]}
    verdict = (
        f"Top-1 accuracy on the same {len(held_out)} held-out cases: "
        f"{report['top1']:.3f} against {old['top1']:.3f} for v{active.version}"
    )
    if report["top1"] >= old["top1"]:
        return verdict + ": at least as good, activated.", True
    return verdict + ": worse, not activated.", False


def _activate(model: RouterModel) -> None:
    RouterModel.objects.filter(state=RouterModel.State.ACTIVE).update(
        state=RouterModel.State.RETIRED
    )
    model.state = RouterModel.State.ACTIVE
    model.activated_at = timezone.now()
    model.save(update_fields=["state", "activated_at"])


@transaction.atomic
def rollback() -> RouterModel:
    """Go back to the model that was active before the current one."""
    current = RouterModel.objects.select_for_update().filter(state=RouterModel.State.ACTIVE).first()
    if current is None:
        raise ValueError("No router model is active.")
    previous = (
        RouterModel.objects.filter(state=RouterModel.State.RETIRED, version__lt=current.version)
        .order_by("-activated_at", "-version")
        .first()
    )
    if previous is None:
        raise ValueError(f"v{current.version} is the first model: there is nothing to go back to.")
    current.state = RouterModel.State.RETIRED
    current.save(update_fields=["state"])
    _activate(previous)
    return previous


@transaction.atomic
def activate(model: RouterModel) -> RouterModel:
    """An admin's choice of version (e.g. forward again after a rollback)."""
    _activate(model)
    return model


# --- the active model, loaded once per process --------------------------------------------------

_loaded: dict[int, TextClassifier] = {}
_lock = threading.Lock()


def active_classifier() -> tuple[RouterModel, TextClassifier] | None:
    """The active model and its classifier (loaded once per version in each process)."""
    row = (
        RouterModel.objects.filter(state=RouterModel.State.ACTIVE)
        .only("pk", "version", "thresholds")
        .first()
    )
    if row is None:
        return None
    with _lock:
        classifier = _loaded.get(row.pk)
        if classifier is None:
            weights = RouterModel.objects.values_list("weights", flat=True).get(pk=row.pk)
            _loaded.clear()
            classifier = _loaded[row.pk] = TextClassifier.from_bytes(weights)
    return row, classifier
