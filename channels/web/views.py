from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from enquiries.models import Service, Topic
from enquiries.selectors import case_for_tracking_token, public_timeline


def home(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.prefetch_related("services").order_by("order", "name")
    return render(request, "web/home.html", {"topics": topics})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("topic", "department"), slug=slug, is_active=True
    )
    return render(request, "web/service.html", {"service": service})


def track(request: HttpRequest, token: str) -> HttpResponse:
    case = case_for_tracking_token(token)
    if case is None:
        raise Http404("No enquiry matches this link.")
    return render(request, "web/track.html", {"case": case, "timeline": public_timeline(case)})
