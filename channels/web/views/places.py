"""The map's postcode search: a postcode's centre from the (open, OGL) postcode directory."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from enquiries import places
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
