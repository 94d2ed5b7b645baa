"""The partner API: interfaces only. Validate, call intake or a selector, serialise."""

from typing import cast

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from enquiries import intake, webhooks
from enquiries.api.authentication import IsPartner, PartnerRateThrottle, PartnerTokenAuthentication
from enquiries.api.serializers import (
    CaseOut,
    ContactIn,
    EnquiryIn,
    ErrorOut,
    ServiceListOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookListOut,
)
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, PartnerOrganisation, Service
from enquiries.questions import clean_answers
from enquiries.references import InvalidReference, normalise_reference

MAX_KEY = 200

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="Unique per enquiry or contact: a retry with the same key files once.",
)
REFUSED = {
    401: OpenApiResponse(ErrorOut, "No partner token, or a token that is not valid."),
    403: OpenApiResponse(ErrorOut, "Not allowed for this partner."),
    429: OpenApiResponse(ErrorOut, "Over the partner's requests-per-minute allowance."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorOut, "No enquiry with that reference is yours.")}
INVALID = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, "Messages keyed by field (or detail) saying what to correct."
    )
}


class PartnerAPIView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]

    @property
    def partner(self) -> PartnerOrganisation:
        return cast(PartnerOrganisation, self.request.auth)  # set by PartnerTokenAuthentication

    def idempotency_key(self) -> str:
        key = self.request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > MAX_KEY:
            raise ApiValidationError(
                {
                    "Idempotency-Key": [
                        f"Send a unique Idempotency-Key header (1–{MAX_KEY} characters) "
                        "so a retried request never files twice."
                    ]
                }
            )
        return f"api:{self.partner.pk}:{key}"

    def services(self):
        allowed = self.partner.allowed_services.all()
        services = Service.objects.filter(is_active=True).select_related("topic")
        return services.filter(pk__in=allowed) if allowed.exists() else services

    def partner_case(self, reference: str) -> Case:
        try:
            reference = normalise_reference(reference)
        except InvalidReference as exc:
            raise Http404(str(exc)) from exc
        case = (
            Case.objects.select_related("service", "department")
            .filter(reference=reference)
            .filter(Q(partner=self.partner) | Q(merged_cases__partner=self.partner))
            .first()
        )
        if case is None:  # another partner's or nobody's: the same answer, nothing to probe
            raise Http404("No enquiry with that reference was filed by your organisation.")
        return case


class ServiceList(PartnerAPIView):
    @extend_schema(responses={200: ServiceListOut, **REFUSED})
    def get(self, request):
        return Response(ServiceListOut({"services": self.services()}).data)


class EnquiryCreate(PartnerAPIView):
    @extend_schema(
        request=EnquiryIn,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CaseOut, 200: CaseOut, **INVALID, **REFUSED},
    )
    def post(self, request):
        key = self.idempotency_key()
        data = EnquiryIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = self.chosen_service(values["service"] or "", values["answers"])
        try:
            answers = clean_answers(service.questions, values["answers"]) if service else {}
            result = intake.submit(
                NewCase(
                    idempotency_key=key,
                    contact=ContactDetails(
                        channel=Channel.API,
                        body=values["description"],
                        sender_name=self.partner.name,
                        sender_address=self.partner.contact_email,
                    ),
                    resident=ResidentDetails(**values["resident"]),
                    summary=values["summary"],
                    description=values["description"],
                    service=service,
                    answers=answers,
                    partner=self.partner,
                    **values["location"],
                )
            )
        except ValidationError as exc:
            raise ApiValidationError(_under_location(exc.message_dict)) from exc
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(CaseOut(result.case).data, status=code)

    def chosen_service(self, slug: str, answers: dict) -> Service | None:
        """The named service open to this partner; None when none is named (routing places the
        case then, as it does an email's). A partner limited to some services must name one:
        routing could place the case in a service that is not theirs."""
        if not slug:
            if answers:
                raise ApiValidationError(
                    {"answers": ["Send answers only with a service: they answer its questions."]}
                )
            if self.partner.allowed_services.exists():
                open_to_you = ", ".join(
                    self.services().order_by("slug").values_list("slug", flat=True)
                )
                raise ApiValidationError(
                    {"service": [f"Name the service: yours are {open_to_you}."]}
                )
            return None
        service = self.services().filter(slug=slug).first()
        if service is None:
            raise ApiValidationError(
                {"service": ["No active service with that slug is open to you."]}
            )
        return service


class EnquiryDetail(PartnerAPIView):
    @extend_schema(responses={200: CaseOut, **REFUSED, **NOT_FOUND})
    def get(self, request, reference: str):
        return Response(CaseOut(self.partner_case(reference)).data)


class EnquiryContactCreate(PartnerAPIView):
    @extend_schema(
        request=ContactIn,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CaseOut, 200: CaseOut, **INVALID, **REFUSED, **NOT_FOUND},
    )
    def post(self, request, reference: str):
        case = self.partner_case(reference)
        key = self.idempotency_key()
        data = ContactIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = intake.add_contact(
                case=case,
                idempotency_key=key,
                contact=ContactDetails(
                    channel=Channel.API,
                    body=data.validated_data["body"],
                    sender_name=self.partner.name,
                    sender_address=self.partner.contact_email,
                ),
            )
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(CaseOut(result.case).data, status=code)


LOCATION_FIELDS = ("address", "postcode", "latitude", "longitude")


def _under_location(errors: dict[str, list[str]]) -> dict:
    """Place errors named as the request names them: {"location": {"postcode": [...]}}."""
    place = {k: v for k, v in errors.items() if k in LOCATION_FIELDS}
    rest = {k: v for k, v in errors.items() if k not in LOCATION_FIELDS}
    return {**rest, "location": place} if place else rest


class WebhookList(PartnerAPIView):
    """A partner's endpoints for signed status-change and council-reply deliveries."""

    @extend_schema(responses={200: WebhookListOut, **REFUSED})
    def get(self, request):
        endpoints = self.partner.webhook_endpoints.filter(is_active=True)
        return Response(WebhookListOut({"webhooks": endpoints}).data)

    @extend_schema(request=WebhookIn, responses={201: WebhookCreatedOut, **INVALID, **REFUSED})
    def post(self, request):
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            endpoint, secret = webhooks.register_endpoint(
                partner=self.partner,
                url=data.validated_data["url"],
                events=data.validated_data["events"],
            )
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        endpoint.secret = secret
        return Response(WebhookCreatedOut(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetail(PartnerAPIView):
    @extend_schema(responses={204: None, **REFUSED, 404: OpenApiResponse(ErrorOut)})
    def delete(self, request, pk: str):
        # any text reaches here, so a malformed id gets the API's JSON 404, not an HTML page
        endpoints = self.partner.webhook_endpoints.filter(is_active=True)
        removed = (
            pk.isascii() and pk.isdigit() and endpoints.filter(pk=int(pk)).update(is_active=False)
        )
        if not removed:
            raise Http404("No webhook endpoint with that id is yours.")
        return Response(status=status.HTTP_204_NO_CONTENT)
