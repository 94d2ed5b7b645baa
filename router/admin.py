"""Admins see every model version with its evaluation report, and can roll back or activate."""

from django.contrib import admin, messages
from django.utils.html import format_html

from router import training
from router.models import AutomaticAnswer, CaseOutcome, ImportedCase, RouterModel


@admin.register(RouterModel)
class RouterModelAdmin(admin.ModelAdmin):
    list_display = ["version", "state", "trained_on", "held_out", "top1", "coverage", "created_at"]
    list_filter = ["state"]
    exclude = ["weights"]
    readonly_fields = [
        "version",
        "state",
        "trained_on",
        "history_cases",
        "held_out",
        "decision",
        "seconds_to_train",
        "created_at",
        "activated_at",
        "thresholds",
        "evaluation",
    ]
    fields = readonly_fields  # type: ignore[assignment]  # a list, as Django allows
    actions = ["rollback", "activate"]

    @admin.display(description="Top-1 accuracy")
    def top1(self, obj: RouterModel):
        return obj.report.get("top1", "–")

    @admin.display(description="Routed automatically")
    def coverage(self, obj: RouterModel):
        return obj.report.get("coverage", "–")

    @admin.display(description="Evaluation report")
    def evaluation(self, obj: RouterModel):
        return format_html("<pre>{}</pre>", obj.report_text)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Roll back to the model active before the current one")
    def rollback(self, request, queryset):
        try:
            model = training.rollback()
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Router model v{model.version} is active again.")

    @admin.action(description="Make the selected model active")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model.", messages.ERROR)
            return
        model = training.activate(queryset.get())
        self.message_user(request, f"Router model v{model.version} is active.")


@admin.register(CaseOutcome)
class CaseOutcomeAdmin(admin.ModelAdmin):
    list_display = ["case", "sorted", "satisfaction", "channel", "service", "answered_at"]
    list_filter = ["sorted", "channel", "service"]
    raw_id_fields = ["case"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AutomaticAnswer)
class AutomaticAnswerAdmin(admin.ModelAdmin):
    list_display = ["case", "service", "sent_at", "response", "responded_at"]
    list_filter = ["response", "service"]
    raw_id_fields = ["case"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportedCase)
class ImportedCaseAdmin(admin.ModelAdmin):
    list_display = ["batch", "row_number", "category", "service", "received_at", "channel"]
    list_filter = ["batch", "service"]
