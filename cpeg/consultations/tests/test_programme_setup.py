"""Managers set up a year's partner programmes on their own pages: levels,
the level expected of every group, host and priority boroughs."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory, OfficerFactory
from cpeg.consultations import programmes
from cpeg.consultations.models import PartnerProgramme, ProgrammeEngagement
from cpeg.core.models import AuditEvent
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

YEAR = 2026


def _data(**changes):
    data = {
        "financial_year": YEAR,
        "name": "Olympics policing",
        "owner_team": "Olympics Engagement Team",
        "description": "",
        "output_code": "olympics",
        "levels": ["Briefing note", "Presentation at a public meeting", "LCP2 chairs' meeting"],
        "expected_level": "Briefing note",
        "hosts": [borough("newham"), borough("hackney")],
        "priorities": [],
        "borough_level": "Presentation at a public meeting",
    }
    return {**data, **changes}


def test_a_manager_sets_up_a_programme_with_levels_and_host_boroughs():
    manager = ManagerFactory()
    programme = programmes.programme_save(actor=manager, data=_data())
    assert [(lv.rank, lv.name) for lv in programme.levels.all()] == [
        (1, "Briefing note"),
        (2, "Presentation at a public meeting"),
        (3, "LCP2 chairs' meeting"),
    ]
    assert programme.expected_level.name == "Briefing note"
    rows = {b.borough.slug: (b.role, b.expected_level.name) for b in programme.boroughs.all()}
    assert rows == {
        "newham": ("host", "Presentation at a public meeting"),
        "hackney": ("host", "Presentation at a public meeting"),
    }
    event = AuditEvent.objects.get(event_type="PROGRAMME_CREATED")
    assert event.actor == manager


def test_only_managers_set_up_programmes():
    with pytest.raises(PermissionDenied):
        programmes.programme_save(actor=OfficerFactory(), data=_data())


def test_every_broken_rule_is_reported_at_once():
    programmes.programme_save(actor=ManagerFactory(), data=_data())
    errors = programmes.programme_rule_errors(
        values=_data(
            levels=["Note", "note"],
            expected_level="Talk",
            hosts=[borough("newham")],
            priorities=[borough("newham")],
            borough_level="",
        )
    )
    assert errors == {
        "name": "There is already a programme called Olympics policing in 2026/27",
        "levels": "Each level of engagement must have a different name",
        "expected_level": "Enter one of the levels listed above, as it is written there",
        "priorities": "A borough is a host or a priority, not both: Newham",
        "borough_level": "Enter the level expected of the host and priority boroughs",
    }


def test_changing_a_programme_keeps_levels_in_use_and_is_audited():
    manager = ManagerFactory()
    programme = programmes.programme_save(actor=manager, data=_data())
    note = programme.levels.get(name="Briefing note")
    ProgrammeEngagement.objects.create(
        programme=programme, group=EngagementGroupFactory(), level=note, engaged_on=dt.date(2026, 6, 1)
    )
    with pytest.raises(ValidationError) as error:
        programmes.programme_save(
            actor=manager,
            programme=programme,
            data=_data(levels=["Presentation at a public meeting"], expected_level="", borough_level=""),
            loaded_version=programme.version,
        )
    assert "Groups have recorded engagement at Briefing note" in error.value.message_dict["levels"][0]
    # Reordered, one removed, one added; the level in use keeps its row.
    changed = programmes.programme_save(
        actor=manager,
        programme=programme,
        data=_data(
            levels=["Information sheet", "Briefing note", "Presentation at a public meeting"],
            hosts=[borough("newham")],
            priorities=[borough("westminster")],
        ),
        loaded_version=programme.version,
    )
    assert [(lv.rank, lv.name) for lv in changed.levels.all()] == [
        (1, "Information sheet"),
        (2, "Briefing note"),
        (3, "Presentation at a public meeting"),
    ]
    assert changed.levels.get(name="Briefing note").pk == note.pk
    assert {(b.borough.slug, b.role) for b in changed.boroughs.all()} == {
        ("newham", "host"),
        ("westminster", "priority"),
    }
    event = AuditEvent.objects.get(event_type="PROGRAMME_UPDATED")
    assert "the levels of engagement" in event.summary
    assert "the host and priority boroughs" in event.summary
    assert changed.version == programme.version + 1


def test_a_manager_sets_up_and_changes_a_programme_through_the_pages(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    client.force_login(ManagerFactory())
    url = reverse("consultations:programme-create")
    assert "Levels of engagement" in client.get(url).content.decode()
    page = client.post(url, {"financial_year": YEAR, "name": "", "levels": "", "hosts": ["x"]})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter the name of the programme" in html
    assert "Enter the levels of engagement the programme uses, one a line" in html
    newham = Borough.objects.get(slug="newham")
    form = {
        "financial_year": YEAR,
        "name": "Counter-terrorism",
        "levels": "Briefing note\r\nPresentation\r\n",
        "expected_level": "Briefing note",
        "priorities": [newham.pk],
        "borough_level": "Presentation",
        "output_code": "counter-terrorism",
    }
    page = client.post(url, form)
    assert page.status_code == 302
    programme = PartnerProgramme.objects.get(name="Counter-terrorism")
    listing = client.get(page["Location"]).content.decode()
    assert "Newham (priority borough): presentation" in listing
    edit = reverse("consultations:programme-edit", args=[programme.pk])
    assert "Briefing note\nPresentation" in client.get(edit).content.decode()
    page = client.post(edit, {**form, "version": programme.version, "owner_team": "CT Engagement Team"})
    assert page.status_code == 302
    programme.refresh_from_db()
    assert programme.owner_team == "CT Engagement Team"
    # A stale version is refused, not saved over.
    stale = client.post(edit, {**form, "version": programme.version - 1, "owner_team": "Someone else"})
    assert stale.status_code == 400
    programme.refresh_from_db()
    assert programme.owner_team == "CT Engagement Team"
