"""Worklist filters (django-filter): status, service, priority, SLA state, channel, assignee."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet

from enquiries.choices import OPEN_STATUSES, Channel, Priority, SlaState, Status
from enquiries.models import Case
from enquiries.references import InvalidReference, normalise_reference
from enquiries.staff_selectors import SlaCutoffs, filter_sla, triage_order

OPEN = "open"
ALL = "all"
STATUS_CHOICES = [(OPEN, "All open"), *Status.choices, (ALL, "Any status")]
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "due": (F("sla_due_at").asc(nulls_last=True), "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "priority": (F("priority_rank").desc(), F("sla_due_at").asc(nulls_last=True), "id"),
}
SORT_CHOICES = [
    ("triage", "New and due soon first"),
    ("due", "Due soonest"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("priority", "Highest priority"),
]
#: New work nobody has picked up, then breached and due soon, then by due date: a case that has
#: just arrived is on the first page, not after every older case still in date.
DEFAULTS = {"status": OPEN, "sort": "triage"}
PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class WorklistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference or words in the summary", method="filter_search")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    service = django_filters.ChoiceFilter(label="Service", choices=(), empty_label="Any service")
    priority = django_filters.ChoiceFilter(
        label="Priority", choices=Priority.choices, empty_label="Any priority"
    )
    sla = django_filters.ChoiceFilter(
        label="Service level",
        choices=SlaState.choices,
        method="filter_sla",
        empty_label="Any",
    )
    channel = django_filters.ChoiceFilter(
        label="Channel", choices=Channel.choices, empty_label="Any channel"
    )
    assignee = django_filters.ChoiceFilter(
        label="Assigned to", method="filter_assignee", empty_label="Anyone"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Case] | None = None,
        *,
        user: Any,
        services: list[tuple[str, str]],
        people: list[tuple[str, str]],
        cutoffs: SlaCutoffs,
        **kwargs: Any,
    ) -> None:
        data = data.copy() if data is not None else {}
        for key, value in DEFAULTS.items():
            if not data.get(key):
                data[key] = value
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.cutoffs = cutoffs
        # (value, label): the queues' services, and the people their cases go to
        self.filters["service"].extra["choices"] = services
        self.filters["assignee"].extra["choices"] = [("me", "Me"), ("none", "Nobody"), *people]
        for name in ("q",):
            self.form.fields[name].widget = forms.TextInput(attrs={"type": "search"})

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        try:
            return queryset.filter(reference=normalise_reference(value))
        except InvalidReference:
            return queryset.filter(summary__icontains=value)

    def filter_status(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_sla(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return filter_sla(queryset, value, self.cutoffs)

    def filter_assignee(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == "me":
            return queryset.filter(assignee=self.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_sort(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == "triage":
            return triage_order(queryset, self.cutoffs)
        if value == "priority":
            from django.db.models import Case as CaseWhen
            from django.db.models import IntegerField, Value, When

            queryset = queryset.annotate(
                priority_rank=CaseWhen(
                    *[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        return queryset.order_by(*SORTS[value])
