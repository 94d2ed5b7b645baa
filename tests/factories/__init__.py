"""factory_boy factories for the case domain."""

import secrets

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from enquiries.choices import Channel, Direction
from enquiries.models import (
    Case,
    Contact,
    Department,
    Resident,
    RoutingRule,
    Service,
    Topic,
    hash_tracking_token,
    make_tracking_token,
)
from enquiries.references import generate_reference


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@northmoor.example")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Report a problem {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    topic = factory.SubFactory(TopicFactory)
    summary = "Tell us about a problem."
    description = "Use this service to tell us about a problem."
    department = factory.SubFactory(DepartmentFactory)
    sla_days = 10


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    # Deterministic: a random Faker name could match another test's search by chance.
    full_name = factory.Sequence(lambda n: f"Test Resident {n}")
    email = factory.Sequence(lambda n: f"resident{n}@example.com")
    phone = factory.Sequence(lambda n: f"+447700900{n % 1000:03d}")
    postcode = "PR1 8XJ"
    postcode_district = "PR1"


class CaseFactory(factory.django.DjangoModelFactory):
    """Writes a case directly, for tests of reads; tests of writes go through intake."""

    class Meta:
        model = Case

    reference = factory.LazyFunction(generate_reference)
    tracking_salt = factory.LazyFunction(lambda: secrets.token_hex(8))
    tracking_token_hash = factory.LazyAttribute(
        lambda c: hash_tracking_token(make_tracking_token(c.reference, c.tracking_salt))
    )
    service = factory.SubFactory(ServiceFactory)
    department = factory.SelfAttribute("service.department")
    channel = Channel.WEB
    resident = factory.SubFactory(ResidentFactory)
    summary = "Pothole outside number 12"
    description = "A deep pothole on the left-hand side of the road."
    postcode = "PR1 8XJ"
    postcode_district = "PR1"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory)
    resident = factory.SelfAttribute("case.resident")
    channel = Channel.WEB
    direction = Direction.INBOUND
    body = "Any news on this?"


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    order = factory.Sequence(lambda n: n * 10)


class NotificationTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enquiries.NotificationTemplate"
        django_get_or_create = ["kind", "medium"]

    kind = "open"
    medium = "email"
    subject = "Your enquiry has a team"
    body = "The {{ case.department.name }} team has your enquiry."


_submissions = iter(range(1, 10**9))


def submit_web_case(
    *,
    service=None,
    email: str = "",
    phone: str = "",
    preferred_channel: str = "email",
    summary: str = "Street light out",
    description: str = "The light outside number 4 has been out for a week.",
    key: str = "",
    flags: tuple[str, ...] = (),
):
    """A resident's online form, through the one intake service (as the web channel does)."""
    from enquiries import intake

    n = next(_submissions)
    return intake.submit(
        intake.NewCase(
            idempotency_key=key or f"form:test:{n}:{secrets.token_hex(4)}",
            summary=summary,
            description=description,
            contact=intake.ContactDetails(channel=Channel.WEB, body=description),
            resident=intake.ResidentDetails(
                full_name="Zoë Kowalczyk",
                email=email or ("" if phone else f"resident.{n}@example.com"),
                phone=phone,
                preferred_channel=preferred_channel,
                flags=flags,
            ),
            service=service,
        )
    ).case
