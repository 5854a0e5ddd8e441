"""The return pages, the dashboard and the scorecard, through the test client."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, ManagerFactory, OfficerFactory
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn, ReturnLine
from cpeg.monitoring.services import line_field_key
from cpeg.monitoring.tests.factories import activity, complete_lines, group_sla, standard_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    """Pretend today is 1 October 2025 (Q2 2025/26 has just ended)."""
    day = dt.date(2025, 10, 1)
    monkeypatch.setattr("cpeg.monitoring.views._today", lambda: day)
    return day


@pytest.fixture
def camden(today):
    group = EngagementGroupFactory(borough=borough("camden"))
    group_sla(group, 2025, targets={"public-meetings": 6})
    standard_template(2024)
    activity(group, dt.date(2025, 5, 10))
    activity(group, dt.date(2025, 8, 15))
    return group


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


def _q2(group):
    return services.return_open(group=group, quarter=Quarter(2025, 2), today=dt.date(2025, 10, 1))


def test_visiting_the_returns_page_after_the_quarter_opens_the_missing_returns(client, camden, admin):
    client.force_login(admin)
    response = client.get(reverse("monitoring:return-list", kwargs={"pk": camden.pk}))
    assert response.status_code == 200
    # 2024/25 Q4, 2025/26 Q1 and Q2.
    assert QuarterlyReturn.objects.filter(group=camden).count() == 3
    assert b"Q2 2025/26" in response.content
    assert b"Q4 2024/25" in response.content


def test_a_group_never_sees_another_groups_returns(client, camden):
    qr = _q2(camden)
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    client.force_login(GroupAdminFactory(group=hackney))
    for name in ("return-detail", "return-edit", "return-review"):
        assert client.get(reverse(f"monitoring:{name}", kwargs={"pk": qr.pk})).status_code == 404
    assert client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk})).status_code == 404
    assert client.get(reverse("monitoring:return-list", kwargs={"pk": camden.pk})).status_code == 404
    assert client.get(reverse("monitoring:scorecard", kwargs={"pk": camden.pk})).status_code == 404


def _answers(qr, **overrides):
    data = {"version": qr.version, "action": "save"}
    for line in qr.lines.all():
        data[line_field_key(line, "rag")] = line.rag or Rag.GREEN
        data[line_field_key(line, "progress")] = "On plan"
    data.update(overrides)
    return data


def test_the_group_fills_in_and_submits_the_return_in_one_go(client, camden, admin):
    qr = _q2(camden)
    client.force_login(admin)
    url = reverse("monitoring:return-edit", kwargs={"pk": qr.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Pro-rata target" in page.content
    response = client.post(url, _answers(qr, action="submit"))
    assert response.status_code == 302
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.SUBMITTED
    detail = client.get(qr.get_absolute_url())
    assert b"cannot be changed" in detail.content
    # Editing a submitted return: refused with a message, nothing changes.
    again = client.post(url, _answers(qr, action="save"), follow=True)
    assert b"This return has been submitted, so it cannot be changed." in again.content
    qr.refresh_from_db()
    assert qr.version == 3


def test_an_override_without_a_reason_shows_the_error_on_the_line_and_saves_nothing(client, camden, admin):
    qr = _q2(camden)
    meetings = qr.lines.get(output_code="public-meetings")  # 2 of 3: amber suggested
    client.force_login(admin)
    data = _answers(qr, **{line_field_key(meetings, "rag"): Rag.GREEN})
    response = client.post(reverse("monitoring:return-edit", kwargs={"pk": qr.pk}), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert (
        "Enter why Hold at least 4 public meetings/events per annum is green when the figures suggest amber" in content
    )
    assert f'href="#id_{line_field_key(meetings, "rag_override_reason")}"' in content
    assert qr.lines.filter(progress="On plan").count() == 0


def test_submitting_with_empty_lines_lists_each_line(client, camden, admin):
    qr = _q2(camden)
    client.force_login(admin)
    response = client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk}), {"version": qr.version})
    assert response.status_code == 400
    content = response.content.decode()
    assert "The return has not been submitted." in content
    assert "Select a RAG status for Sign up to SLA and take part in quarterly monitoring process" in content
    assert "Enter the progress on Publish and disseminate at least 4 newsletters" in content
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.DRAFT


def test_a_stale_form_is_refused_with_the_edit_conflict_message(client, camden, admin):
    qr = _q2(camden)
    client.force_login(admin)
    url = reverse("monitoring:return-edit", kwargs={"pk": qr.pk})
    assert client.post(url, _answers(qr)).status_code == 302
    response = client.post(url, _answers(qr, version=1))
    assert response.status_code == 400
    assert b"Someone else changed this record" in response.content


def test_an_officer_returns_a_return_with_comments_and_then_accepts_the_resubmission(client, camden, admin):
    qr = _q2(camden)
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin)
    officer = OfficerFactory()
    client.force_login(officer)
    url = reverse("monitoring:return-review", kwargs={"pk": qr.pk})
    response = client.post(url, {"decision": "return", "officer_comments": "", "version": 2})
    assert response.status_code == 400
    assert b"Enter your comments for the group" in response.content
    assert client.post(url, {"decision": "return", "officer_comments": "Add detail", "version": 2}).status_code == 302
    client.force_login(admin)
    detail = client.get(qr.get_absolute_url())
    assert b"Add detail" in detail.content
    qr.refresh_from_db()
    assert (
        client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk}), {"version": qr.version}).status_code
        == 302
    )
    client.force_login(officer)
    assert client.post(url, {"decision": "accept", "version": qr.version + 1}).status_code == 302
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.ACCEPTED
    page = client.get(qr.get_absolute_url()).content.decode()
    for event in ("opened", "submitted", "returned to the group with comments", "resubmitted", "accepted"):
        assert event in page


def test_a_manager_changes_the_settings_and_bad_numbers_are_refused(client):
    client.force_login(ManagerFactory())
    url = reverse("monitoring:settings")
    response = client.post(url, {"deadline_working_days": "0", "reminder_working_days_before": "x", "version": 1})
    assert response.status_code == 400
    assert b"The number of working days must be 1 or more" in response.content
    assert b"must be a whole number, like 5" in response.content
    ok = client.post(url, {"deadline_working_days": "20", "reminder_working_days_before": "3", "version": 1})
    assert ok.status_code == 302
    assert MonitoringSettings.load().deadline_working_days == 20


# --- Dashboard and scorecard -------------------------------------------------------------


def _build(n_groups: int, start: int = 0):
    """n groups with SLAs for two years, returns in every state, activities, support and barriers."""
    officer = OfficerFactory()
    slugs = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham", "greenwich", "barnet"]
    groups = []
    for slug in slugs[start : start + n_groups]:
        group = EngagementGroupFactory(borough=borough(slug))
        admin = GroupAdminFactory(group=group)
        for year in (2024, 2025):
            group_sla(group, year)
        for month in (5, 6, 8, 9):
            activity(group, dt.date(2025, month, 3))
            activity(group, dt.date(2024, month, 3), "newsletters")
        for quarter in (Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2)):
            qr = services.return_open(group=group, quarter=quarter, today=dt.date(2025, 10, 1))
            complete_lines(qr, barriers="No venue", support_requested="Need a venue")
            services.return_submit(quarterly_return=qr, actor=admin)
            if quarter.number != 2:
                services.return_accept(quarterly_return=qr, actor=officer)
        groups.append(group)
    return groups


def test_the_dashboard_flags_late_returned_behind_support_and_barriers(client, today):
    camden, hackney = _build(2)
    officer = OfficerFactory()
    # Hackney's Q2 was sent back.
    q2 = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    services.return_send_back(quarterly_return=q2, actor=officer, comments="More please")
    client.force_login(officer)
    response = client.get(reverse("monitoring:dashboard"), {"year": "2025"})
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
    assert camden_row.behind_live[0].url == (
        reverse("activities:activity-list", kwargs={"pk": camden.pk}) + "?year=2025&type=newsletter"
    )
    assert [c.label for c in rows[hackney.name].returned] == ["Returned for changes"]
    assert board.totals["returned"] == 1
    assert board.totals["awaiting_review"] == 1

    # Marking support as provided takes it off the dashboard.
    line = camden_row.support[0]
    url = reverse("monitoring:support-provided", kwargs={"pk": line.line_id})
    version = ReturnLine.objects.get(pk=line.line_id).version
    assert client.post(url, {"support_given": "Found a hall", "version": version}).status_code == 302
    board = client.get(reverse("monitoring:dashboard"), {"year": "2025"}).context["board"]
    assert len({r.group_name: r for r in board.rows}[camden.name].support) == 14


def test_a_draft_past_its_due_date_is_late_on_the_dashboard(client, camden, today, monkeypatch):
    _q2(camden)
    late_day = dt.date(2025, 10, 22)
    monkeypatch.setattr("cpeg.monitoring.views._today", lambda: late_day)
    client.force_login(OfficerFactory())
    board = client.get(reverse("monitoring:dashboard")).context["board"]
    row = board.rows[0]
    assert [c.quarter.label for c in row.late] == ["Q1 2025/26", "Q2 2025/26"]  # Q1 never opened, Q2 draft


def test_link_members_see_the_dashboard_for_their_boroughs_only(client, today):
    _build(3)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden"), borough("islington")]))
    board = client.get(reverse("monitoring:dashboard"), {"year": "2025"}).context["board"]
    assert sorted(r.borough_name for r in board.rows) == ["Camden", "Islington"]


def test_the_scorecard_shows_every_quarter_side_by_side(client, today):
    (camden,) = _build(1)
    client.force_login(OfficerFactory())
    response = client.get(reverse("monitoring:scorecard", kwargs={"pk": camden.pk}), {"year": "2025"})
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
        groups = _build(size, start)
        client.force_login(officer)
        if view == "dashboard":
            url, params = reverse("monitoring:dashboard"), {"year": "2025"}
        else:
            url, params = reverse("monitoring:scorecard", kwargs={"pk": groups[-1].pk}), {"year": "2025"}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_the_returns_list_and_a_return_page_run_a_fixed_number_of_queries(client, today, django_assert_max_num_queries):
    (camden,) = _build(1)
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(16):
        assert client.get(reverse("monitoring:return-list", kwargs={"pk": camden.pk})).status_code == 200
    qr = QuarterlyReturn.objects.filter(group=camden).order_by("-financial_year", "-quarter").first()
    with django_assert_max_num_queries(20):
        assert client.get(qr.get_absolute_url()).status_code == 200


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

    response = client.get(reverse("monitoring:dashboard"), {"year": "2025"})
    rows = {r.group_name: r for r in response.context["board"].rows}
    flag = "Overspend on Venue and facilities: £4,000.00 spent against £2,500.00 budgeted to Q1"
    assert [str(note) for note in rows[camden.name].spend_flags] == [flag]
    spend_url = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2025, "quarter": 1})
    assert rows[camden.name].spend_flags[0].url == spend_url
    assert rows[hackney.name].spend_flags == []
    html = response.content.decode()
    assert f'<a class="govuk-link" href="{spend_url}">{flag}</a>' in html
    assert "Publicity" not in html

    board = client.get(reverse("monitoring:dashboard"), {"year": "2024"}).context["board"]
    rows = {r.group_name: r for r in board.rows}
    assert [str(note) for note in rows[camden.name].spend_flags] == [
        "Overspend on Publicity and newsletters: £15,000.00 spent against £5,000.00 budgeted to Q1"
    ]


def test_the_return_page_has_a_spend_section_linking_to_the_quarters_spend_report(client, camden, admin):
    from decimal import Decimal

    from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory

    award = AwardFactory(
        group=camden, funding_round=FundingRoundFactory(financial_year=2025, decided=True), amount=Decimal("40000")
    )
    BudgetLineFactory(application=award.application, category="staffing", amount=Decimal("40000"))
    qr = _q2(camden)
    client.force_login(admin)
    html = client.get(qr.get_absolute_url()).content.decode()
    assert "Spend to date by budget category" in html
    assert reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2025, "quarter": 2}) in html
    assert "Report this quarter's spend" in html
    # Half the year gone: half of the £40,000 staffing budget is the budget to date.
    assert "£20,000.00" in html


def test_without_an_award_the_return_says_there_is_no_spend_to_report(client, camden, admin):
    qr = _q2(camden)
    client.force_login(admin)
    assert "there is no spend to report" in client.get(qr.get_absolute_url()).content.decode()


# --- Live figures: judged against the last quarter to end ----------------------------------


def _live(group, day: dt.date):
    """(code, count, pro-rata target, RAG) of the group's outputs flagged live on ``day``."""
    from cpeg.monitoring import selectors

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
    qr = _q2(camden)
    assert qr.lines.get(output_code="public-meetings").annual_target == 6
    assert _live(camden, dt.date(2025, 10, 1))[1] == [("newsletters", 0, "2.00", Rag.RED)]
    sla_services.group_sla_sign(sla=draft, actor=chair_user(group=camden), loaded_version=draft.version)
    services.return_refresh_figures(quarterly_return=qr)
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
    q2 = _q2(camden)
    complete_lines(q2)
    services.return_submit(quarterly_return=q2, actor=admin)  # the latest return asks for nothing
    officer = OfficerFactory()
    client.force_login(officer)
    url = reverse("monitoring:dashboard")
    board = client.get(url, {"year": "2025"}).context["board"]
    (item,) = board.rows[0].support
    assert (item.line_id, item.quarter, item.return_url) == (meetings.pk, Quarter(2025, 1), q1.get_absolute_url())
    assert board.totals["support"] == 1
    html = client.get(url, {"year": "2025"}).content.decode()
    assert f'href="{q1.get_absolute_url()}#line-{meetings.pk}"' in html
    services.support_mark_provided(line=meetings, actor=officer, support_given="Booked the library hall")
    assert client.get(url, {"year": "2025"}).context["board"].rows[0].support == []


def test_support_asked_for_in_a_draft_is_not_on_the_dashboard_until_submitted(client, camden, today):
    qr = _q2(camden)
    qr.lines.filter(output_code="newsletters").update(support_requested="Printing costs")
    client.force_login(OfficerFactory())
    assert client.get(reverse("monitoring:dashboard"), {"year": "2025"}).context["board"].rows[0].support == []


# --- Filters behind the summary figures -----------------------------------------------------


def test_each_summary_figure_links_to_the_groups_behind_it(client, today):
    camden, hackney, islington = _build(3)
    officer = OfficerFactory()
    q2 = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    services.return_send_back(quarterly_return=q2, actor=officer, comments="More please")
    # No returns opened: Q1 (due 21 July) is late, Q2 (due 21 October) is due.
    lambeth = EngagementGroupFactory(borough=borough("lambeth"))
    client.force_login(officer)
    url = reverse("monitoring:dashboard")
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
        _build(size, start)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("monitoring:dashboard"), {"year": "2025", "show": show}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


# --- The support page's return address ------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    ["/\\evil.example/", "//evil.example/", "https://evil.example/monitoring/", "javascript:alert(1)", "\\\\evil"],
)
def test_the_support_page_never_sends_the_officer_to_another_site(client, camden, admin, next_url):
    qr = _q2(camden)
    complete_lines(qr, support_requested="Need a venue")
    services.return_submit(quarterly_return=qr, actor=admin)
    line = qr.lines.first()
    client.force_login(OfficerFactory())
    url = reverse("monitoring:support-provided", kwargs={"pk": line.pk}) + "?" + urlencode({"next": next_url})
    page = client.get(url)
    assert page.context["cancel_url"] == qr.get_absolute_url()
    response = client.post(url, {"support_given": "Found a hall", "version": line.version})
    assert response.status_code == 302
    assert response["Location"] == qr.get_absolute_url()


def test_the_support_page_returns_to_the_dashboard_page_it_came_from(client, camden, admin):
    qr = _q2(camden)
    complete_lines(qr, support_requested="Need a venue")
    services.return_submit(quarterly_return=qr, actor=admin)
    line = qr.lines.first()
    client.force_login(OfficerFactory())
    back = "/monitoring/?year=2025&show=support&page=2"
    url = reverse("monitoring:support-provided", kwargs={"pk": line.pk}) + "?" + urlencode({"next": back})
    response = client.post(url, {"support_given": "Found a hall", "version": line.version})
    assert response["Location"] == back


def test_a_return_first_submitted_after_its_due_date_is_marked_late_on_the_dashboard(client, camden, admin):
    qr = _q2(camden)  # due Tue 21 October 2025
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin, at=dt.datetime(2025, 10, 22, 9, tzinfo=dt.UTC))
    client.force_login(OfficerFactory())
    board = client.get(reverse("monitoring:dashboard"), {"year": "2025"}).context["board"]
    assert [(c.quarter.number, c.late) for c in board.rows[0].cells] == [(1, False), (2, True), (3, False), (4, False)]
