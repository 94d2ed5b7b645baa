"""The filters every insight view takes: date range, department, service, channel and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils import timezone

from enquiries.choices import Channel
from enquiries.models import Department, Service
from insight.models import CaseRollup, PlaceKind
from insight.rollups import UK, week_of

GRAINS = [("week", "Week"), ("month", "Month")]
BREAKDOWNS = [
    (PlaceKind.DISTRICT.value, "Postcode district"),
    (PlaceKind.WARD.value, "Ward"),
    (PlaceKind.DECILE.value, "Deprivation decile (1 is most deprived)"),
]
INTAKE_CHANNELS = [c for c in Channel.choices if c[0] != Channel.SMS]


def place_choices() -> list[tuple[str, str]]:
    """Places that have cases, as "kind:code" (cached: read from the rollups, not the cases)."""
    found = cache.get("insight:places")
    if found is None:
        rows = (
            CaseRollup.objects.exclude(place_kind=PlaceKind.ALL)
            .exclude(place_code="")
            .values_list("place_kind", "place_code", "place_name")
            .distinct()
            .order_by("place_kind", "place_code")
        )
        found = [(f"{k}:{c}", place_label(k, c, n)) for k, c, n in rows]
        cache.set("insight:places", found, 600)
    return found


def place_label(kind: str, code: str, name: str = "") -> str:
    if not code:
        return "Not known"
    if kind == PlaceKind.DECILE:
        return f"Decile {code}"
    if kind == PlaceKind.WARD:
        return f"{name} ({code})" if name else code
    return code


class InsightFilterForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int)
    service = forms.TypedChoiceField(label="Service", required=False, coerce=int)
    channel = forms.ChoiceField(label="Channel", required=False)
    place = forms.ChoiceField(label="Place", required=False)
    by = forms.ChoiceField(label="Break down places by", required=False, choices=BREAKDOWNS)
    grain = forms.ChoiceField(label="Show trends by", required=False, choices=GRAINS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", "Any")]
        fields: dict[str, Any] = self.fields  # ChoiceFields: their choices are set here
        fields["department"].choices = any_ + list(
            Department.objects.order_by("name").values_list("id", "name")
        )
        fields["service"].choices = any_ + list(
            Service.objects.order_by("name").values_list("id", "name")
        )
        fields["channel"].choices = any_ + INTAKE_CHANNELS
        fields["place"].choices = [("", "Anywhere")] + place_choices()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be the same as or after the start date.")
        return data


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    department: int | None = None
    service: int | None = None
    channel: str = ""
    place_kind: str = ""
    place_code: str = ""
    by: str = PlaceKind.WARD.value
    grain: str = "week"

    @property
    def start_week(self) -> date:
        return week_of(self.start)

    @property
    def end_week(self) -> date:
        return week_of(self.end)

    def params(self, **overrides: Any) -> dict[str, str]:
        """Query parameters for a link to the same view (or the case list) with changes."""
        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "department": self.department or "",
            "service": self.service or "",
            "channel": self.channel,
            "place": f"{self.place_kind}:{self.place_code}" if self.place_kind else "",
            "by": self.by,
            "grain": self.grain,
        }
        values.update(overrides)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def default_range(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localtime(timezone.now(), UK).date()
    return week_of(today) - timedelta(weeks=12), today


def filters_from(form: InsightFilterForm) -> Filters:
    """Filters from a valid form; invalid or missing values fall back to the defaults."""
    data = form.cleaned_data if form.is_valid() else {}
    start, end = default_range()
    kind, _, code = (data.get("place") or "").partition(":")
    return Filters(
        start=data.get("start") or start,
        end=data.get("end") or end,
        department=data.get("department") or None,
        service=data.get("service") or None,
        channel=data.get("channel") or "",
        place_kind=kind if code or kind else "",
        place_code=code,
        by=data.get("by") or PlaceKind.WARD.value,
        grain=data.get("grain") or "week",
    )
