"""The IMAP door against a real dovecot over TLS: store, process, then delete at the source."""

import pytest

from channels.inbound_email import imap_poller
from channels.inbound_email.models import InboundMessage, Mailbox
from channels.inbound_email.tasks import poll_mailbox
from enquiries.models import Case, Contact
from tests.channels.inbound_email.mails import make_email

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

PASSWORD_ENV = "TEST_IMAP_MAILBOX_PASSWORD"


@pytest.fixture
def mailbox(dovecot, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    return Mailbox.objects.create(
        name="Customer contact (IMAP)",
        slug="imap",
        address="imap@northmoor.example",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_security=Mailbox.Security.TLS,
        imap_user=dovecot.user,
        imap_password_env=PASSWORD_ENV,
        imap_ca_file=dovecot.ca_file,
    )


def test_the_poller_stores_processes_and_deletes_each_message(dovecot, mailbox):
    dovecot.append(make_email(subject="Streetlight out on Park Road"))
    dovecot.append(make_email(sender="bob@example.net", subject="Graffiti on the bridge"))

    result = imap_poller.poll_mailbox(mailbox=mailbox)

    assert result.fetched == 2 and result.deleted == 2
    assert dovecot.undeleted_count() == 0
    assert sorted(Case.objects.values_list("summary", flat=True)) == [
        "Graffiti on the bridge",
        "Streetlight out on Park Road",
    ]
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"imap"}
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None and mailbox.last_poll_error == ""


def test_a_crash_between_storing_and_flagging_never_makes_a_second_contact(
    dovecot, mailbox, monkeypatch
):
    dovecot.append(make_email(subject="Fly-tipping behind the shops"))

    def crash(conn, uid):
        raise KeyboardInterrupt("worker killed before flagging")

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(imap_poller, "acknowledge", crash)
        imap_poller.poll_mailbox(mailbox=mailbox)
    assert InboundMessage.objects.get().status == InboundMessage.Status.PROCESSED
    assert dovecot.undeleted_count() == 1  # still at the source

    result = imap_poller.poll_mailbox(mailbox=mailbox)

    assert result.lines[0].endswith(
        f"duplicate of message #{InboundMessage.objects.get().pk}"
        f" (case {Case.objects.get().reference})"
    )
    assert dovecot.undeleted_count() == 0
    assert Contact.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_that_cannot_be_stored_stays_at_the_source(dovecot, mailbox, monkeypatch):
    dovecot.append(make_email())

    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(InboundMessage.objects, "create", refuse)
    result = imap_poller.poll_mailbox(mailbox=mailbox)

    assert "not stored" in result.lines[0] and result.deleted == 0
    assert dovecot.undeleted_count() == 1


def test_only_one_poller_at_a_time_per_mailbox(dovecot, mailbox):
    dovecot.append(make_email())
    token = imap_poller.claim_lease(mailbox)  # another worker is polling
    assert token

    result = imap_poller.poll_mailbox(mailbox=mailbox)

    assert result.locked_out and not InboundMessage.objects.exists()
    assert imap_poller.claim_lease(mailbox) is None
    imap_poller.release_lease(mailbox, token)
    assert imap_poller.poll_mailbox(mailbox=mailbox).fetched == 1


def test_the_certificate_is_verified(dovecot, mailbox):
    mailbox.imap_ca_file = ""  # the system CAs do not trust the test's self-signed certificate
    mailbox.save()

    with pytest.raises(imap_poller.PollError, match="could not connect"):
        imap_poller.poll_mailbox(mailbox=mailbox)

    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_poll_error


def test_a_wrong_password_is_recorded_on_the_mailbox(dovecot, mailbox, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong")

    assert poll_mailbox.run(mailbox.pk) == 0

    mailbox.refresh_from_db()
    assert mailbox.last_poll_error
    assert imap_poller.claim_lease(mailbox)  # the lease was released


def test_the_password_comes_from_the_named_environment_variable(mailbox, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV)

    with pytest.raises(RuntimeError, match=PASSWORD_ENV):
        mailbox.imap_password()


def test_the_beat_task_polls_through_the_real_server(dovecot, mailbox):
    dovecot.append(make_email(subject="Blocked drain"))

    assert poll_mailbox.run(mailbox.pk) == 1

    assert Case.objects.get().summary == "Blocked drain"
