from django.urls import path

from cpeg.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("new/", views.consultation_create, name="consultation-create"),
    path("<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("<int:pk>/edit/", views.consultation_edit, name="consultation-edit"),
    path("<int:pk>/open/", views.consultation_open, name="consultation-open"),
    path("<int:pk>/close/", views.consultation_close, name="consultation-close"),
    path("<int:pk>/publish/", views.consultation_publish, name="consultation-publish"),
    # The public's pages: published collective responses, no names.
    path("published/", views.published_list, name="published-list"),
    path("published/<int:pk>/", views.published_detail, name="published-detail"),
    path("<int:pk>/responses/", views.response_list, name="response-list"),
    path("<int:pk>/responses.xlsx", views.responses_xlsx, name="responses-xlsx"),
    path("<int:pk>/documents.zip", views.responses_zip, name="responses-zip"),
    # ``pk`` is the response's id below, the group's on the group's history.
    path("response/<int:pk>/", views.response_detail, name="response-detail"),
    path("response/<int:pk>/edit/", views.response_edit, name="response-edit"),
    path("response/<int:pk>/send/", views.response_submit, name="response-submit"),
    path("response/<int:pk>/accept/", views.response_accept, name="response-accept"),
    path("response/<int:pk>/document/", views.response_document, name="response-document"),
    path("group/<int:pk>/", views.group_responses, name="group-responses"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/matrix/", views.programme_matrix, name="programme-matrix"),
    path("programmes/group/<int:pk>/", views.group_programmes, name="group-programmes"),
    path("programmes/group/<int:pk>/engagement/add/", views.engagement_create, name="engagement-create"),
    path("programmes/group/<int:pk>/two-way/add/", views.mechanism_create, name="mechanism-create"),
    path("pledge/", views.pledge_summary, name="pledge-summary"),
    path("pledge/group/<int:pk>/", views.group_pledge, name="group-pledge"),
    # ``pk`` is the public meeting's activity id.
    path("pledge/meeting/<int:pk>/", views.pledge_report_edit, name="pledge-report"),
    # Local partnership structures: ``pk`` is the borough's id, then the panel's.
    path("partnerships/borough/<int:pk>/", views.borough_partnerships, name="borough-partnerships"),
    path("partnerships/borough/<int:pk>/panels/add/", views.panel_create, name="panel-create"),
    path("partnerships/panels/<int:pk>/edit/", views.panel_edit, name="panel-edit"),
    path("partnerships/borough/<int:pk>/cdrp/", views.cdrp_list, name="cdrp-list"),
    path("partnerships/borough/<int:pk>/cdrp/add/", views.cdrp_create, name="cdrp-create"),
    path("partnerships/cdrp/<int:pk>/edit/", views.cdrp_edit, name="cdrp-edit"),
    path("partnerships/cdrp/<int:pk>/minutes/", views.cdrp_minutes, name="cdrp-minutes"),
    path("partnerships/chairs-forum/", views.forum_list, name="forum-list"),
    path("partnerships/chairs-forum/new/", views.forum_create, name="forum-create"),
    path("partnerships/chairs-forum/<int:pk>/edit/", views.forum_edit, name="forum-edit"),
    path("partnerships/chairs-forum/<int:pk>/minutes/", views.forum_minutes, name="forum-minutes"),
]
