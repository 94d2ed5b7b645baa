import pytest

from enquiries.choices import Status
from enquiries.lifecycle import TRANSITIONS, IllegalTransition, allowed_targets, check_transition

LEGAL = [
    (Status.RECEIVED, Status.OPEN),
    (Status.OPEN, Status.IN_PROGRESS),
    (Status.IN_PROGRESS, Status.AWAITING_RESIDENT),
    (Status.AWAITING_RESIDENT, Status.IN_PROGRESS),
    (Status.IN_PROGRESS, Status.RESOLVED),
    (Status.RESOLVED, Status.CLOSED),
    (Status.RESOLVED, Status.REOPENED),
    (Status.REOPENED, Status.IN_PROGRESS),
    (Status.RECEIVED, Status.RESOLVED),
]
ILLEGAL = [
    (Status.RECEIVED, Status.IN_PROGRESS),
    (Status.CLOSED, Status.IN_PROGRESS),
    (Status.RESOLVED, Status.IN_PROGRESS),
    (Status.OPEN, Status.REOPENED),
    (Status.OPEN, Status.RECEIVED),
    (Status.AWAITING_RESIDENT, Status.AWAITING_RESIDENT),
]


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_transitions_pass(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transitions_raise_a_clear_error(current, target):
    with pytest.raises(IllegalTransition) as raised:
        check_transition(current, target)
    message = str(raised.value)
    assert Status(current).label.lower() in message
    assert "allowed next" in message


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status.values)


def test_nothing_goes_back_to_received():
    assert all(Status.RECEIVED not in targets for targets in TRANSITIONS.values())


def test_allowed_targets_are_listed_for_staff_buttons():
    assert allowed_targets(Status.RESOLVED) == sorted([Status.CLOSED, Status.REOPENED])


def test_unknown_status_is_rejected():
    with pytest.raises(ValueError):
        check_transition("nonsense", Status.OPEN)
