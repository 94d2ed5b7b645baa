"""Where an automation app takes part in a case's life without enquiries importing it.

The learning router (the `router` app) places cases no rule placed, answers simple queries, never
resends an answer a resident turned down, and adds "Is it sorted?" to the resolved update. It
depends on enquiries; enquiries must not depend on it (import-linter keeps it so). So the router
registers its functions here when it starts (RouterConfig.ready), as the email channel registers
its retention scrubber; without it installed, each hook leaves the case as the rules made it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from enquiries.models import Case
from enquiries.routing import Decision


def _keep(case: Case, decision: Decision) -> Decision:
    return decision


def _no_answer(case: Case, now: datetime | None) -> bool:
    return False


def _nothing(case: Case) -> dict[str, str]:
    return {}


def _no_suggestions(text: str) -> list[dict[str, Any]]:
    return []


@dataclass
class AutomationHooks:
    #: a case no rule placed and with no service: the decision, perhaps with a service set on case
    place_unrouted: Callable[[Case, Decision], Decision] = _keep
    #: a rule's automatic answer, unless the resident already said that answer did not help
    check_rule_answer: Callable[[Case, Decision], Decision] = _keep
    #: send an approved answer straight away; True when one was sent (no acknowledgement then)
    answer_automatically: Callable[[Case, datetime | None], bool] = _no_answer
    #: extra wording for the resolved update ("Is it sorted?"), {} when nothing to add
    resolved_update_extras: Callable[[Case], dict[str, str]] = _nothing
    #: the likeliest services for free text (a staff member's description of a call), best first:
    #: dicts with "service" (slug), "name" and "confidence"; [] without a trained router
    suggest_services: Callable[[str], list[dict[str, Any]]] = _no_suggestions


hooks = AutomationHooks()


def register(**functions: Any) -> None:
    """Called from an AppConfig.ready(): replace the named hooks."""
    for name, function in functions.items():
        if not hasattr(hooks, name):
            raise TypeError(f"No automation hook called {name!r}")
        setattr(hooks, name, function)


def place_unrouted(case: Case, decision: Decision) -> Decision:
    return hooks.place_unrouted(case, decision)


def check_rule_answer(case: Case, decision: Decision) -> Decision:
    return hooks.check_rule_answer(case, decision)


def answer_automatically(case: Case, now: datetime | None) -> bool:
    return hooks.answer_automatically(case, now)


def resolved_update_extras(case: Case) -> dict[str, str]:
    return hooks.resolved_update_extras(case)


def suggest_services(text: str) -> list[dict[str, Any]]:
    return hooks.suggest_services(text)
