"""The early-warning dashboard and the scorecard, through the test client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine
from cpeg.monitoring.tests.factories import (
    activity,
    camden_with_activities,
    complete_lines,
    groups_with_returns,
    q2_return,
)
from cpeg.reporting.monitoring import selectors

pytestmark = pytest.mark.django_db


def _pretend_today(monkeypatch, day: dt.date) -> None:
    for module in ("cpeg.monitoring.views", "cpeg.reporting.monitoring.views"):
        monkeypatch.setattr(f"{module}._today", lambda: day)


@pytest.fixture
def today(monkeypatch):
    """Pretend today is 1 October 2025 (Q2 2025/26 has just ended)."""
    day = dt.date(2025, 10, 1)
    _pretend_today(monkeypatch, day)
    return day


@pytest.fixture
def camden(today):
    return camden_with_activities()


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


def test_the_dashboard_flags_late_returned_behind_support_and_barriers(client, today):
    camden, hackney = groups_with_returns(2)
    officer = OfficerFactory()
    # Hackney's Q2 was sent back.
    q2 = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    services.return_send_back(quarterly_return=q2, actor=officer, comments="More please")
    client.force_login(officer)
    response = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"})
    assert response.status_code == 200
    board = response.context["board"]
    rows = {r.group_name: r for r in board.rows}
    camden_row = rows[camden.name]
    # Barriers on every line in 2024/25 Q4, Q1 and Q2: a run of three quarters per output.
    assert [q.label for q in camden_row.barriers[0].quarters] == ["Q4 2024/25", "Q1 2025/26", "Q2 2025/26"]
    # Support asked for on every line (5) of each of the year's reported returns (2024/25 Q4,
    # Q1 and Q2), none resolved yet: 15, oldest first, each linking to its own return.
    assert len(camden_row.support) == 15
    assert [s.quarter.label for s in camden_row.support[::5]] == ["Q4 2024/25", "Q1 2025/26", "Q2 2025/26"]
    q4 = QuarterlyReturn.objects.get(group=camden, financial_year=2024, quarter=4)
    assert camden_row.support[0].return_url == q4.get_absolute_url()
    # Live, to 1 Oct 2025 against the pro-rata targets to the end of Q2 (the last quarter to
    # end): 4 meetings of 2 -> on track; annual report 0 of 0.5 -> amber (not flagged);
    # newsletters 0 of 2 -> red.
    assert [(f.code, f.count, str(f.target), f.rag) for f in camden_row.behind_live] == [
        ("newsletters", 0, "2.00", Rag.RED),
    ]
    # The count links to exactly the activities it counted: newsletters held 1 April to today.
    assert camden_row.behind_live[0].count_url == (
        reverse("activities:activity-list", kwargs={"pk": camden.pk})
        + "?output=newsletters&from=2025-04-01&to=2025-10-01&when=held"
    )
    assert [c.label for c in rows[hackney.name].returned] == ["Returned for changes"]
    assert board.totals["returned"] == 1
    assert board.totals["awaiting_review"] == 1

    # Marking support as provided takes it off the dashboard.
    line = camden_row.support[0]
    url = reverse("monitoring:support-provided", kwargs={"pk": line.line_id})
    version = ReturnLine.objects.get(pk=line.line_id).version
    assert client.post(url, {"support_given": "Found a hall", "version": version}).status_code == 302
    board = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"}).context["board"]
    assert len({r.group_name: r for r in board.rows}[camden.name].support) == 14


def test_a_draft_past_its_due_date_is_late_on_the_dashboard(client, camden, today, monkeypatch):
    q2_return(camden)
    late_day = dt.date(2025, 10, 22)
    _pretend_today(monkeypatch, late_day)
    client.force_login(OfficerFactory())
    board = client.get(reverse("reporting:monitoring-dashboard")).context["board"]
    row = board.rows[0]
    assert [c.quarter.label for c in row.late] == ["Q1 2025/26", "Q2 2025/26"]  # Q1 never opened, Q2 draft


def test_link_members_see_the_dashboard_for_their_boroughs_only(client, today):
    groups_with_returns(3)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden"), borough("islington")]))
    board = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"}).context["board"]
    assert sorted(r.borough_name for r in board.rows) == ["Camden", "Islington"]


def test_the_scorecard_shows_every_quarter_side_by_side(client, today):
    (camden,) = groups_with_returns(1)
    client.force_login(OfficerFactory())
    response = client.get(reverse("reporting:monitoring-scorecard", kwargs={"pk": camden.pk}), {"year": "2025"})
    card = response.context["card"]
    meetings = next(r for r in card.rows if r.code == "public-meetings")
    cells = [
        (c.quarter.number, c.count, str(c.target) if c.target is not None else None, c.rag, c.source)
        for c in meetings.cells
    ]
    # Meetings on 3 May, 3 Jun (Q1), 3 Aug, 3 Sep (Q2); target 4: 1, 2, 3, 4.
    assert cells == [
        (1, 2, "1.00", Rag.GREEN, "return"),
        (2, 4, "2.00", Rag.GREEN, "return"),
        (3, 4, "3.00", Rag.GREEN, "live"),
        (4, None, "4.00", "", ""),
    ]
    assert [q.status_label for q in card.quarters] == ["Accepted", "Submitted", "", ""]


@pytest.mark.parametrize("view", ["dashboard", "scorecard"])
def test_the_dashboard_and_scorecard_run_a_fixed_number_of_queries(client, today, django_assert_num_queries, view):
    officer = OfficerFactory()
    counts = []
    for size, start in ((1, 0), (4, 1)):
        groups = groups_with_returns(size, start)
        client.force_login(officer)
        if view == "dashboard":
            url, params = reverse("reporting:monitoring-dashboard"), {"year": "2025"}
        else:
            url, params = reverse("reporting:monitoring-scorecard", kwargs={"pk": groups[-1].pk}), {"year": "2025"}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def _award_with_spend(group, funding_round, amount, budget, q1_spend):
    """An award with its budget lines (category -> pounds) and the group's
    submitted Q1 spend (category -> pounds), through the funding services."""
    from cpeg.funding import services as funding_services
    from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory

    award = AwardFactory(group=group, funding_round=funding_round, amount=Decimal(amount))
    for category, value in budget.items():
        BudgetLineFactory(application=award.application, category=category, amount=Decimal(value))
    funding_services.spend_report_save(
        award=award,
        quarter=1,
        actor=GroupAdminFactory(group=group),
        amounts=q1_spend,
        submit=True,
        loaded_version=0,
        today=Quarter(funding_round.financial_year, 2).starts_on,
    )
    return award


def test_spend_flags_from_funding_show_on_the_dashboard(client, camden, today):
    """Camden's 2025/26 award budgets £10,000 for the venue: £2,500 by the end
    of Q1, with a tolerance of £250 (10%). It spent £4,000 in Q1: an
    overspend. Its staffing (£7,500 of £30,000 to date) is on track, and so
    is Hackney (£7,600 of £7,500, within £750). Camden's 2024/25 overspend
    on publicity shows on that year's dashboard only."""
    from cpeg.funding.tests.factories import FundingRoundFactory

    hackney = EngagementGroupFactory(borough=borough("hackney"))
    this_year = FundingRoundFactory(financial_year=2025, decided=True)
    _award_with_spend(
        camden, this_year, "40000", {"staffing": "30000", "venue": "10000"}, {"staffing": "7500", "venue": "4000"}
    )
    _award_with_spend(hackney, this_year, "30000", {"venue": "30000"}, {"venue": "7600"})
    last_year = FundingRoundFactory(financial_year=2024, decided=True)
    _award_with_spend(camden, last_year, "20000", {"publicity": "20000"}, {"publicity": "15000"})
    client.force_login(OfficerFactory())

    response = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"})
    rows = {r.group_name: r for r in response.context["board"].rows}
    flag = "Overspend on Venue and facilities: £4,000.00 spent against £2,500.00 budgeted to Q1"
    assert [str(note) for note in rows[camden.name].spend_flags] == [flag]
    spend_url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2025, "quarter": 1})
    assert rows[camden.name].spend_flags[0].url == spend_url
    assert rows[hackney.name].spend_flags == []
    html = response.content.decode()
    assert f'<a class="govuk-link" href="{spend_url}">{flag}</a>' in html
    assert "Publicity" not in html

    board = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2024"}).context["board"]
    rows = {r.group_name: r for r in board.rows}
    assert [str(note) for note in rows[camden.name].spend_flags] == [
        "Overspend on Publicity and newsletters: £15,000.00 spent against £5,000.00 budgeted to Q1"
    ]


# --- Live figures: judged against the last quarter to end ----------------------------------


def _live(group, day: dt.date):
    """(code, count, pro-rata target, RAG) of the group's outputs flagged live on ``day``."""
    board = selectors.dashboard(user=OfficerFactory(), today=day)
    row = next(r for r in board.rows if r.group_id == group.pk)
    return board, [(f.code, f.count, str(f.target), f.rag) for f in row.behind_live]


def test_on_the_first_day_of_the_year_nothing_is_behind_on_the_activity_record(camden):
    """1 April 2025, no activities yet: the pro-rata target to the end of Q1
    would be 6 x 1/4 = 1.5 meetings, 0 of 1.5 red. But nothing is due until
    Q1 ends, so nothing is judged."""
    board, behind = _live(camden, dt.date(2025, 4, 1))
    assert behind == []
    assert board.live_quarter is None


def test_at_the_start_of_a_quarter_the_record_is_judged_against_the_quarter_that_ended(camden):
    """1 October 2025: meetings on 10 May and 15 August. Against the end of
    Q2 (6 x 2/4 = 3): 2 of 3 is amber (within one), not flagged; against Q3's
    4.5 it would be red. Newsletters: 0 of 4 x 2/4 = 2, red. Annual report:
    0 of 1 x 2/4 = 0.5, amber."""
    board, behind = _live(camden, dt.date(2025, 10, 1))
    assert behind == [("newsletters", 0, "2.00", Rag.RED)]
    assert board.live_quarter == Quarter(2025, 2)


def test_in_the_middle_of_a_quarter_activities_so_far_count_against_the_quarter_that_ended(camden):
    """15 November 2025: a newsletter on 3 November brings newsletters to 1
    of 2 (amber, within one); meetings stay 2 of 3 (amber). Nothing is red.
    Judged against Q3's targets both would be red (1 of 3; 2 of 4.5)."""
    activity(camden, dt.date(2025, 11, 3), "newsletters")
    board, behind = _live(camden, dt.date(2025, 11, 15))
    assert behind == []
    assert (board.live_quarter, board.live_to) == (Quarter(2025, 2), dt.date(2025, 11, 15))
    _, later = _live(camden, dt.date(2026, 1, 5))  # Q3 has ended: 2 of 4.5 meetings, 1 of 3 newsletters
    assert later == [("public-meetings", 2, "4.50", Rag.RED), ("newsletters", 1, "3.00", Rag.RED)]


def test_a_signed_slas_targets_apply_until_the_group_signs_a_variation(camden):
    """Camden signed for 6 meetings a year. An officer varies it to 10: a new
    draft version. Until the group signs it, returns and the dashboard keep
    using 6 (1 October 2025: 2 of 3 amber, where 2 of 5 would be red)."""
    from cpeg.agreements import services as sla_services
    from cpeg.agreements.models import GroupSla
    from cpeg.agreements.tests.factories import chair_user

    officer = OfficerFactory()
    signed = GroupSla.objects.get(group=camden, financial_year=2025)
    draft = sla_services.group_sla_output_vary(
        sla=signed,
        code="public-meetings",
        actor=officer,
        data={"measure": "count", "annual_target": 10, "reason": "Monthly in term time"},
        loaded_version=signed.version,
    )
    qr = q2_return(camden)
    assert qr.lines.get(output_code="public-meetings").annual_target == 6
    assert _live(camden, dt.date(2025, 10, 1))[1] == [("newsletters", 0, "2.00", Rag.RED)]
    sla_services.group_sla_sign(sla=draft, actor=chair_user(group=camden), loaded_version=draft.version)
    services.return_refresh_figures(quarterly_return=qr, actor=GroupAdminFactory(group=camden))
    meetings = qr.lines.get(output_code="public-meetings")
    assert (meetings.annual_target, meetings.pro_rata_target) == (10, Decimal("5.00"))
    assert ("public-meetings", 2, "5.00", Rag.RED) in _live(camden, dt.date(2025, 10, 1))[1]


# --- Support requests from every return of the year --------------------------------------


def test_support_asked_for_in_an_earlier_return_stays_on_the_dashboard_until_provided(client, camden, admin, today):
    q1 = services.return_open(group=camden, quarter=Quarter(2025, 1), today=today)
    complete_lines(q1)
    meetings = q1.lines.get(output_code="public-meetings")
    meetings.support_requested = "Help finding a venue in the north of the borough"
    meetings.save()
    services.return_submit(quarterly_return=q1, actor=admin)
    q2 = q2_return(camden)
    complete_lines(q2)
    services.return_submit(quarterly_return=q2, actor=admin)  # the latest return asks for nothing
    officer = OfficerFactory()
    client.force_login(officer)
    url = reverse("reporting:monitoring-dashboard")
    board = client.get(url, {"year": "2025"}).context["board"]
    (item,) = board.rows[0].support
    assert (item.line_id, item.quarter, item.return_url) == (meetings.pk, Quarter(2025, 1), q1.get_absolute_url())
    assert board.totals["support"] == 1
    html = client.get(url, {"year": "2025"}).content.decode()
    assert f'href="{q1.get_absolute_url()}#line-{meetings.pk}"' in html
    services.support_mark_provided(line=meetings, actor=officer, support_given="Booked the library hall")
    assert client.get(url, {"year": "2025"}).context["board"].rows[0].support == []


def test_support_asked_for_in_a_draft_is_not_on_the_dashboard_until_submitted(client, camden, today):
    qr = q2_return(camden)
    qr.lines.filter(output_code="newsletters").update(support_requested="Printing costs")
    client.force_login(OfficerFactory())
    assert (
        client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"}).context["board"].rows[0].support == []
    )


# --- Filters behind the summary figures -----------------------------------------------------


def test_each_summary_figure_links_to_the_groups_behind_it(client, today):
    camden, hackney, islington = groups_with_returns(3)
    officer = OfficerFactory()
    q2 = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    services.return_send_back(quarterly_return=q2, actor=officer, comments="More please")
    # No returns opened: Q1 (due 21 July) is late, Q2 (due 21 October) is due.
    lambeth = EngagementGroupFactory(borough=borough("lambeth"))
    client.force_login(officer)
    url = reverse("reporting:monitoring-dashboard")
    response = client.get(url, {"year": "2025"})
    html = response.content.decode()
    for show in ("attention", "due", "late", "returned", "review", "behind", "behind-return", "support", "barriers"):
        assert f'href="?year=2025&amp;show={show}"' in html, show

    def shown(show):
        board = client.get(url, {"year": "2025", "show": show}).context["board"]
        assert board.totals["groups"] == 4  # the totals always cover every group
        return sorted(r.group_name for r in board.rows)

    assert shown("returned") == [hackney.name]
    assert shown("review") == sorted([camden.name, islington.name])
    assert shown("due") == [lambeth.name]
    assert shown("late") == [lambeth.name]
    assert shown("support") == sorted([camden.name, hackney.name, islington.name])
    assert shown("barriers") == sorted([camden.name, hackney.name, islington.name])
    assert shown("behind") == sorted([camden.name, hackney.name, islington.name, lambeth.name])
    assert shown("nonsense") == sorted([camden.name, hackney.name, islington.name, lambeth.name])
    response = client.get(url, {"year": "2025", "show": "returned"})
    assert "Groups with returns sent back: 1 of 4." in response.content.decode()


@pytest.mark.parametrize("show", ["", "attention", "late", "support", "behind"])
def test_every_dashboard_filter_runs_the_same_fixed_number_of_queries(client, today, show):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = OfficerFactory()
    counts = []
    for size, start in ((1, 0), (4, 1)):
        groups_with_returns(size, start)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025", "show": show}).status_code == 200
            )
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_a_return_first_submitted_after_its_due_date_is_marked_late_on_the_dashboard(client, camden, admin):
    qr = q2_return(camden)  # due Tue 21 October 2025
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin, at=dt.datetime(2025, 10, 22, 9, tzinfo=dt.UTC))
    client.force_login(OfficerFactory())
    board = client.get(reverse("reporting:monitoring-dashboard"), {"year": "2025"}).context["board"]
    # Q1 was never opened and is past its due date (21 July): late too, in the same one sense.
    assert [(c.quarter.number, c.late) for c in board.rows[0].cells] == [(1, True), (2, True), (3, False), (4, False)]
    assert board.totals["late"] == 2


@pytest.mark.parametrize("year", ["0", "abc", "-1", "99999", "2025/27"])
def test_a_year_that_is_not_a_financial_year_shows_this_year(client, camden, year):
    """1 October 2025: this year is 2025/26, on the dashboard and the scorecard."""
    client.force_login(OfficerFactory())
    board = client.get(reverse("reporting:monitoring-dashboard"), {"year": year}).context["board"]
    assert board.year.start_year == 2025
    scorecard = reverse("reporting:monitoring-scorecard", kwargs={"pk": camden.pk})
    assert client.get(scorecard, {"year": year}).context["card"].year.start_year == 2025


def test_a_scorecard_for_a_group_that_does_not_exist_is_a_404(client, today):
    client.force_login(OfficerFactory())
    assert client.get(reverse("reporting:monitoring-scorecard", kwargs={"pk": 2_147_483_647})).status_code == 404


# --- The return page's spend section (from funding, through reporting) ------------------


def test_the_return_page_has_a_spend_section_linking_to_the_quarters_spend_report(client, camden, admin):
    from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory

    award = AwardFactory(
        group=camden, funding_round=FundingRoundFactory(financial_year=2025, decided=True), amount=Decimal("40000")
    )
    BudgetLineFactory(application=award.application, category="staffing", amount=Decimal("40000"))
    qr = q2_return(camden)
    client.force_login(admin)
    html = client.get(qr.get_absolute_url()).content.decode()
    assert "Spend to date by budget category" in html
    assert reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2025, "quarter": 2}) in html
    assert "Report this quarter's spend" in html
    # Half the year gone: half of the £40,000 staffing budget is the budget to date.
    assert "£20,000.00" in html


def test_without_an_award_the_return_says_there_is_no_spend_to_report(client, camden, admin):
    qr = q2_return(camden)
    client.force_login(admin)
    assert "there is no spend to report" in client.get(qr.get_absolute_url()).content.decode()
