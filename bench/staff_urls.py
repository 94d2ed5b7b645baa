"""The portal's URLs plus the benchmark floors: bare views listing 25 rows with a paginator."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from enquiries.choices import OPEN_STATUSES
from enquiries.models import Case, Department
from portal.urls import urlpatterns as portal_urlpatterns

TEMPLATE = engines["django"].from_string(
    "<table>{% for c in page %}<tr><td>{{ c.reference }}</td><td>{{ c.summary }}</td>"
    "<td>{{ c.status }}</td></tr>{% endfor %}</table>"
    "<p>Page {{ page.number }} of {{ page.paginator.num_pages }}</p>"
)


def bare_table(request: HttpRequest) -> HttpResponse:
    """The floor the issue names: one table, 25 rows, a paginator (count over the whole table)."""
    page = Paginator(Case.objects.order_by("-id"), 25).get_page(request.GET.get("page"))
    return HttpResponse(TEMPLATE.render({"page": page}, request))


def bare_queue(request: HttpRequest) -> HttpResponse:
    """A stricter floor: the same rows a queue shows (one department's open cases), no joins."""
    department = Department.objects.get(slug=request.GET["queue"])
    rows = Case.objects.filter(
        department_id=department.pk, status__in=OPEN_STATUSES, merged_into__isnull=True
    ).order_by("sla_due_at", "id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return HttpResponse(TEMPLATE.render({"page": page}, request))


urlpatterns = [
    path("bench/bare-table/", bare_table),
    path("bench/bare-queue/", bare_queue),
    *portal_urlpatterns,
]
