from django.urls import path

from cpeg.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("new/", views.group_create, name="group-create"),
    path("<int:pk>/", views.group_detail, name="group-detail"),
    path("<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("<int:pk>/history/", views.group_history, name="group-history"),
    path("<int:pk>/constitution/", views.group_constitution, name="group-constitution"),
    path("<int:pk>/executive/add/", views.executive_add, name="executive-add"),
    path("<int:pk>/executive/<int:member_pk>/edit/", views.executive_edit, name="executive-edit"),
    path("<int:pk>/venues/add/", views.venue_add, name="venue-add"),
    path("<int:pk>/venues/<int:venue_pk>/edit/", views.venue_edit, name="venue-edit"),
    path("boroughs/<slug:slug>/", views.borough_detail, name="borough-detail"),
    path("boroughs/<slug:slug>/contacts/add/", views.partner_contact_add, name="partner-contact-add"),
    path(
        "boroughs/<slug:slug>/contacts/<int:contact_pk>/edit/",
        views.partner_contact_edit,
        name="partner-contact-edit",
    ),
    path("people/", views.person_list, name="person-list"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/roles/add/", views.other_role_add, name="other-role-add"),
    path("people/<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("people/<int:pk>/personal-data/", views.person_personal_data, name="person-personal-data"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
]
