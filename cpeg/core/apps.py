from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpeg.core"
    label = "core"
    verbose_name = "Core"
