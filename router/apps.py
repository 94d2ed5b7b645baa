from django.apps import AppConfig


class RouterConfig(AppConfig):
    """The learning router: suggests a service for free text, answers simple queries, and asks
    residents whether a resolved case is sorted."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "router"
    label = "router"
    verbose_name = "Automatic routing and answers"

    def ready(self) -> None:
        """Take part in routing and resolution through enquiries' hooks (it never imports us)."""
        from enquiries.automation_hooks import register
        from router.answers import answer_automatically, check_rule_answer
        from router.outcomes import ask_is_it_sorted
        from router.placing import place_unrouted, suggest

        register(
            place_unrouted=lambda case, decision: place_unrouted(case=case, decision=decision),
            check_rule_answer=check_rule_answer,
            answer_automatically=lambda case, now: answer_automatically(case=case, now=now),
            resolved_update_extras=ask_is_it_sorted,
            suggest_services=suggest,
        )
