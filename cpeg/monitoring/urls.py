from django.urls import path

from cpeg.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_edit, name="settings"),
    path("groups/<int:pk>/returns/", views.return_list, name="return-list"),
    path("groups/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return-edit"),
    path("returns/<int:pk>/submit/", views.return_submit, name="return-submit"),
    path("returns/<int:pk>/review/", views.return_review, name="return-review"),
    path("support/<int:pk>/provided/", views.support_provided, name="support-provided"),
]
