"""Services matching the generated topics, and finished cases built from generated text."""

from datetime import timedelta

from django.utils import timezone

from enquiries.choices import Channel, Status
from enquiries.models import Case
from router.synthetic import TOPICS, labelled
from tests.factories import CaseFactory, DepartmentFactory, ServiceFactory


def topic_services(**overrides: dict) -> dict:
    """One service per generated topic, each with its own department."""
    services = {}
    for slug, (name, keywords, _phrases) in TOPICS.items():
        services[slug] = ServiceFactory(
            slug=slug,
            name=name,
            keywords=keywords,
            summary=f"{name}.",
            description=f"Use this to {name.lower()}.",
            department=DepartmentFactory(name=f"{name} team", slug=f"{slug}-team"),
            **overrides.get(slug, {}),
        )
    return services


def finished_cases(services: dict, n: int, *, seed: int = 0, start=None) -> list[Case]:
    """n resolved email cases, one hour apart, labelled by their service."""
    start = start or timezone.now() - timedelta(days=400)
    cases = []
    for i, (text, slug) in enumerate(labelled(n, seed=seed)):
        cases.append(
            CaseFactory.build(
                service=services[slug],
                department=services[slug].department,
                resident=None,
                channel=Channel.EMAIL,
                summary="Problem",
                description=text,
                status=Status.CLOSED,
                created_at=start + timedelta(hours=i),
            )
        )
    from tests.factories import ResidentFactory

    resident = ResidentFactory()
    for case in cases:
        case.resident = resident
    return Case.objects.bulk_create(cases)


def email_case(text: str, *, subject: str = "Problem", email: str = "", resident=None) -> Case:
    """An email that arrives with no service, through the one intake service."""
    import secrets

    from enquiries import intake

    details = resident or intake.ResidentDetails(
        full_name="Amara Okafor",
        email=email or f"amara.{secrets.token_hex(3)}@example.com",
    )
    return intake.submit(
        intake.NewCase(
            idempotency_key=f"email:test:{secrets.token_hex(8)}",
            summary=subject,
            description=text,
            contact=intake.ContactDetails(channel=Channel.EMAIL, body=text, subject=subject),
            resident=details,
        )
    ).case
