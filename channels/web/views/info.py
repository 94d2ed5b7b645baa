"""The pages every public-sector site must have: accessibility statement, privacy notice and
cookies. The council-specific parts come from settings (environment), documented in README."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enquiries.models import Service


def _details() -> dict[str, Any]:
    return {
        "base_url": settings.PORTAL_BASE_URL,
        "dpo_email": settings.COUNCIL_DPO_EMAIL,
        "ico_registration": settings.COUNCIL_ICO_REGISTRATION,
        "accessibility_email": settings.ACCESSIBILITY_EMAIL,
        "retention": settings.PRIVACY_RETENTION,
    }


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    known_issues = settings.ACCESSIBILITY_KNOWN_ISSUES
    context = {
        **_details(),
        "known_issues": known_issues,
        "compliance": "partially compliant" if known_issues else "fully compliant",
        "prepared": settings.ACCESSIBILITY_STATEMENT_PREPARED,
        "reviewed": settings.ACCESSIBILITY_STATEMENT_REVIEWED,
        "last_tested": settings.ACCESSIBILITY_LAST_TESTED,
        "tested_by": settings.ACCESSIBILITY_TESTED_BY,
    }
    return render(request, "web/info/accessibility.html", context)


def _retention_exceptions() -> list[dict[str, Any]]:
    """Services whose records are kept longer or shorter than the default (set in the admin)."""
    default = Service._meta.get_field("retention_days").default
    return [
        {"name": name, "years": round(days / 365, 1), "days": days}
        for name, days in Service.objects.filter(is_active=True)
        .exclude(retention_days=default)
        .order_by("name")
        .values_list("name", "retention_days")
    ]


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        **_details(),
        "retention_exceptions": _retention_exceptions(),
        "tracking_days": settings.TRACKING_LINK_DAYS_AFTER_CLOSURE,
        "staff_session_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    return render(request, "web/info/privacy.html", context)


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    """Only the cookies the portal really sets, by the names it sets them under."""
    minutes = settings.SESSION_COOKIE_AGE // 60
    rows = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Remembers your answers while you fill in a form, and keeps council staff "
            "signed in",
            "expires": f"After {minutes} minutes without activity"
            if not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            else "When you close your browser",
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Stops other websites sending forms in your name",
            "expires": f"After {settings.CSRF_COOKIE_AGE // 86400} days"
            if settings.CSRF_COOKIE_AGE
            else "When you close your browser",
        },
        {
            "name": "messages",
            "purpose": "Shows you a short message on the next page, for example that a report "
            "you chose has just been closed",
            "expires": "When the message has been shown, or when you close your browser",
        },
    ]
    return render(request, "web/info/cookies.html", {"cookies": rows})
