"""Writing a case's timeline: the one primitive every layer that changes a case shares.

Kept apart from ``services`` so that the modules ``services`` builds on (residents, notifications)
can record events without importing it back (issue 17: no import cycles).
"""

from typing import Any

from enquiries.models import Case, CaseEvent


def record_event(
    *,
    case: Case,
    kind: str,
    message: str,
    public: str = "",
    by: Any = None,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """One row on the case's timeline (append-only, ADR 0008); ``public`` is shown to residents."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        message=message,
        public_message=public,
        actor=by,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
