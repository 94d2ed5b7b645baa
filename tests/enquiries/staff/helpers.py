"""Scenario fixtures for the staff workspace tests (shared by the staff and assisted conftests)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries.choices import Status
from enquiries.models import Case, Department, Service
from tests.factories import CaseFactory, DepartmentFactory, ServiceFactory, UserFactory

POTHOLE_QUESTIONS = [
    {
        "name": "hazard_type",
        "label": "What is the danger?",
        "type": "choice",
        "choices": ["Deep pothole", "Broken drain cover"],
        "required": True,
    },
    {"name": "accident_happened", "label": "Has anyone been hurt?", "type": "yes_no"},
    {"name": "noticed_on", "label": "When did you notice it?", "type": "date"},
]


@dataclass
class World:
    highways: Department
    waste: Department
    triage: Department
    pothole: Service
    bins: Service
    agent: Any
    frontdesk: Any
    highways_officer: Any
    waste_officer: Any
    manager: Any
    admin: Any
    outsider: Any
    highways_case: Case
    waste_case: Case


def open_case(service: Service, **kwargs: Any) -> Case:
    defaults = {
        "status": Status.OPEN,
        "sla_due_at": timezone.now() + timedelta(days=7),
        "routed_at": timezone.now(),
    }
    return CaseFactory(service=service, **{**defaults, **kwargs})


@pytest.fixture
def world(db, settings) -> World:
    # seven staff accounts: a fast hasher keeps set-up quick (sign-in still checks passwords)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    highways = DepartmentFactory(name="Highways", slug="highways")
    waste = DepartmentFactory(name="Waste", slug="waste")
    triage = DepartmentFactory(name="Triage", slug="triage", is_triage=True)
    pothole = ServiceFactory(
        name="Report a pothole",
        slug="report-a-pothole",
        department=highways,
        is_location_based=True,
        questions=POTHOLE_QUESTIONS,
    )
    bins = ServiceFactory(name="Missed bin", slug="missed-bin", department=waste)
    agent = UserFactory(username="agent", groups=["contact_centre"])
    frontdesk = UserFactory(username="frontdesk", groups=["front_desk"])
    highways_officer = UserFactory(username="highways.officer", groups=["caseworker"])
    waste_officer = UserFactory(username="waste.officer", groups=["caseworker"])
    manager = UserFactory(username="highways.manager", groups=["manager"])
    admin = UserFactory(username="admin", groups=["admin"], is_staff=True, is_superuser=True)
    outsider = UserFactory(username="outsider")
    triage.members.add(agent, frontdesk)
    highways.members.add(highways_officer, manager)
    highways.managers.add(manager)
    waste.members.add(waste_officer)
    return World(
        highways=highways,
        waste=waste,
        triage=triage,
        pothole=pothole,
        bins=bins,
        agent=agent,
        frontdesk=frontdesk,
        highways_officer=highways_officer,
        waste_officer=waste_officer,
        manager=manager,
        admin=admin,
        outsider=outsider,
        highways_case=open_case(pothole, summary="Pothole on Moor Road"),
        waste_case=open_case(bins, summary="Bin not emptied"),
    )


def sign_in(client, user):
    """A fully signed-in staff session: password and a verified TOTP device."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> a test client for that user, past the second factor."""

    def make(user):
        return sign_in(client, user)

    return make
