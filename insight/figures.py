"""The figures on each insight page, as tables, read from the rollups (never from the cases).

Every section returns ``Table`` objects: the page shows each as a table with its chart beside
it, the CSV export and the JSON API serialise the same objects, so a figure has one definition.
Rates keep their numerator and denominator so suppression can judge the base.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum

from enquiries.choices import AssistedDigitalReason
from enquiries.models import Department, RoutingRule, Service
from insight import hotspots, outcomes
from insight.filters import INTAKE_CHANNELS, Filters, place_label
from insight.models import (
    RESOLVE_BINS,
    CaseRollup,
    PlaceKind,
    RuleRollup,
    SelfServiceRollup,
)
from insight.rollups import DIGITAL

CHANNEL_NAMES = dict(INTAKE_CHANNELS)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # text | count | rate | per100 | days | mean


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    chart: str = ""  # "line" | "bar" | "": which chart the page draws from this table
    chart_column: str = ""  # the column charted (the rest stay in the table)
    note: str = ""
    extra: list = field(default_factory=list)  # what the page may draw besides (hotspot pins)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    summary: str
    build: Callable[[Filters], list[Table]]


# --- reading the rollups -------------------------------------------------------------------------


def rollup_rows(f: Filters, *, kind: str | None = None, shift: timedelta | None = None) -> QuerySet:
    """Rollup rows for the filters: one place, one place kind, or the whole area."""
    start, end = f.start_week, f.end_week
    if shift:
        start, end = start - shift, end - shift
    qs = CaseRollup.objects.filter(week__gte=start, week__lte=end)
    if f.place_kind:
        qs = qs.filter(place_kind=f.place_kind, place_code=f.place_code)
    else:
        qs = qs.filter(place_kind=kind or PlaceKind.ALL)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.service:
        qs = qs.filter(service_id=f.service)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs


def totals(qs: QuerySet, group: Iterable[str], metrics: Iterable[str]) -> list[dict]:
    group = list(group)
    return list(qs.values(*group).annotate(**{m: Sum(m) for m in metrics}).order_by(*group))


def period_of(week: date, grain: str) -> date:
    return week.replace(day=1) if grain == "month" else week


def by_period(rows: list[dict], grain: str, metrics: Iterable[str]) -> dict[date, dict]:
    merged: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        bucket = merged[period_of(row["week"], grain)]
        for m in metrics:
            bucket[m] += row[m] or 0
    return merged


def period_label(period: date, grain: str) -> str:
    return period.strftime("%B %Y") if grain == "month" else f"w/c {period:%d %b %Y}"


def names() -> dict[str, dict[int, str]]:
    return {
        "service": dict(Service.objects.values_list("id", "name")),
        "department": dict(Department.objects.values_list("id", "name")),
        "rule": dict(RoutingRule.objects.values_list("id", "name")),
        "topic": dict(Service.objects.values_list("id", "topic__name")),
    }


def rate(num: int, den: int) -> tuple[int, int]:
    return (num or 0, den or 0)


def median_and_p90(row: dict) -> tuple[tuple[int | str, int], tuple[int | str, int]]:
    """Median and 90th percentile working days from the binned counts ("up to N" when binned)."""
    counts = [
        (suffix, low, high, row.get(f"resolve_wd_{suffix}") or 0)
        for suffix, low, high in RESOLVE_BINS
    ]
    total = sum(c[3] for c in counts)

    def at(share: float) -> int | str:
        target, seen = share * total, 0
        for _suffix, low, high, n in counts:
            seen += n
            if seen >= target and n:
                if high is None:
                    return f"{low} or more"
                return low if low == high else f"{low} to {high}"
        return ""

    return (at(0.5), total), (at(0.9), total)


RESOLVE_METRICS = [f"resolve_wd_{suffix}" for suffix, _l, _h in RESOLVE_BINS]


@dataclass(frozen=True)
class Dimension:
    """A way to break the figures down: the rollup column grouped by, the label column shown,
    how a value is named, and the filter a row drills down to."""

    group: str
    column: Column
    label: Callable[[dict[str, dict[int, str]], Any], str]


SERVICE = Dimension(
    "service_id",
    Column("service", "Service", "text"),
    lambda n, v: n["service"].get(v, "No service"),
)
DEPARTMENT = Dimension(
    "department_id",
    Column("department", "Department", "text"),
    lambda n, v: n["department"].get(v, "No department"),
)
CHANNEL = Dimension(
    "channel",
    Column("channel", "Channel", "text"),
    lambda _n, v: CHANNEL_NAMES.get(v, v),
)


def breakdown(
    dimension: Dimension,
    rows: Iterable[dict],
    n: dict[str, dict[int, str]],
    table: Table,
    values: Callable[[dict], dict],
) -> Table:
    """One row per value of the dimension (named, with its drill-down), in the order given."""
    table.columns = [dimension.column, *table.columns]
    for row in rows:
        value = row[dimension.group]
        table.rows.append(
            {
                dimension.column.key: dimension.label(n, value),
                **values(row),
                "_drill": {dimension.column.key: value},
            }
        )
    return table


def period_trend(
    f: Filters, metrics: list[str], table: Table, values: Callable[[dict], dict]
) -> Table:
    """One row per week or month of the filters' range, oldest first."""
    table.columns = [Column("period", "Period", "text"), *table.columns]
    periods = by_period(totals(rollup_rows(f), ["week"], metrics), f.grain, metrics)
    for period in sorted(periods):
        table.rows.append({"period": period_label(period, f.grain), **values(periods[period])})
    return table


# --- sections ------------------------------------------------------------------------------------


def demand(f: Filters) -> list[Table]:
    n = names()
    now = by_period(totals(rollup_rows(f), ["week"], ["cases"]), f.grain, ["cases"])
    year = timedelta(weeks=52)
    before = totals(rollup_rows(f, shift=year), ["week"], ["cases"])
    last = by_period([{**r, "week": r["week"] + year} for r in before], f.grain, ["cases"])
    trend = Table(
        "demand-trend",
        "Enquiries received",
        [
            Column("period", "Period", "text"),
            Column("cases", "Enquiries"),
            Column("last_year", "Same period last year"),
        ],
        chart="line",
        chart_column="cases,last_year",
    )
    for period in sorted(now):
        trend.rows.append(
            {
                "period": period_label(period, f.grain),
                "cases": now[period]["cases"],
                "last_year": last.get(period, {}).get("cases", 0),
                "_drill": {"start": period.isoformat()},
            }
        )
    service = breakdown(
        SERVICE,
        sorted(totals(rollup_rows(f), ["service_id"], ["cases"]), key=lambda r: -r["cases"]),
        n,
        Table(
            "demand-service",
            "Enquiries by service",
            [Column("topic", "Topic", "text"), Column("cases", "Enquiries")],
            chart="bar",
            chart_column="cases",
        ),
        lambda r: {"topic": n["topic"].get(r["service_id"], ""), "cases": r["cases"]},
    )
    channel = breakdown(
        CHANNEL,
        totals(rollup_rows(f), ["channel"], ["cases"]),
        n,
        Table(
            "demand-channel",
            "Enquiries by channel",
            [Column("cases", "Enquiries")],
            chart="bar",
            chart_column="cases",
        ),
        lambda r: {"cases": r["cases"]},
    )
    return [
        trend,
        service,
        channel,
        place_table(
            f,
            "demand-place",
            "Enquiries by place",
            [Column("cases", "Enquiries")],
            ["cases"],
            lambda r: {"cases": r["cases"]},
        ),
    ]


def place_table(
    f: Filters,
    table_id: str,
    title: str,
    columns: list[Column],
    metrics: list[str],
    values: Callable[[dict], dict],
    *,
    chart_column: str = "",
) -> Table:
    kind = f.place_kind or f.by
    table = Table(
        table_id,
        f"{title} ({dict(PlaceKind.choices)[kind].lower()})",
        [Column("place", "Place", "text"), *columns],
        chart="bar",
        chart_column=chart_column or columns[0].key,
    )
    rows = totals(rollup_rows(f, kind=kind), ["place_code", "place_name"], metrics)
    merged: dict[str, dict] = {}
    for row in rows:  # a ward's name can change between weeks: one row per code
        into = merged.setdefault(
            row["place_code"], {"place_name": row["place_name"], **{m: 0 for m in metrics}}
        )
        for m in metrics:
            into[m] += row[m] or 0
    order = (
        (lambda c: int(c[0]) if c[0] else 99)
        if kind == PlaceKind.DECILE
        else (lambda c: c[0] or "~")
    )
    for code, row in sorted(merged.items(), key=order):
        table.rows.append(
            {
                "place": place_label(kind, code, row["place_name"]),
                **values(row),
                "_drill": {"place": f"{kind}:{code}"} if code else None,
            }
        )
    return table


def channel_shift(f: Filters) -> list[Table]:
    n = names()
    metrics = ["cases"]
    share_cols = [
        Column("cases", "Enquiries"),
        Column("digital", "Online, email or partner"),
        Column("share", "Digital share", "rate"),
    ]

    def digital_rows(group: list[str]) -> dict[tuple, dict]:
        out: dict[tuple, dict] = defaultdict(lambda: {"cases": 0, "digital": 0})
        for row in totals(rollup_rows(f), [*group, "channel"], metrics):
            key = tuple(row[g] for g in group)
            out[key]["cases"] += row["cases"]
            if row["channel"] in DIGITAL:
                out[key]["digital"] += row["cases"]
        return out

    trend = Table(
        "channel-trend",
        "Digital share of enquiries",
        [Column("period", "Period", "text"), *share_cols],
        chart="line",
        chart_column="share",
    )
    periods: dict[date, dict] = defaultdict(lambda: {"cases": 0, "digital": 0})
    for (week,), row in digital_rows(["week"]).items():
        p = periods[period_of(week, f.grain)]
        p["cases"] += row["cases"]
        p["digital"] += row["digital"]
    for period in sorted(periods):
        row = periods[period]
        trend.rows.append(
            {
                "period": period_label(period, f.grain),
                **row,
                "share": rate(row["digital"], row["cases"]),
            }
        )
    service = Table(
        "channel-service",
        "Digital share by service",
        [Column("service", "Service", "text"), *share_cols],
        chart="bar",
        chart_column="share",
    )
    for (sid,), row in sorted(digital_rows(["service_id"]).items(), key=lambda i: -i[1]["cases"]):
        service.rows.append(
            {
                "service": n["service"].get(sid, "No service"),
                **row,
                "share": rate(row["digital"], row["cases"]),
                "_drill": {"service": sid},
            }
        )
    # per place: digital cases need the channel, so read place rows grouped by channel
    kind = f.place_kind or f.by
    place_rows: dict[str, dict] = defaultdict(
        lambda: {"cases": 0, "digital": 0, "assisted": 0, "name": ""}
    )
    for row in totals(
        rollup_rows(f, kind=kind), ["place_code", "place_name", "channel"], ["cases", "assisted"]
    ):
        into = place_rows[row["place_code"]]
        into["name"] = into["name"] or row["place_name"]
        into["cases"] += row["cases"]
        into["assisted"] += row["assisted"]
        if row["channel"] in DIGITAL:
            into["digital"] += row["cases"]
    place = Table(
        "channel-place",
        f"Digital share and assisted digital by place ({dict(PlaceKind.choices)[kind].lower()})",
        [
            Column("place", "Place", "text"),
            *share_cols,
            Column("assisted", "Assisted digital"),
            Column("assisted_share", "Assisted share", "rate"),
        ],
        chart="bar",
        chart_column="share",
    )
    for code in sorted(place_rows, key=lambda c: c or "~"):
        row = place_rows[code]
        place.rows.append(
            {
                "place": place_label(kind, code, row["name"]),
                "cases": row["cases"],
                "digital": row["digital"],
                "share": rate(row["digital"], row["cases"]),
                "assisted": row["assisted"],
                "assisted_share": rate(row["assisted"], row["cases"]),
                "_drill": {"place": f"{kind}:{code}"} if code else None,
            }
        )
    reason_metrics = [f"assisted_{r}" for r in AssistedDigitalReason.values]
    reasons = Table(
        "channel-assisted",
        "Assisted digital by reason",
        [Column("reason", "Reason", "text"), Column("cases", "Enquiries")],
        chart="bar",
        chart_column="cases",
    )
    agg = rollup_rows(f).aggregate(**{m: Sum(m) for m in reason_metrics})
    for value, label in AssistedDigitalReason.choices:
        reasons.rows.append({"reason": label, "cases": agg[f"assisted_{value}"] or 0})
    rows = totals(
        rollup_rows(f).filter(channel__in=DIGITAL), ["service_id"], ["cases", "online_then_phoned"]
    )
    phoned = breakdown(
        SERVICE,
        sorted(rows, key=lambda r: -r["online_then_phoned"]),
        n,
        Table(
            "channel-phoned",
            "Started online, then phoned",
            [
                Column("digital", "Started online"),
                Column("phoned", "Then phoned"),
                Column("share", "Share who phoned", "rate"),
            ],
            chart="bar",
            chart_column="phoned",
        ),
        lambda r: {
            "digital": r["cases"],
            "phoned": r["online_then_phoned"],
            "share": rate(r["online_then_phoned"], r["cases"]),
        },
    )
    return [trend, service, place, reasons, phoned]


FAILURE = ["cases", "chasers", "repeat_cases", "reopened"]


def _failure_row(row: dict) -> dict:
    return {
        "cases": row["cases"],
        "chasers": row["chasers"],
        "per100": rate(row["chasers"], row["cases"]),
        "repeat": row["repeat_cases"],
        "reopened": row["reopened"],
        "avoidable": row["chasers"] + row["repeat_cases"] + row["reopened"],
    }


FAILURE_COLUMNS = [
    Column("cases", "Enquiries"),
    Column("chasers", "Chasers"),
    Column("per100", "Chasers per 100 enquiries", "per100"),
    Column("repeat", "Repeat contacts"),
    Column("reopened", "Reopened"),
    Column("avoidable", "Avoidable contacts"),
]


def failure(f: Filters) -> list[Table]:
    n = names()
    service = breakdown(
        SERVICE,
        sorted(
            totals(rollup_rows(f), ["service_id"], FAILURE),
            key=lambda r: -_failure_row(r)["avoidable"],
        ),
        n,
        Table(
            "failure-service",
            "Avoidable contact by service (most first)",
            list(FAILURE_COLUMNS),
            chart="bar",
            chart_column="avoidable",
        ),
        _failure_row,
    )
    channel = breakdown(
        CHANNEL,
        totals(rollup_rows(f), ["channel"], FAILURE),
        n,
        Table(
            "failure-channel",
            "Chasers by channel",
            list(FAILURE_COLUMNS),
            chart="bar",
            chart_column="per100",
        ),
        _failure_row,
    )
    trend = period_trend(
        f,
        FAILURE,
        Table(
            "failure-trend",
            "Chasers per 100 enquiries over time",
            list(FAILURE_COLUMNS),
            chart="line",
            chart_column="per100",
        ),
        _failure_row,
    )
    return [service, channel, trend]


def automation(f: Filters) -> list[Table]:
    n = names()
    clicks = SelfServiceRollup.objects.filter(week__gte=f.start_week, week__lte=f.end_week)
    if f.service:
        clicks = clicks.filter(service_id=f.service)
    if f.department:
        clicks = clicks.filter(department_id=f.department)
    self_service = Table(
        "automation-self-service",
        "Self-service answers shown and how many helped",
        [
            Column("service", "Service", "text"),
            Column("shown", "Answers shown"),
            Column("helped", "Said it helped"),
            Column("share", "Helped", "rate"),
        ],
        chart="bar",
        chart_column="helped",
        note="Self-service clicks have no channel or place: those filters do not apply.",
    )
    for row in sorted(
        totals(clicks, ["service_id"], ["shown", "helped"]), key=lambda r: -r["shown"]
    ):
        self_service.rows.append(
            {
                "service": n["service"].get(row["service_id"], "Unknown"),
                "shown": row["shown"],
                "helped": row["helped"],
                "share": rate(row["helped"], row["shown"]),
            }
        )
    first = breakdown(
        CHANNEL,
        totals(rollup_rows(f), ["channel"], ["cases", "auto_answered", "first_contact"]),
        n,
        Table(
            "automation-channel",
            "Automatic answers and first-contact resolution by channel",
            [
                Column("cases", "Enquiries"),
                Column("auto", "Answered automatically"),
                Column("first", "Resolved at first contact"),
                Column("fcr", "First-contact resolution", "rate"),
            ],
            chart="bar",
            chart_column="fcr",
        ),
        lambda r: {
            "cases": r["cases"],
            "auto": r["auto_answered"],
            "first": r["first_contact"],
            "fcr": rate(r["first_contact"] + r["auto_answered"], r["cases"]),
        },
    )
    rules = RuleRollup.objects.filter(week__gte=f.start_week, week__lte=f.end_week)
    for name in ("department", "service"):
        if getattr(f, name):
            rules = rules.filter(**{f"{name}_id": getattr(f, name)})
    if f.channel:
        rules = rules.filter(channel=f.channel)
    routing = Table(
        "automation-routing",
        "Routing accuracy: transfers per rule",
        [
            Column("rule", "Routing rule", "text"),
            Column("cases", "Enquiries routed"),
            Column("transferred", "Transferred afterwards"),
            Column("share", "Transferred", "rate"),
            Column("transfers", "Transfers"),
        ],
        chart="bar",
        chart_column="share",
        note="Routing rules apply to the whole area: the place filter does not apply.",
    )
    for row in sorted(
        totals(rules, ["rule_id"], ["cases", "transferred", "transfers"]),
        key=lambda r: -r["transferred"],
    ):
        routing.rows.append(
            {
                "rule": n["rule"].get(row["rule_id"], "No rule matched (triage)"),
                "cases": row["cases"],
                "transferred": row["transferred"],
                "share": rate(row["transferred"], row["cases"]),
                "transfers": row["transfers"],
            }
        )
    return [self_service, first, routing]


TIMELINESS = ["resolved", "resolved_in_sla", "breached", *RESOLVE_METRICS]
TIMELINESS_COLUMNS = [
    Column("resolved", "Resolved"),
    Column("in_sla", "Resolved within the service level", "rate"),
    Column("median", "Median working days", "days"),
    Column("p90", "90th percentile working days", "days"),
    Column("breached", "Breaches"),
]


def _timely(row: dict) -> dict:
    median, p90 = median_and_p90(row)
    return {
        "resolved": row["resolved"],
        "in_sla": rate(row["resolved_in_sla"], row["resolved"]),
        "median": median,
        "p90": p90,
        "breached": row["breached"],
    }


def timeliness(f: Filters) -> list[Table]:
    n = names()
    by = [
        breakdown(
            dimension,
            totals(rollup_rows(f), [dimension.group], TIMELINESS),
            n,
            Table(
                f"timeliness-{dimension.column.key}",
                f"Timeliness by {dimension.column.key}",
                list(TIMELINESS_COLUMNS),
                chart="bar",
                chart_column="in_sla",
            ),
            _timely,
        )
        for dimension in (DEPARTMENT, SERVICE)
    ]
    trend = period_trend(
        f,
        TIMELINESS,
        Table(
            "timeliness-trend",
            "Resolved within the service level over time",
            list(TIMELINESS_COLUMNS),
            chart="line",
            chart_column="in_sla",
        ),
        _timely,
    )
    return [*by, trend]


def hotspot_tables(f: Filters) -> list[Table]:
    n = names()
    table = Table(
        "hotspots",
        "Places where demand has risen significantly",
        [
            Column("service", "Service", "text"),
            Column("place", "Place", "text"),
            Column("recent", "Enquiries, last 4 weeks"),
            Column("expected", "Expected from the 12 weeks before", "text"),
            Column("ratio", "Times expected", "text"),
            Column("p", "Chance if nothing changed", "text"),
        ],
        chart="bar",
        chart_column="recent",
        note=hotspots.METHOD,
    )
    table.extra = hotspots.detect(f)
    for spot in table.extra:
        table.rows.append(
            {
                "service": n["service"].get(spot.service_id, "No service"),
                "place": place_label(spot.place_kind, spot.place_code, spot.place_name),
                "recent": spot.observed,
                "expected": f"{spot.expected:.1f}",
                "ratio": f"{spot.ratio:.1f}",
                "p": f"{spot.p_value:.1e}",
                "_drill": {
                    "service": spot.service_id,
                    "place": f"{spot.place_kind}:{spot.place_code}",
                    "start": spot.recent_start.isoformat(),
                },
            }
        )
    return [table]


def outcome(f: Filters) -> list[Table]:
    if not outcomes.available():
        return []
    metrics = ["outcome_answers", "outcome_sorted", "satisfaction_sum", "satisfaction_count"]
    answered = [
        row
        for row in totals(rollup_rows(f), ["service_id"], metrics)
        if row["outcome_answers"] or row["satisfaction_count"]
    ]
    table = breakdown(
        SERVICE,
        answered,
        names(),
        Table(
            "outcome-service",
            "Is it sorted? and satisfaction by service",
            [
                Column("answers", "Answers"),
                Column("sorted", "Said it is sorted", "rate"),
                Column("satisfaction", "Average satisfaction (1 to 5)", "mean"),
            ],
            chart="bar",
            chart_column="sorted",
        ),
        lambda r: {
            "answers": r["outcome_answers"],
            "sorted": rate(r["outcome_sorted"], r["outcome_answers"]),
            "satisfaction": (r["satisfaction_sum"], r["satisfaction_count"]),
        },
    )
    return [table]


SECTIONS = {
    s.slug: s
    for s in (
        Section(
            "demand",
            "Demand",
            "Enquiries by service, channel and place, against last year.",
            demand,
        ),
        Section(
            "channel-shift",
            "Channel shift",
            "The digital share, assisted digital, and residents who started online then phoned.",
            channel_shift,
        ),
        Section(
            "failure-demand",
            "Failure demand",
            "Chasers, repeat contacts and reopened cases: avoidable contact.",
            failure,
        ),
        Section(
            "automation",
            "Automation",
            "Self-service answers, automatic answers, routing accuracy, first-contact resolution.",
            automation,
        ),
        Section(
            "timeliness",
            "Timeliness",
            "Resolved within the service level, working days to resolve, breaches.",
            timeliness,
        ),
        Section(
            "hotspots",
            "Hotspots",
            "Places where demand for a service rose significantly against their own recent weeks.",
            hotspot_tables,
        ),
        Section(
            "outcome",
            "Outcome",
            "Is it sorted? and satisfaction, from residents' answers.",
            outcome,
        ),
    )
}
