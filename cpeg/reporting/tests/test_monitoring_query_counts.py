"""The dashboard, scorecard and returns pages run the same number of SQL
queries whatever the number of groups, years, returns and activities."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.tests.factories import activity, complete_lines, group_sla

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 1)
CODES = ["public-meetings", "newsletters", "annual-report"]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    for module in ("cpeg.monitoring.views", "cpeg.reporting.monitoring.views"):
        monkeypatch.setattr(f"{module}._today", lambda: TODAY)


def _returns(group, admin, officer, quarters):
    for quarter in quarters:
        qr = services.return_open(group=group, quarter=quarter, today=TODAY)
        complete_lines(qr, barriers="No venue", support_requested="Need a venue")
        services.return_submit(quarterly_return=qr, actor=admin)
        services.return_accept(quarterly_return=qr, actor=officer)


def _group_data(group, admin, officer, years, activities_per_year):
    for year in years:
        group_sla(group, year)
        for n in range(activities_per_year):
            activity(group, dt.date(year, 4, 1) + dt.timedelta(days=(n * 11) % 180), CODES[n % len(CODES)])
    quarters = [Quarter(y, n) for y in years for n in (1, 2, 3, 4) if Quarter(y, n).ends_on < TODAY]
    _returns(group, admin, officer, quarters)


def _group(slug, years, activities_per_year, officer):
    group = EngagementGroupFactory(borough=borough(slug))
    _group_data(group, GroupAdminFactory(group=group), officer, years, activities_per_year)
    return group


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_more_groups_years_returns_and_activities_do_not_add_queries(client):
    officer = OfficerFactory()
    client.force_login(officer)
    camden = _group("camden", [2024, 2025], 3, officer)
    accepted = camden.quarterly_returns.get(financial_year=2025, quarter=1)

    def measure():
        return {
            "dashboard": _queries(client, reverse("reporting:monitoring-dashboard"), {"year": "2025"}),
            "dashboard, last year": _queries(client, reverse("reporting:monitoring-dashboard"), {"year": "2024"}),
            "scorecard": _queries(
                client, reverse("reporting:monitoring-scorecard", kwargs={"pk": camden.pk}), {"year": "2025"}
            ),
            "returns": _queries(client, reverse("monitoring:return-list", kwargs={"pk": camden.pk}), {}),
            # An accepted return: its counts are checked against the activity record.
            "return": _queries(client, reverse("monitoring:return-detail", kwargs={"pk": accepted.pk}), {}),
        }

    before = measure()
    # Three more groups with four years each, their returns for every ended
    # quarter (14 each) and 40 activities a year; Camden gains two earlier
    # years with their returns, and 40 more activities in each of its years.
    for slug in ("hackney", "islington", "lambeth"):
        _group(slug, [2022, 2023, 2024, 2025], 40, officer)
    _group_data(camden, GroupAdminFactory(group=camden), officer, [2022, 2023], 40)
    for year in (2024, 2025):
        for n in range(40):
            activity(camden, dt.date(year, 5, 1) + dt.timedelta(days=n), CODES[n % len(CODES)])
    assert measure() == before
