"""The partner API: interfaces only. Validate, call intake or a selector, serialise."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from enquiries import intake
from enquiries.api.authentication import IsPartner, PartnerRateThrottle, PartnerTokenAuthentication
from enquiries.api.serializers import CaseOut, ContactIn, EnquiryIn, ServiceOut
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, PartnerOrganisation, Service
from enquiries.questions import clean_answers
from enquiries.references import InvalidReference, normalise_reference

MAX_KEY = 200


class PartnerAPIView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]

    @property
    def partner(self) -> PartnerOrganisation:
        return self.request.auth

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
    def get(self, request):
        return Response({"services": ServiceOut(self.services(), many=True).data})


class EnquiryCreate(PartnerAPIView):
    def post(self, request):
        key = self.idempotency_key()
        data = EnquiryIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = self.services().filter(slug=values["service"]).first()
        if service is None:
            raise ApiValidationError(
                {"service": ["No active service with that slug is open to you."]}
            )
        try:
            answers = clean_answers(service.questions, values["answers"])
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


class EnquiryDetail(PartnerAPIView):
    def get(self, request, reference: str):
        return Response(CaseOut(self.partner_case(reference)).data)


class EnquiryContactCreate(PartnerAPIView):
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
