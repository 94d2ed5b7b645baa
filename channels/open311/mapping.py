"""How the portal's services and cases read as Open311 GeoReport v2 services and requests.

Pure translation, no writes: service_code is the service's slug, service_request_id the case
reference, and each of the service's questions is an attribute.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone

from enquiries.choices import QuestionType, Status
from enquiries.models import Case, Service

LONG_TEXT = 200  # text questions allowing more than this are "text" (multi-line), else "string"
YES_NO_VALUES = [{"key": "true", "name": "Yes"}, {"key": "false", "name": "No"}]

# What a FixMyStreet front end understands as the state of an update.
UPDATE_STATUS: dict[str, str] = {
    Status.RECEIVED: "OPEN",
    Status.OPEN: "OPEN",
    Status.REOPENED: "OPEN",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.AWAITING_RESIDENT: "ACTION_SCHEDULED",
    Status.RESOLVED: "FIXED",
    Status.CLOSED: "CLOSED",
}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with its zone, as the spec asks (local time of the council)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def open311_status(case: Case) -> str:
    return "open" if case.is_open else "closed"


def service_entry(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.slug,
        "service_name": service.name,
        "description": service.summary,
        "metadata": bool(service.questions),
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.topic.name,
    }


def attribute(question: dict[str, Any], order: int) -> dict[str, Any]:
    qtype = question["type"]
    values: list[dict[str, str]] = []
    if qtype == QuestionType.CHOICE:
        datatype = "singlevaluelist"
        values = [{"key": choice, "name": choice} for choice in question["choices"]]
    elif qtype == QuestionType.YES_NO:
        datatype, values = "singlevaluelist", YES_NO_VALUES
    elif qtype == QuestionType.MULTI_CHOICE:
        datatype = "multivaluelist"
        values = [{"key": choice, "name": choice} for choice in question["choices"]]
    elif qtype == QuestionType.NUMBER:
        datatype = "number"
    elif qtype == QuestionType.DATE:
        datatype = "datetime"
    elif qtype == QuestionType.TEXT and (question.get("max_length") or 500) > LONG_TEXT:
        datatype = "text"
    else:
        datatype = "string"
    entry: dict[str, Any] = {
        "variable": True,
        "code": question["name"],
        "datatype": datatype,
        "required": bool(question.get("required")),
        "datatype_description": question.get("hint", ""),
        "order": order,
        "description": question["label"],
    }
    if values:
        entry["values"] = values
    return entry


def service_definition(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.slug,
        "attributes": [attribute(q, n) for n, q in enumerate(service.questions, start=1)],
    }


def answers_from_attributes(
    service: Service, attributes: dict[str, str | list[str]]
) -> dict[str, Any]:
    """Form-encoded attribute[code] strings (lists for attribute[code][]) to the answer
    shapes clean_answers expects."""
    by_name = {q["name"]: q for q in service.questions}
    answers: dict[str, Any] = {}
    for code, raw in attributes.items():
        question = by_name.get(code)
        if isinstance(raw, list):
            answers[code] = [v.strip() for v in raw if v.strip()]
            continue
        value: Any = raw.strip()
        if question and question["type"] == QuestionType.MULTI_CHOICE:
            value = [value] if value else []
        if question and value:
            if question["type"] == QuestionType.YES_NO:
                lowered = value.lower()
                value = {"true": True, "yes": True, "false": False, "no": False}.get(lowered, value)
            elif question["type"] == QuestionType.DATE:
                value = value[:10]  # a datetime attribute: the date part is the answer
        answers[code] = value
    return answers


def request_entry(case: Case, *, private: bool, status_notes: str = "") -> dict[str, Any]:
    """One case as a service request. private: the filing partner's own view of its case."""
    located = private or bool(case.service and case.service.is_location_based)
    return {
        "service_request_id": case.reference,
        "status": open311_status(case),
        "status_notes": status_notes if private else "",
        "service_name": case.service.name if case.service else "",
        "service_code": case.service.slug if case.service else "",
        "description": case.description or case.summary if private else "",
        "agency_responsible": case.department.name if case.department else "",
        "service_notice": "",
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.expected_by),
        "address": case.address if located else "",
        "address_id": "",
        "zipcode": case.postcode if located else "",
        "lat": float(case.latitude) if located and case.latitude is not None else None,
        "long": float(case.longitude) if located and case.longitude is not None else None,
        "media_url": "",
    }
