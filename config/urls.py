from django.contrib import admin
from django.urls import include, path

from cpeg.core import converters

converters.register()

urlpatterns = [
    path("", include("cpeg.core.urls")),
    path("", include("cpeg.reporting.urls")),
    path("accounts/", include("cpeg.accounts.urls")),
    path("groups/", include("cpeg.groups.urls")),
    path("agreements/", include("cpeg.agreements.urls")),
    path("activities/", include("cpeg.activities.urls")),
    path("monitoring/", include("cpeg.monitoring.urls")),
    path("funding/", include("cpeg.funding.urls")),
    path("directory/", include("cpeg.public.urls")),
    path("admin/", admin.site.urls),
]
