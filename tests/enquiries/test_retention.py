"""Retention: past its service's period a case keeps its statistics and loses its personal data."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.utils import timezone

from enquiries import retention
from enquiries.choices import Outcome, Status
from enquiries.models import Attachment, Case, CaseEvent, Contact, Notification, Resident
from tests.enquiries.privacy_data import (
    close_long_ago,
    database_text,
    follower_of,
    inbound_rows,
    media_files,
    spread_person,
)
from tests.factories import CaseFactory, ServiceFactory, UserFactory

pytestmark = [pytest.mark.django_db]


def insight_figures() -> dict[str, Counter]:
    """Counts insight reports use: by service, department, channel, month, district, status…"""
    cases = list(
        Case.objects.annotate(month=TruncMonth("created_at")).values(
            "service_id",
            "department_id",
            "channel",
            "month",
            "postcode_district",
            "status",
            "outcome",
            "priority",
            "resident__flags",
        )
    )
    figures = {
        key: Counter(str(row[key]) for row in cases)
        for key in ("service_id", "department_id", "channel", "month", "postcode_district")
    }
    figures["status"] = Counter(row["status"] for row in cases)
    figures["outcome"] = Counter(row["outcome"] for row in cases)
    figures["flags"] = Counter(str(row["resident__flags"]) for row in cases)
    figures["contacts_by_channel"] = Counter(Contact.objects.values_list("channel", flat=True))
    figures["events_by_kind"] = Counter(CaseEvent.objects.values_list("kind", flat=True))
    return figures


def test_a_case_closed_eight_years_ago_loses_its_personal_data_everywhere():
    person = spread_person()
    close_long_ago(person.cases)
    assert person.secret in database_text() and media_files()

    report = retention.apply_retention()

    assert report.cases == 2 and report.residents >= 1
    text = database_text()
    for marker in person.markers:
        assert marker not in text, marker
    assert not media_files(), "attachment files are gone from storage"
    assert all(not bytes(row.raw) and not row.sender for row in inbound_rows())
    for case in Case.objects.filter(pk__in=[c.pk for c in person.cases]):
        assert case.personal_data_removed_at is not None
        assert case.description == "" and case.address == "" and case.postcode == ""
        assert case.resident.anonymised_at is not None
    assert not Attachment.objects.exclude(file="").exists()
    assert not Notification.objects.exclude(to_address="").exists()


def test_answers_to_personal_questions_go_and_the_others_stay():
    person = spread_person()
    close_long_ago(person.cases)

    retention.apply_retention()

    web = Case.objects.get(pk=person.cases[1].pk)
    assert web.answers == {"size": "Big"}


def test_the_insight_figures_are_the_same_before_and_after_retention():
    person = spread_person()
    close_long_ago(person.cases)
    Case.objects.filter(pk=person.cases[0].pk).update(outcome=Outcome.RESOLVED_FIRST_CONTACT)
    CaseFactory.create_batch(3, status=Status.OPEN)
    old = CaseFactory(status=Status.CLOSED, postcode_district="PR2")
    close_long_ago([old], years=9)
    before = insight_figures()

    retention.apply_retention()

    assert Case.objects.filter(personal_data_removed_at__isnull=False).count() == 3
    assert insight_figures() == before


def test_a_case_inside_its_period_and_an_open_case_are_left_alone():
    service = ServiceFactory(retention_days=2 * 365)
    recent = CaseFactory(service=service, status=Status.CLOSED)
    close_long_ago([recent], years=1)
    live = CaseFactory(service=service, status=Status.IN_PROGRESS)
    due = CaseFactory(service=service, status=Status.CLOSED)
    close_long_ago([due], years=3)

    report = retention.apply_retention()

    assert report.cases == 1
    assert Case.objects.get(pk=due.pk).personal_data_removed_at is not None
    for kept in (recent, live):
        kept.refresh_from_db()
        assert kept.personal_data_removed_at is None and kept.description


def test_a_person_with_a_live_case_keeps_their_details_and_the_old_case_is_detached():
    old = CaseFactory(status=Status.CLOSED)
    close_long_ago([old])
    live = CaseFactory(resident=old.resident, status=Status.OPEN)

    retention.apply_retention()

    old.refresh_from_db()
    live.refresh_from_db()
    assert live.resident.anonymised_at is None and live.resident.email
    assert old.resident_id != live.resident_id and old.resident.anonymised_at is not None
    assert old.resident.email == "" and old.resident.postcode_district == "PR1"


def test_a_follower_with_nothing_else_is_anonymised_with_the_case():
    case = CaseFactory(status=Status.CLOSED)
    follower = follower_of(case)
    close_long_ago([case])

    retention.apply_retention()

    follower.refresh_from_db()
    assert follower.anonymised_at is not None and follower.email == ""


def test_a_case_on_legal_hold_is_skipped_and_the_dry_run_says_so():
    held, due = CaseFactory(status=Status.CLOSED), CaseFactory(status=Status.CLOSED)
    close_long_ago([held, due])
    retention.place_legal_hold(case=held, reason="Insurance claim pending", by=UserFactory())
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert f"would go: {due.reference}" in out.getvalue()
    assert f"held: {held.reference}" in out.getvalue()
    assert "Would remove personal data from 1 cases" in out.getvalue()
    assert not Case.objects.filter(personal_data_removed_at__isnull=False).exists()

    call_command("apply_retention", stdout=io.StringIO())

    held.refresh_from_db()
    due.refresh_from_db()
    assert held.personal_data_removed_at is None and held.description
    assert due.personal_data_removed_at is not None


def test_the_job_is_idempotent_and_logs_counts_only(caplog):
    person = spread_person()
    close_long_ago(person.cases)
    caplog.set_level("INFO", logger="enquiries.retention")

    first = retention.apply_retention()
    second = retention.apply_retention()

    assert first.cases == 2 and second.cases == 0
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "2 cases" in logged
    for marker in [*person.markers, *(case.reference for case in person.cases)]:
        assert marker not in logged


def test_a_run_that_fails_halfway_leaves_each_case_done_or_untouched_and_the_next_finishes(
    monkeypatch,
):
    cases = CaseFactory.create_batch(4, status=Status.CLOSED)
    close_long_ago(cases)
    real = retention._strip_case
    calls = {"n": 0}

    def dies_on_the_third(case, **kwargs):
        calls["n"] += 1
        counts = real(case, **kwargs)
        if calls["n"] == 3:
            raise SystemExit("killed")
        return counts

    monkeypatch.setattr(retention, "_strip_case", dies_on_the_third)
    with pytest.raises(SystemExit):
        retention.apply_retention()

    done = Case.objects.filter(personal_data_removed_at__isnull=False)
    assert done.count() == 2
    assert all(case.description for case in Case.objects.filter(personal_data_removed_at=None))
    monkeypatch.setattr(retention, "_strip_case", real)

    assert retention.apply_retention().cases == 2
    assert Case.objects.filter(personal_data_removed_at__isnull=True).count() == 0


def test_the_beat_job_runs_retention():
    from enquiries import tasks

    case = CaseFactory(status=Status.CLOSED)
    close_long_ago([case])

    assert tasks.apply_retention.apply().get()["cases"] == 1
    assert Resident.objects.get(pk=case.resident_id).anonymised_at is not None


def test_the_schedule_uses_the_default_for_a_case_without_a_service(settings):
    settings.RETENTION_DEFAULT_DAYS = 30
    case = CaseFactory(service=None, department=None, status=Status.RESOLVED)
    Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - timedelta(days=31))

    assert list(retention.due_cases()) == [case]


def test_the_question_schema_marks_personal_questions_with_true_or_false():
    from django.core.exceptions import ValidationError

    from enquiries.questions import validate_question_schema

    validate_question_schema([{"name": "reg", "label": "Reg", "type": "text", "personal": True}])
    with pytest.raises(ValidationError, match="personal must be true or false"):
        validate_question_schema([{"name": "reg", "label": "Reg", "type": "text", "personal": 1}])
