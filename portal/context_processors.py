from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict[str, str]:
    """The council's own name and phone number on every page (never GOV.UK branding)."""
    return {"council_name": settings.COUNCIL_NAME, "council_phone": settings.COUNCIL_PHONE}
