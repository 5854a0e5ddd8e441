from django.urls import path

from cpeg.membership import views

app_name = "membership"

urlpatterns = [
    path("groups/<int:pk>/", views.register, name="register"),
    path("groups/<int:pk>/members/add/", views.member_add, name="member-add"),
    path("groups/<int:pk>/members/import/", views.member_import, name="member-import"),
    path("groups/<int:pk>/attendance-rule/", views.rule_edit, name="rule-edit"),
    path("groups/<int:pk>/reviews/add/", views.review_add, name="review-add"),
    path("groups/<int:pk>/representation/", views.representation, name="representation"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/equality/", views.member_equality, name="equality"),
    path("members/<int:pk>/equality/erase/", views.member_equality_erase, name="equality-erase"),
    path("executive/<int:pk>/equality/", views.executive_equality, name="executive-equality"),
    path("executive/<int:pk>/equality/erase/", views.executive_equality_erase, name="executive-equality-erase"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("london/", views.representation_london, name="representation-london"),
]
