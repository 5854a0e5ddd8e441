"""The cost analysis pages: the annual review's figures and the budget
lines behind each of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from cpeg.accounts.access import require_perm
from cpeg.core.converters import MAX_YEAR, MIN_YEAR
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import BudgetCategory
from cpeg.funding.money import ZERO
from cpeg.groups.selectors import group_get_for
from cpeg.reporting.funding import selectors

# Groups a page in the cost analysis's by-group table (2,000 rows were 4 MB);
# the figures above it cover every group.
GROUPS_PAGE_SIZE = 50


def _year_asked(request, years: list[FinancialYear]) -> FinancialYear | None:
    """The year in ``?year=`` (e.g. 2024 or 2024/25), else the latest with awards."""
    try:
        year = FinancialYear.parse(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        year = None
    if year is not None and not MIN_YEAR <= year.start_year <= MAX_YEAR:
        year = None  # as the URL converter refuses it: no dates past 9999
    return year or (years[0] if years else None)


@login_required
def cost_analysis(request):
    require_perm(request.user, "funding.view_cost_analysis")
    years = selectors.cost_analysis_years()
    year = _year_asked(request, years)
    analysis = selectors.cost_analysis(year=year) if year else None
    groups = selectors.cost_groups_visible(user=request.user, analysis=analysis) if analysis else []
    withheld = (
        selectors.cost_models_withheld(user=request.user, analysis=analysis, visible=groups) if analysis else set()
    )
    return render(
        request,
        "reporting/funding/cost_analysis.html",
        {
            "years": years,
            "year": year,
            "analysis": analysis,
            "groups": groups,
            "page": Paginator(groups, GROUPS_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"year={year.start_year}" if year else "",
            "hidden_groups": len(analysis.groups) - len(groups) if analysis else 0,
            "withheld": withheld,
            "small_count": selectors.SMALL_GROUP_COUNT,
            "threshold": selectors.STAFFING_THRESHOLD,
        },
    )


@login_required
def cost_lines(request, year, pk):
    group = group_get_for(user=request.user, pk=pk, perm="funding.view_fundingapplication")
    require_perm(request.user, "funding.view_cost_analysis")
    financial_year = FinancialYear(year)
    categories = [c for c in request.GET.getlist("category") if c in BudgetCategory.values]
    lines = selectors.budget_lines_for(group=group, year=financial_year, categories=categories or None)
    return render(
        request,
        "reporting/funding/cost_lines.html",
        {
            "group": group,
            "year": financial_year,
            "lines": lines,
            "total": sum((line.amount for line in lines), ZERO),
            "categories": [BudgetCategory(c).label for c in categories],
        },
    )


@login_required
def cost_lines_all(request, year):
    require_perm(request.user, "funding.view_cost_analysis")
    across = selectors.cost_lines_across_groups(
        user=request.user,
        year=FinancialYear(year),
        categories=request.GET.getlist("category"),
        model=request.GET.get("model", ""),
    )
    return render(
        request,
        "reporting/funding/cost_lines_all.html",
        {"across": across, "year": across.year, "threshold": selectors.STAFFING_THRESHOLD},
    )
