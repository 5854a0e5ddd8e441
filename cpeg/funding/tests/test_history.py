"""Each funding record's page shows its history: who did what, when, and
every field that changed; a group never sees its assessment through it
before it may see its scores; the pages' queries do not grow with it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpeg.funding import services
from cpeg.funding.choices import BudgetCategory
from cpeg.funding.tests.factories import (
    AwardFactory,
    CriterionFactory,
    FundingRoundFactory,
    PaymentFactory,
    decided_round,
)

D = Decimal
pytestmark = pytest.mark.django_db


def _after_deadline(funding_round):
    """A day after the round's application deadline: it may be decided."""
    return funding_round.closes_on + dt.timedelta(days=1)


def _today():
    return timezone.localdate()


def _events(response):
    """(who, what) of each event on the page, oldest first."""
    return [(str(e.actor) if e.actor else "System", e.summary) for e in reversed(response.context["history"].events)]


def _changes(response, record_label_start=""):
    """(who, record, changes) of each field-level change on the page, oldest first."""
    return [
        (entry.who, entry.record_label, entry.changes)
        for entry in reversed(response.context["history"].changes)
        if entry.record_label.startswith(record_label_start)
    ]


def _date(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# --- The award page: payments, spend and the reconciliation -------------------------------


def _past_award(group):
    award = AwardFactory(
        group=group,
        amount=D("40000.00"),
        funding_round=decided_round(),
    )
    for number, due_on in ((1, dt.date(2024, 4, 1)), (2, dt.date(2024, 10, 1))):
        PaymentFactory(award=award, instalment=number, due_on=due_on, amount=D("20000.00"))
    return award


def test_the_award_page_shows_who_paid_who_reported_spend_and_who_reconciled(client, camden, camden_admin, officer):
    award = _past_award(camden)
    first = award.payments.get(instalment=1)
    client.force_login(officer)
    paid = client.post(reverse("funding:payment-paid", kwargs={"pk": first.pk}), _date("paid_on", dt.date(2024, 4, 3)))
    assert paid.status_code == 302
    client.force_login(camden_admin)
    spend = reverse("funding:spend-report", kwargs={"pk": camden.pk, "year": 2024, "quarter": 1})
    assert client.post(spend, {"version": "0", "spend_venue": "15000"}).status_code == 302
    check = reverse("funding:spend-report-check", kwargs={"pk": camden.pk, "year": 2024, "quarter": 1})
    assert client.post(check, {"version": str(award.spend_reports.get().version)}).status_code == 302
    client.force_login(officer)
    award.refresh_from_db()
    reconcile = reverse("funding:award-reconcile", kwargs={"pk": award.pk})
    assert client.post(reconcile, {"version": str(award.version), "return_amount": "5000"}).status_code == 302

    response = client.get(award.get_absolute_url())
    assert _events(response) == [
        (str(officer), "Paid instalment 1 of £20,000 on 3 April 2024"),
        (str(camden_admin), "Saved spend for Q1 2024/25: £15,000"),
        (str(camden_admin), "Submitted spend for Q1 2024/25: £15,000"),
        (str(officer), "Reconciled: paid £20,000, spent £15,000, £5,000 to be returned"),
    ]
    who, label, changes = _changes(response, "Payment: Instalment 1")[-1]
    assert (who, label) == (officer.get_full_name(), "Payment: Instalment 1: 20000.00")
    assert {("Status", "Scheduled", "Paid"), ("Paid on", "(blank)", "3 April 2024")} <= set(changes)
    who, _, changes = _changes(response, "Award")[-1]
    assert who == officer.get_full_name()
    assert ("Sum to be returned", "(blank)", "£5,000") in changes
    assert ("Total spent in the year", "(blank)", "£15,000") in changes
    spend_who, spend_label, _ = _changes(response, "Spend report")[0]
    assert (spend_who, spend_label) == (camden_admin.get_full_name(), f"Spend report: Spend {camden.name} Q1 2024/25")
    # The group sees the same history on its award page.
    client.force_login(camden_admin)
    html = client.get(award.get_absolute_url()).content.decode()
    assert "What happened to this award" in html
    assert "Paid instalment 1 of £20,000 on 3 April 2024" in html
    assert "Every change to this award, its payments and its spend reports" in html


def test_the_award_page_runs_the_same_queries_however_long_its_history(client, camden, camden_admin, officer):
    award = _past_award(camden)
    client.force_login(officer)
    url = award.get_absolute_url()
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for payment in award.payments.all():
        services.payment_mark_paid(payment=payment, actor=officer, paid_on=dt.date(2024, 4, 3))
    for quarter in (1, 2, 3):
        services.spend_report_save(
            award=award, quarter=quarter, actor=camden_admin, amounts={"venue": "9000"}, submit=True, loaded_version=0
        )
        services.spend_report_reopen(award=award, quarter=quarter, actor=officer, reason="Receipt missing")
        report = award.spend_reports.get(quarter=quarter)
        services.spend_report_save(
            award=award,
            quarter=quarter,
            actor=camden_admin,
            amounts={"venue": "9500"},
            submit=True,
            loaded_version=report.version,
        )
    award.refresh_from_db()
    services.award_reconcile(award=award, actor=officer, loaded_version=award.version)
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert len(response.context["history"].events) == 12
    assert len(response.context["history"].changes) > 15
    assert len(long.captured_queries) <= len(short.captured_queries)


# --- The round page: pot, cap, criteria and the decision ------------------------------------


def _round_form(funding_round, **changes):
    data = {
        "version": str(funding_round.version),
        "title": funding_round.title,
        "pot_amount": str(funding_round.pot_amount),
        "cap_amount": str(funding_round.cap_amount),
        "floor_amount": str(funding_round.floor_amount),
        "show_scores_to_groups": "on",
    }
    for name in ("opens_on", "closes_on", "assessment_ends_on", "decisions_on"):
        data.update(_date(name, getattr(funding_round, name)))
    data.update(changes)
    return data


def _application(funding_round, group, admin, amount="30000.00"):
    application = services.application_start(funding_round=funding_round, group=group, actor=admin)
    services.budget_line_add(
        application=application,
        actor=admin,
        data={"category": BudgetCategory.VENUE, "description": "Hall hire", "amount": D(amount)},
    )
    application.refresh_from_db()
    consulted = {
        role: (True, _today() - dt.timedelta(days=3), "Supportive")
        for role in ("borough_commander", "community_safety_manager", "link_member")
    }
    services.application_update(
        application=application,
        actor=admin,
        loaded_version=application.version,
        data={"work_programme_summary": "Four public meetings", "priorities": "Youth", "consultations": consulted},
    )
    application.refresh_from_db()
    return application


def _moderated(funding_round, group, admin, officer, moderator, amount="30000.00"):
    application = _application(funding_round, group, admin, amount)
    services.application_submit(application=application, actor=admin)
    services.application_assess(
        application=application,
        actor=officer,
        scores={c.pk: 4 for c in funding_round.criteria.all()},
        comments="A strong record of delivery",
        recommended_amount=D(amount),
    )
    services.application_moderate(application=application, actor=moderator, comments="Agreed with the assessor")
    application.refresh_from_db()
    return application


def test_the_round_page_shows_changes_to_the_pot_cap_criteria_and_the_decision(
    client, camden, camden_admin, officer, manager
):
    funding_round = FundingRoundFactory()
    client.force_login(manager)
    edit = reverse("funding:round-edit", kwargs={"pk": funding_round.pk})
    response = client.post(edit, _round_form(funding_round, pot_amount="1500000", cap_amount="45000"))
    assert response.status_code == 302
    add = reverse("funding:criterion-add", kwargs={"pk": funding_round.pk})
    assert client.post(add, {"title": "Delivery last year", "weight": "30"}).status_code == 302
    application = _moderated(funding_round, camden, camden_admin, officer, manager)
    funding_round.refresh_from_db()
    services.allocation_save(funding_round=funding_round, actor=manager, awards={application.pk: D("30000")})
    services.allocation_decide(funding_round=funding_round, actor=manager, today=_after_deadline(funding_round))

    client.force_login(officer)
    response = client.get(funding_round.get_absolute_url())
    assert _events(response) == [
        (str(manager), "Changed total available (the pot) and most any group may be awarded (the cap)"),
        (str(manager), "Added criterion Delivery last year (weight 30) to " + funding_round.title),
        (str(manager), "Set awards for 1 group"),
        (str(manager), f"Decided {funding_round.title}: 1 awards totalling £30,000 of a pot of £1,500,000"),
    ]
    who, label, changes = _changes(response, "Round")[1]
    assert (who, label) == (manager.get_full_name(), f"Round: {funding_round.title}")
    assert sorted(changes) == [
        ("Most any group may be awarded (the cap)", "£50,000", "£45,000"),
        ("Total available (the pot)", "£1,600,000", "£1,500,000"),
    ]
    assert ("Status", "Open", "Decided") in _changes(response, "Round")[-1][2]
    assert (manager.get_full_name(), "Criterion: Delivery last year", []) in _changes(response, "Criterion")
    html = response.content.decode()
    assert "What happened to this round" in html
    assert "Every change to this round and its criteria" in html


def test_the_round_page_runs_the_same_queries_however_long_its_history(client, manager, officer):
    funding_round = FundingRoundFactory()
    criterion = CriterionFactory(funding_round=funding_round, title="Delivery", weight=10)
    client.force_login(officer)
    url = funding_round.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for n in range(1, 6):
        funding_round.refresh_from_db()
        services.round_update(
            funding_round=funding_round,
            actor=manager,
            data={"pot_amount": D("1600000") - n, "title": f"Round {n}"},
            loaded_version=funding_round.version,
        )
        services.criterion_add(funding_round=funding_round, actor=manager, data={"title": f"Aim {n}", "weight": n})
        criterion.refresh_from_db()
        services.criterion_update(
            criterion=criterion, actor=manager, data={"weight": 10 + n}, loaded_version=criterion.version
        )
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert len(response.context["history"].events) == 15
    assert len(long.captured_queries) <= len(short.captured_queries)


# --- The application page: status changes, and what a group may see --------------------------


def _through_the_round(funding_round, group, admin, officer, second_officer, manager, *, decide):
    """Start, submit, be reopened, submit again, be assessed and moderated,
    and (with ``decide``) be awarded £30,000."""
    application = _application(funding_round, group, admin)
    services.application_submit(application=application, actor=admin)
    services.application_reopen(application=application, actor=manager, reason="Treasurer was ill")
    application.refresh_from_db()
    services.application_submit(application=application, actor=admin)
    services.application_assess(
        application=application,
        actor=officer,
        scores={c.pk: 4 for c in funding_round.criteria.all()},
        comments="A strong record of delivery",
        recommended_amount=D("31000"),
    )
    services.application_moderate(
        application=application, actor=second_officer, comments="Trim the venue", moderated_amount=D("30000")
    )
    if decide:
        funding_round.refresh_from_db()
        services.allocation_save(funding_round=funding_round, actor=manager, awards={application.pk: D("30000")})
        services.allocation_decide(funding_round=funding_round, actor=manager, today=_after_deadline(funding_round))
    application.refresh_from_db()
    return application


def _statuses(response):
    return [
        (old, new)
        for entry in reversed(response.context["history"].changes)
        for label, old, new in entry.changes
        if label == "Status"
    ]


def test_the_application_page_shows_each_status_change_and_who_made_it(
    client, camden, camden_admin, officer, second_officer, manager, open_round
):
    application = _through_the_round(open_round, camden, camden_admin, officer, second_officer, manager, decide=True)
    client.force_login(officer)
    response = client.get(application.get_absolute_url())
    events = _events(response)
    assert (str(camden_admin), f"Started an application for {open_round}") == events[0]
    assert [e for e in events if not e[1].startswith(("Changed", "Added", "Started"))] == [
        (str(camden_admin), f"Submitted the application for {open_round}"),
        (str(manager), events[4][1]),
        (str(camden_admin), f"Submitted the application for {open_round}"),
        (str(officer), "Assessed; recommended £31,000"),
        (str(second_officer), "Moderated; recommendation £30,000 (assessor recommended £31,000)"),
        (str(manager), f"Awarded £30,000 for {open_round}"),
    ]
    assert events[4][1].startswith("Reopened the application; it may be submitted until ")
    assert _statuses(response) == [
        ("Draft", "Submitted"),
        ("Submitted", "Draft"),
        ("Draft", "Submitted"),
        ("Submitted", "Assessed"),
        ("Assessed", "Moderated"),
        ("Moderated", "Decided"),
    ]
    assert any(entry.record_label.startswith("Assessment of") for entry in response.context["history"].changes)
    assert any(label == "Award" for _, _, changes in _changes(response) for label, _, _ in changes)
    html = response.content.decode()
    assert "What happened to this application" in html
    assert "Assessed; recommended £31,000" in html


@pytest.mark.parametrize(
    ("decide", "show_scores", "sees"),
    [
        (False, True, False),  # not decided yet
        (True, False, False),  # decided, but the round hides scores from groups
        (True, True, True),
    ],
)
def test_a_group_sees_the_assessment_in_the_history_only_when_it_may_see_its_scores(
    client, camden, camden_admin, officer, second_officer, manager, decide, show_scores, sees
):
    funding_round = FundingRoundFactory(show_scores_to_groups=show_scores)
    CriterionFactory(funding_round=funding_round, title="Delivery last year", weight=30)
    application = _through_the_round(
        funding_round, camden, camden_admin, officer, second_officer, manager, decide=decide
    )
    client.force_login(camden_admin)
    response = client.get(application.get_absolute_url())
    html = response.content.decode()
    summaries = [what for _, what in _events(response)]
    changes = response.context["history"].changes
    assert (f"Submitted the application for {funding_round}" in summaries) is True
    assert any(s.startswith("Reopened the application") for s in summaries)
    assert ("Assessed; recommended £31,000" in summaries) is sees
    assert ("Assessed; recommended £31,000" in html) is sees
    assert ("Moderated; recommendation £30,000 (assessor recommended £31,000)" in html) is sees
    assert any(entry.record_label.startswith("Assessment of") for entry in changes) is sees
    assert ("A strong record of delivery" in html) is sees
    assert any(label == "Award" for _, _, c in _changes(response) for label, _, _ in c) is sees
    statuses = _statuses(response)
    if sees:
        assert ("Submitted", "Assessed") in statuses
    else:
        # The internal stages read "Submitted", as the status does.
        assert all("Assessed" not in pair and "Moderated" not in pair for pair in statuses)
        assert statuses == [("Draft", "Submitted"), ("Submitted", "Draft"), ("Draft", "Submitted")] + (
            [("Submitted", "Decided")] if decide else []
        )
    if decide:
        assert f"Awarded £30,000 for {funding_round}" in summaries


def test_the_application_page_runs_the_same_queries_however_long_its_history(client, camden, camden_admin, open_round):
    application = services.application_start(funding_round=open_round, group=camden, actor=camden_admin)
    client.force_login(camden_admin)
    url = application.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for n in range(8):
        line = services.budget_line_add(
            application=application,
            actor=camden_admin,
            data={"category": BudgetCategory.VENUE, "description": f"Hall {n}", "amount": D("100") + n},
        )
        services.budget_line_update(
            line=line,
            actor=camden_admin,
            data={"category": BudgetCategory.MEETINGS, "description": f"Meeting {n}", "amount": D("200")},
            loaded_version=line.version,
        )
        if n % 2:
            services.budget_line_delete(line=line, actor=camden_admin)
        support = services.other_support_add(
            application=application,
            actor=camden_admin,
            data={"kind": "in_kind", "provider": f"Council {n}", "description": "Rent"},
        )
        if n % 2:
            services.other_support_delete(support=support, actor=camden_admin)
        application.refresh_from_db()
        services.application_update(
            application=application,
            actor=camden_admin,
            data={"priorities": f"Priority {n}"},
            loaded_version=application.version,
        )
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    history = response.context["history"]
    assert len(history.events) > 40
    assert len(history.changes) > 40
    assert len(long.captured_queries) <= len(short.captured_queries)
