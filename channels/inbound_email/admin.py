"""Staff view of the email channel: mailboxes, and every stored message (quarantine included).

Message HTML is never rendered here: staff see the parsed plain text, and can download the raw
message as a file (served as an attachment with a non-renderable content type).
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not generic at runtime
    list_display = ("name", "address", "department", "imap_host", "enabled", "last_polled_at")
    list_filter = ("enabled",)
    readonly_fields = ("last_polled_at", "last_poll_error")
    fieldsets = (
        (None, {"fields": ("name", "slug", "address", "department", "enabled")}),
        (
            "IMAP (leave the host empty for a mailbox fed by the pipe or webhook)",
            {
                "fields": (
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_user",
                    "imap_password_env",
                    "imap_folder",
                    "imap_ca_file",
                )
            },
        ),
        ("Last poll", {"fields": ("last_polled_at", "last_poll_error")}),
    )


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not generic at runtime
    list_display = ("received_at", "status", "outcome", "sender", "subject", "case_link", "source")
    list_filter = ("status", "outcome", "source", "kind", "mailbox")
    search_fields = ("sender", "subject", "message_id", "case__reference")
    date_hierarchy = "received_at"
    actions = ["reprocess_selected"]
    exclude = ("raw",)
    readonly_fields = (
        "mailbox",
        "received_at",
        "source",
        "status",
        "outcome",
        "reason",
        "kind",
        "sender",
        "subject",
        "message_id",
        "dedupe_key",
        "size",
        "case_link",
        "contact",
        "acknowledged",
        "attempts",
        "processed_at",
        "raw_download",
        "parsed_text",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only; the reprocess action is the only change

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.download_raw),
                name="channels_inbound_email_inboundmessage_raw",
            ),
            *super().get_urls(),
        ]

    def download_raw(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        row = get_object_or_404(InboundMessage, pk=pk)
        response = HttpResponse(bytes(row.raw), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description="Case")
    def case_link(self, obj: InboundMessage) -> str:
        if obj.case is None:
            return "—"
        url = reverse("admin:enquiries_case_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case.reference)

    @admin.display(description="Raw message")
    def raw_download(self, obj: InboundMessage) -> str:
        url = reverse("admin:channels_inbound_email_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">Download ({} bytes)</a>', url, obj.size)

    @admin.display(description="Text (as parsed; HTML never rendered)")
    def parsed_text(self, obj: InboundMessage) -> str:
        parsed = ingest.safe_parse(bytes(obj.raw))
        if parsed is None:
            return "(the parser failed)"
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", parsed.text_body[:20000])

    @admin.action(description="Process again (failed or quarantined messages)")
    def reprocess_selected(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        for row in queryset:
            result = ingest.reprocess(row)
            messages.info(request, f"#{row.pk}: {result.line}")
