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
    path("members/<int:pk>/profile/", views.organisation_profile, name="organisation-profile"),
    path(
        "members/<int:pk>/profile/<slug:characteristic>/",
        views.organisation_profile_edit,
        name="organisation-profile-edit",
    ),
    path(
        "members/<int:pk>/profile/<slug:characteristic>/remove/",
        views.organisation_profile_remove,
        name="organisation-profile-remove",
    ),
    path("members/<int:pk>/equality/", views.member_equality, name="equality"),
    path("members/<int:pk>/equality/erase/", views.member_equality_erase, name="equality-erase"),
    path("executive/<int:pk>/equality/", views.executive_equality, name="executive-equality"),
    path("executive/<int:pk>/equality/erase/", views.executive_equality_erase, name="executive-equality-erase"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("london/", views.representation_london, name="representation-london"),
    path("population/", views.population_load, name="population-load"),
    path("groups/<int:pk>/representation.csv", views.representation_csv, name="representation-csv"),
    path("groups/<int:pk>/representation.xlsx", views.representation_xlsx, name="representation-xlsx"),
    path("london/representation.csv", views.representation_london_csv, name="representation-london-csv"),
    path("london/representation.xlsx", views.representation_london_xlsx, name="representation-london-xlsx"),
    path("groups/<int:pk>/skills/", views.skills, name="skills"),
    path("executive/<int:pk>/skills/", views.executive_skills, name="executive-skills"),
    path("administrators/<int:pk>/skills/", views.administrator_skills, name="administrator-skills"),
    path("skills-audits/<int:pk>/training/add/", views.training_add, name="training-add"),
    path("training/<int:pk>/remove/", views.training_remove, name="training-remove"),
    path("training-needs/", views.training_needs, name="training-needs"),
    path("skill-list/", views.skill_list, name="skill-list"),
    path("skill-list/add/", views.skill_add, name="skill-add"),
    path("skill-list/<int:pk>/edit/", views.skill_edit, name="skill-edit"),
    path("skill-list/<int:pk>/remove/", views.skill_remove, name="skill-remove"),
    path("groups/<int:pk>/other-funding/", views.other_funding, name="other-funding"),
    path("groups/<int:pk>/other-funding/add/", views.other_funding_add, name="other-funding-add"),
    path("other-funding/<int:pk>/edit/", views.other_funding_edit, name="other-funding-edit"),
    path("groups/<int:pk>/support/add/", views.support_add, name="support-add"),
    path("support/<int:pk>/edit/", views.support_edit, name="support-edit"),
    path("other-funding/", views.other_funding_london, name="other-funding-london"),
]
