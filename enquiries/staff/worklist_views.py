"""The staff home page and the worklists: thin views over staff_selectors and the filters."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from enquiries import outbox, places, policy
from enquiries import staff_selectors as selectors
from enquiries.choices import OPEN_STATUSES
from enquiries.staff.access import staff_required
from enquiries.staff.filters import WorklistFilter
from enquiries.staff.govuk_forms import govuk_fields
from enquiries.staff.worklist_table import worklist_rows


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each role starts: front-line staff at the search box, case workers at their queues."""
    user = request.user
    cutoffs = selectors.sla_cutoffs()
    context = {
        "queues": selectors.queue_counts(user, cutoffs)
        if policy.department_ids(user) or policy.is_manager(user)
        else [],
        "my_open": selectors.my_open_count(user),
        "takes_contacts": policy.takes_contacts(user),
        "can_log_contacts": policy.can_log_contacts(user),
        "is_admin": policy.ADMIN in policy.roles(user),
        "roles": sorted(policy.roles(user)),
        "dead_letters": list(outbox.dead_letters()[:10]) if policy.sees_dead_letters(user) else [],
    }
    return render(request, "staff/home.html", context)


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    """One queue (``?queue=<department>``), all of the user's queues, or ``?mine=1``."""
    user = request.user
    cutoffs = selectors.sla_cutoffs()
    queues = selectors.queue_counts(user, cutoffs)
    mine = request.GET.get("mine") == "1"
    slug = request.GET.get("queue", "")
    base = selectors.worklist(user)
    current = None
    if mine:
        base = base.filter(assignee=user)  # type: ignore[misc]  # staff only: a User
        department_ids = [q.department.pk for q in queues]
    elif slug:
        current = next((q for q in queues if q.department.slug == slug), None)
        if current is None:
            raise Http404("No such queue.")
        base = base.filter(department_id=current.department.pk)
        department_ids = [current.department.pk]
    else:
        own = policy.department_ids(user)
        if not own:
            if queues:
                return redirect(f"{request.path}?queue={queues[0].department.slug}")
            raise Http404("No queues.")
        base = base.filter(department_id__in=own)
        department_ids = sorted(own)
    choices = selectors.worklist_choices(department_ids)
    filterset = WorklistFilter(
        request.GET,
        queryset=base,
        user=user,
        services=choices.services,
        people=choices.people,
        cutoffs=cutoffs,
    )
    rows = filterset.qs if filterset.is_valid() else base.none()
    query = request.GET.copy()
    query.pop("page", None)
    if query.get("view") == "map":
        list_query = query.copy()
        list_query.pop("view", None)
        return render(
            request,
            "staff/worklist.html",
            {
                "queues": queues,
                "current": current,
                "mine": mine,
                "filter": filterset,
                "filter_fields": govuk_fields(filterset.form),
                "page": _counted(rows),
                "list_query": list_query.urlencode(),
                **_worklist_map(rows),
            },
        )
    if filterset.is_valid() and filterset.form.cleaned_data.get("sort") == "triage":
        rows = selectors.TriageRows(rows, cutoffs)
    page = selectors.CappedPaginator(
        rows,
        selectors.PAGE_SIZE,
        rows=selectors.WorklistRowSource(cutoffs),
        search=bool(filterset.is_valid() and filterset.form.cleaned_data.get("q")),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/worklist.html",
        {
            "queues": queues,
            "current": current,
            "mine": mine,
            "filter": filterset,
            "filter_fields": govuk_fields(filterset.form),
            "page": page,
            "query": query.urlencode(),
            "rows": worklist_rows(
                page.object_list, case_url_prefix=_case_url_prefix(), show_queue=current is None
            ),
            "can_change_queue": bool(
                current and current.department.pk in policy.department_ids(user)
            ),
        },
    )


def _case_url_prefix() -> str:
    """``/staff/cases/`` once per page: reversing the URL for each of the 25 rows cost more
    than the rest of the row (references are letters, digits and hyphens: nothing to quote)."""
    placeholder = "REFERENCE"
    return reverse("staff:case", args=[placeholder]).removesuffix(f"{placeholder}/")


def _counted(rows):
    """Only the count line of the list is shown above the map."""
    return selectors.CappedPaginator(rows, selectors.PAGE_SIZE).get_page(1)


def _worklist_map(rows) -> dict:
    """The open cases of the worklist (as filtered) that have a place, as pins for the map."""
    placed = rows.filter(status__in=OPEN_STATUSES, latitude__isnull=False)
    pins = [
        {
            "id": pk,
            "lat": float(lat),
            "lng": float(lng),
            "label": f"{reference}: {summary}",
            "url": reverse("staff:case", args=[reference]),
        }
        for pk, reference, summary, lat, lng in placed.order_by().values_list(
            "id", "reference", "summary", "latitude", "longitude"
        )[: places.MAP_PIN_LIMIT]
    ]
    return {
        "map": places.map_config(centre=None, reports=pins),
        "map_count": placed.count() if len(pins) >= places.MAP_PIN_LIMIT else len(pins),
        "map_limit": places.MAP_PIN_LIMIT,
    }
