"""Input and output shapes of the partner API (validation only: writes go through intake)."""

from rest_framework import serializers

from enquiries.choices import UpdatePreference
from enquiries.intake import MAX_DESCRIPTION, MAX_SUMMARY


class ResidentIn(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    email = serializers.CharField(max_length=254, allow_blank=True, required=False, default="")
    phone = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    postcode = serializers.CharField(max_length=10, allow_blank=True, required=False, default="")
    preferred_channel = serializers.ChoiceField(
        choices=UpdatePreference.values, required=False, default=UpdatePreference.EMAIL
    )
    consent_updates = serializers.BooleanField(required=False, default=True)

    def validate(self, data):
        if not (data.get("email") or data.get("phone")):
            raise serializers.ValidationError("Give the resident's email address or phone number.")
        return data


class LocationIn(serializers.Serializer):
    address = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    postcode = serializers.CharField(max_length=10, allow_blank=True, required=False, default="")
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        min_value=-90,
        max_value=90,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        min_value=-180,
        max_value=180,
    )


class EnquiryIn(serializers.Serializer):
    service = serializers.SlugField(
        max_length=80,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Optional. Without a service the council's routing places the enquiry "
        "(keyword rules, then the learning router), as it does an email; send no answers then. "
        "A partner limited to some services must name one.",
    )
    summary = serializers.CharField(max_length=MAX_SUMMARY)
    description = serializers.CharField(max_length=MAX_DESCRIPTION, allow_blank=True, default="")
    answers = serializers.DictField(required=False, default=dict)
    location = LocationIn(required=False, default=dict)
    resident = ResidentIn()


class ContactIn(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_DESCRIPTION)


class CaseOut(serializers.Serializer):
    reference = serializers.CharField()
    service = serializers.CharField(source="service.slug", default=None, allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="resident_status_label")
    department = serializers.CharField(source="department.name", default=None, allow_null=True)
    expected_by = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ServiceOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    topic = serializers.CharField(source="topic.name")
    sla_days = serializers.IntegerField()
    is_location_based = serializers.BooleanField()
    questions = serializers.JSONField()


class ServiceListOut(serializers.Serializer):
    services = ServiceOut(many=True)


class ErrorOut(serializers.Serializer):
    """Why a request was refused: a detail, or messages keyed by field."""

    detail = serializers.CharField(required=False)


class WebhookIn(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=["case.status_changed", "case.council_reply"]),
        required=False,
        default=list,
        help_text="Empty: every event.",
    )


class WebhookOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedOut(WebhookOut):
    secret = serializers.CharField(help_text="Shown once: verify our signatures with it.")


class WebhookListOut(serializers.Serializer):
    webhooks = WebhookOut(many=True)
