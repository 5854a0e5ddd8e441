from django.urls import path

from cpeg.activities import views

app_name = "activities"

urlpatterns = [
    # ``pk`` is the GROUP's id on the group's pages, the activity's below.
    path("summary/", views.activity_summary, name="activity-summary"),
    path("group/<int:pk>/", views.activity_list, name="activity-list"),
    path("group/<int:pk>/add/", views.activity_create, name="activity-create"),
    path("import/", views.activity_import, name="activity-import"),
    path("import/<int:pk>/undo/", views.import_undo, name="import-undo"),
    path("import/template.csv", views.import_template_csv, name="import-template-csv"),
    path("import/template.xlsx", views.import_template_xlsx, name="import-template-xlsx"),
    path("<int:pk>/", views.activity_detail, name="activity-detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("<int:pk>/withdraw/", views.activity_withdraw, name="activity-withdraw"),
    path("<int:pk>/restore/", views.activity_restore, name="activity-restore"),
    path("<int:pk>/documents/add/", views.document_add, name="document-add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document-download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document-delete"),
]
