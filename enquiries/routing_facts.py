"""What routing may read about a case: the resident's own words and their structured answers.

Keywords must match only what the resident wrote. Question labels ("How deep is it?") and the
options offered ("Deeper than 10cm") are the council's words: a keyword search over them flags
every case of a service. Options the resident picked are tested by answer conditions instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from enquiries.choices import QuestionType
from enquiries.models import Case, Service
from enquiries.routing import CaseFacts

#: Question types whose answer the resident types themselves (searched by keywords).
FREE_TEXT_TYPES = frozenset({QuestionType.TEXT})


def resident_text(case: Case) -> str:
    """The case's words that the resident wrote: summary (unless we made it), description and
    free-text answers; never labels or the options of choice questions."""
    schema = case.service.questions if case.service else []
    parts = []
    if not _summary_is_ours(case):
        parts.append(case.summary)
    parts.append(case.description)
    for question in schema or []:
        if question.get("type") in FREE_TEXT_TYPES:
            value = (case.answers or {}).get(question.get("name"))
            if isinstance(value, str) and value.strip():
                parts.append(value)
    return "\n".join(part for part in parts if part)


def _summary_is_ours(case: Case) -> bool:
    """The web journey (and Open311 without a description) build the summary from the service
    name and the address: it says nothing the resident wrote and may hold words like
    "dangerous" (from "Report a dangerous pothole")."""
    return case.service is not None and case.summary.startswith(case.service.name)


def facts_for_case(case: Case) -> CaseFacts:
    """The routing facts for a case (service, resident's text, answers, place, channel, flags)."""
    resident = case.resident
    return CaseFacts(
        service_slug=case.service.slug if case.service else None,
        text=resident_text(case),
        answers=dict(case.answers or {}),
        postcode_district=case.postcode_district or resident.postcode_district or None,
        channel=case.channel,
        resident_flags=frozenset(resident.flags or [])
        | ({"email_failing"} if resident.email_failing else set()),
    )


def allowed_answers(question: dict[str, Any]) -> Sequence[str] | None:
    """What an answer condition on this question may test: its options, Yes/No, or anything."""
    qtype = question.get("type")
    if qtype in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        return tuple(question.get("choices") or ())
    if qtype == QuestionType.YES_NO:
        return ("Yes", "No")
    return None


def questions_of(services: Iterable[Service]) -> dict[str, Sequence[str] | None]:
    """Question key -> allowed answers across these services (for ``routing.validate_rule``).

    The same key in two services with different options allows either service's options.
    """
    found: dict[str, Sequence[str] | None] = {}
    for service in services:
        for question in service.questions or []:
            key = question.get("name")
            if not key:
                continue
            allowed = allowed_answers(question)
            before = found.get(key)
            if before is not None and allowed is not None:
                found[key] = tuple(dict.fromkeys([*before, *allowed]))
            elif key in found and (before is None or allowed is None):
                found[key] = None
            else:
                found[key] = allowed
    return found
