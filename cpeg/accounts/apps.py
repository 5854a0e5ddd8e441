from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpeg.accounts"
    label = "accounts"

    def ready(self):
        # Registers every permission predicate with django-rules.
        from cpeg.accounts import access  # noqa: F401
