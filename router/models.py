"""What the router keeps: trained model versions, what it thought about each case, automatic
answers and the answers residents turned down, "Is it sorted?" outcomes, and imported history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from enquiries.models import Case, Department, Resident, Service


class RouterModel(models.Model):
    """One trained classifier. Weights are a NumPy ``.npz`` (arrays only, loaded with
    ``allow_pickle=False``), so a row can never run code when it is read."""

    class State(models.TextChoices):
        CANDIDATE = "candidate", "Trained, not yet compared"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired (was active)"
        REJECTED = "rejected", "Rejected (worse than the active model)"

    version = models.PositiveIntegerField(unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CANDIDATE)
    weights = models.BinaryField()
    thresholds = models.JSONField(default=dict, help_text="Service slug -> confidence needed.")
    trained_on = models.PositiveIntegerField(default=0, help_text="Training examples.")
    history_cases = models.PositiveIntegerField(default=0)
    held_out = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    report_text = models.TextField(blank=True)
    decision = models.CharField(max_length=300, blank=True, help_text="Why it was (not) used.")
    seconds_to_train = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="active"), name="router_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"Router model v{self.version} ({self.get_state_display()})"


class Classification(models.Model):
    """What the router suggested for a case that arrived without a service, and what happened."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="classification")
    model = models.ForeignKey(RouterModel, null=True, on_delete=models.SET_NULL, related_name="+")
    suggestions = models.JSONField(
        default=list, help_text='Top three: [{"service": slug, "name": ..., "confidence": 0.9}]'
    )
    applied = models.BooleanField(default=False, help_text="Routed automatically.")
    chosen_service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Classification of case {self.case_id}"


class AutomaticAnswer(models.Model):
    """A standard answer sent without waiting for a person, and the resident's verdict."""

    class Response(models.TextChoices):
        WAITING = "", "Waiting"
        HELPED = "yes", "It answered the question"
        DID_NOT_HELP = "no", "It did not help"
        NO_REPLY = "timeout", "No reply in time"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="automatic_answer")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    answer_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    response = models.CharField(max_length=10, choices=Response.choices, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["response", "sent_at"], name="router_answer_wait_idx")]

    def __str__(self) -> str:
        return f"Automatic answer on case {self.case_id} ({self.response or 'waiting'})"


class DeclinedAnswer(models.Model):
    """An answer a resident said did not help: never sent to them again (by its text's hash)."""

    answer_hash = models.CharField(max_length=64)
    service = models.ForeignKey(Service, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    journey_key = models.CharField(
        max_length=64, blank=True, help_text="A web journey started after pressing No."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["journey_key"], name="router_declined_journey_idx"),
            models.Index(fields=["resident", "answer_hash"], name="router_declined_res_idx"),
        ]

    def __str__(self) -> str:
        return f"Declined answer {self.answer_hash[:8]}"


class CaseOutcome(models.Model):
    """ "Is it sorted?": asked once when a case is resolved; the answer, with where it came from
    (service, department, channel, place: copied so the insight figures need no joins)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outcome_answer")
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    sorted = models.BooleanField(null=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reason = models.TextField(blank=True)
    reopened = models.BooleanField(default=False)
    channel = models.CharField(max_length=20, help_text="The case's channel.")
    answered_via = models.CharField(max_length=20, blank=True)
    service = models.ForeignKey(Service, null=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(
        Department, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ward_code = models.CharField(max_length=9, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="router_outcome_satisfaction_1_5",
            )
        ]
        indexes = [models.Index(fields=["service", "answered_at"], name="router_outcome_svc_idx")]

    def __str__(self) -> str:
        return f"Outcome of case {self.case_id}: {self.sorted}"


class ImportedCase(models.Model):
    """One row of a legacy CRM's history: for training and the insight figures, no personal data
    beyond the postcode district."""

    batch = models.CharField(max_length=100, help_text="The file it came from.")
    row_number = models.PositiveIntegerField()
    text = models.TextField()
    category = models.CharField(max_length=200)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="router_import_row_uniq")
        ]
        indexes = [models.Index(fields=["received_at"], name="router_import_date_idx")]

    def __str__(self) -> str:
        return f"{self.batch}:{self.row_number}"
