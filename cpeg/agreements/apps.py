from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "cpeg.agreements"
    label = "agreements"
