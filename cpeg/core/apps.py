from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpeg.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from cpeg.core.admin import open_third_party_admins_to_managers

        open_third_party_admins_to_managers()
