"""The map's postcode search: a postcode's centre from the (open, OGL) postcode directory."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from PIL import Image

from channels.web import ratelimit
from enquiries import places, public_reports
from enquiries.normalise import normalise_postcode


@require_GET
def postcode_lookup(request: HttpRequest) -> JsonResponse:
    """JSON for the map script: where a postcode is, or why it cannot be shown."""
    try:
        postcode = normalise_postcode(request.GET.get("postcode", "")[:12])
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    if not postcode:
        return JsonResponse({"error": "Enter a postcode"}, status=400)
    place = places.lookup(postcode)
    if place is None or place.latitude is None:
        return JsonResponse(
            {"error": f"We could not find {postcode} on the map: type the street instead"},
            status=404,
        )
    body = {"postcode": postcode, "latitude": place.latitude, "longitude": place.longitude}
    if not places.in_council_area(place):
        body["outside"] = places.outside_message(place)
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def report_photo(request: HttpRequest, token: str) -> HttpResponse:
    """A nearby report's photo for "tell us once": a fresh small copy with no metadata (EXIF
    GPS), only while its resident's consent stands and the report is open; else 404."""
    if not ratelimit.allow(request, "report_photo"):
        response = HttpResponse("Too many requests for photos: try again later.", status=429)
        response["Retry-After"] = str(ratelimit.retry_after("report_photo"))
        return response
    attachment = public_reports.public_photo(token)
    if attachment is None:
        raise Http404("No such photo")
    try:
        body, content_type = public_reports.thumbnail_bytes(attachment)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Http404("No such photo") from exc
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = 'inline; filename="photo"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Short and public-safe: consent can be withdrawn, so caches must not keep it for long.
    response["Cache-Control"] = "public, max-age=300"
    return response
