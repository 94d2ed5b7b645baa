"""Scenario fixtures for the resident web channel: a service with one question of each type,
and helpers that walk the journey the way a browser does (GET, then POST with the key)."""

import io
import uuid

import pytest
from django.urls import reverse

from tests.factories import ServiceFactory

QUESTIONS = [
    {
        "name": "location_detail",
        "label": "Exactly where is it?",
        "type": "location",
        "required": True,
        "hint": "For example, outside number 12",
    },
    {
        "name": "depth",
        "label": "How deep is it?",
        "type": "choice",
        "choices": ["Shallower than 4cm", "Deeper than 4cm"],
        "required": True,
    },
    {"name": "on_bus_route", "label": "Is it on a bus route?", "type": "yes_no"},
    {"name": "noticed_on", "label": "When did you notice it?", "type": "date"},
]

# The smallest valid PNG (1x1 pixel) and a PDF header: real content types, checked by content.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Tests of other behaviour never trip the limit; rate limit tests set their own."""
    settings.WEB_RATE_LIMITS = {
        "submit": "1000/h",
        "find": "1000/h",
        "reply": "1000/h",
        "upload": "1000/h",
        "upload_mb": "1000/h",
        "report_photo": "1000/h",
    }


@pytest.fixture
def pothole(db):
    return ServiceFactory(
        name="Report a pothole",
        slug="report-a-pothole",
        is_location_based=True,
        questions=QUESTIONS,
        sla_days=5,
        what_happens_next="An inspector visits within 5 working days.",
        keywords="hole road surface",
    )


@pytest.fixture
def question_service(db):
    """A service that is not about a place: questions, then description, files, address."""
    return ServiceFactory(
        name="Ask about a blue badge",
        slug="blue-badge",
        questions=[{"name": "has_badge", "label": "Do you have a badge now?", "type": "yes_no"}],
    )


def upload(name: str = "photo.png", content: bytes = PNG, content_type: str = "image/png"):
    handle = io.BytesIO(content)
    handle.name = name
    handle.content_type = content_type
    return handle


class Walker:
    """Drives a journey through the test client, page by page, as a resident's browser would."""

    def __init__(self, client, service):
        self.client = client
        self.service = service

    def start(self):
        return self.client.get(reverse("web:start", args=[self.service.slug]))

    @property
    def key(self) -> str:
        return self.client.session["web_journeys"][self.service.slug]["key"]

    def url(self, step: str, change: bool = False) -> str:
        url = reverse("web:step", args=[self.service.slug, step])
        return url + "?change=1" if change else url

    def post(self, step: str, data: dict | None = None, change: bool = False, **extra):
        return self.client.post(
            self.url(step, change), {"journey_key": self.key, **(data or {})}, **extra
        )

    def get(self, step: str, change: bool = False):
        return self.client.get(self.url(step, change))

    def submit(self, **extra):
        return self.post("check", **extra)


CONTACT = {
    "full_name": "Siân O'Brien-Ng",
    "email": "sian@example.com",
    "phone": "07700 900982",
    "updates": "email",
}


def walk_pothole(walker: Walker, files=(), **overrides) -> None:
    """Answer every page of the pothole journey up to "Check your answers"."""
    walker.start()
    pages = [
        ("where", {"address": "Ribble Lane, Northmoor", "postcode": "PR1 8XJ"}),
        ("q-location_detail", {"answer": "Outside number 12"}),
        ("q-depth", {"answer": "Deeper than 4cm"}),
        ("q-on_bus_route", {"answer": "yes"}),
        ("q-noticed_on", {"answer_0": "3", "answer_1": "2", "answer_2": "2026"}),
        ("describe", {"description": "A deep pothole by the bus stop."}),
        ("files", {"action": "continue", "files": list(files)}),
        ("contact", CONTACT),
    ]
    for step, data in pages:
        data = {**data, **overrides.get(step, {})}
        response = walker.post(step, data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        if response.url == walker.url("nearby"):  # an open report nearby: this one is new
            assert walker.post("nearby", {"follow": "new"}).status_code == 302


@pytest.fixture
def walker(client, pothole):
    return Walker(client, pothole)


def random_ip() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}"
