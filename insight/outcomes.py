"""Where "Is it sorted?" and satisfaction answers come from (issue 16 builds them).

The rollup asks ``case_outcomes`` for the answers of the cases it counts. Today it looks for a
model with a ``case`` foreign key and a ``sorted`` boolean (and, if present, a ``satisfaction``
1-5 and a ``created_at``); when none is installed the Outcome section says so. Another source is
one function added to ``SOURCES`` returning {case id: (sorted, satisfaction)}.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.db import models

Answer = tuple[bool | None, int | None]


def outcome_model() -> type[models.Model] | None:
    """The first installed model that records a resident's "is it sorted?" answer per case."""
    for model in apps.get_models():
        if model._meta.app_label == "insight":
            continue
        names = {field.name for field in model._meta.get_fields()}
        if {"case", "sorted"} <= names:
            field = model._meta.get_field("sorted")
            if isinstance(field, models.BooleanField):
                return model
    return None


def _model_source(case_ids: list[int]) -> dict[int, Answer]:
    model = outcome_model()
    if model is None or not case_ids:
        return {}
    fields = ["case_id", "sorted"]
    has_satisfaction = any(f.name == "satisfaction" for f in model._meta.get_fields())
    if has_satisfaction:
        fields.append("satisfaction")
    found: dict[int, Answer] = {}
    for start in range(0, len(case_ids), 5000):
        chunk = case_ids[start : start + 5000]
        for row in model._default_manager.filter(case_id__in=chunk).order_by("pk").values(*fields):
            found[row["case_id"]] = (row["sorted"], row.get("satisfaction"))  # latest answer wins
    return found


SOURCES: list[Callable[[list[int]], dict[int, Answer]]] = [_model_source]


def case_outcomes(case_ids: list[int]) -> dict[int, Answer]:
    found: dict[int, Answer] = {}
    for source in SOURCES:
        found.update(source(case_ids))
    return found


def changed_case_ids(since: datetime) -> models.QuerySet | list[int]:
    """Cases whose answer arrived since the last refresh (their week is recomputed)."""
    model = outcome_model()
    if model is None:
        return []
    names = {f.name for f in model._meta.get_fields()}
    # when the answer came: the router's CaseOutcome says answered_at, a plainer model created_at
    stamp = next((name for name in ("answered_at", "created_at") if name in names), None)
    if stamp is None:
        return []
    return model._default_manager.filter(**{f"{stamp}__gte": since}).values("case_id")


def available() -> bool:
    return outcome_model() is not None
