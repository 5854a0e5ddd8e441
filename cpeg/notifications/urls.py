from django.urls import path

from cpeg.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("preferences/", views.preferences, name="preferences"),
]
