from django.contrib import admin
from django.urls import include, path

from cpeg.api.urls import api_urls
from cpeg.core import converters
from cpeg.core import views as core_views
from cpeg.reporting import home as reporting_home

converters.register()

urlpatterns = [
    # The "core" namespace: the home page (each person's to-do list reads
    # across apps, so its view is reporting's) and the health check.
    path(
        "",
        include(
            (
                [
                    path("", reporting_home.home, name="home"),
                    path("healthz", core_views.healthcheck, name="healthcheck"),
                    path("session/", core_views.session_status, name="session-status"),
                    path("session/keep-alive/", core_views.session_keep_alive, name="session-keep-alive"),
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
    path("api/", include("cpeg.api.urls")),
    path("api/v1/", api_urls),
    path("notifications/", include("cpeg.notifications.urls")),
    path("admin/", admin.site.urls),
    path("scrutiny/", include("cpeg.scrutiny.urls")),
    path("consultations/", include("cpeg.consultations.urls")),
    path("membership/", include("cpeg.membership.urls")),
    path("reviews/", include("cpeg.reviews.urls")),
]
