"""A resident's way through one service's question pages, kept in their session.

Answers are saved page by page, so going back, changing an answer from "Check your answers" or
coming back later never loses anything. The journey key (made when the journey starts, sent with
every form) is the intake idempotency key: a double click or a resubmitted form makes one case.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from channels.web.fixed_urls import fixed_url
from enquiries.models import Service

JOURNEYS = "web_journeys"
SENT = "web_sent"
KEY_PREFIX = "web:"


@dataclass
class Journey:
    request: HttpRequest
    slug: str
    data: dict[str, Any]

    @classmethod
    def get(cls, request: HttpRequest, service: Service) -> "Journey | None":
        data = request.session.get(JOURNEYS, {}).get(service.slug)
        return cls(request, service.slug, data) if data else None

    @classmethod
    def start(cls, request: HttpRequest, service: Service) -> "Journey":
        """Carry on with the journey in progress, or begin a new one with a fresh key."""
        journey = cls.get(request, service)
        if journey is None:
            data = {
                "key": f"{KEY_PREFIX}{uuid.uuid4().hex}",
                "answers": {},
                "where": {"address": "", "postcode": ""},
                "nearby": False,
                "follow": None,
                "description": "",
                "files": [],
                "contact": {},
                "done": [],
            }
            journey = cls(request, service.slug, data)
            journey.save()
        return journey

    @property
    def key(self) -> str:
        return self.data["key"]  # type: ignore[no-any-return]  # set by start()

    @property
    def folder(self) -> str:
        """Where this journey's uploads are kept (uploads.py): the key's random part."""
        return self.key.removeprefix(KEY_PREFIX)

    def complete(self, step: str) -> None:
        if step not in self.data["done"]:
            self.data["done"].append(step)

    def forget(self, step: str) -> None:
        if step in self.data["done"]:
            self.data["done"].remove(step)

    def save(self) -> None:
        journeys = self.request.session.get(JOURNEYS, {})
        journeys[self.slug] = self.data
        self.request.session[JOURNEYS] = journeys

    def finish(self, *, case_id: int, following: bool) -> None:
        """The enquiry is in: remember it for the confirmation page, drop the answers."""
        journeys = self.request.session.get(JOURNEYS, {})
        journeys.pop(self.slug, None)
        self.request.session[JOURNEYS] = journeys
        sent = self.request.session.get(SENT, {})
        sent[self.slug] = {"key": self.key, "case": case_id, "following": following}
        self.request.session[SENT] = sent


def has_answers(request: HttpRequest) -> bool:
    return bool(request.session.get(JOURNEYS))


def keep_answers(request: HttpRequest) -> int:
    """Restart the idle clock on the resident's answers; the seconds they are now kept for.

    Answers live in the session, which ends SESSION_COOKIE_AGE after the last request that saves
    it (WCAG 2.2.1: the page warns before then and lets the resident ask for more time).
    """
    request.session.modified = True
    return request.session.get_expiry_age()


def sent_record(request: HttpRequest, service: Service) -> dict[str, Any] | None:
    return request.session.get(SENT, {}).get(service.slug)  # type: ignore[no-any-return]


def question_step(question: dict[str, Any]) -> str:
    return f"q-{question['name']}"


def steps(service: Service, journey: Journey) -> list[str]:
    """The pages of this journey, in order. Reports about a place ask where first, so that a
    resident can join a report we already have before answering anything else."""
    questions = [question_step(q) for q in service.questions]
    if service.is_location_based:
        where = ["where", "nearby"] if journey.data["nearby"] else ["where"]
        if journey.data["follow"]:
            return [*where, "contact", "check"]
        return [*where, *questions, "describe", "files", "contact", "check"]
    return [*questions, "describe", "files", "where", "contact", "check"]


def first_unfinished(all_steps: list[str], journey: Journey) -> str:
    for step in all_steps:
        if step != "check" and step not in journey.data["done"]:
            return step
    return "check"


def step_url(service: Service, step: str, *, change: bool = False) -> str:
    url = fixed_url("web:step", service.slug, step)
    return url + "?change=1" if change else url


def question_for(service: Service, step: str) -> dict[str, Any] | None:
    for question in service.questions:
        if question_step(question) == step:
            return question  # type: ignore[no-any-return]  # the questions' JSON
    return None
