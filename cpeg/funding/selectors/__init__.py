"""Reads for the annual funding process, by what a page looks for.

- ``rounds``: rounds, applications and a group's funding page;
- ``history``: a round's, application's or award's past;
- ``payments``: awards, payments, spend (the monitoring dashboard's spend
  flags) and the reconciliation.

The allocation page's figures live with the rest of the allocation rule in
``funding.allocation``; figures that read other apps (last year's delivery,
the cost analysis) in ``reporting.funding``. Lists are scoped to the user
through ``accounts.access`` and fetch what their page shows in a fixed
number of queries. Everything public is importable from here.
"""

from cpeg.funding.selectors.history import (
    RecordHistory,
    application_history,
    award_history,
    round_history,
)
from cpeg.funding.selectors.payments import (
    CategoryVariance,
    ReconciliationFigures,
    SpendFlag,
    SpendPosition,
    award_budget_by_category,
    award_get_for,
    payment_get_for,
    payments_total,
    reconciliation_figures,
    round_awards,
    round_awards_queryset,
    round_payment_totals,
    scale_budget,
    spend_flags_for,
    spend_position,
)
from cpeg.funding.selectors.rounds import (
    ApplicationPage,
    CategoryTotal,
    GroupFundingPage,
    application_get_for,
    application_page,
    group_funding_page,
    open_data_file,
    round_applications,
    round_get,
    round_list,
    weighted_score,
    with_totals,
)

__all__ = [
    "ApplicationPage",
    "CategoryTotal",
    "CategoryVariance",
    "GroupFundingPage",
    "ReconciliationFigures",
    "RecordHistory",
    "SpendFlag",
    "SpendPosition",
    "application_get_for",
    "application_history",
    "application_page",
    "award_budget_by_category",
    "award_get_for",
    "award_history",
    "group_funding_page",
    "open_data_file",
    "payment_get_for",
    "payments_total",
    "reconciliation_figures",
    "round_applications",
    "round_awards",
    "round_awards_queryset",
    "round_payment_totals",
    "round_get",
    "round_history",
    "round_list",
    "scale_budget",
    "spend_flags_for",
    "spend_position",
    "weighted_score",
    "with_totals",
]
