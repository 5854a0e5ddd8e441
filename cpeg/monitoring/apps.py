from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "cpeg.monitoring"
    label = "monitoring"
