from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "cpeg.groups"
    label = "groups"
