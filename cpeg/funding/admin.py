from django.contrib import admin

from cpeg.core.admin import ManagerAdmin
from cpeg.funding.models import (
    AssessmentCriterion,
    Award,
    BudgetLine,
    FundingApplication,
    FundingRound,
    Payment,
    SpendReport,
)


class CriterionInline(admin.TabularInline):
    model = AssessmentCriterion
    extra = 0
    fields = ("position", "title", "weight")


@admin.register(FundingRound)
class FundingRoundAdmin(ManagerAdmin):
    list_display = ("title", "financial_year", "status", "pot_amount", "cap_amount", "closes_on")
    list_filter = ("status",)
    inlines = [CriterionInline]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ("category", "description", "amount", "note")


@admin.register(FundingApplication)
class FundingApplicationAdmin(ManagerAdmin):
    list_display = ("group", "funding_round", "status", "submitted_at", "award_amount")
    list_filter = ("status", "funding_round")
    list_select_related = ("group", "funding_round")
    search_fields = ("group__name",)
    raw_id_fields = ("group",)
    inlines = [BudgetLineInline]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("instalment", "due_on", "amount", "status", "paid_on")


@admin.register(Award)
class AwardAdmin(ManagerAdmin):
    list_display = ("group", "funding_round", "amount", "awarded_on", "reconciled_at")
    list_filter = ("funding_round",)
    list_select_related = ("group", "funding_round")
    search_fields = ("group__name",)
    raw_id_fields = ("application", "group")
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ManagerAdmin):
    list_display = ("award", "instalment", "due_on", "amount", "status", "paid_on")
    list_filter = ("status",)
    list_select_related = ("award__group", "award__funding_round")
    raw_id_fields = ("award",)


@admin.register(SpendReport)
class SpendReportAdmin(ManagerAdmin):
    list_display = ("group", "financial_year", "quarter", "status", "submitted_at")
    list_filter = ("status", "financial_year", "quarter")
    list_select_related = ("group",)
    raw_id_fields = ("award", "group")
