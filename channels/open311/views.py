"""Open311 GeoReport v2 endpoints: interfaces only (parse, call adapter or select, render)."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from channels.open311 import formats
from channels.open311.adapter import Open311Error, Posted, add_update, submit_request
from channels.open311.mapping import (
    UPDATE_STATUS,
    iso,
    request_entry,
    service_definition,
    service_entry,
)
from enquiries import policy
from enquiries.api.authentication import PartnerRateThrottle, PartnerUser
from enquiries.api.partners import partner_for_token
from enquiries.choices import Direction, EventKind
from enquiries.models import Case, CaseEvent, Contact, PartnerOrganisation, Service
from enquiries.references import InvalidReference, normalise_reference

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
TOKEN_SALT = "open311.token"  # noqa: S105 - a signing salt, not a secret


class ApiKeyAuthentication(BaseAuthentication):
    """The spec's api_key (query string or form field) is a partner token."""

    def authenticate(self, request: Request) -> tuple[PartnerUser, PartnerOrganisation] | None:
        key = request.query_params.get("api_key") or (
            request.data.get("api_key") if request.method == "POST" else None  # type: ignore[union-attr]  # a form
        )
        if not key:
            return None
        partner = partner_for_token(key)
        if partner is None:
            raise Open311Error(403, "This api_key is not valid or has been withdrawn.")
        return PartnerUser(partner), partner


class Open311View(APIView):
    """Partner by api_key, the spec's error bodies, the partner's own rate limit."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PartnerRateThrottle]
    parser_classes = [FormParser, MultiPartParser]
    fmt = "json"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.fmt = kwargs.get("fmt", "json")
        jurisdiction = request.query_params.get("jurisdiction_id") or (
            request.data.get("jurisdiction_id") if request.method == "POST" else None  # type: ignore[union-attr]  # a form
        )
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            raise Open311Error(404, f"jurisdiction_id {jurisdiction!r} is not served here.")
        super().initial(request, *args, **kwargs)

    @property
    def partner(self) -> PartnerOrganisation | None:
        auth = self.request.auth
        return auth if isinstance(auth, PartnerOrganisation) else None

    def require_partner(self) -> PartnerOrganisation:
        if self.partner is None:
            raise Open311Error(403, "An api_key (your partner token) is required to do this.")
        return self.partner

    def handle_exception(self, exc: Exception) -> HttpResponse:  # type: ignore[override]  # DRF passes an HttpResponse on
        if isinstance(exc, Open311Error):
            return formats.errors(self.fmt, exc.status, *exc.descriptions)
        if isinstance(exc, exceptions.Throttled):
            return formats.errors(self.fmt, 429, "Too many requests: slow down and retry.")
        if isinstance(exc, exceptions.APIException):
            return formats.errors(self.fmt, exc.status_code, str(exc.detail))
        raise exc

    def posted(self) -> Posted:
        data: QueryDict = self.request.data  # type: ignore[assignment]  # form parsers only
        fields = {k: str(v) for k, v in data.items()}
        lists = {k: [str(v) for v in data.getlist(k)] for k in data if len(data.getlist(k)) > 1}
        header = self.request.headers.get("Idempotency-Key", "")
        return Posted(fields=fields, header_key=header, lists=lists)

    def services(self) -> QuerySet[Service]:
        services = Service.objects.filter(is_active=True).select_related("topic").order_by("name")
        return policy.partner_services(self.partner, services)

    def visible_cases(self) -> QuerySet[Case]:
        """What policy.open311_visible_cases allows, with each case's latest public note."""
        notes = (
            CaseEvent.objects.filter(case=OuterRef("pk"))
            .exclude(public_message="")
            .order_by("-created_at", "-pk")
            .values("public_message")[:1]
        )
        cases = Case.objects.select_related("service", "department")
        return policy.open311_visible_cases(self.partner, cases).annotate(
            status_notes=Subquery(notes)
        )

    def entry(self, case: Case) -> dict[str, Any]:
        private = policy.partner_sees_private(self.partner, case)
        return request_entry(case, private=private, status_notes=case.status_notes or "")  # type: ignore[attr-defined]  # annotated


class Discovery(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        base = request.build_absolute_uri(reverse("open311:root"))
        changeset = iso(timezone.now().replace(hour=0, minute=0, second=0, microsecond=0))
        body = {
            "changeset": changeset,
            "contact": settings.OPEN311_CONTACT,
            "key_service": settings.OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base.rstrip("/"),
                    "changeset": changeset,
                    "type": "production" if settings.PRODUCTION else "test",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return formats.render(self.fmt, "discovery", body)


class ServiceList(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        return formats.render(self.fmt, "services", [service_entry(s) for s in self.services()])


class ServiceDefinition(Open311View):
    def get(self, request: Request, service_code: str, fmt: str) -> HttpResponse:
        service = self.services().filter(slug=service_code).first()
        if service is None:
            raise Open311Error(404, f"No service with service_code {service_code!r}.")
        return formats.render(self.fmt, "service_definition", service_definition(service))


def _when(value: str, name: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise Open311Error(400, f"{name} must be a W3C date and time, e.g. 2026-01-31T09:00:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Requests(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        params = request.query_params
        cases = self.visible_cases()
        ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
        if ids:  # overrides every other parameter, as the spec says
            try:
                references = [normalise_reference(i) for i in ids[:MAX_RESULTS]]
            except InvalidReference as exc:
                raise Open311Error(400, f"service_request_id: {exc}") from exc
            cases = cases.filter(reference__in=references)
        else:
            cases = self._filtered(cases, params)
        found = [self.entry(c) for c in cases.order_by("-created_at")[:MAX_RESULTS]]
        return formats.render(self.fmt, "service_requests", found)

    def _filtered(self, cases: QuerySet[Case], params: Mapping[str, str]) -> QuerySet[Case]:
        end = _when(params["end_date"], "end_date") if params.get("end_date") else None
        start = _when(params["start_date"], "start_date") if params.get("start_date") else None
        end = end or (timezone.now() if start is None else start + DEFAULT_WINDOW)
        start = start or end - DEFAULT_WINDOW
        if end < start:
            raise Open311Error(400, "end_date is before start_date.")
        if end - start > DEFAULT_WINDOW:
            raise Open311Error(400, "start_date to end_date may span at most 90 days.")
        cases = cases.filter(created_at__gte=start, created_at__lte=end)
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            cases = cases.filter(service__slug__in=codes)
        statuses = {s.strip().lower() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed (or both, comma separated).")
        if statuses == {"open"}:
            cases = cases.exclude(status__in=("resolved", "closed"))
        elif statuses == {"closed"}:
            cases = cases.filter(status__in=("resolved", "closed"))
        return cases

    def post(self, request: Request, fmt: str) -> HttpResponse:
        partner = self.require_partner()
        posted = self.posted()
        code = posted.get("service_code")
        if not code:
            raise Open311Error(400, "service_code is required.")
        service = self.services().filter(slug=code).first()
        if service is None:
            raise Open311Error(404, f"No service with service_code {code!r} is open to you.")
        result = submit_request(partner=partner, service=service, posted=posted)
        body = [
            {
                "service_request_id": result.case.reference,
                "token": signing.Signer(salt=TOKEN_SALT).sign(result.case.reference),
                "service_notice": service.what_happens_next[:500],
                "account_id": None,
            }
        ]
        return formats.render(
            self.fmt, "service_requests", body, status=201 if result.created else 200
        )


class RequestDetail(Open311View):
    def get(self, request: Request, service_request_id: str, fmt: str) -> HttpResponse:
        try:
            reference = normalise_reference(service_request_id)
        except InvalidReference:
            reference = ""
        case = self.visible_cases().filter(reference=reference).first()
        if case is None:
            raise Open311Error(404, f"No service request {service_request_id!r} is visible here.")
        return formats.render(self.fmt, "service_requests", [self.entry(case)])


class Token(Open311View):
    def get(self, request: Request, token: str, fmt: str) -> HttpResponse:
        try:
            reference = signing.Signer(salt=TOKEN_SALT).unsign(token)
        except signing.BadSignature:
            raise Open311Error(404, "No service request was queued with that token.") from None
        body = [{"service_request_id": reference, "token": token}]
        return formats.render(self.fmt, "service_requests", body)


class RequestUpdates(Open311View):
    """The FixMyStreet extension: status changes and council replies on a partner's own
    cases (GET), and its users' comments onto them (POST)."""

    def get(self, request: Request, fmt: str) -> HttpResponse:
        partner = self.require_partner()
        params = request.query_params
        end = _when(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
        start = (
            _when(params["start_date"], "start_date")
            if params.get("start_date")
            else end - DEFAULT_WINDOW
        )
        own = Q(case__in=policy.partner_cases(partner))
        window = Q(created_at__gte=start, created_at__lte=end)
        updates: list[dict[str, Any]] = []
        for event in (
            CaseEvent.objects.filter(own, window, kind=EventKind.STATUS)
            .select_related("case")
            .order_by("created_at")[:MAX_RESULTS]
        ):
            updates.append(
                {
                    "update_id": f"status-{event.pk}",
                    "service_request_id": event.case.reference,
                    "status": UPDATE_STATUS.get(event.to_status, "OPEN"),
                    "updated_datetime": iso(event.created_at),
                    "description": event.public_message,
                    "media_url": "",
                }
            )
        for contact in (
            Contact.objects.filter(own, window, direction=Direction.OUTBOUND, is_public=True)
            .select_related("case")
            .order_by("created_at")[:MAX_RESULTS]
        ):
            updates.append(
                {
                    "update_id": f"reply-{contact.pk}",
                    "service_request_id": contact.case.reference,
                    "status": UPDATE_STATUS.get(contact.case.status, "OPEN"),
                    "updated_datetime": iso(contact.created_at),
                    "description": contact.body,
                    "media_url": "",
                }
            )
        updates.sort(key=lambda u: u["updated_datetime"])
        return formats.render(self.fmt, "service_request_updates", updates[:MAX_RESULTS])

    def post(self, request: Request, fmt: str) -> HttpResponse:
        partner = self.require_partner()
        posted = self.posted()
        try:
            reference = normalise_reference(posted.get("service_request_id"))
        except InvalidReference:
            raise Open311Error(400, "service_request_id is not a case reference.") from None
        case = policy.partner_cases(partner).filter(reference=reference).first()
        if case is None:
            raise Open311Error(404, "No service request with that id was filed by you.")
        result = add_update(partner=partner, case=case, posted=posted)
        body = [{"update_id": f"contact-{result.contact.pk}"}]
        return formats.render(
            self.fmt, "service_request_updates", body, status=201 if result.created else 200
        )


def root(request: HttpRequest) -> HttpResponse:
    """The base URL partners configure; discovery says what is here."""
    return formats.render(
        "json", "discovery", {"discovery": reverse("open311:discovery", args=["json"])}
    )
