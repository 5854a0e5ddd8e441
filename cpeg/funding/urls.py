from django.urls import path

from cpeg.funding import views

app_name = "funding"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:pk>/criteria/add/", views.criterion_add, name="criterion-add"),
    path("rounds/<int:pk>/criteria/<int:criterion_pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path("rounds/<int:pk>/allocation/", views.allocation, name="allocation"),
    path("rounds/<int:pk>/decide/", views.allocation_decide, name="allocation-decide"),
    path("rounds/<int:pk>/payments/", views.round_payments, name="round-payments"),
    path("rounds/<int:pk>/360giving.json", views.export_json, name="export-360giving-json"),
    path("rounds/<int:pk>/360giving.xlsx", views.export_xlsx, name="export-360giving-xlsx"),
    path("groups/<int:pk>/", views.group_applications, name="group-applications"),
    path("groups/<int:pk>/rounds/<int:round_pk>/apply/", views.application_start, name="application-start"),
    path("groups/<int:pk>/spend/<int:year>/<int:quarter>/", views.spend_report, name="spend-report"),
    path(
        "groups/<int:pk>/spend/<int:year>/<int:quarter>/reopen/",
        views.spend_report_reopen,
        name="spend-report-reopen",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/budget/add/", views.budget_line_add, name="budget-line-add"),
    path("applications/<int:pk>/budget/<int:line_pk>/edit/", views.budget_line_edit, name="budget-line-edit"),
    path("applications/<int:pk>/budget/<int:line_pk>/delete/", views.budget_line_delete, name="budget-line-delete"),
    path("applications/<int:pk>/support/add/", views.other_support_add, name="other-support-add"),
    path(
        "applications/<int:pk>/support/<int:support_pk>/delete/",
        views.other_support_delete,
        name="other-support-delete",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<int:pk>/reopen/", views.application_reopen, name="application-reopen"),
    path("applications/<int:pk>/assess/", views.application_assess, name="application-assess"),
    path("applications/<int:pk>/moderate/", views.application_moderate, name="application-moderate"),
    path("awards/<int:pk>/", views.award_detail, name="award-detail"),
    path("awards/<int:pk>/letter.pdf", views.award_letter, name="award-letter"),
    path("awards/<int:pk>/schedule/", views.payment_schedule, name="payment-schedule"),
    path("awards/<int:pk>/reconcile/", views.award_reconcile, name="award-reconcile"),
    path(
        "awards/<int:pk>/reconcile/reopen/",
        views.award_reconciliation_reopen,
        name="award-reconciliation-reopen",
    ),
    path("payments/<int:pk>/paid/", views.payment_paid, name="payment-paid"),
    path("cost-analysis/", views.cost_analysis, name="cost-analysis"),
    path("cost-analysis/<int:year>/groups/<int:pk>/", views.cost_lines, name="cost-lines"),
    path("cost-analysis/<int:year>/lines/", views.cost_lines_all, name="cost-lines-all"),
    path("import/", views.history_import, name="history-import"),
    path("import/template.csv", views.import_template, name="import-template"),
]
