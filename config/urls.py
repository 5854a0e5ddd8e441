from django.contrib import admin
from django.urls import include, path

from cpeg.accounts import navigation
from cpeg.core import converters
from cpeg.core import views as core_views

converters.register()

urlpatterns = [
    # The "core" namespace: the home page (where each person starts depends
    # on their roles, so its view is accounts') and the health check.
    path(
        "",
        include(
            (
                [
                    path("", navigation.home, name="home"),
                    path("healthz", core_views.healthcheck, name="healthcheck"),
                ],
                "core",
            )
        ),
    ),
    path("", include("cpeg.reporting.urls")),
    path("accounts/", include("cpeg.accounts.urls")),
    path("groups/", include("cpeg.groups.urls")),
    path("agreements/", include("cpeg.agreements.urls")),
    path("activities/", include("cpeg.activities.urls")),
    path("monitoring/", include("cpeg.monitoring.urls")),
    path("funding/", include("cpeg.funding.urls")),
    path("directory/", include("cpeg.public.urls")),
    path("admin/", admin.site.urls),
    path("membership/", include("cpeg.membership.urls")),
]
