from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpeg.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from cpeg.core.admin import open_third_party_admins_to_managers

        open_third_party_admins_to_managers()

        from django.contrib.auth.signals import user_logged_in

        from cpeg.core.sessions import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="cpeg-core-session-start")
