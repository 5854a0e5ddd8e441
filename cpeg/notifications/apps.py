from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails about business events: who is told, how, and what was sent."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cpeg.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_save

        from cpeg.core.models import AuditEvent
        from cpeg.notifications.receivers import audit_event_saved

        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="notifications-audit-event")
