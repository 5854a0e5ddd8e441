"""Quarterly returns end to end in a browser, with axe on every page: a group fills
in its return section by section from the task list, checks its answers and
submits it (the same journey as plain form posts, without JavaScript:
``monitoring/tests/test_sections.py``), an officer sends it back, the group
resubmits, the officer accepts; reminders go out; the early-warning dashboard and scorecard."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cpeg.core.fiscal import add_working_days
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring.models import QuarterlyReturn
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_database):
    # The pages read the (pinned) clock, so the demo is built as of that day.
    demo_database()


def _switch_to(page, live_server, username):
    """Sign out whoever is signed in, and sign in as ``username``."""
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def _camden_draft():
    camden = EngagementGroup.objects.get(borough__slug="camden")
    return camden, QuarterlyReturn.objects.filter(group=camden, status="draft").order_by("-financial_year", "-quarter")[
        0
    ]


def _fill_every_line(page):
    """Give every line without a status green, and every line some progress."""
    for name in page.eval_on_selector_all(
        "input[type=radio][name$='-rag']", "els => [...new Set(els.map(e => e.name))]"
    ):
        if not page.locator(f"input[name='{name}']:checked").count():
            page.locator(f"input[name='{name}'][value='green']").check()
    for area in page.locator("textarea[name$='-progress']").all():
        area.fill("Delivered as planned; details on the activity record.")


def _fill_each_section(page, count, *, override=None):
    """From the task list, open each section in turn, fill it in and save it;
    on the section holding ``override``'s line, first choose a status other
    than the suggestion without a reason (refused), then give the reason."""
    for n in range(count):
        page.locator("#return-sections a.govuk-task-list__link").nth(n).click()
        page.wait_for_load_state()
        assert_accessible(page)
        if override is not None and page.locator(f"input[name='line-{override.pk}-rag']").count():
            other = "red" if override.suggested_rag != "red" else "green"
            page.locator(f"input[name='line-{override.pk}-rag'][value='{other}']").check()
            page.get_by_role("button", name="Save and continue").click()
            page.wait_for_load_state()
            assert page.get_by_text(f"Enter why {override.output} is").first.is_visible()
            assert_accessible(page)
            page.locator(f"textarea[name='line-{override.pk}-rag_override_reason']").fill("A meeting was cancelled.")
        _fill_every_line(page)
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
        assert page.locator(f"#section-{n + 1}-status").inner_text().strip() == "Completed"


def test_a_return_goes_from_draft_to_accepted_with_reminders_and_the_dashboard(page, live_server, demo):
    camden, qr = _camden_draft()
    url = f"{live_server.url}/monitoring/returns/{qr.pk}/"

    # The group: returns list from the group's pages, then the draft.
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/groups/{camden.pk}/")
    page.get_by_role("link", name="Quarterly returns").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=f"{qr.period.label} return").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Fill in the return").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # The task list: one section per SLA heading, each with its status.
    assert page.get_by_role("heading", name=f"Fill in the return for {qr.period.label}").is_visible()
    sections = page.locator("#return-sections a.govuk-task-list__link")
    count = sections.count()
    assert count >= 2

    # Submitting from the check page with answers missing is refused, naming
    # each one, with a link to its section and field.
    page.get_by_role("link", name="Check your answers and submit").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the authority").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    errors = page.locator("#submit-errors a")
    assert errors.count() >= 2
    assert_accessible(page)
    errors.first.click()
    page.wait_for_load_state()
    assert "/sections/" in page.url
    assert "#id_line-" in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Back to the return's sections").click()
    page.wait_for_load_state()

    # Each section in turn; a status different from the suggestion needs a reason.
    first_counted = qr.lines.exclude(suggested_rag="").order_by("position").first()
    _fill_each_section(page, count, override=first_counted)
    assert page.locator("#sections-completed").inner_text() == f"You have completed {count} of {count} sections."
    assert_accessible(page)

    # Check your answers, change links back to each section, then submit.
    page.get_by_role("link", name="Check your answers and submit").click()
    page.wait_for_load_state()
    assert page.get_by_text("A meeting was cancelled.").first.is_visible()
    assert page.get_by_role("link", name=f"Change RAG status for {first_counted.output}").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the authority").click()
    page.wait_for_load_state()
    assert page.get_by_text("Return submitted to the authority").is_visible()
    assert page.get_by_text("cannot be changed").is_visible()
    assert_accessible(page)

    # An officer sends it back with comments, from the dashboard.
    _switch_to(page, live_server, "officer")
    visit(page, f"{live_server.url}/monitoring/")
    assert page.get_by_role("heading", name="Monitoring dashboard").is_visible()
    page.locator(f"#group-{camden.pk}").get_by_role("link", name=f"{camden.name} {qr.period.label}").click()
    page.wait_for_load_state()
    assert page.url == url
    page.get_by_role("link", name="Review this return").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Return it to the group for changes").check()
    page.get_by_role("button", name="Confirm decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter your comments for the group").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Return it to the group for changes").check()
    page.get_by_label("Comments for the group").fill("Please add dates for the next two newsletters.")
    page.get_by_role("button", name="Confirm decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Return sent back to the group with your comments").is_visible()

    # The group sees the comments and resubmits.
    _switch_to(page, live_server, "camden-admin")
    visit(page, url)
    assert page.get_by_text("Please add dates for the next two newsletters.", exact=True).is_visible()
    page.get_by_role("link", name="Check your answers and submit").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the authority").click()
    page.wait_for_load_state()
    assert page.get_by_text("Return submitted to the authority").is_visible()

    # The officer accepts; the history shows every step.
    _switch_to(page, live_server, "officer")
    visit(page, f"{url}review/")
    page.get_by_label("Accept the return").check()
    page.get_by_role("button", name="Confirm decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Return accepted").is_visible()
    for step in ("submitted", "returned to the group with comments", "resubmitted", "accepted"):
        assert page.get_by_role("cell", name=f"Return for {qr.period.label} {step}").first.is_visible()
    assert_accessible(page)
    qr.refresh_from_db()
    assert qr.status == "accepted"

    # Reminders: the working day after the deadline, every draft still open is chased.
    drafts = QuarterlyReturn.objects.filter(status="draft", financial_year=qr.financial_year, quarter=qr.quarter)
    assert drafts.exists()
    mail.outbox.clear()
    call_command(
        "send_return_reminders", today=add_working_days(qr.due_on, 1).isoformat(), stdout=open("/dev/null", "w")
    )
    assert len(mail.outbox) == drafts.count()
    assert all(m.subject.startswith("Overdue:") for m in mail.outbox)


def _total(page, name: str) -> int:
    """A summary figure (its link also carries words for screen readers)."""
    return int(page.locator(f"#total-{name}").inner_text().split()[0])


def test_the_dashboard_scorecard_and_support_follow_up_are_accessible(page, live_server, demo):
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/monitoring/")
    assert _total(page, "groups") == 32
    support = _total(page, "support")
    assert support >= 1
    assert _total(page, "barriers") >= 1
    # Each summary figure links to the groups behind it.
    page.locator("#total-support a").click()
    page.wait_for_load_state()
    assert "show=support" in page.url
    assert page.get_by_label("Show", exact=True).input_value() == "support"
    assert page.locator("#dashboard-count").inner_text().startswith("Groups with open requests for support:")
    assert page.locator("tbody tr[id^=group-]").count() >= 1
    assert_accessible(page)
    page.get_by_label("Show", exact=True).select_option("attention")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    assert "show=attention" in page.url
    assert_accessible(page)

    # Mark a support request as provided.
    page.get_by_role("link", name="Mark as provided").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as provided").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter the support the authority gave").first.is_visible()
    assert_accessible(page)
    page.get_by_label("What support did the authority give?").fill("An officer met the chair and found a venue.")
    page.get_by_role("button", name="Mark as provided").click()
    page.wait_for_load_state()
    assert page.get_by_text("Support marked as provided").is_visible()
    assert "/monitoring/" in page.url

    # Scorecard, linked from the dashboard.
    haringey = EngagementGroup.objects.get(borough__slug="haringey")
    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_role("link", name=f"{haringey.name} scorecard").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Scorecard for").is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/monitoring/groups/{haringey.pk}/scorecard/?year={timezone.localdate().year - 1}")

    # The manager's settings page.
    _switch_to(page, live_server, "manager")
    visit(page, f"{live_server.url}/monitoring/settings/")
    page.get_by_label("How many working days after a quarter ends is its return due?").fill("0")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("The number of working days must be 1 or more").first.is_visible()
    assert_accessible(page)

    # A link member sees their boroughs only.
    _switch_to(page, live_server, "link-member")
    visit(page, f"{live_server.url}/monitoring/")
    assert _total(page, "groups") == 2
    assert page.get_by_role("link", name="Camden Community and Police Engagement Group scorecard").is_visible()
    hackney = EngagementGroup.objects.get(borough__slug="hackney")
    response = page.goto(f"{live_server.url}/monitoring/groups/{hackney.pk}/scorecard/")
    assert response.status == 404
