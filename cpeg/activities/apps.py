from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "cpeg.activities"
    label = "activities"

    def ready(self):
        # Upcoming public meetings appear on each group's public page.
        from cpeg.activities.selectors import upcoming_public_meetings
        from cpeg.public.selectors import PUBLIC_MEETING_PROVIDERS

        if upcoming_public_meetings not in PUBLIC_MEETING_PROVIDERS:
            PUBLIC_MEETING_PROVIDERS.append(upcoming_public_meetings)
