"""A person whose data is spread over every place the portal keeps it, and a dump to grep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from channels.inbound_email.models import InboundMessage
from enquiries import access_log, residents, services
from enquiries.choices import EventKind, Status
from enquiries.models import Case, CaseSubscription, Notification
from tests.channels.inbound_email.mails import PNG, make_email, pipe
from tests.factories import ResidentFactory, ServiceFactory, UserFactory, submit_web_case


@dataclass
class Person:
    """Markers that appear nowhere but in this person's data."""

    name: str
    email: str
    phone: str
    street: str
    secret: str
    cases: list[Case]

    @property
    def markers(self) -> list[str]:
        return [self.name, self.email, self.phone, self.street, self.secret]


def spread_person(tag: str = "Quillfeather") -> Person:
    """One person, through email (with a photo) and the web form, seen and changed by staff."""
    name = f"Ottoline {tag}"
    email = f"ottoline.{tag.lower()}@example.org"
    street = f"{tag} Mews"
    secret = f"SECRET-{tag.upper()}-42"
    service = ServiceFactory(
        questions=[
            {"name": "reg", "label": "Vehicle registration", "type": "text", "personal": True},
            {"name": "size", "label": "How big?", "type": "choice", "choices": ["Small", "Big"]},
        ]
    )
    result = pipe(
        make_email(
            sender=f"{name} <{email}>",
            subject=f"Flytipping on {street}",
            body=f"Someone dumped a sofa on {street}. {secret}",
            attachments=[("sofa.png", "image/png", PNG)],
        )
    )
    by_email = result.row.case
    web = submit_web_case(
        service=service,
        email=email,
        summary=f"Pothole by {street}",
        description=f"A pothole outside my house on {street}. {secret}",
    )
    Case.objects.filter(pk=web.pk).update(
        answers={"reg": f"{tag[:2].upper()}12 ABC", "size": "Big"}, address=f"1 {street}"
    )
    phone = f"+447700900{len(tag) * 37 % 1000:03d}"
    staff = UserFactory()
    residents.resident_update_details(
        resident=web.resident,
        changes={"phone": phone, "full_name": name, "address": f"1 {street}"},
        by=staff,
        channel=residents.Via.STAFF,
        reason=f"{name} phoned from {phone}",
    )
    services.record_event(
        case=web, kind=EventKind.NOTE, message=f"Spoke to {name} on {phone}", by=staff
    )
    access_log.record_view(user=staff, path=f"/staff/search/?q={tag}", case=web)
    Notification.objects.create(
        case=web,
        resident=web.resident,
        kind="received",
        medium="email",
        idempotency_key=f"test:{tag}:received",
        to_address=email,
        subject=f"Your enquiry about {street}",
        body=f"Dear {name}",
        state=Notification.State.DELIVERED,
    )
    residents.request_own_details_change(case=web, changes={"email": f"new.{email}"})
    cases = [Case.objects.get(pk=by_email.pk), Case.objects.get(pk=web.pk)]
    return Person(name, email, phone, street, secret, cases)


def close_long_ago(cases: list[Case], *, years: int = 8) -> None:
    when = timezone.now() - timedelta(days=365 * years)
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(
        status=Status.CLOSED, resolved_at=when, closed_at=when
    )


def follower_of(case: Case, tag: str = "Brackenbury"):
    follower = ResidentFactory(full_name=f"Follower {tag}", email=f"{tag.lower()}@example.net")
    CaseSubscription.objects.create(case=case, resident=follower, channel=case.channel)
    return follower


def database_text() -> str:
    """Every row of every table, as text (bytes decoded), on PostgreSQL or SQLite."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    chunks.append(str(value))
    return "\n".join(chunks)


def media_text() -> str:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return ""
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace") for path in root.rglob("*") if path.is_file()
    )


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def inbound_rows() -> list[InboundMessage]:
    return list(InboundMessage.objects.all())
