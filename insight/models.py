"""Rollup tables: what the insight pages read instead of scanning cases (ADR 0018).

One ``CaseRollup`` row counts the cases received in one week (Monday, UK time) for one service,
department and channel, at one place. Each case is counted four times, once per place kind
("all", postcode district, ward, deprivation decile), so a page filtered by any one place, or by
none, reads a handful of rows through one index.
"""

from django.db import models

from enquiries.choices import AssistedDigitalReason

#: Working days to resolve, in bins: (column suffix, lowest, highest or None).
RESOLVE_BINS: tuple[tuple[str, int, int | None], ...] = (
    *((f"{n}", n, n) for n in range(11)),
    ("11_15", 11, 15),
    ("16_20", 16, 20),
    ("21_30", 21, 30),
    ("31_plus", 31, None),
)

COUNTS = (
    "cases",
    "chasers",
    "chased_cases",
    "repeat_cases",
    "reopened",
    "transferred",
    "transfers",
    "resolved",
    "resolved_in_sla",
    "breached",
    "auto_answered",
    "first_contact",
    "assisted",
    "online_then_phoned",
    "outcome_answers",
    "outcome_sorted",
    "satisfaction_sum",
    "satisfaction_count",
)
ASSISTED_FIELDS = tuple(f"assisted_{reason}" for reason in AssistedDigitalReason.values)
RESOLVE_FIELDS = tuple(f"resolve_wd_{suffix}" for suffix, _low, _high in RESOLVE_BINS)
METRICS = COUNTS + ASSISTED_FIELDS + RESOLVE_FIELDS


class PlaceKind(models.TextChoices):
    ALL = "all", "Whole council area"
    DISTRICT = "district", "Postcode district"
    WARD = "ward", "Ward"
    DECILE = "decile", "Deprivation decile"


class CaseRollupBase(models.Model):
    week = models.DateField(help_text="Monday of the week the case was received (UK time).")
    place_kind = models.CharField(max_length=8, choices=PlaceKind.choices)
    place_code = models.CharField(max_length=9, blank=True, help_text="Blank: not known.")
    place_name = models.CharField(max_length=120, blank=True)
    service_id = models.IntegerField(default=0, help_text="0: no service chosen.")
    department_id = models.IntegerField(default=0, help_text="0: no department yet.")
    channel = models.CharField(max_length=20)

    class Meta:
        abstract = True


for _name in METRICS:
    CaseRollupBase.add_to_class(_name, models.PositiveIntegerField(default=0))


class CaseRollup(CaseRollupBase):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "week",
                    "place_kind",
                    "place_code",
                    "service_id",
                    "department_id",
                    "channel",
                ],
                name="insight_caserollup_one_row_per_bucket",
            )
        ]
        indexes = [
            models.Index(fields=["place_kind", "week"], name="insight_rollup_kind_week"),
            models.Index(
                fields=["place_kind", "place_code", "week"], name="insight_rollup_place_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.place_kind}:{self.place_code} {self.service_id} {self.channel}"


class RuleRollup(models.Model):
    """Routing accuracy: cases per routing rule (None: no rule matched) and how many moved."""

    week = models.DateField()
    rule_id = models.IntegerField(default=0, help_text="0: no rule matched.")
    service_id = models.IntegerField(default=0)
    department_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)
    cases = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    transfers = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["week"], name="insight_rulerollup_week")]

    def __str__(self) -> str:
        return f"{self.week} rule {self.rule_id}"


class SelfServiceRollup(models.Model):
    """Self-service answers shown ("Did this answer your question?" clicks), how many helped."""

    week = models.DateField()
    service_id = models.IntegerField()
    department_id = models.IntegerField(default=0)
    shown = models.PositiveIntegerField(default=0)
    helped = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["week"], name="insight_selfservice_week")]

    def __str__(self) -> str:
        return f"{self.week} service {self.service_id}"


class RollupState(models.Model):
    """How far the refresh has read: changes since ``watermark`` mark their weeks dirty."""

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    weeks_refreshed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.watermark}"
