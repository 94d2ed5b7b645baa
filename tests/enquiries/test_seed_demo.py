"""seed_demo: the demo loads, covers every channel and status, and a second run adds nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from enquiries import demo_data
from enquiries.choices import Channel, Status
from enquiries.models import (
    Case,
    CaseEvent,
    Contact,
    Department,
    OutboxTask,
    Resident,
    RoutingRule,
    Service,
    Topic,
)
from enquiries.questions import validate_question_schema

pytestmark = pytest.mark.django_db

SEEDED_MODELS = [Department, Topic, Service, RoutingRule, Resident, Case, Contact, CaseEvent]
ROLE_USERS = {
    "agent": "contact_centre",
    "frontdesk": "front_desk",
    "highways.officer": "caseworker",
    "waste.officer": "caseworker",
    "socialcare.officer": "caseworker",
    "highways.manager": "manager",
    "admin": "admin",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Production-strength hashing makes every run and check_password take about a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    user_model = get_user_model()
    found = {model.__name__: model.objects.count() for model in SEEDED_MODELS}
    found["User"] = user_model.objects.count()
    found["Group"] = Group.objects.count()
    return found


@pytest.fixture
def seeded(monkeypatch) -> str:
    """Run the seed twice, as a developer re-running it would; return the first run's output."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first = StringIO()
    call_command("seed_demo", cases=40, history=0, stdout=first)
    before = counts()
    call_command("seed_demo", cases=40, history=0, stdout=StringIO())
    assert counts() == before, "a second run must not add or remove anything"
    return first.getvalue()


def test_catalogue_is_big_enough_and_valid(seeded):
    assert Department.objects.count() >= 9
    assert Department.objects.filter(slug="triage", is_triage=True).exists()
    assert Service.objects.count() >= 28
    assert Service.objects.filter(is_simple_query=True).count() >= 5
    assert Service.objects.exclude(questions=[]).count() >= 10
    assert RoutingRule.objects.count() >= 6
    for service in Service.objects.all():
        validate_question_schema(service.questions)
        service.full_clean()  # e.g. a simple query must have a standard answer


def test_every_channel_and_status_is_present(seeded):
    cases = Case.objects.all()
    assert cases.count() == 40
    intake_channels = set(Channel.values) - {Channel.SMS}  # SMS is outbound only
    assert set(cases.values_list("channel", flat=True)) == intake_channels
    assert set(cases.values_list("status", flat=True)) == set(Status.values)


def test_every_role_user_exists_in_its_group(seeded):
    user_model = get_user_model()
    for username, group in ROLE_USERS.items():
        user = user_model.objects.get(username=username)
        assert user.groups.filter(name=group).exists(), username
        assert user.check_password("demo-password-2026")
        assert user.is_staff == (username == "admin")
    assert user_model.objects.get(username="admin").is_superuser
    highways = Department.objects.get(slug="highways")
    manager = user_model.objects.get(username="highways.manager")
    assert highways.managers.filter(pk=manager.pk).exists()
    assert Department.objects.get(slug="flood-risk").members.filter(pk=manager.pk).exists()
    assert highways.members.filter(username="highways.officer").exists()
    assert "highways.manager" in seeded and "demo-password-2026" in seeded


def test_cases_look_lived_in(seeded):
    """Back-dated, moved by the services (events exist), no outbox work left to send."""
    assert not OutboxTask.objects.filter(state=OutboxTask.State.PENDING).exists()
    assert Contact.objects.filter(is_chaser=True).exists()
    assert (
        Contact.objects.filter(assisted_digital=True).exclude(assisted_digital_reason="").exists()
    )
    phone = Contact.objects.filter(channel=Channel.PHONE, call_duration_seconds__isnull=False)
    assert phone.exists()
    assert Contact.objects.filter(channel=Channel.FACE_TO_FACE).exclude(office="").exists()
    for case in Case.objects.all():
        events = list(case.events.values_list("created_at", flat=True))
        assert events == sorted(events)
        assert events[0] == case.created_at
    finished = Case.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED])
    assert not finished.filter(resolved_at__isnull=True).exists()


def test_residents_have_uk_demo_contact_details(seeded):
    residents = Resident.objects.all()
    assert residents.count() == len(demo_data.RESIDENT_NAMES)
    assert residents.filter(full_name="Siân O'Brien-Ng").exists()
    for resident in residents:
        assert resident.email or resident.phone
        assert not resident.phone or resident.phone.startswith("+447700900")
        assert not resident.email or resident.email.endswith(("@example.com", "@example.org"))
        assert resident.postcode_district[:2] in {"PR", "LA", "BB", "FY"}


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-long-demo-secret")
    call_command("seed_demo", cases=0, stdout=StringIO())
    assert get_user_model().objects.get(username="agent").check_password("another-long-demo-secret")
    assert not Case.objects.exists()


def test_it_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.PORTAL_ENV = "production"
    with pytest.raises(CommandError, match="refuses to run with PORTAL_ENV=production"):
        call_command("seed_demo", cases=0, stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_it_never_resets_an_existing_accounts_password(monkeypatch):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", password="the-real-admins-own-password")
    monkeypatch.setenv("DEMO_PASSWORD", "another-long-demo-secret")
    call_command("seed_demo", cases=0, stdout=StringIO())
    admin.refresh_from_db()
    assert admin.check_password("the-real-admins-own-password")
    assert not admin.check_password("another-long-demo-secret")
    # accounts that were missing are created with the demo password
    assert get_user_model().objects.get(username="agent").check_password("another-long-demo-secret")


def test_the_demo_has_a_postcode_directory_and_placed_cases(seeded, settings):
    from enquiries import places
    from enquiries.models import PostcodeUnit

    assert PostcodeUnit.objects.count() > 50_000
    placed = Case.objects.exclude(postcode="").exclude(ward_code="")
    assert placed.exists()
    assert not Case.objects.exclude(postcode="").filter(ward_code="").exists()
    assert places.check_place(service=None, postcode="SW1A 1AA", latitude=None, longitude=None) == {
        "postcode": ["SW1A 1AA is not in Northmoor: contact Westminster City Council"]
    }


def test_the_demo_has_a_history_with_a_hotspot_once(client, settings):
    """Managers and analysts see a hotspot on the demo; a second run adds no more history."""
    out = StringIO()
    call_command("seed_demo", cases=20, stdout=out)
    generated = Contact.objects.filter(idempotency_key__startswith="generated:")
    history = generated.count()
    assert history >= 40, "a generated past, scaled with --cases"
    assert "generated past cases with a hotspot" in out.getvalue()
    before = counts()
    call_command("seed_demo", cases=20, stdout=StringIO())
    assert counts() == before, "the history is added once"

    settings.STAFF_REQUIRE_2FA = False
    client.force_login(get_user_model().objects.get(username="highways.manager"))
    html = client.get("/staff/insight/hotspots/").content.decode()
    assert "place=ward%3A" in html, "the Hotspots page lists at least one hotspot"
