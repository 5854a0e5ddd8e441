"""Quarterly returns. The dashboard and the scorecard, also under /monitoring/,
are in ``reporting.monitoring.urls``."""

from django.urls import path

from cpeg.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("settings/", views.settings_edit, name="settings"),
    path("groups/<int:pk>/returns/", views.return_list, name="return-list"),
    path("groups/<int:pk>/returns/open/", views.returns_open, name="returns-open"),
    path("returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("returns/<int:pk>/refresh/", views.return_refresh, name="return-refresh"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return-edit"),
    path("returns/<int:pk>/submit/", views.return_submit, name="return-submit"),
    path("returns/<int:pk>/sections/<int:number>/", views.return_section, name="return-section"),
    path("returns/<int:pk>/check/", views.return_check, name="return-check"),
    path("returns/<int:pk>/review/", views.return_review, name="return-review"),
    path("returns/<int:pk>/counts/", views.return_counts, name="return-counts"),
    path("support/<int:pk>/provided/", views.support_provided, name="support-provided"),
]
