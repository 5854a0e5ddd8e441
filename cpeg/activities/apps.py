from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "cpeg.activities"
    label = "activities"
