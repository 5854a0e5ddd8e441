from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "cpeg.scrutiny"
    label = "scrutiny"
    verbose_name = "Scrutiny duties"
