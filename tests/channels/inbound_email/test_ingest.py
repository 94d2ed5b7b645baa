"""The one processing path: store the raw message first, then process it, exactly once."""

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox
from enquiries.choices import Channel, Status
from enquiries.models import Attachment, Case, Contact, OutboxTask
from tests.channels.inbound_email.mails import PDF, PNG, fixture, make_email, pipe
from tests.factories import DepartmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def test_a_new_email_is_stored_raw_and_becomes_a_case_in_the_mailbox_department():
    roads = DepartmentFactory(slug="roads", name="Roads")
    mailbox = Mailbox.objects.create(
        name="Roads", slug="roads", address="roads@n.example", department=roads
    )
    raw = make_email(subject="Pothole on Mill Lane", body="A deep pothole by the school.")

    result = pipe(raw, mailbox)

    row = result.row
    assert bytes(row.raw) == raw and row.size == len(raw)
    assert row.status == InboundMessage.Status.PROCESSED
    assert row.outcome == InboundMessage.Outcome.NEW_CASE
    case = row.case
    assert result.line == f"new case {case.reference}"
    assert case.channel == Channel.EMAIL and case.department == roads
    assert case.summary == "Pothole on Mill Lane"
    assert case.resident.email == "ann.lee@example.org"
    contact = row.contact
    assert contact.subject == "Pothole on Mill Lane"
    assert contact.body == "A deep pothole by the school."
    assert contact.sender_address == "ann.lee@example.org" and contact.sender_name == "Ann Lee"
    assert contact.message_id == row.message_id


def test_a_mailbox_without_a_department_sends_new_cases_to_triage():
    result = pipe(make_email())

    assert result.row.case.department.slug == "triage"


def test_the_same_message_twice_makes_one_contact_and_says_duplicate():
    raw = make_email()

    first = pipe(raw)
    second = pipe(raw)

    assert second.duplicate and second.line.startswith("duplicate of message")
    assert Contact.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert first.row.pk == second.row.pk


def test_without_a_message_id_the_raw_hash_is_the_key():
    raw = fixture("no_message_id_no_date.eml")

    pipe(raw)
    again = pipe(raw)

    row = InboundMessage.objects.get()
    assert row.dedupe_key.startswith("sha256:") and again.duplicate
    assert Case.objects.count() == 1


def test_the_same_message_in_two_mailboxes_is_once_per_mailbox():
    raw = make_email()
    other = Mailbox.objects.create(name="Other", slug="other", address="other@n.example")

    pipe(raw)
    pipe(raw, other)

    assert InboundMessage.objects.count() == 2


def test_a_crash_after_storing_is_finished_by_the_next_delivery(monkeypatch):
    raw = make_email()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("worker killed")

    monkeypatch.setattr(ingest, "_decide", crash)
    with pytest.raises(KeyboardInterrupt):
        pipe(raw)
    row = InboundMessage.objects.get()
    assert row.status == InboundMessage.Status.STORED and bytes(row.raw) == raw
    assert not Case.objects.exists()
    monkeypatch.undo()
    assert "already being processed" in pipe(raw).line  # the dead processor's lease holds
    InboundMessage.objects.update(processed_at=timezone.now() - ingest.PROCESSING_LEASE * 2)

    result = pipe(raw)

    assert result.row.status == InboundMessage.Status.PROCESSED
    assert Contact.objects.count() == 1


def test_a_crash_after_intake_but_before_recording_never_adds_a_second_contact(monkeypatch):
    raw = make_email()
    monkeypatch.setattr(ingest, "_finish", lambda row, finish: None)  # died before recording
    pipe(raw)
    assert Contact.objects.count() == 1
    monkeypatch.undo()
    InboundMessage.objects.update(processed_at=None)  # the lease of the dead processor ran out

    result = ingest.process(InboundMessage.objects.get())

    assert result.row.status == InboundMessage.Status.PROCESSED
    assert Contact.objects.count() == 1 and Case.objects.count() == 1


def test_the_sweeper_processes_rows_left_stored():
    mailbox = ingest.default_mailbox()
    row, created = ingest.store_raw(mailbox=mailbox, raw=make_email(), source="webhook")
    assert created
    InboundMessage.objects.update(received_at=row.received_at.replace(year=2020))

    assert ingest.process_pending() == 1

    assert InboundMessage.objects.get().status == InboundMessage.Status.PROCESSED


def test_a_processing_error_is_recorded_and_can_be_reprocessed(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("routing table missing")

    monkeypatch.setattr(ingest, "_person_wrote", broken)
    result = pipe(make_email())
    assert result.row.status == InboundMessage.Status.FAILED
    assert "routing table missing" in result.row.reason and "reprocess" in result.line
    monkeypatch.undo()

    again = ingest.reprocess(result.row)

    assert again.row.status == InboundMessage.Status.PROCESSED and Case.objects.count() == 1


def test_unparseable_mail_is_quarantined_with_its_raw_bytes():
    raw = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200

    result = pipe(raw)

    assert result.row.status == InboundMessage.Status.QUARANTINED
    assert result.line.startswith("quarantined: not an email")
    assert bytes(result.row.raw) == raw and not Case.objects.exists()


def test_mail_without_a_sender_is_quarantined():
    result = pipe(b"Subject: hello\r\n\r\nNo From header here.\r\n")

    assert result.row.status == InboundMessage.Status.QUARANTINED
    assert "sender" in result.row.reason


def test_quoted_history_is_stripped_from_the_contact_but_the_raw_is_kept():
    raw = fixture("reply_gmail_quote.eml")

    result = pipe(raw)

    contact = result.row.contact
    assert ">" not in contact.body and contact.body
    assert bytes(result.row.raw) == raw


def test_html_only_mail_is_stored_as_safe_text():
    result = pipe(fixture("html_only_script.eml"))

    body = result.row.contact.body
    assert "<script" not in body and "<" not in body
    assert body.strip()


def test_good_attachments_are_stored_and_refused_ones_recorded_and_the_resident_told():
    raw = make_email(
        attachments=[
            ("photo.png", "image/png", PNG),
            ("letter.pdf", "application/pdf", PDF),
            ("macro.docm", "application/octet-stream", b"PK\x03\x04 not allowed"),
        ]
    )

    result = pipe(raw)

    kept = Attachment.objects.filter(skipped_reason="")
    skipped = Attachment.objects.exclude(skipped_reason="")
    assert sorted(a.original_name for a in kept) == ["letter.pdf", "photo.png"]
    assert [a.original_name for a in skipped] == ["macro.docm"]
    notice = OutboxTask.objects.get(dedupe_key=f"email-files:{result.row.contact_id}")
    assert "macro.docm" in notice.kwargs["text"] and notice.kwargs["kind"] == "update"


def test_an_oversize_attachment_is_skipped_not_fatal(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    result = pipe(make_email(attachments=[("photo.png", "image/png", PNG)]))

    attachment = Attachment.objects.get()
    assert "smaller than" in attachment.skipped_reason
    assert result.row.status == InboundMessage.Status.PROCESSED


def test_a_very_long_body_is_shortened_on_the_case_and_kept_whole_in_the_raw():
    raw = make_email(body="word " * 10_000)

    result = pipe(raw)

    assert len(result.row.contact.body) <= 20_000
    assert "full message is kept" in result.row.contact.body


def test_a_closed_case_reply_beyond_the_window_is_a_new_linked_case(time_machine):
    from enquiries import services

    first = pipe(make_email(message_id="<orig@example.org>")).row.case
    services.case_transition(case=first, to=Status.OPEN)
    services.case_transition(case=first, to=Status.CLOSED)
    time_machine.move_to("2030-01-01")

    result = pipe(make_email(subject=f"Re: [{first.reference}] bins again"))

    assert result.row.outcome == InboundMessage.Outcome.FOLLOW_ON
    new = result.row.case
    assert new.follows == first and new.pk != first.pk
    assert f"following closed case {first.reference}" in result.line
    first.refresh_from_db()
    assert first.status == Status.CLOSED


def test_a_closed_case_reply_within_the_window_reopens_it():
    from enquiries import services

    case = pipe(make_email()).row.case
    services.case_transition(case=case, to=Status.OPEN)
    services.case_transition(case=case, to=Status.CLOSED)

    result = pipe(make_email(subject=f"Re: {case.reference} still not collected"))

    assert result.row.outcome == InboundMessage.Outcome.JOINED
    case.refresh_from_db()
    assert case.status == Status.REOPENED


# --- the command ---------------------------------------------------------------------------------


def test_ingest_email_prints_one_line_per_file(tmp_path):
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(make_email())
    second.write_bytes(fixture("out_of_office.eml"))
    out = io.StringIO()

    call_command("ingest_email", str(first), str(first), str(second), stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{first}: new case ")
    assert lines[1].startswith(f"{first}: duplicate of message")
    assert lines[2].startswith(f"{second}: ignored auto-reply")


def test_ingest_email_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_email())))
    out = io.StringIO()

    call_command("ingest_email", "-", stdout=out)

    assert out.getvalue().startswith("-: new case ")


def test_ingest_email_takes_a_named_mailbox(tmp_path):
    Mailbox.objects.create(name="Planning", slug="planning", address="planning@n.example")
    path = tmp_path / "m.eml"
    path.write_bytes(make_email())

    call_command("ingest_email", str(path), "--mailbox", "planning@n.example", stdout=io.StringIO())

    assert InboundMessage.objects.get().mailbox.slug == "planning"


def test_ingest_email_exits_non_zero_only_when_a_message_could_not_be_stored(tmp_path):
    good = tmp_path / "good.eml"
    good.write_bytes(b"garbage that is quarantined")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "ingest_email", str(good), str(tmp_path / "missing.eml"), stdout=out, stderr=err
        )

    assert raised.value.returncode == 75
    assert "quarantined" in out.getvalue() and "not stored" in err.getvalue()
    assert InboundMessage.objects.count() == 1


def test_ingest_email_fails_when_the_database_refuses_the_row(tmp_path, monkeypatch):
    path = tmp_path / "m.eml"
    path.write_bytes(make_email())

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(InboundMessage.objects, "create", refuse)
    with pytest.raises(CommandError):
        call_command("ingest_email", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_ingest_email_refuses_an_unknown_mailbox(tmp_path):
    with pytest.raises(CommandError, match="No mailbox"):
        call_command("ingest_email", "x.eml", "--mailbox", "nope")


def test_a_large_message_is_streamed_into_the_database_intact_and_stored_once():
    raw = make_email(attachments=[("survey.pdf", "application/pdf", PDF * 60_000)])
    assert len(raw) > 2 * 1024 * 1024  # over rawstore.STREAM_FROM_BYTES: the COPY path

    first = pipe(raw)
    second = pipe(raw)

    assert bytes(InboundMessage.objects.get().raw) == raw
    assert first.row.status == InboundMessage.Status.PROCESSED and second.duplicate
