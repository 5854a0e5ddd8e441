"""Template context shared by every page: the service's and authority's names.

The navigation depends on the person's roles, so it comes from
``accounts.navigation`` (through the ``accounts_navigation`` template tag
in ``base.html``): core knows no roles.
"""

from django.conf import settings


def navigation(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
    }
