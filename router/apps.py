from django.apps import AppConfig


class RouterConfig(AppConfig):
    """The learning router: suggests a service for free text, answers simple queries, and asks
    residents whether a resolved case is sorted."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "router"
    label = "router"
    verbose_name = "Automatic routing and answers"
