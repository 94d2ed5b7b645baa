"""A service's extra questions: a small validated schema stored as JSON on the Service.

Example: [{"name": "road_name", "label": "Which road is it on?", "type": "text", "required": true},
          {"name": "size", "label": "How big is it?", "type": "choice",
           "choices": ["Smaller than a dinner plate", "Bigger than a dinner plate"]}]
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

from enquiries.choices import QuestionType

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ALLOWED_KEYS = {"name", "label", "type", "required", "hint", "choices", "max_length", "personal"}
# "personal": true marks a question whose answer may identify someone (a name, a registration
# number, a description of a neighbour): retention and erasure remove those answers.
RESERVED_NAMES = {"description", "summary", "postcode", "address", "email", "phone", "name"}


def validate_question_schema(schema: Any) -> None:  # noqa: C901  a flat list of independent checks, read top to bottom
    """Raise ValidationError listing every problem, so an admin can fix them in one go."""
    problems: list[str] = []
    if not isinstance(schema, list):
        raise ValidationError("Questions must be a list of question objects.")
    seen: set[str] = set()
    for position, question in enumerate(schema, start=1):
        where = f"Question {position}"
        if not isinstance(question, dict):
            problems.append(f"{where} must be an object.")
            continue
        unknown = set(question) - ALLOWED_KEYS
        if unknown:
            problems.append(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
        name = question.get("name", "")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(f"{where} needs a name of lower-case letters, digits and underscores.")
        elif name in seen:
            problems.append(f"{where} repeats the name {name!r}.")
        elif name in RESERVED_NAMES:
            problems.append(f"{where} uses the reserved name {name!r}.")
        seen.add(name if isinstance(name, str) else "")
        label = question.get("label")
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            problems.append(f"{where} needs a label of at most 200 characters.")
        qtype = question.get("type")
        if qtype not in QuestionType.values:
            problems.append(
                f"{where} has type {qtype!r}; use one of {', '.join(QuestionType.values)}."
            )
        choices = question.get("choices")
        if qtype in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
            if (
                not isinstance(choices, list)
                or len(choices) < 2
                or not all(isinstance(c, str) and c.strip() for c in choices)
            ):
                problems.append(f"{where} is a choice question and needs at least two choices.")
        elif choices is not None:
            problems.append(f"{where} has choices but is not a choice question.")
        if "required" in question and not isinstance(question["required"], bool):
            problems.append(f"{where}: required must be true or false.")
        if "personal" in question and not isinstance(question["personal"], bool):
            problems.append(f"{where}: personal must be true or false.")
        max_length = question.get("max_length")
        if max_length is not None and (
            not isinstance(max_length, int) or not 1 <= max_length <= 2000
        ):
            problems.append(f"{where}: max_length must be a whole number from 1 to 2000.")
    if problems:
        raise ValidationError(problems)


def answers_as_text(schema: list[dict[str, Any]], answers: dict[str, Any]) -> str:
    """Questions and answers as plain lines, for routing keywords and staff reading."""
    lines = []
    for question in schema:
        value = answers.get(question["name"])
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{question['label']}: {value}")
    return "\n".join(lines)


MAX_NUMBER = 1_000_000_000


def clean_number(value: Any) -> int | None:
    """A whole number question's answer (an int, or digits as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= MAX_NUMBER:
        return value
    return None


def clean_answers(schema: list[dict[str, Any]], answers: Any) -> dict[str, Any]:
    """Validate answers sent as JSON (the partner API): the same rules as the forms apply.

    Returns the answers in the stored shape (text as str, yes/no as bool, dates as ISO strings)
    or raises ValidationError keyed by question name.
    """
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["Answers must be an object keyed by question name."]})
    by_name = {q["name"]: q for q in schema}
    errors: dict[str, list[str]] = {}
    for name in answers:
        if name not in by_name:
            errors[name] = [f"This service has no question called {name!r}."]
    cleaned: dict[str, Any] = {}
    for name, question in by_name.items():
        value = answers.get(name)
        if value in (None, "", []):
            if question.get("required"):
                errors[name] = [f"Answer the question: {question['label']}"]
            continue
        value, error = _clean_answer(question, value)
        if error:
            errors[name] = [error]
        else:
            cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_answer(question: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """One given answer in its stored shape, or the error to show for it."""
    from datetime import date

    label, qtype = question["label"], question["type"]
    choices: list[str] = question.get("choices") or []
    if qtype == QuestionType.YES_NO:
        return (
            (value, None) if isinstance(value, bool) else (None, f"{label}: answer true or false.")
        )
    if qtype == QuestionType.CHOICE:
        if value not in choices:
            return None, f"{label}: choose one of {', '.join(choices)}."
        return value, None
    if qtype == QuestionType.NUMBER:
        number = clean_number(value)
        if number is None:
            return None, f"{label}: give a whole number from 0 to {MAX_NUMBER:,}."
        return number, None
    if qtype == QuestionType.MULTI_CHOICE:
        picked = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v in choices for v in picked):
            return None, f"{label}: choose any of {', '.join(choices)}."
        return [c for c in choices if c in picked], None  # catalogue order, once
    if qtype == QuestionType.DATE:
        try:
            return date.fromisoformat(str(value)).isoformat(), None
        except ValueError:
            return None, f"{label}: give a date as YYYY-MM-DD."
    limit = question.get("max_length") or 500
    if not isinstance(value, str) or len(value) > limit:
        return None, f"{label}: give text of at most {limit} characters."
    return value.strip(), None


def non_personal_answers(schema: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers retention may keep: those to questions in the schema not marked personal.

    An answer to a question no longer in the schema is dropped: nothing says it is safe.
    """
    safe = {
        question["name"]
        for question in schema or []
        if isinstance(question, dict) and not question.get("personal", False)
    }
    return {name: value for name, value in (answers or {}).items() if name in safe}
