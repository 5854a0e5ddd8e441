from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Checks usernames and passwords only.

    Permissions come from ``accounts.access`` (django-rules), never from
    Django's per-user or per-group permission tables, so this backend grants
    none: access is decided in one module.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
