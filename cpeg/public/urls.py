from django.urls import path

from cpeg.public import views

app_name = "public"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("<slug:slug>/", views.group_detail, name="group-detail"),
]
