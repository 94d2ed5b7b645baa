"""Stop updates from any message: a signed link in every email and text message.

The link carries no secret beyond its signature (case and resident ids, signed with SECRET_KEY),
so it cannot be guessed or altered. GET shows a confirmation page (link scanners and previews
must not unsubscribe anyone); POST stops the updates. POST is exempt from CSRF because the signed
token is the authority, and mail programs send RFC 8058 one-click POSTs without a form token.
"""

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from enquiries import services
from enquiries.models import Case, Resident
from enquiries.notifications import OPTOUT_SALT


def _unsign(token: str) -> tuple[Case, Resident]:
    try:
        case_id, resident_id = signing.Signer(salt=OPTOUT_SALT).unsign(token).split(".")
        case = Case.objects.get(pk=int(case_id))
        resident = Resident.objects.get(pk=int(resident_id))
    except (signing.BadSignature, ValueError, Case.DoesNotExist, Resident.DoesNotExist) as exc:
        raise Http404("This link is not valid.") from exc
    return case, resident


@csrf_exempt
@require_http_methods(["GET", "POST"])
def stop_updates(request: HttpRequest, token: str) -> HttpResponse:
    case, resident = _unsign(token)
    stopped = not resident.consent_updates
    if request.method == "POST" and not stopped:
        services.stop_updates(case=case, resident=resident, channel="unsubscribe")
        stopped = True
    return render(
        request,
        "notifications/optout.html",
        {"case": case, "stopped": stopped, "just_stopped": request.method == "POST"},
    )
