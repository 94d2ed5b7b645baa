"""The start page, search, service pages and "Did this answer your question?"."""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from channels.web import spam
from channels.web.forms import SelfServiceForm
from channels.web.search import CATALOGUE_SECONDS, MAX_QUERY, search_services
from channels.web.signposts import signposts_for
from enquiries import services
from enquiries.models import Service, Topic
from router import answers

SELF_SERVICE = "web_self_service"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # The services by topic are rendered once and shared for CATALOGUE_SECONDS (two queries and
    # fifty links were half of the page's time): a function, which the template calls only
    # when its shared copy has expired.
    return render(
        request, "web/home.html", {"topics": _catalogue, "catalogue_seconds": CATALOGUE_SECONDS}
    )


def _catalogue() -> list[Any]:
    """Every topic with its active services (``active_services``), each with its ``url``."""
    active = Service.objects.filter(is_active=True).only("name", "slug", "summary", "topic_id")
    topics = list(
        Topic.objects.prefetch_related(
            Prefetch("services", queryset=active, to_attr="active_services")
        ).order_by("order", "name")
    )
    url = service_url_maker()
    for topic in topics:
        for service in topic.active_services:
            service.url = url(service.slug)  # type: ignore[attr-defined]  # the template's link
    return topics


def service_url_maker() -> Callable[[str], str]:
    """Service.get_absolute_url for many services at once: one reverse(), not one a service
    (a {% url %} for each of the home page's fifty links was a sixth of its time). A slug
    needs no quoting in a path."""
    marker = "0slug0"
    before, after = reverse("web:service", args=[marker]).rsplit(marker, 1)
    return lambda slug: f"{before}{slug}{after}"


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = search_services(query) if query else []
    elsewhere = signposts_for(query) if query else []
    return render(
        request,
        "web/search.html",
        {"query": query, "results": results, "signposts": elsewhere},
    )


def _service(slug: str) -> Service:
    return get_object_or_404(
        Service.objects.select_related("topic", "department"), slug=slug, is_active=True
    )


@require_GET
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    form = SelfServiceForm() if service.is_simple_query else None
    return render(request, "web/service.html", {"service": service, "form": form})


@require_POST
def self_service(request: HttpRequest, slug: str) -> HttpResponse:
    """Yes: a self-service resolution, no case. No: on to the form. Counted once per visit."""
    service = _service(slug)
    if not service.is_simple_query:
        return redirect("web:start", slug=service.slug)
    form = SelfServiceForm(request.POST)
    if spam.caught(request, form):  # as for "No": on to the form, nothing counted
        return redirect("web:start", slug=service.slug)
    if not form.is_valid():
        return render(request, "web/service.html", {"service": service, "form": form}, status=400)
    answered = form.cleaned_data["answered"] == "yes"
    counted = request.session.get(SELF_SERVICE, [])
    if service.pk not in counted:
        services.record_self_service(service=service, answered=answered)
        request.session[SELF_SERVICE] = [*counted, service.pk][-50:]
    if answered:
        return render(request, "web/self_service_done.html", {"service": service})
    answers.remember_web_no(request.session, service)  # never sent this answer again
    return redirect("web:start", slug=service.slug)
