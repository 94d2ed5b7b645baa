"""The Django admin site behind the same door as /staff/, with every look at personal data logged.

There is one way in: the staff sign-in (password checked by django-axes, then the TOTP code). The
admin's own password form is never offered, so the admin cannot become a way round the lock-out
or the second factor. Pages that show residents' personal data write the access log, like the
staff workspace does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from enquiries import access_log, policy
from enquiries.staff.access import needs_second_factor, second_factor_url

# Models whose admin pages show a resident's personal data (app label, model name).
PERSONAL_DATA = frozenset(
    {
        ("enquiries", "resident"),
        ("enquiries", "case"),
        ("enquiries", "contact"),
        ("enquiries", "attachment"),
        ("enquiries", "notification"),
        ("enquiries", "casesubscription"),
        ("channels_inbound_email", "inboundmessage"),
    }
)


class PortalAdminSite(admin.AdminSite):
    site_header = "Contact portal administration"
    site_title = "Contact portal admin"

    def has_permission(self, request: HttpRequest) -> bool:
        """An active staff account that has also given its second factor this session."""
        return super().has_permission(request) and not needs_second_factor(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign-in goes through the staff sign-in and second factor, then comes back here."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        query = urlencode({"next": next_url})
        user = request.user
        if user.is_authenticated and policy.is_portal_staff(user):
            if needs_second_factor(request):
                return redirect(f"{second_factor_url(request)}?{query}")
            raise PermissionDenied  # fully signed in, but not an admin
        return redirect(f"{reverse('staff:login')}?{query}")

    def admin_view(  # type: ignore[override]  # the view it wraps answers an HttpResponse
        self, view: Callable[..., HttpResponse], cacheable: bool = False
    ) -> Callable[..., HttpResponse]:
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        opts = getattr(model_admin, "opts", None)
        if opts is None or (opts.app_label, opts.model_name) not in PERSONAL_DATA:
            return inner

        @wraps(inner)
        def logged(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = inner(request, *args, **kwargs)
            if response.status_code == 200 and self.has_permission(request):
                _log_personal_data(request, response, model_admin, kwargs)
            return response

        return logged


def _log_personal_data(
    request: HttpRequest, response: HttpResponse, model_admin: Any, kwargs: dict[str, Any]
) -> None:
    context = getattr(response, "context_data", None) or {}
    changelist = context.get("cl")
    if changelist is not None:
        objects, action = list(changelist.result_list), "admin_list"
    else:
        obj = context.get("original")
        key = kwargs.get("object_id") or kwargs.get("pk")
        if obj is None and key is not None:
            obj = model_admin.model._default_manager.filter(pk=key).first()
        objects, action = ([obj] if obj is not None else []), "admin_view"
    access_log.record_subjects(
        user=request.user,
        path=request.get_full_path(),
        subjects=[subject_of(obj) for obj in objects],
        action=action,
    )


def subject_of(obj: Any) -> tuple[int | None, int | None]:
    """(case id, resident id) a row of personal data is about, without extra queries if possible."""
    from enquiries.models import Attachment, Case, Resident

    if isinstance(obj, Resident):
        return None, obj.pk
    if isinstance(obj, Case):
        return obj.pk, obj.resident_id
    if isinstance(obj, Attachment):
        return obj.contact.case_id, obj.contact.resident_id
    return getattr(obj, "case_id", None), getattr(obj, "resident_id", None)
