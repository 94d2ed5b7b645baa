"""The case domain: one Case model for every channel, with one timeline.

Personal data lives only on Resident (with its ResidentChange history), Contact and Attachment,
so that a subject access request or an anonymisation touches those models and nothing else.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import (
    OPEN_STATUSES,
    RESIDENT_STATUS_LABELS,
    AssistedDigitalReason,
    Channel,
    Direction,
    EventKind,
    Outcome,
    Priority,
    SlaState,
    Status,
    UpdatePreference,
)
from enquiries.questions import validate_question_schema
from enquiries.template_text import template_errors


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    email = models.EmailField(blank=True, help_text="Team mailbox for escalations.")
    is_triage = models.BooleanField(
        default=False, help_text="Cases no rule or service can place wait here for a person."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_departments"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A heading residents browse by (Roads and travel, Bins and recycling…)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="services")
    summary = models.CharField(max_length=300, help_text="One plain-English sentence.")
    description = models.TextField(help_text="What this service is for, in plain English.")
    what_happens_next = models.TextField(blank=True)
    not_council_note = models.TextField(
        blank=True,
        help_text="Where to go instead when the council is not responsible (e.g. emergencies).",
    )
    keywords = models.CharField(max_length=300, blank=True, help_text="Extra words for search.")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services")
    sla_days = models.PositiveSmallIntegerField(
        default=10, help_text="Target in working days from receipt to resolution."
    )
    default_priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_simple_query = models.BooleanField(
        default=False, help_text="Show the standard answer first; automation may answer it."
    )
    standard_answer = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True, validators=[validate_question_schema])
    is_location_based = models.BooleanField(
        default=False, help_text="Reports about a place: ask where, and look for duplicates."
    )
    accepts_outside_area = models.BooleanField(
        default=False,
        help_text="Accept places outside the council's area (e.g. a blue badge for someone "
        "moving in).",
    )
    nearby_radius_metres = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Open reports this close count as possibly the same problem "
        "(blank: the NEARBY_RADIUS_METRES setting).",
    )
    retention_days = models.PositiveIntegerField(
        default=6 * 365, help_text="How long closed cases keep personal data."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:service", args=[self.slug])

    def clean(self) -> None:
        if self.is_simple_query and not self.standard_answer.strip():
            raise ValidationError({"standard_answer": "A simple query needs a standard answer."})


class Resident(models.Model):
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True, help_text="E.164")
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True, db_index=True)
    preferred_channel = models.CharField(
        max_length=10, choices=UpdatePreference.choices, default=UpdatePreference.EMAIL
    )
    consent_updates = models.BooleanField(default=True)
    email_failing = models.BooleanField(default=False)
    phone_failing = models.BooleanField(default=False)
    flags = models.JSONField(
        default=list, blank=True, help_text="e.g. vulnerable, needs_interpreter"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            # staff lookup: email__iexact compares UPPER(email); typo-tolerant names use a
            # pg_trgm GIN index made in migration (PostgreSQL only)
            models.Index(Upper("email"), name="resident_email_upper_idx"),
            models.Index(fields=["postcode"], name="resident_postcode_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"Resident {self.pk}"


class PossibleMatch(models.Model):
    """A new resident record whose email or phone equals an existing one's.

    Details typed on a form prove nothing, so intake never links them to the existing person;
    staff confirm (the two records are the same person: shown together) or reject the match.
    Confirming never merges the records: each case's updates still go to the details given on it.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Same person"
        REJECTED = "rejected", "Different people"

    class MatchedOn(models.TextChoices):
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"
        BOTH = "email_and_phone", "Email address and phone number"
        NAME_POSTCODE = "name_postcode", "Similar name at the same postcode"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="possible_matches"
    )  # the new record
    other = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="matched_by"
    )  # the record that already held the detail
    matched_on = models.CharField(max_length=20, choices=MatchedOn.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "other"], name="possible_match_pair_uniq"),
            models.CheckConstraint(
                condition=~Q(resident=models.F("other")), name="possible_match_two_records"
            ),
            models.CheckConstraint(
                condition=Q(state="open", decided_at__isnull=True)
                | (~Q(state="open") & Q(decided_at__isnull=False)),
                name="possible_match_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["other", "state"], name="possible_match_other_idx")]

    def __str__(self) -> str:
        return f"{self.resident_id} ~ {self.other_id} ({self.matched_on}, {self.state})"


class ResidentChange(models.Model):
    """One changed stored detail: old value, new value, who, when, through which channel.

    Append-only: written by ``enquiries.residents.resident_update_details`` and never edited.
    """

    class Via(models.TextChoices):
        STAFF = "staff", "Staff"
        TRACKING_LINK = "tracking_link", "Resident, through their tracking link"
        UNSUBSCRIBE = "unsubscribe", "Resident, through an unsubscribe link"
        MAIL_PROVIDER = "mail_provider", "Resident's mail provider (spam complaint)"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Via.choices)
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the tracking link's case, when changed through one
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why staff made the correction (rectification)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident", "-created_at"], name="residentchange_idx")]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.field} ({self.channel})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Resident change history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Resident change history is append-only.")


class Case(models.Model):
    reference = models.CharField(max_length=11, unique=True)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="cases")
    subscribers = models.ManyToManyField(
        Resident, through="CaseSubscription", related_name="subscribed_cases", blank=True
    )
    summary = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    shared_publicly = models.BooleanField(
        default=False,
        help_text="The resident agreed that people reporting nearby may see the description and "
        "photos (never who they are). Staff can withdraw it.",
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Placed at intake from the postcode directory (enquiries/places.py).
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=120, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 = the most deprived tenth of neighbourhoods."
    )
    place_note = models.CharField(
        max_length=200, blank=True, help_text="Why the place needs a look (unknown postcode…)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True, default="")
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(max_length=10, choices=SlaState.choices, default=SlaState.ON_TRACK)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    progress_update_sent_at = models.DateTimeField(null=True, blank=True)
    expected_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The date promised to the resident when it differs from the SLA due date.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    routing_rule = models.ForeignKey(
        "RoutingRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    transfer_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
        help_text="The earlier, closed case this one continues.",
    )
    partner = models.ForeignKey(
        "PartnerOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The partner organisation that submitted the case through the API.",
    )
    tracking_salt = models.CharField(max_length=32)
    tracking_token_hash = models.CharField(max_length=64, unique=True)
    tracking_issued_at = models.DateTimeField(
        null=True, blank=True, help_text="When Find my enquiry last re-issued the tracking link."
    )
    legal_hold_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="While set, retention and erasure leave this case's personal data alone.",
    )
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When retention or erasure removed this case's personal data (statistics kept).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "status", "-created_at"], name="case_queue_idx"),
            models.Index(fields=["department", "sla_due_at"], name="case_queue_due_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_idx"),
            models.Index(fields=["service", "postcode_district", "status"], name="case_nearby_idx"),
            # "tell us once" by distance: a bounding box on the open cases of one service
            models.Index(
                fields=["service", "latitude", "longitude"],
                condition=Q(
                    status__in=OPEN_STATUSES, merged_into__isnull=True, latitude__isnull=False
                ),
                name="case_open_place_idx",
            ),
            models.Index(fields=["resident", "-created_at"], name="case_resident_idx"),
            models.Index(fields=["status", "sla_due_at"], name="case_sla_sweep_idx"),
            # staff worklists: the open cases of a queue, by due date or newest first
            # (covering: counts and filters on the open cases of a queue read only the index)
            # (created_at too: the default order, new work first, sorts index tuples only)
            models.Index(
                fields=["department", "sla_due_at", "id"],
                include=["status", "priority", "channel", "assignee", "service", "created_at"],
                condition=Q(status__in=OPEN_STATUSES, merged_into__isnull=True),
                name="case_open_queue_triage_idx",
            ),
            models.Index(
                fields=["department", "-created_at", "-id"],
                condition=Q(status__in=OPEN_STATUSES, merged_into__isnull=True),
                name="case_open_queue_new_idx",
            ),
            # the default order across several queues (a manager's, "assigned to me"): every open
            # case by due date, so the first page is the first rows of the index
            models.Index(
                fields=["sla_due_at", "id"],
                include=["department", "assignee", "created_at", "status"],
                condition=Q(status__in=OPEN_STATUSES, merged_into__isnull=True),
                name="case_open_due_idx",
            ),
            # new work nobody has yet, first on the default order: a small range per queue
            models.Index(
                fields=["department", "created_at"],
                include=["sla_due_at", "status"],
                condition=Q(
                    status__in=OPEN_STATUSES, merged_into__isnull=True, assignee__isnull=True
                ),
                name="case_open_unassigned_idx",
            ),
            # insight's drill-down: one service's cases in a date range, newest first
            models.Index(fields=["service", "created_at"], name="case_service_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="case_priority_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.CLOSED)

    @property
    def resident_status_label(self) -> str:
        return RESIDENT_STATUS_LABELS.get(self.status, self.get_status_display())

    @property
    def expected_by(self):
        """What the resident is told: the promised date (else the due date), while open."""
        return (self.expected_at or self.sla_due_at) if self.is_open else None

    def tracking_token(self) -> str:
        """Derived from a secret key so a link can be re-sent; only its hash is stored. The key
        that made the stored hash may be an old one kept in SECRET_KEY_FALLBACKS."""
        for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
            token = make_tracking_token(self.reference, self.tracking_salt, key=key)
            if hash_tracking_token(token) == self.tracking_token_hash:
                return token
        return make_tracking_token(self.reference, self.tracking_salt)

    def tracking_path(self) -> str:
        return reverse("web:track", args=[self.tracking_token()])


def make_tracking_token(reference: str, salt: str, key: str | None = None) -> str:
    digest = hmac.new(
        (key or settings.SECRET_KEY).encode(), f"track:{reference}:{salt}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:40]


def hash_tracking_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CaseSubscription(models.Model):
    """A resident following a case they did not open ("tell us once")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subscriptions")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="subscriptions")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "resident"], name="one_subscription_each")
        ]

    def __str__(self) -> str:
        return f"Resident {self.resident_id} follows case {self.case_id}"


class Contact(models.Model):
    """Every interaction on a case, whichever channel it came through."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    sender_address = models.CharField(max_length=254, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_contacts",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    call_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    office = models.CharField(max_length=120, blank=True)
    is_chaser = models.BooleanField(
        default=False, help_text="The resident is chasing progress (failure demand)."
    )
    assisted_digital = models.BooleanField(default=False)
    assisted_digital_reason = models.CharField(
        max_length=20, choices=AssistedDigitalReason.choices, blank=True
    )
    is_public = models.BooleanField(
        default=True, help_text="Shown on the resident's tracking page."
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="contact_timeline_idx")]

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()} {self.get_direction_display().lower()} on {self.case_id}"
        )


class CaseEvent(models.Model):
    """The append-only timeline. public_message is what the resident may see; blank = internal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    public_message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("force_update_allowed", False):
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    skipped_reason = models.CharField(
        max_length=255, blank=True, help_text="Why the file was not kept (too big, wrong type)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class OutboxTask(models.Model):
    """Work recorded in the same transaction as the change that causes it, sent after commit.

    The sweeper re-sends rows still pending (broker was down) or dispatched but never completed
    (a message lost with a worker), so nothing is lost; tasks are idempotent, so nothing is done
    twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DISPATCHED = "dispatched", "Sent to the broker"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        DEAD = "dead", "Dead letter (a worker died running it)"

    task_name = models.CharField(max_length=120)
    kwargs = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(
        default=0, help_text="How many times a worker started this work."
    )
    finished_deliveries = models.PositiveIntegerField(
        default=0,
        help_text="How many of those runs ended in the worker (done, error or retry); the rest "
        "were lost with a worker that died, and too many of those make a dead letter.",
    )

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_sweep_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.state})"


class Heartbeat(models.Model):
    """When a periodic job last ran (one row per job), so the health check can tell that beat
    and the workers are alive: a row in the database survives a broker flush."""

    name = models.CharField(max_length=80, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class RoutingRule(models.Model):
    """An ordered rule: all its conditions must hold; the first matching rule wins."""

    name = models.CharField(max_length=120)
    order = models.PositiveIntegerField(default=100)
    enabled = models.BooleanField(default=True)
    services = models.ManyToManyField(Service, blank=True, related_name="routing_rules")
    keywords_any = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated words or phrases; flood* allowed."
    )
    keywords_none = models.CharField(max_length=500, blank=True)
    postcode_districts = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated, e.g. PR1, PR2 or an area: PR"
    )
    channels = models.JSONField(default=list, blank=True)
    resident_flags = models.JSONField(default=list, blank=True)
    answer_conditions = models.JSONField(
        default=dict,
        blank=True,
        help_text='The resident\'s answer to a question, by its key: {"depth": "Deeper than 10cm"} '
        'or one of several: {"offensive": ["Yes"]}. Keywords only search what the resident '
        "wrote, never question labels or options.",
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    ack_template = models.CharField(max_length=80, blank=True)
    auto_resolve = models.BooleanField(default=False)
    standard_answer = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class AccessLog(models.Model):
    """Who looked at whose personal data, when and where: required for data protection audits."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_logs"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_logs"
    )
    action = models.CharField(max_length=40, default="view")
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["resident", "-created_at"], name="accesslog_resident_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.path}"


class SelfServiceOutcome(models.Model):
    """A "Did this answer your question?" click: counted per service, no personal data."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="self_service")
    answered = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.service_id}: {'answered' if self.answered else 'not answered'}"


class Notification(models.Model):
    """Every message we send a resident: one row, one idempotency key, a status and provider ref."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent"
        DEFERRED = "deferred", "Held for the daily digest"
        MERGED = "merged", "Sent in a digest"

    class Medium(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    kind = models.CharField(max_length=40, help_text="What happened: received, resolved…")
    medium = models.CharField(max_length=10, choices=Medium.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    attempt_started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the current send was claimed; a send older than the provider's timeout "
        "is uncertain and is checked with the provider before any resend.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_updates",
        help_text="The digest that carried this update when the daily budget was used up.",
    )

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="notification_case_idx")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.medium} ({self.state})"


class NotificationTemplate(models.Model):
    """An admin-edited wording for one kind of update and medium; files are the fallback.

    Subject and body are Django template text. The greeting, reference, expected date, tracking
    link and opt-out link are added around the body by the layout, so they cannot be lost.
    """

    class Medium(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    kind = models.CharField(
        max_length=80,
        help_text="received, open, in_progress, … or a routing rule's acknowledgement template.",
    )
    medium = models.CharField(max_length=10, choices=Medium.choices)
    subject = models.CharField(max_length=200, blank=True, help_text="Email only.")
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "medium"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "medium"], name="one_template_per_kind_medium")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_medium_display()})"

    def clean(self) -> None:
        errors = template_errors(self.subject, self.body)
        if errors:
            raise ValidationError(errors)


class PartnerOrganisation(models.Model):
    """A partner (housing association, police, health) filing enquiries through the API.

    Only a SHA-256 of the API token is stored; the token is shown once when it is issued.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    contact_email = models.EmailField(blank=True)
    token_prefix = models.CharField(max_length=8, blank=True, help_text="To recognise a token.")
    token_hash = models.CharField(max_length=64, unique=True)
    allowed_services = models.ManyToManyField(
        Service, blank=True, related_name="partners", help_text="Empty means every service."
    )
    requests_per_minute = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Erasure(models.Model):
    """One erasure of a person's data on request: why, on what legal basis, who, what it did.

    Holds no personal data itself (only counts and the resident's row id), so it survives the
    erasure it records.
    """

    class LegalBasis(models.TextChoices):
        NO_LONGER_NEEDED = "art17_1a", "Article 17(1)(a): no longer necessary"
        CONSENT_WITHDRAWN = "art17_1b", "Article 17(1)(b): consent withdrawn"
        OBJECTION = "art17_1c", "Article 17(1)(c): objection upheld"
        UNLAWFUL = "art17_1d", "Article 17(1)(d): unlawfully processed"
        LEGAL_OBLIGATION = "art17_1e", "Article 17(1)(e): legal obligation to erase"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="erasures")
    reason = models.TextField(help_text="Why: the request, in words that name no one.")
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cases = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Erasure of resident {self.resident_id} ({self.legal_basis})"


class SubjectAccessExport(models.Model):
    """A subject access export: built by a worker, downloaded through an expiring link.

    Only a SHA-256 of the link's token is stored; the file lives in private storage under a
    random name and is deleted when the link expires or the person's data is erased.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="subject_access_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(upload_to="subject-access/", blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    redactions = models.PositiveIntegerField(
        default=0, help_text="Passages flagged as other people's data, to check before release."
    )
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Subject access export {self.pk} ({self.state})"


class PendingContactChange(models.Model):
    """A new email or phone given through a tracking link, not used until confirmed.

    The code sent to the new address is derived (HMAC of the row and its salt), never stored.
    """

    class Field(models.TextChoices):
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pending_changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    new_value = models.CharField(max_length=254)
    salt = models.CharField(max_length=32)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field} change on case {self.case_id}"


class ResidentMerge(models.Model):
    """Two records of the same person made one: what moved from ``merged`` to ``kept``.

    ``moved`` lists the ids of every case, contact, subscription and notification that moved,
    so the merge can be undone exactly; the merged record itself is kept, unchanged.
    """

    kept = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="merges_merged")
    match = models.ForeignKey(
        PossibleMatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    moved = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=models.F("merged")), name="resident_merge_two_records"
            )
        ]

    def __str__(self) -> str:
        return f"Resident {self.merged_id} merged into {self.kept_id}"


class PartnerToken(models.Model):
    """One of a partner's API tokens (only its SHA-256 is kept). A partner may hold two while
    switching (rotation); each may expire, is revoked from the admin, and records its last use."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="To recognise a token.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.prefix}…"


class WebhookEndpoint(models.Model):
    """A partner's HTTPS endpoint told about status changes and council replies on its cases.

    The secret signs every delivery (HMAC-SHA256); it is shown to the partner once, when the
    endpoint is registered, and kept here because signing needs it.
    """

    class Event(models.TextChoices):
        STATUS_CHANGED = "case.status_changed", "Status changed"
        COUNCIL_REPLY = "case.council_reply", "Council replied"

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80)
    events = models.JSONField(default=list, help_text="Event names; empty means every event.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "url"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "url"], name="webhook_endpoint_unique_url")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.url}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: its id (the receiver's idempotency key), the exact body
    signed, and the last response. Retries and replays send the same id and body."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(unique=True, editable=False)
    source_key = models.CharField(max_length=100, help_text="The event it reports, once.")
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="webhook_deliveries")
    body = models.TextField(help_text="The JSON sent, byte for byte.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "source_key"], name="webhook_delivery_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.state})"


class PostcodeUnit(models.Model):
    """One row of the ONS Postcode Directory (ONSPD), loaded by ``import_postcodes``."""

    postcode = models.CharField(max_length=8, primary_key=True)  # "PR1 8XJ", as normalised
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    county_code = models.CharField(max_length=9, blank=True)  # oscty
    district_code = models.CharField(max_length=9, blank=True)  # oslaua
    ward_code = models.CharField(max_length=9, blank=True)  # osward
    lsoa_code = models.CharField(max_length=9, blank=True)  # lsoa21 (or lsoa11)
    imd_rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = most deprived
    terminated = models.CharField(max_length=6, blank=True)  # doterm, yyyymm

    class Meta:
        # the nearest live postcode to a map pin (places.nearest_place): a latitude range first
        indexes = [
            models.Index(
                fields=["latitude", "longitude"],
                condition=models.Q(terminated=""),
                name="postcode_live_point_idx",
            )
        ]

    def __str__(self) -> str:
        return self.postcode


class AreaName(models.Model):
    """A GSS code's name (wards, districts, counties) from the ONSPD names-and-codes files."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
