from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Figures for managers, analysts, the BI tool and the public: read from rollup tables."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "insight"
    label = "insight"
    verbose_name = "Insight"
