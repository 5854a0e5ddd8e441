from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "cpeg.funding"
    label = "funding"

    def ready(self):
        from django.db.models.signals import post_save

        from cpeg.core.models import AuditEvent
        from cpeg.funding.receivers import audit_event_saved

        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="funding-open-data")
