"""Mailboxes the council reads, and every message that arrived in one, stored before processing.

An :class:`InboundMessage` row is written (raw bytes included) before anything else happens, so
a crash, a bug or an unparseable message never loses mail: staff can always see, download and
reprocess it. Its ``(mailbox, dedupe_key)`` pair is unique, which is what makes ingestion
exactly-once however often the same message is delivered, fetched or piped.
"""

import os

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Mailbox(models.Model):
    class Security(models.TextChoices):
        TLS = "tls", "IMAP over TLS (port 993)"
        STARTTLS = "starttls", "STARTTLS (port 143)"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    address = models.EmailField(unique=True, help_text="The address residents write to.")
    department = models.ForeignKey(
        "enquiries.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailboxes",
        help_text="Where new cases wait before routing; empty means the triage queue.",
    )
    imap_host = models.CharField(max_length=255, blank=True, help_text="Empty: not polled.")
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    imap_user = models.CharField(max_length=255, blank=True)
    imap_password_env = models.CharField(
        max_length=100,
        blank=True,
        help_text="The NAME of the environment variable holding the password (never the secret).",
    )
    imap_folder = models.CharField(max_length=200, default="INBOX")
    imap_ca_file = models.CharField(
        max_length=500, blank=True, help_text="Extra CA certificate file; empty: the system's."
    )
    enabled = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)
    # A lease, not a lock held in a transaction: one poller per mailbox across all workers.
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    poll_lease_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(imap_security__in=["tls", "starttls"]),
                name="mailbox_imap_always_encrypted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def polls_imap(self) -> bool:
        return bool(self.enabled and self.imap_host and self.imap_user)

    def imap_password(self) -> str:
        """Read at connect time, so the secret never sits in the database or the admin."""
        if not self.imap_password_env:
            raise RuntimeError(f"Mailbox {self.slug} has no password variable configured")
        value = os.environ.get(self.imap_password_env)
        if value is None:
            raise RuntimeError(
                f"Mailbox {self.slug}: environment variable {self.imap_password_env} is not set"
            )
        return value


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        STORED = "stored", "Stored, waiting to be processed"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored (automatic message)"
        BOUNCE = "bounce", "Delivery report"
        COMPLAINT = "complaint", "Spam complaint"
        QUARANTINED = "quarantined", "Quarantined for staff"
        FAILED = "failed", "Processing failed"

    class Source(models.TextChoices):
        IMAP = "imap", "IMAP poller"
        PIPE = "pipe", "ingest_email command"
        WEBHOOK = "webhook", "Provider webhook"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        NEW_CASE = "new_case", "New case"
        JOINED = "joined", "Joined its case"
        FOLLOW_ON = "follow_on", "New case following a closed one"
        TRIAGE_NOT_PARTY = "triage_not_party", "Names a case but not from a party to it: triage"
        AUTO_REPLY = "auto_reply", "Automatic reply recorded on its case"
        AUTOMATIC = "automatic", "Automatic or bulk mail: held for staff"
        UNAUTHENTICATED = "unauthenticated", "Sender not authenticated: new case for triage"
        STAFF_OPENED = "staff_opened", "Case opened by staff from quarantine"

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    dedupe_key = models.CharField(max_length=255, help_text="Message-ID, or sha256 of the raw.")
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    raw = models.BinaryField(help_text="The message exactly as it arrived.")
    size = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.STORED)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    reason = models.TextField(blank=True, help_text="Why it ended this way, for staff.")
    kind = models.CharField(max_length=20, blank=True, help_text="message, auto_reply, bounce…")
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=255, blank=True)
    case = models.ForeignKey(
        "enquiries.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    contact = models.ForeignKey(
        "enquiries.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    acknowledged = models.BooleanField(
        default=False, help_text="An acknowledgement was queued (counted for the hourly limit)."
    )
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What staff should know about the message itself, shown with its contact on the case page.
    attachments_dropped = models.PositiveIntegerField(
        default=0, help_text="Attachments over the per-message cap: kept only in the raw message."
    )
    from_header_count = models.PositiveSmallIntegerField(
        default=1, help_text="From header fields in the message (more than one: the first used)."
    )
    notes = models.JSONField(
        default=list,
        blank=True,
        help_text="Parsing notes for staff (charset guessed, lossy text…).",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "dedupe_key"], name="inbound_once_per_mailbox"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "stored",
                        "processed",
                        "ignored",
                        "bounce",
                        "complaint",
                        "quarantined",
                        "failed",
                    ]
                ),
                name="inbound_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_status_idx"),
            models.Index(fields=["sender", "acknowledged", "received_at"], name="inbound_ack_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.sender or 'unknown'} ({self.status})"

    @property
    def staff_warnings(self) -> list[str]:
        """Facts about this message staff must see next to what it says."""
        warnings = []
        if self.attachments_dropped:
            warnings.append(
                f"{self.attachments_dropped} attachment(s) were not kept (over the per-message "
                "limit); they remain in the raw message"
            )
        if self.from_header_count > 1:
            warnings.append(
                f"the message had {self.from_header_count} From headers: the first was used, and "
                "the sender must not be trusted"
            )
        return warnings + [str(note) for note in self.notes or []]


class WebhookToken(models.Model):
    """A provider webhook token already used: a replayed signed request is refused.

    Kept in the database (not the cache) so replay protection survives a Redis outage; written
    in the same transaction as the raw message, so a delivery that failed to store can be
    retried by the provider with the same token. Rows older than the freshness window are
    pruned: a request that old is refused on its timestamp anyway.
    """

    token = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.token[:12]}… at {self.seen_at:%Y-%m-%d %H:%M}"
