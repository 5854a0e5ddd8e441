from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "cpeg.funding"
    label = "funding"
