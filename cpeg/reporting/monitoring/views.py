"""The monitoring pages that cross apps: the early-warning dashboard and a
group's scorecard (returns, SLA targets, activities and spend)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.selectors import group_get_for
from cpeg.reporting.monitoring import selectors
from cpeg.reporting.monitoring.rows import DASHBOARD_FILTERS

DASHBOARD_PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _year_from(request, today):
    try:
        return FinancialYear.parse(request.GET.get("year", ""))
    except ValueError:
        return FinancialYear.containing(today)


@login_required
def dashboard(request):
    require_perm(request.user, "monitoring.view_dashboard")
    today = _today()
    board = selectors.dashboard(
        user=request.user,
        year=_year_from(request, today),
        today=today,
        show=request.GET.get("show", ""),
        page=request.GET.get("page"),
        page_size=DASHBOARD_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/monitoring/dashboard.html",
        {
            "board": board,
            "totals": board.totals,
            "page": board.page,
            "query": query.urlencode(),
            "filters": DASHBOARD_FILTERS,
            "year_choices": selectors.year_choices(today=today),
            "can_change_settings": request.user.has_perm("monitoring.change_settings"),
            "can_review": request.user.has_perm("monitoring.review_quarterlyreturn"),
        },
    )


@login_required
def scorecard(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="monitoring.view_quarterlyreturn")
    today = _today()
    card = selectors.scorecard(group=group, year=_year_from(request, today), today=today)
    return render(
        request,
        "reporting/monitoring/scorecard.html",
        {"group": group, "card": card, "year_choices": selectors.year_choices(today=today)},
    )
