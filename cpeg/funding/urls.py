"""The funding pages (the cost analysis: ``reporting.funding.urls``)."""

from django.urls import path

from cpeg.funding.views import applications, assessment, data, payments, rounds

app_name = "funding"

urlpatterns = [
    path("", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/criteria/add/", rounds.criterion_add, name="criterion-add"),
    path("rounds/<int:pk>/criteria/<int:criterion_pk>/edit/", rounds.criterion_edit, name="criterion-edit"),
    path("rounds/<int:pk>/allocation/", assessment.allocation, name="allocation"),
    path("rounds/<int:pk>/decide/", assessment.allocation_decide, name="allocation-decide"),
    path("rounds/<int:pk>/payments/", payments.round_payments, name="round-payments"),
    path("rounds/<int:pk>/360giving.json", data.export_json, name="export-360giving-json"),
    path("rounds/<int:pk>/360giving.xlsx", data.export_xlsx, name="export-360giving-xlsx"),
    path("groups/<int:pk>/", applications.group_applications, name="group-applications"),
    path("groups/<int:pk>/rounds/<int:round_pk>/apply/", applications.application_start, name="application-start"),
    path("groups/<int:pk>/spend/<fy:year>/<int:quarter>/", payments.spend_report, name="spend-report"),
    path(
        "groups/<int:pk>/spend/<fy:year>/<int:quarter>/check/", payments.spend_report_check, name="spend-report-check"
    ),
    path(
        "groups/<int:pk>/spend/<fy:year>/<int:quarter>/reopen/",
        payments.spend_report_reopen,
        name="spend-report-reopen",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path("applications/<int:pk>/budget/add/", applications.budget_line_add, name="budget-line-add"),
    path("applications/<int:pk>/budget/<int:line_pk>/edit/", applications.budget_line_edit, name="budget-line-edit"),
    path(
        "applications/<int:pk>/budget/<int:line_pk>/delete/",
        applications.budget_line_delete,
        name="budget-line-delete",
    ),
    path("applications/<int:pk>/support/add/", applications.other_support_add, name="other-support-add"),
    path(
        "applications/<int:pk>/support/<int:support_pk>/delete/",
        applications.other_support_delete,
        name="other-support-delete",
    ),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application-submit"),
    path("applications/<int:pk>/reopen/", applications.application_reopen, name="application-reopen"),
    path("applications/<int:pk>/assess/", assessment.application_assess, name="application-assess"),
    path("applications/<int:pk>/moderate/", assessment.application_moderate, name="application-moderate"),
    path("awards/<int:pk>/", payments.award_detail, name="award-detail"),
    path("awards/<int:pk>/letter.pdf", payments.award_letter, name="award-letter"),
    path("awards/<int:pk>/schedule/", payments.payment_schedule, name="payment-schedule"),
    path("awards/<int:pk>/reconcile/", payments.award_reconcile, name="award-reconcile"),
    path(
        "awards/<int:pk>/reconcile/reopen/",
        payments.award_reconciliation_reopen,
        name="award-reconciliation-reopen",
    ),
    path("payments/<int:pk>/paid/", payments.payment_paid, name="payment-paid"),
    path("import/", data.history_import, name="history-import"),
    path("import/template.csv", data.import_template, name="import-template"),
]
