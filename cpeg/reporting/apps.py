from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Figures that cross apps: read-only, computed from the domain apps'
    selectors and models, never written here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cpeg.reporting"
    verbose_name = "Reporting"
