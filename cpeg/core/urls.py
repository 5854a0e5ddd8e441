from django.urls import path

from cpeg.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthcheck, name="healthcheck"),
]
