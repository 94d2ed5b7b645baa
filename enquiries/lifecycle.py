"""The case status lifecycle: one transition table, pure functions, no database."""

from enquiries.choices import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.OPEN, Status.RESOLVED, Status.CLOSED}),
    Status.OPEN: frozenset(
        {Status.IN_PROGRESS, Status.AWAITING_RESIDENT, Status.RESOLVED, Status.CLOSED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.OPEN, Status.AWAITING_RESIDENT, Status.RESOLVED, Status.CLOSED}
    ),
    Status.AWAITING_RESIDENT: frozenset(
        {Status.IN_PROGRESS, Status.OPEN, Status.RESOLVED, Status.CLOSED}
    ),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset(
        {Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_RESIDENT, Status.RESOLVED, Status.CLOSED}
    ),
}
"""Moves to OPEN from later states are transfers and re-routes: the case waits in a new queue."""

TERMINAL = frozenset({Status.RESOLVED, Status.CLOSED})
CLOCK_PAUSED = frozenset({Status.AWAITING_RESIDENT})


class IllegalTransition(ValueError):
    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        allowed = ", ".join(sorted(Status(s).label for s in TRANSITIONS.get(current, ()))) or "none"
        super().__init__(
            f"A case that is {Status(current).label.lower()} cannot become "
            f"{Status(target).label.lower()} (allowed next: {allowed})."
        )


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise IllegalTransition unless current → target is in the table."""
    if current not in TRANSITIONS or target not in Status.values:
        raise (
            IllegalTransition(current, target)
            if current in Status.values
            else ValueError(f"Unknown status {current!r}.")
        )
    if not can_transition(current, target):
        raise IllegalTransition(current, target)


def allowed_targets(current: str) -> list[str]:
    return sorted(TRANSITIONS.get(current, frozenset()))


def is_open(status: str) -> bool:
    return status not in TERMINAL
