from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """The annual review to committee: generated from the records (through
    reporting and the domain apps' selectors), narrated by officers,
    published and frozen by a manager."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cpeg.reviews"
    verbose_name = "Annual reviews"
