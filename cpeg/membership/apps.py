from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "cpeg.membership"
    label = "membership"
