from django.urls import path

from cpeg.scrutiny import views

app_name = "scrutiny"

urlpatterns = [
    path("", views.index, name="index"),
    # ``pk`` is the BOROUGH's id on the figures pages, the GROUP's on meetings.
    path("boroughs/<int:pk>/", views.borough_figures, name="borough-figures"),
    path("boroughs/<int:pk>/searches/", views.borough_stops, name="borough-stops"),
    path("boroughs/<int:pk>/pack.pdf", views.borough_pack_pdf, name="borough-pack-pdf"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("groups/<int:pk>/meetings/", views.meeting_list, name="meeting-list"),
    path("groups/<int:pk>/meetings/add/", views.meeting_create, name="meeting-create"),
    path("public/<int:pk>/", views.public_pack, name="public-pack"),
    path("public/<int:pk>/pack.pdf", views.public_pack_pdf, name="public-pack-pdf"),
    path("custody-visiting/", views.custody_summary, name="custody-summary"),
    path("custody-visiting/return.csv", views.custody_return_csv, name="custody-return-csv"),
    path("custody-visiting/return.xlsx", views.custody_return_xlsx, name="custody-return-xlsx"),
    path("custody-visiting/panels/<int:pk>/", views.panel_visits, name="panel-visits"),
    path("custody-visiting/panels/<int:pk>/visits/add/", views.visit_create, name="visit-create"),
    path("custody-visiting/visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("custody-visiting/visits/<int:pk>/resolution/", views.visit_resolve, name="visit-resolve"),
    path("custody-visiting/visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("custody-visiting/issues/", views.outstanding_issues, name="outstanding-issues"),
    path("custody-visiting/panels/<int:pk>/issues/", views.panel_issues, name="panel-issues"),
]
