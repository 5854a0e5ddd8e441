from django.urls import path

from cpeg.agreements import views

app_name = "agreements"

urlpatterns = [
    path("templates/", views.template_list, name="template-list"),
    path("templates/start/", views.template_start, name="template-start"),
    path("templates/<fy:year>/", views.template_detail, name="template-detail"),
    path("templates/<fy:year>/outputs/add/", views.template_output_add, name="template-output-add"),
    path("templates/<fy:year>/outputs/<int:output_pk>/edit/", views.template_output_edit, name="template-output-edit"),
    path(
        "templates/<fy:year>/outputs/<int:output_pk>/remove/",
        views.template_output_remove,
        name="template-output-remove",
    ),
    path("overview/", views.sla_overview, name="sla-overview"),
    path("overview/<fy:year>/make-all/", views.sla_create_all, name="sla-create-all"),
    path("groups/<int:pk>/", views.group_sla, name="group-sla"),
    path("groups/<int:pk>/<fy:year>/make/", views.group_sla_create, name="group-sla-create"),
    path("groups/<int:pk>/<fy:year>/versions/<int:number>/", views.group_sla_version, name="group-sla-version"),
    path("groups/<int:pk>/<fy:year>/outputs/add/", views.sla_output_add, name="sla-output-add"),
    path("groups/<int:pk>/<fy:year>/outputs/<slug:code>/vary/", views.sla_output_vary, name="sla-output-vary"),
    path("groups/<int:pk>/<fy:year>/outputs/<slug:code>/remove/", views.sla_output_remove, name="sla-output-remove"),
    path(
        "groups/<int:pk>/<fy:year>/outputs/<slug:code>/restore/",
        views.sla_output_restore,
        name="sla-output-restore",
    ),
    path("groups/<int:pk>/<fy:year>/sign/", views.sla_sign, name="sla-sign"),
    path("groups/<int:pk>/<fy:year>/countersign/", views.sla_countersign, name="sla-countersign"),
]
