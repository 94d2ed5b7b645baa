from django.conf import settings
from django.http import HttpRequest


def council_details() -> dict[str, str]:
    """The council's own name and contact details (never GOV.UK branding). Needs no request and
    no database, so the 500 page can use it."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_phone": settings.COUNCIL_PHONE,
        "council_address": settings.COUNCIL_ADDRESS,
        "council_email": settings.COUNCIL_EMAIL,
    }


def council(request: HttpRequest) -> dict[str, str]:
    """The council's own name and phone number on every page."""
    return council_details()
