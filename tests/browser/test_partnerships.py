"""The newer consultations pages in a browser, axe on every page, each
form filled and sent from the keyboard alone: a manager sets up a partner
programme, Camden's administrator records what the borough commander
reported at a public meeting (Policing Pledge) and a meeting of Camden's
CDRP with who attended for the CPEG."""

import datetime as dt

import pytest

from cpeg.consultations.models import CdrpMeeting, PartnerProgramme, PledgeReport
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_database, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_database(["groups", "accounts"])


def _focused(page) -> str:
    """What has the keyboard focus: its accessible label, or its text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return "";
            const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
            return (label || el.innerText || el.value || "").trim();
        }"""
    )


def _tab_to(page, text: str, *, limit: int = 80) -> None:
    """Press Tab until the element whose label (or text) starts with
    ``text`` has the focus: it is reachable by keyboard, in order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page).startswith(text):
            return
    raise AssertionError(f"{text!r} is not reachable with the Tab key")


def _type(page, text: str, value: str) -> None:
    _tab_to(page, text)
    page.keyboard.type(value)


def _tick(page, text: str) -> None:
    _tab_to(page, text)
    page.keyboard.press("Space")


def _send(page, button: str) -> None:
    _tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert_accessible(page)


def _start(page, url: str) -> None:
    """Open a form and put the focus at the top of the page."""
    visit(page, url)
    page.locator("body").focus()


def _switch_to(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def test_a_manager_sets_up_a_programme_and_a_group_records_a_pledge_report_and_a_cdrp_meeting(page, live_server, demo):
    from cpeg.activities.tests.factories import ActivityFactory
    from cpeg.consultations.partnerships import executives_of

    context = demo
    camden = context.groups["camden"]
    meeting = ActivityFactory(group=camden, title="Autumn public meeting", held_on=dt.date(2026, 10, 15))

    # A manager sets up a programme from the keyboard, with a host borough.
    sign_in(page, live_server, "manager")
    visit(page, f"{live_server.url}/consultations/programmes/")
    _start(page, f"{live_server.url}/consultations/programmes/new/")
    _type(page, "Name", "Knife crime 2026")
    _type(page, "Levels of engagement", "Briefing note\nPresentation at a public meeting")
    _type(page, "Level expected of every group", "Briefing note")
    _tick(page, "Camden")
    _type(page, "Level expected of the host and priority boroughs", "Presentation at a public meeting")
    _send(page, "Save")
    programme = PartnerProgramme.objects.get(name="Knife crime 2026")
    assert [level.name for level in programme.levels.order_by("rank")] == [
        "Briefing note",
        "Presentation at a public meeting",
    ]
    assert page.get_by_text("Programme set up").is_visible()

    # Camden's administrator records the Policing Pledge report on the meeting.
    _switch_to(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/activities/{meeting.pk}/")
    page.get_by_role("link", name="Record what the borough commander reported").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("body").focus()
    _send(page, "Save")  # nothing chosen: every error at once
    assert page.get_by_role(
        "link", name="Select whether the borough commander reported performance figures"
    ).is_visible()
    page.locator("body").focus()
    _tick(page, "Yes")  # performance figures
    _tab_to(page, "Yes")  # confidence figures: Tab moves into the next group of radios,
    page.keyboard.press("ArrowDown")  # and the arrow key picks "No"
    _type(page, "Topics the public raised", "Knife crime near the station")
    _send(page, "Save")
    page.get_by_text("Policing Pledge report saved").wait_for()
    report = PledgeReport.objects.get(activity=meeting)
    assert report.performance_reported is True
    assert report.confidence_reported is False
    assert report.topics == "Knife crime near the station"

    # And a meeting of Camden's CDRP, with the chair attending for the CPEG.
    visit(page, f"{live_server.url}/consultations/partnerships/borough/{camden.borough_id}/")
    assert page.locator("#link-members").is_visible()
    page.get_by_role("link", name="CDRP meetings: the CPEG's seat, who attended and the minutes").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Record a CDRP meeting").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("body").focus()
    _type(page, "Day", "3")
    _type(page, "Month", "11")
    _type(page, "Year", "2026")
    _tick(page, "Yes")
    seat = executives_of(camden.borough, dt.date(2026, 11, 24)).first()
    _tick(page, seat.person.full_name)
    _type(page, "Main items", "Strategic assessment")
    _send(page, "Save")
    page.get_by_text("CDRP meeting recorded").wait_for()
    recorded = CdrpMeeting.objects.get(borough=camden.borough)
    assert recorded.seat_filled is True
    assert list(recorded.attendees.all()) == [seat]
    assert page.locator("[data-figure=rate]").first.inner_text() == "100%"
