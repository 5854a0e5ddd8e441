from django.urls import path

from cpeg.public import views

app_name = "public"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("meetings/", views.meeting_calendar, name="meeting-calendar"),
    path("meetings.ics", views.meetings_feed, name="meetings-feed"),
    path("<slug:slug>/", views.group_detail, name="group-detail"),
    path("<slug:slug>/meetings.ics", views.group_meetings_feed, name="group-meetings-feed"),
    path("<slug:slug>/documents/<int:pk>/", views.group_document, name="group-document"),
]
