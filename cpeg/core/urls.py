from django.urls import path

from cpeg.accounts.navigation import home
from cpeg.core import views

app_name = "core"

urlpatterns = [
    # Where each person starts depends on their roles, so the view lives in
    # accounts; the route moves to config/urls.py with it (issue 7).
    path("", home, name="home"),
    path("healthz", views.healthcheck, name="healthcheck"),
]
