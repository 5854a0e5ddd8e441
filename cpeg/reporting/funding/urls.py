"""URLs of the cross-app pages built on funding (served under the reporting
namespace, at the paths funding users know)."""

from django.urls import path

from cpeg.reporting.funding import views

urlpatterns = [
    path("funding/cost-analysis/", views.cost_analysis, name="cost-analysis"),
    path("funding/cost-analysis/<fy:year>/groups/<int:pk>/", views.cost_lines, name="cost-lines"),
    path("funding/cost-analysis/<fy:year>/lines/", views.cost_lines_all, name="cost-lines-all"),
]
