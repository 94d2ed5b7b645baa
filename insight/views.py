"""Insight pages for managers and analysts, the CSV export, the drill-down and the public page.

Thin: filters from the query string, figures from ``insight.figures``, permission from
``enquiries.policy``.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Avg
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from enquiries import access_log, places, policy
from enquiries.models import PostcodeUnit, Service
from enquiries.staff.access import staff_required
from insight import figures, public, rollups
from insight.filters import Filters, InsightFilterForm, filters_from
from insight.models import PlaceKind
from insight.presentation import present
from insight.suppression import safe_csv_cell

PLACE_FIELDS = {
    PlaceKind.DISTRICT: "postcode_district",
    PlaceKind.WARD: "ward_code",
    PlaceKind.DECILE: "imd_decile",
}


def _gate(request: HttpRequest, action: str = "insight") -> None:
    if not policy.can_view_insight(request.user):
        access_log.record_denied(user=request.user, path=request.path, action=action)
        raise Http404("Not found.")


def _section(slug: str) -> figures.Section:
    section = figures.SECTIONS.get(slug)
    if section is None:
        raise Http404("No such insight page.")
    return section


@staff_required
def section(request: HttpRequest, slug: str = "demand") -> HttpResponse:
    _gate(request)
    current = _section(slug)
    form = InsightFilterForm(request.GET or None)
    f = filters_from(form)
    suppress = policy.insight_suppressed(request.user)
    drills = policy.insight_drills_to_cases(request.user)
    tables = []
    built = current.build(f)
    for table in built:
        cells = present(table, suppress=suppress)
        rows = []
        for row, row_cells in zip(table.rows, cells, strict=True):
            drill = row.get("_drill")
            link = ""
            if drills and drill is not None:
                link = reverse("insight:cases") + "?" + urlencode(f.params(**drill))
            rows.append({"cells": row_cells, "link": link})
        tables.append(
            {
                "table": table,
                "rows": rows,
                "chart_keys": table.chart_column.split(",") if table.chart_column else [],
                "csv": reverse("insight:csv", args=[current.slug, table.id])
                + "?"
                + urlencode(f.params()),
            }
        )
    spots = [spot for table in built if table.id == "hotspots" for spot in table.extra]
    hotspot_map = _hotspot_map(f, spots, drills) if spots else None
    return render(
        request,
        "insight/section.html",
        {
            "sections": figures.SECTIONS.values(),
            "current": current,
            "form": form,
            "filters": f,
            "tables": tables,
            "suppress": suppress,
            "refreshed": rollups.last_refreshed(),
            "query": urlencode(f.params()),
            "map": hotspot_map,
        },
    )


def _hotspot_map(f: Filters, spots: list, drills: bool) -> dict | None:
    """Hotspot wards as pins at the middle of their postcodes (when the directory is loaded)."""
    centres = {
        row["ward_code"]: (row["lat"], row["lng"])
        for row in PostcodeUnit.objects.filter(
            ward_code__in={s.place_code for s in spots}, latitude__isnull=False
        )
        .values("ward_code")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
        .order_by()
    }
    services = dict(Service.objects.values_list("id", "name"))
    pins = []
    for spot in spots:
        if spot.place_code not in centres:
            continue
        lat, lng = centres[spot.place_code]
        pin = {
            "id": f"{spot.service_id}-{spot.place_code}",
            "lat": lat,
            "lng": lng,
            "label": f"{services.get(spot.service_id, 'No service')} in "
            f"{spot.place_name or spot.place_code}: {spot.observed} enquiries in 4 weeks",
        }
        if drills:
            pin["url"] = (
                reverse("insight:cases")
                + "?"
                + urlencode(
                    f.params(
                        service=spot.service_id,
                        place=f"{spot.place_kind}:{spot.place_code}",
                        start=spot.recent_start.isoformat(),
                    )
                )
            )
        pins.append(pin)
    return places.map_config(centre=None, reports=pins) if pins else None


@staff_required
def export_csv(request: HttpRequest, slug: str, table_id: str) -> HttpResponse:
    """One table as CSV: small numbers suppressed for everyone, formula-looking cells quoted."""
    _gate(request, "insight_export")
    f = filters_from(InsightFilterForm(request.GET or None))
    table = next((t for t in _section(slug).build(f) if t.id == table_id), None)
    if table is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.id}.csv"'
    writer = csv.writer(response)
    writer.writerow([safe_csv_cell(c.label) for c in table.columns])
    for row in present(table, suppress=True):
        writer.writerow([safe_csv_cell(text) for text, _number in row])
    return response


def drill_cases(user, f: Filters, week_start=None):
    """The cases behind a figure that this user may open (never more)."""
    start, end = rollups.week_bounds(f.start_week)[0], rollups.week_bounds(f.end_week)[1]
    qs = policy.visible_cases(user).filter(created_at__gte=start, created_at__lt=end)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.service:
        qs = qs.filter(service_id=f.service)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.place_kind in PLACE_FIELDS:
        field = PLACE_FIELDS[PlaceKind(f.place_kind)]
        if f.place_kind == PlaceKind.DECILE:
            qs = qs.filter(
                **{field: int(f.place_code)} if f.place_code else {f"{field}__isnull": True}
            )
        else:
            qs = qs.filter(**{field: f.place_code})
    return qs


@staff_required
def cases(request: HttpRequest) -> HttpResponse:
    _gate(request, "insight_cases")
    if not policy.insight_drills_to_cases(request.user):
        access_log.record_denied(user=request.user, path=request.path, action="insight_cases")
        raise Http404("Not found.")
    form = InsightFilterForm(request.GET or None)
    f = filters_from(form)
    if request.GET.get("start") and not request.GET.get("end") and f.grain == "week":
        f = Filters(**{**f.__dict__, "end": f.start + timedelta(days=6)})
    qs = (
        drill_cases(request.user, f)
        .select_related("service", "department")
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "insight/cases.html",
        {"page": page, "filters": f, "query": urlencode(f.params())},
    )


def performance(request: HttpRequest) -> HttpResponse:
    """The council's public monthly performance: no sign-in, small numbers suppressed."""
    return render(request, "insight/performance.html", public.performance_context())
