"""Keep the rollup tables equal to what the case tables say (ADR 0018).

``refresh()`` runs on beat (INSIGHT_REFRESH_SECONDS). It finds the weeks whose cases changed since
its last run (a case saved, an event or a contact recorded, a self-service click) or whose case
count no longer matches the rollup (a row removed outside the services), and recomputes those
weeks whole: delete the week's rows, insert them again, in one transaction. Recomputing a whole
week is idempotent, so the runs overlap by ``OVERLAP`` to catch transactions that committed late.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from enquiries.choices import Channel, Direction, EventKind, Outcome, SlaState, Status
from enquiries.models import Case, CaseEvent, Contact, SelfServiceOutcome
from insight import outcomes
from insight.models import (
    METRICS,
    RESOLVE_BINS,
    CaseRollup,
    PlaceKind,
    RollupState,
    RuleRollup,
    SelfServiceRollup,
)

UK = ZoneInfo("Europe/London")
OVERLAP = timedelta(minutes=2)
DIGITAL = (Channel.WEB, Channel.EMAIL, Channel.API)
BATCH = 5000


def week_of(moment: datetime | date) -> date:
    """Monday (UK time) of the week a moment falls in."""
    day = timezone.localtime(moment, UK).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def week_bounds(week: date) -> tuple[datetime, datetime]:
    start = datetime.combine(week, time.min, tzinfo=UK)
    return start, datetime.combine(week + timedelta(days=7), time.min, tzinfo=UK)


@functools.lru_cache(maxsize=1)
def _calendar():
    from enquiries.services import calendar

    return calendar()  # one calendar: it loads each year's bank holidays once


@functools.lru_cache(maxsize=200_000)
def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0: resolved the same day)."""
    cal = _calendar()
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            days += 1
    return days


def resolve_field(days: int) -> str:
    for suffix, low, high in RESOLVE_BINS:
        if days >= low and (high is None or days <= high):
            return f"resolve_wd_{suffix}"
    raise ValueError(days)  # pragma: no cover - the last bin is open


@dataclass(frozen=True)
class CaseFacts:
    """What one case contributes to the rollups (also the definition the tests check against)."""

    week: date
    service_id: int
    department_id: int
    channel: str
    rule_id: int
    places: tuple[tuple[str, str, str], ...]  # (kind, code, name)
    counts: dict[str, int]


def case_facts(row: dict, outcome: tuple[bool | None, int | None] | None) -> CaseFacts:
    counts: dict[str, int] = {"cases": 1}
    chasers = row["chasers"] or 0
    counts["chasers"] = chasers
    counts["chased_cases"] = int(chasers > 0)
    counts["repeat_cases"] = int(bool(row["follows_id"] or row["merged_into_id"]))
    counts["reopened"] = int(bool(row["was_reopened"]))
    counts["transferred"] = int(row["transfer_count"] > 0)
    counts["transfers"] = row["transfer_count"]
    if row["resolved_at"]:
        counts["resolved"] = 1
        due = row["sla_due_at"]
        counts["resolved_in_sla"] = int(due is None or row["resolved_at"] <= due)
        days = working_days_between(
            timezone.localtime(row["created_at"], UK).date(),
            timezone.localtime(row["resolved_at"], UK).date(),
        )
        counts[resolve_field(days)] = 1
    counts["breached"] = int(row["sla_state"] == SlaState.BREACHED)
    counts["auto_answered"] = int(row["outcome"] == Outcome.ANSWERED_AUTOMATICALLY)
    counts["first_contact"] = int(row["outcome"] == Outcome.RESOLVED_FIRST_CONTACT)
    if row["assisted_reason"] is not None:
        counts["assisted"] = 1
        counts[f"assisted_{row['assisted_reason'] or 'other'}"] = 1
    counts["online_then_phoned"] = int(row["channel"] in DIGITAL and bool(row["phoned"]))
    if outcome is not None:
        is_sorted, satisfaction = outcome
        if is_sorted is not None:
            counts["outcome_answers"] = 1
            counts["outcome_sorted"] = int(is_sorted)
        if satisfaction is not None:
            counts["satisfaction_sum"] = satisfaction
            counts["satisfaction_count"] = 1
    decile = str(row["imd_decile"]) if row["imd_decile"] else ""
    places = (
        (PlaceKind.ALL.value, "", ""),
        (PlaceKind.DISTRICT.value, row["postcode_district"] or "", ""),
        (PlaceKind.WARD.value, row["ward_code"] or "", row["ward_name"] or ""),
        (PlaceKind.DECILE.value, decile, ""),
    )
    return CaseFacts(
        week=week_of(row["created_at"]),
        service_id=row["service_id"] or 0,
        department_id=row["department_id"] or 0,
        channel=row["channel"],
        rule_id=row["routing_rule_id"] or 0,
        places=places,
        counts=counts,
    )


def _case_rows(start: datetime, end: datetime) -> Iterable[dict]:
    contacts = Contact.objects.filter(case=OuterRef("pk"))
    chasers = (
        contacts.filter(is_chaser=True)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assisted = (
        contacts.filter(assisted_digital=True).order_by("pk").values("assisted_digital_reason")[:1]
    )
    queryset = (
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(
            chasers=Coalesce(Subquery(chasers, output_field=IntegerField()), Value(0)),
            assisted_reason=Subquery(assisted),
            phoned=Exists(contacts.filter(channel=Channel.PHONE, direction=Direction.INBOUND)),
            was_reopened=Exists(
                CaseEvent.objects.filter(
                    case=OuterRef("pk"), kind=EventKind.STATUS, to_status=Status.REOPENED
                )
            ),
        )
        .values(
            "id",
            "created_at",
            "service_id",
            "department_id",
            "channel",
            "routing_rule_id",
            "postcode_district",
            "ward_code",
            "ward_name",
            "imd_decile",
            "follows_id",
            "merged_into_id",
            "transfer_count",
            "resolved_at",
            "sla_due_at",
            "sla_state",
            "outcome",
            "chasers",
            "assisted_reason",
            "phoned",
            "was_reopened",
        )
        .order_by("id")
    )
    return queryset.iterator(chunk_size=BATCH)  # type: ignore[return-value]  # rows as dicts


def _rebuild_week(week: date) -> int:
    """Recompute one week's rows from the case tables; returns the cases counted."""
    start, end = week_bounds(week)
    buckets: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[tuple, str] = {}
    rules: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    total = 0
    rows = list(_case_rows(start, end))
    answers = outcomes.case_outcomes([row["id"] for row in rows])
    for row in rows:
        facts = case_facts(row, answers.get(row["id"]))
        total += 1
        for kind, code, name in facts.places:
            key = (kind, code, facts.service_id, facts.department_id, facts.channel)
            bucket = buckets[key]
            for metric, value in facts.counts.items():
                bucket[metric] += value
            if name:
                names[key] = name
        rule = rules[(facts.rule_id, facts.service_id, facts.department_id, facts.channel)]
        rule[0] += 1
        rule[1] += facts.counts["transferred"]
        rule[2] += facts.counts["transfers"]
    CaseRollup.objects.filter(week=week).delete()
    RuleRollup.objects.filter(week=week).delete()
    names_of = {key: names.get(key, "") for key in buckets}
    _write(
        CaseRollup,
        [
            "week",
            "place_kind",
            "place_code",
            "place_name",
            "service_id",
            "department_id",
            "channel",
            *METRICS,
        ],
        (
            (
                week,
                kind,
                code,
                names_of[key],
                service,
                department,
                channel,
                *(counts.get(metric, 0) for metric in METRICS),
            )
            for key, counts in buckets.items()
            for kind, code, service, department, channel in [key]
        ),
    )
    _write(
        RuleRollup,
        [
            "week",
            "rule_id",
            "service_id",
            "department_id",
            "channel",
            "cases",
            "transferred",
            "transfers",
        ],
        (
            (week, rule_id, service, department, channel, *figures)
            for (rule_id, service, department, channel), figures in rules.items()
        ),
    )
    return total


def _write(model, fields: list[str], rows: Iterable[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL (the model layer costs more than the database)."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([value.isoformat() if isinstance(value, date) else value for value in row])
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def _rebuild_self_service_week(week: date) -> None:
    start, end = week_bounds(week)
    rows = (
        SelfServiceOutcome.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("service_id", "service__department_id")
        .annotate(shown=Count("pk"), helped=Count("pk", filter=Q(answered=True)))
        .order_by()
    )
    SelfServiceRollup.objects.filter(week=week).delete()
    SelfServiceRollup.objects.bulk_create(
        [
            SelfServiceRollup(
                week=week,
                service_id=row["service_id"],
                department_id=row["service__department_id"] or 0,
                shown=row["shown"],
                helped=row["helped"],
            )
            for row in rows
        ]
    )


def _weeks_of(queryset, field: str) -> set[date]:
    days = queryset.annotate(day=TruncDate(field, tzinfo=UK)).values_list("day", flat=True)
    return {week_of(day) for day in days.distinct().order_by()}


def _mismatched_weeks() -> set[date]:
    """Weeks whose case count differs from the rollup's: rows removed or added behind our back."""
    raw: dict[date, int] = defaultdict(int)
    days = (
        Case.objects.annotate(day=TruncDate("created_at", tzinfo=UK))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in days:
        raw[week_of(row["day"])] += row["n"]
    rolled = dict(
        CaseRollup.objects.filter(place_kind=PlaceKind.ALL)
        .values("week")
        .annotate(n=Sum("cases"))
        .order_by()
        .values_list("week", "n")
    )
    return {week for week in set(raw) | set(rolled) if raw.get(week, 0) != rolled.get(week, 0)}


def dirty_weeks(since: datetime | None) -> tuple[set[date], set[date]]:
    """(case weeks, self-service weeks) to recompute; everything when never refreshed."""
    if since is None:
        return _weeks_of(Case.objects.all(), "created_at"), _weeks_of(
            SelfServiceOutcome.objects.all(), "created_at"
        )
    changed = Case.objects.filter(
        Q(updated_at__gte=since)
        | Q(pk__in=CaseEvent.objects.filter(created_at__gte=since).values("case_id"))
        | Q(pk__in=Contact.objects.filter(created_at__gte=since).values("case_id"))
        | Q(pk__in=outcomes.changed_case_ids(since))
    )
    case_weeks = _weeks_of(changed, "created_at") | _mismatched_weeks()
    clicks = SelfServiceOutcome.objects.filter(created_at__gte=since)
    return case_weeks, _weeks_of(clicks, "created_at")


def refresh(*, full: bool = False, now: datetime | None = None) -> int:
    """Bring the rollups up to date; returns how many weeks were recomputed.

    One refresh at a time (the state row is locked); a second one waits, then finds little to do.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name="cases")
        since = None if full or state.watermark is None else state.watermark - OVERLAP
        case_weeks, click_weeks = dirty_weeks(since)
        if since is None:
            CaseRollup.objects.all().delete()
            RuleRollup.objects.all().delete()
            SelfServiceRollup.objects.all().delete()
        for week in sorted(case_weeks):
            _rebuild_week(week)
        for week in sorted(click_weeks):
            _rebuild_self_service_week(week)
        state.watermark = now
        state.refreshed_at = timezone.now()
        state.weeks_refreshed = len(case_weeks)
        state.save()
    return len(case_weeks)


def last_refreshed() -> datetime | None:
    return RollupState.objects.filter(name="cases").values_list("refreshed_at", flat=True).first()
