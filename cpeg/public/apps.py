from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "cpeg.public"
    label = "public"
