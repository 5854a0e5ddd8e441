"""The dashboard's index (totals, and which groups each filter shows) kept
in the shared cache: a page built from it is the page built from scratch,
reads only its own groups, and any audited write shows at once."""

import dataclasses
import datetime as dt

import pytest

from cpeg.accounts.tests.factories import LinkMemberFactory, OfficerFactory
from cpeg.core.fiscal import FinancialYear
from cpeg.monitoring import services
from cpeg.monitoring.models import QuarterlyReturn
from cpeg.monitoring.tests.factories import groups_with_returns
from cpeg.reporting.monitoring import selectors
from cpeg.reporting.monitoring.rows import DASHBOARD_FILTERS

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 1)
YEAR = FinancialYear(2025)


@pytest.fixture
def shared_cache(settings):
    """A real (local-memory) cache where tests keep none."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard-test"},
    }
    from django.core.cache import caches

    caches["shared"].clear()
    yield caches["shared"]
    caches["shared"].clear()


@pytest.fixture
def groups():
    return groups_with_returns(4)


def _board(user, **kwargs):
    return selectors.dashboard(user=user, year=YEAR, today=TODAY, **kwargs)


def _plain(board):
    return board.totals, [dataclasses.asdict(row) for row in board.rows], board.page.number, board.page.paginator.count


def test_a_page_from_the_cached_index_is_the_page_built_from_scratch(settings, groups, shared_cache):
    officer = OfficerFactory()
    services.return_send_back(
        quarterly_return=QuarterlyReturn.objects.get(group=groups[1], financial_year=2025, quarter=2),
        actor=officer,
        comments="More please",
    )
    for show in ("", *DASHBOARD_FILTERS):
        for page in (1, 2):
            first = _board(officer, show=show, page=page, page_size=2)  # works the index out
            again = _board(officer, show=show, page=page, page_size=2)  # reads it from the cache
            settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
            scratch = _board(officer, show=show, page=page, page_size=2)
            settings.CACHES = {
                **settings.CACHES,
                "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard-test"},
            }
            assert _plain(first) == _plain(scratch) == _plain(again), (show, page)
    assert _board(officer).totals["returned"] == 1


def test_a_cached_page_reads_only_its_own_groups(groups, shared_cache, monkeypatch):
    officer = OfficerFactory()
    _board(officer, page_size=1)
    built = []
    original = selectors.dashboard_row
    monkeypatch.setattr(
        selectors, "dashboard_row", lambda group, data, ctx: built.append(group["id"]) or original(group, data, ctx)
    )
    board = _board(officer, page=3, page_size=1)
    assert built == [groups[2].pk]
    assert [row.group_id for row in board.rows] == [groups[2].pk]
    assert board.totals["groups"] == 4


def test_an_audited_write_shows_on_the_dashboard_at_once(groups, shared_cache):
    officer = OfficerFactory()
    assert _board(officer).totals["awaiting_review"] == 4
    services.return_accept(
        quarterly_return=QuarterlyReturn.objects.get(group=groups[0], financial_year=2025, quarter=2), actor=officer
    )
    assert _board(officer).totals["awaiting_review"] == 3


def test_people_who_see_different_groups_never_share_an_index(groups, shared_cache):
    officer = OfficerFactory()
    link = LinkMemberFactory(boroughs=[groups[0].borough])
    assert _board(officer).totals["groups"] == 4
    assert _board(link).totals["groups"] == 1
    assert [row.group_id for row in _board(link).rows] == [groups[0].pk]


def test_a_cached_dashboard_page_runs_no_more_queries_than_a_fresh_one(
    client, groups, shared_cache, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    monkeypatch.setattr("cpeg.reporting.monitoring.views._today", lambda: TODAY)
    client.force_login(OfficerFactory())
    url = reverse("reporting:monitoring-dashboard")
    with CaptureQueriesContext(connection) as fresh:
        assert client.get(url, {"year": "2025"}).status_code == 200
    with django_assert_max_num_queries(len(fresh)):
        assert client.get(url, {"year": "2025"}).status_code == 200
