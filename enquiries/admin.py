"""The Django admin: configuration (services, routing, departments, templates) is edited here;
casework is only read here. Case status, department, assignee, SLA and the timeline change
through the services layer (the staff workspace); the timeline and the access log are
append-only for everyone. Device secrets are never shown."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries import outbox, second_factor
from enquiries.models import (
    AccessLog,
    Attachment,
    Case,
    CaseEvent,
    Contact,
    Department,
    Notification,
    NotificationTemplate,
    OutboxTask,
    PartnerOrganisation,
    PartnerToken,
    Resident,
    RoutingRule,
    SelfServiceOutcome,
    Service,
    Topic,
    WebhookDelivery,
    WebhookEndpoint,
)
from enquiries.routing_forms import RoutingRuleForm


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "email", "is_triage"]
    list_filter = ["is_triage"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members", "managers"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "topic",
        "department",
        "sla_days",
        "retention_days",
        "default_priority",
        "is_simple_query",
        "is_active",
    ]
    list_filter = ["topic", "department", "is_simple_query", "is_location_based", "is_active"]
    search_fields = ["name", "slug", "summary", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["topic", "department"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ["order", "name", "enabled", "department", "priority", "auto_resolve"]
    list_display_links = ["name"]
    list_editable = ["order", "enabled"]
    list_filter = ["enabled", "auto_resolve", "department", "priority"]
    search_fields = ["name", "keywords_any", "postcode_districts"]
    filter_horizontal = ["services"]
    list_select_related = ["department"]
    readonly_fields = ["misrouting"]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                routed_count=Count("cases", distinct=True),
                moved_count=Count("cases", filter=Q(cases__transfer_count__gt=0), distinct=True),
            )
        )

    @admin.display(description="Transferred by staff (misrouted)")
    def misrouting(self, obj):
        routed = getattr(obj, "routed_count", 0)
        moved = getattr(obj, "moved_count", 0)
        return f"{moved} of {routed} cases" + (f" ({moved / routed:.0%})" if routed else "")

    def get_list_display(self, request):
        return [*super().get_list_display(request), "misrouting"]

    def save_related(self, request, form, formsets, change):
        """Advice once the services are saved too (answer conditions are checked against them)."""
        super().save_related(request, form, formsets, change)
        from enquiries.routing import validate_rule
        from enquiries.routing_facts import questions_of
        from enquiries.services import rule_spec

        rule = form.instance
        for problem in validate_rule(rule_spec(rule), questions_of(rule.services.all())):
            messages.warning(request, problem)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: the staff workspace and its services are the one write path."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = [
        "full_name",
        "email",
        "phone",
        "postcode",
        "preferred_channel",
        "email_failing",
        "phone_failing",
    ]
    list_filter = ["preferred_channel", "email_failing", "phone_failing", "consent_updates"]
    search_fields = ["full_name", "email", "phone", "postcode"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["occurred_at", "channel", "direction", "is_chaser", "assisted_digital", "subject"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["created_at", "kind", "from_status", "to_status", "message", "actor"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "summary",
        "service",
        "department",
        "channel",
        "status",
        "priority",
        "sla_state",
        "created_at",
    ]
    list_filter = ["status", "channel", "priority", "sla_state", "department", "service"]
    search_fields = ["reference", "summary", "postcode"]
    raw_id_fields = [
        "resident",
        "assignee",
        "merged_into",
        "follows",
        "service",
        "department",
        "routing_rule",
    ]
    readonly_fields = [
        "reference",
        "tracking_salt",
        "tracking_token_hash",
        "created_at",
        "updated_at",
        # set by the data protection officer on the case page, with who and when
        "legal_hold_reason",
        "legal_hold_by",
        "legal_hold_at",
        "personal_data_removed_at",
    ]
    list_select_related = ["service", "department"]
    inlines = [ContactInline, EventInline]
    date_hierarchy = "created_at"


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["case", "channel", "direction", "occurred_at", "is_chaser", "assisted_digital"]
    list_filter = ["channel", "direction", "is_chaser", "assisted_digital"]
    search_fields = ["case__reference", "subject", "message_id"]
    raw_id_fields = ["case", "resident", "recorded_by"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "skipped_reason", "created_at"]
    list_select_related = ["contact"]
    search_fields = ["original_name", "sha256"]
    raw_id_fields = ["contact"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "medium", "state", "to_address", "created_at", "sent_at"]
    list_filter = ["state", "medium", "kind"]
    search_fields = ["case__reference", "provider_ref", "message_id"]
    raw_id_fields = ["case", "resident", "contact"]


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "state", "attempts", "created_at", "completed_at", "last_error"]
    list_filter = ["state", "task_name"]
    search_fields = ["dedupe_key", "last_error"]
    actions = ["retry"]

    def changelist_view(self, request, extra_context=None):
        failed = outbox.failed_count()
        if failed and request.GET.get("state__exact") != OutboxTask.State.FAILED:
            messages.warning(
                request,
                f"{failed} piece(s) of work failed after their retries: filter by state "
                "'Failed', select them and choose 'Retry the selected failed work'.",
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Retry the selected failed work or dead letters")
    def retry(self, request, queryset):
        retryable = queryset.filter(state__in=[OutboxTask.State.FAILED, OutboxTask.State.DEAD])
        retried = sum(outbox.retry_failed(row.pk) for row in retryable)
        self.message_user(request, f"{retried} task(s) sent again.")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "resident", "case", "action", "path"]
    list_filter = ["action"]
    search_fields = ["user__username", "path", "case__reference"]
    raw_id_fields = ["user", "resident", "case"]
    list_select_related = ["user", "resident", "case"]


@admin.register(SelfServiceOutcome)
class SelfServiceOutcomeAdmin(admin.ModelAdmin):
    list_display = ["service", "answered", "created_at"]
    list_filter = ["answered", "service"]


class PartnerTokenInline(admin.TabularInline):
    model = PartnerToken
    extra = 0
    can_delete = False
    fields = ["prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description="Revoke the selected tokens now")
def revoke_tokens(modeladmin, request, queryset):
    from enquiries.api.partners import revoke_tokens as revoke

    count = revoke(queryset)
    modeladmin.message_user(request, f"{count} token(s) revoked: they stop working at once.")


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    """Issue and rotate with `manage.py partner_token`; revoke here (the hash is never shown)."""

    list_display = ["partner", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["partner"]
    search_fields = ["partner__name", "prefix"]
    readonly_fields = ["partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
    actions = [revoke_tokens]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py partner_token NAME`; only their hash is kept here."""

    inlines = [PartnerTokenInline]

    list_display = ["name", "contact_email", "token_prefix", "requests_per_minute", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email", "token_prefix"]
    readonly_fields = ["token_prefix", "token_hash", "created_at"]
    filter_horizontal = ["allowed_services"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Partners register endpoints through the API (POST /api/v1/webhooks/); the secret is
    shown to them once and never here."""

    list_display = ["partner", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active", "partner"]
    search_fields = ["partner__name", "url"]
    exclude = ["secret"]
    readonly_fields = ["partner", "url", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.action(description="Replay the selected deliveries (same id, same body)")
def replay_deliveries(modeladmin, request, queryset):
    from enquiries import webhooks

    count = sum(webhooks.replay(delivery) for delivery in queryset)
    modeladmin.message_user(request, f"{count} delivery(ies) queued again.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every delivery with the partner's last response; replay sends it again."""

    list_display = [
        "created_at",
        "event",
        "endpoint",
        "case",
        "state",
        "attempts",
        "response_status",
        "last_attempt_at",
    ]
    list_filter = ["state", "event", "endpoint__partner"]
    search_fields = ["delivery_id", "case__reference", "endpoint__url"]
    list_select_related = ["endpoint__partner", "case"]
    actions = [replay_deliveries]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.method in ("GET", "HEAD")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    """Wording of updates; without an active row the file in templates/notifications/kinds is
    used. Variables: case, resident, text, note, expected_by, council_name, updates (digest)."""

    list_display = ["kind", "medium", "subject", "is_active", "updated_at"]
    list_filter = ["medium", "is_active", "kind"]
    search_fields = ["kind", "subject", "body"]


# --- staff accounts and their second factor -----------------------------------------------------


@admin.action(description="Reset the second factor (lost or replaced phone)")
def reset_second_factor(modeladmin, request, queryset):
    """Deletes the authenticators of the selected people; each reset is access-logged."""
    users = {getattr(row, "user", row) for row in queryset}
    for user in users:
        second_factor.reset_second_factor(user=user, by=request.user, path=request.path)
        modeladmin.log_change(request, user, "Second factor reset")
    modeladmin.message_user(
        request,
        f"The second factor was reset for {len(users)} account(s): they set up an authenticator "
        "app at their next sign-in.",
        messages.SUCCESS,
    )


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    actions = [reset_second_factor]


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    """Which staff have an authenticator; the secret itself (key, QR code) is never shown."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names
    actions = [reset_second_factor]
