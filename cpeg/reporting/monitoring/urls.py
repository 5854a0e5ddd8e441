"""URLs of the cross-app pages built on monitoring (served under the
reporting namespace, at the paths they have always had under /monitoring/)."""

from django.urls import path

from cpeg.reporting.monitoring import views

urlpatterns = [
    path("monitoring/", views.dashboard, name="monitoring-dashboard"),
    path("monitoring/groups/<int:pk>/scorecard/", views.scorecard, name="monitoring-scorecard"),
]
