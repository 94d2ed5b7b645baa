"""GOV.UK Notify delivery receipts: Notify POSTs JSON with our bearer token when a message is
delivered or fails (https://docs.notifications.service.gov.uk/rest-api.html#callbacks)."""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from enquiries import json_limits
from enquiries.notifications import record_receipt

MAX_BODY = 64 * 1024


def _authorised(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> JsonResponse:
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        payload = json_limits.loads(request.body)
    except json_limits.JSONTooDeep as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except ValueError:
        return JsonResponse({"error": "expected JSON with id and status"}, status=400)
    try:
        provider_ref = str(payload["id"])
        status = str(payload["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with id and status"}, status=400)
    row = record_receipt(provider_ref=provider_ref, status=status)
    # 200 even for an unknown id: Notify would otherwise retry a receipt we can never match.
    return JsonResponse({"matched": row is not None, "state": row.state if row else None})
