"""A record's history reads as words: labels, names, dates, Yes/No and £."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.activities.models import Activity
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.core.audit import format_datetime, format_money, format_time, history_entries
from cpeg.groups.tests.factories import VenueFactory
from cpeg.monitoring.models import QuarterlyReturn
from cpeg.monitoring.tests.factories import QuarterlyReturnFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _submit(qr, officer, at):
    qr.submitted_by = officer
    qr.submitted_at = at
    qr.save()


def _changes(entries):
    return [change for entry in entries for change in entry.changes]


def test_a_person_is_shown_by_name_and_a_time_in_london_words():
    officer = OfficerFactory(first_name="Asha", last_name="Patel")
    qr = QuarterlyReturnFactory()
    _submit(qr, officer, dt.datetime(2026, 12, 2, 0, 35, 4, 871427, tzinfo=UTC))
    changes = _changes(history_entries(("Return", QuarterlyReturn.history.filter(id=qr.pk))))
    assert ("Submitted by", "(blank)", "Asha Patel") in changes
    assert ("Submitted at", "(blank)", "2 December 2026, 12:35am") in changes
    assert not any("#" in old + new or "+00:00" in old + new for _, old, new in changes)


def test_names_are_read_in_a_fixed_number_of_queries_however_many_changes():
    def count(returns):
        for qr in returns:
            _submit(qr, OfficerFactory(), dt.datetime(2026, 6, 1, 11, 0, tzinfo=UTC))
        returned = QuarterlyReturn.history.filter(id__in=[qr.pk for qr in returns]).select_related("group")
        sources = [("Return", returned)]
        with CaptureQueriesContext(connection) as queries:
            entries = history_entries(*sources)
        assert len(entries) == 2 * len(returns)
        return len(queries)

    group = QuarterlyReturnFactory(quarter=1).group
    one = count([QuarterlyReturnFactory(group=group, quarter=2)])
    many = count([QuarterlyReturnFactory(group=group, quarter=q, financial_year=2026) for q in (1, 2, 3)])
    assert one == many
    assert many <= 2


def test_dates_times_booleans_and_venues_read_as_words():
    activity = ActivityFactory(borough_commander_present=True)
    venue = VenueFactory(group=activity.group, name="Kentish Town Library")
    activity.held_on = dt.date(2026, 12, 2)
    activity.starts_at = dt.time(18, 30)
    activity.borough_commander_present = False
    activity.venue = venue
    activity.save()
    changes = _changes(history_entries(("", Activity.history.filter(id=activity.pk))))
    assert ("Date", "12 June 2025", "2 December 2026") in changes or (
        "Held on",
        "12 June 2025",
        "2 December 2026",
    ) in changes
    assert any(new == "6:30pm" for _, _, new in changes)
    assert any((old, new) == ("Yes", "No") for _, old, new in changes)
    assert any(new == "Kentish Town Library" for _, _, new in changes)


def test_a_save_that_changes_nothing_a_person_can_see_is_not_listed():
    activity = ActivityFactory()
    activity.save()
    activity.version += 1
    activity.save()
    entries = history_entries(("", Activity.history.filter(id=activity.pk)))
    assert [entry.action for entry in entries] == ["Created"]


def test_money_is_shown_in_pounds():
    from cpeg.funding.models import FundingRound
    from cpeg.funding.tests.factories import FundingRoundFactory

    funding_round = FundingRoundFactory(pot_amount=Decimal("1600000.00"))
    funding_round.pot_amount = Decimal("1500000.50")
    funding_round.save()
    changes = _changes(history_entries(("", FundingRound.history.filter(id=funding_round.pk))))
    assert any((old, new) == ("£1,600,000", "£1,500,000.50") for _, old, new in changes)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.datetime(2026, 12, 2, 0, 35, tzinfo=UTC), "2 December 2026, 12:35am"),
        # British Summer Time: 11:00 UTC is midday in London.
        (dt.datetime(2026, 6, 1, 11, 0, tzinfo=UTC), "1 June 2026, 12pm"),
        (dt.datetime(2026, 6, 1, 18, 5, tzinfo=ZoneInfo("Europe/London")), "1 June 2026, 6:05pm"),
        (dt.date(2026, 3, 9), "9 March 2026"),
    ],
)
def test_dates_and_times_read_like_gov_uk(value, text):
    assert format_datetime(value) == text


def test_times_and_money_read_like_gov_uk():
    assert format_time(dt.time(19, 0)) == "7pm"
    assert format_time(dt.time(0, 5)) == "12:05am"
    assert format_money(Decimal("32400.00")) == "£32,400"
    assert format_money(Decimal("0.5")) == "£0.50"


def test_the_history_table_shows_the_time_in_words():
    qr = QuarterlyReturnFactory()
    _submit(qr, OfficerFactory(), dt.datetime(2026, 12, 2, 0, 35, tzinfo=UTC))
    entries = history_entries(("Return", QuarterlyReturn.history.filter(id=qr.pk)))
    entries[0].when = dt.datetime(2026, 12, 2, 0, 35, 4, tzinfo=UTC)
    html = render_to_string("components/history.html", {"history": entries})
    assert ">2 December 2026, 12:35am</time>" in html
    assert "2 Dec 2026 00:35" not in html


def test_a_field_label_reads_as_words():
    from cpeg.core.audit import field_label
    from cpeg.funding.models import FundingApplication

    assert field_label(QuarterlyReturn, "submitted_by") == "Submitted by"
    assert field_label(FundingApplication, "no_such_field") == "No such field"
