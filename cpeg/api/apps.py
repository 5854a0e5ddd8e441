from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cpeg.api"
    label = "api"
    verbose_name = "Open data API"
