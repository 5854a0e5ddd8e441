"""Partner programmes as data: engagements, two-way mechanisms and the
borough × programme matrix, against hand computation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.consultations import programmes
from cpeg.consultations.choices import BoroughRole, MechanismKind
from cpeg.consultations.models import EngagementLevel, PartnerProgramme, ProgrammeBorough, ProgrammeEngagement
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

YEAR = 2025
SLUGS = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham", "croydon", "barnet", "brent", "ealing"]


def _programme(name="Olympics policing", host="hackney"):
    programme = PartnerProgramme.objects.create(financial_year=YEAR, name=name, output_code="olympics")
    note = EngagementLevel.objects.create(programme=programme, name="Briefing note", rank=1)
    talk = EngagementLevel.objects.create(programme=programme, name="Presentation", rank=2)
    programme.expected_level = note
    programme.save()
    if host:
        ProgrammeBorough.objects.create(
            programme=programme, borough=borough(host), role=BoroughRole.HOST, expected_level=talk
        )
    return programme, note, talk


def _engage(group, programme, level, day=dt.date(2025, 6, 1)):
    return ProgrammeEngagement.objects.create(programme=programme, group=group, level=level, engaged_on=day)


def test_the_matrix_shows_the_highest_level_against_the_expected_one():
    camden, hackney, islington = (EngagementGroupFactory(borough=borough(s)) for s in SLUGS[:3])
    olympics, note, talk = _programme()
    ct, ct_note, _ct_talk = _programme("Counter-terrorism", host=None)
    _engage(camden, olympics, note)
    _engage(camden, olympics, talk)  # the highest counts
    _engage(hackney, olympics, note)  # a host borough: a presentation expected, so a gap
    _engage(islington, ct, ct_note)
    other_year = PartnerProgramme.objects.create(financial_year=YEAR - 1, name="Old")
    matrix = programmes.programme_matrix(user=OfficerFactory(), year=YEAR)
    assert [p.name for p in matrix.programmes] == ["Counter-terrorism", "Olympics policing"]
    assert other_year not in matrix.programmes
    cells = {(row.group.pk, cell.programme.name): cell for row in matrix.rows for cell in row.cells}
    assert cells[camden.pk, "Olympics policing"].reached == talk
    assert cells[camden.pk, "Olympics policing"].count == 2
    assert not cells[camden.pk, "Olympics policing"].is_gap
    assert cells[hackney.pk, "Olympics policing"].expected == talk
    assert cells[hackney.pk, "Olympics policing"].role == "Host borough"
    assert cells[hackney.pk, "Olympics policing"].is_gap
    assert cells[islington.pk, "Olympics policing"].reached is None
    # Gaps by hand: camden CT, hackney Olympics and CT, islington Olympics.
    assert matrix.gaps == 4


def test_a_link_member_sees_their_boroughs_rows_only():
    camden, _hackney = (EngagementGroupFactory(borough=borough(s)) for s in SLUGS[:2])
    _programme()
    matrix = programmes.programme_matrix(user=LinkMemberFactory(boroughs=[borough("camden")]), year=YEAR)
    assert [row.group for row in matrix.rows] == [camden]


def test_an_engagement_is_held_to_the_programmes_levels_year_and_the_groups_activities():
    camden, hackney = (EngagementGroupFactory(borough=borough(s)) for s in SLUGS[:2])
    olympics, note, _talk = _programme()
    other, other_note, _ = _programme("Counter-terrorism", host=None)
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(ValidationError) as error:
        programmes.engagement_record(
            group=camden,
            actor=admin,
            data={
                "programme": olympics,
                "level": other_note,
                "engaged_on": dt.date(2026, 5, 1),
                "activity": ActivityFactory(group=hackney),
                "notes": "",
            },
        )
    assert set(error.value.error_dict) == {"level", "engaged_on", "activity"}
    own = ActivityFactory(group=camden, held_on=dt.date(2025, 6, 3))
    engagement = programmes.engagement_record(
        group=camden,
        actor=admin,
        data={"programme": olympics, "level": note, "engaged_on": dt.date(2025, 6, 3), "activity": own, "notes": ""},
    )
    assert engagement.activity == own
    assert AuditEvent.objects.filter(event_type="PROGRAMME_ENGAGEMENT_RECORDED", group=camden).exists()
    with pytest.raises(PermissionDenied):
        programmes.engagement_record(
            group=camden,
            actor=GroupAdminFactory(group=hackney),
            data={"programme": olympics, "level": note, "engaged_on": dt.date(2025, 6, 3), "notes": ""},
        )


def test_two_way_mechanisms_evidence_the_two_way_output():
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    olympics, note, _ = _programme()
    _engage(camden, olympics, note, day=dt.date(2025, 7, 1))
    mechanism = programmes.mechanism_record(
        group=camden,
        actor=admin,
        data={"kind": MechanismKind.CDRP_SEAT, "held_on": dt.date(2025, 9, 1), "description": "Chair attended"},
    )
    with pytest.raises(ValidationError):
        programmes.mechanism_record(group=camden, actor=admin, data={"kind": "", "description": ""})
    year = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    two_way = programmes.programme_output_evidence(
        group_ids=[camden.pk], output_code="two-way-engagement", starts_on=year[0], ends_on=year[1]
    )
    assert two_way[camden.pk] == [mechanism]
    olympics_evidence = programmes.programme_output_evidence(
        group_ids=[camden.pk], output_code="olympics", starts_on=year[0], ends_on=year[1]
    )
    assert [e.level for e in olympics_evidence[camden.pk]] == [note]


def test_a_group_records_engagement_through_the_page(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    current = dt.date.today().year if dt.date.today().month > 3 else dt.date.today().year - 1
    programme = PartnerProgramme.objects.create(financial_year=current, name="Hate Crime Forum")
    level = EngagementLevel.objects.create(programme=programme, name="Attended the forum", rank=1)
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("consultations:engagement-create", args=[camden.pk])
    assert client.post(url, {"programme": programme.pk}).status_code == 400
    day = dt.date(current, 5, 14)
    page = client.post(
        url,
        {"programme": programme.pk, "level": level.pk, "engaged_on_0": day.day, "engaged_on_1": day.month,
         "engaged_on_2": day.year},
    )  # fmt: skip
    assert page.status_code == 302
    html = client.get(reverse("consultations:group-programmes", args=[camden.pk])).content.decode()
    assert "Attended the forum" in html


def test_the_matrix_reads_the_same_number_of_queries_for_more_groups(client, django_assert_max_num_queries):
    client.force_login(OfficerFactory())
    olympics, note, _ = _programme()
    _programme("Counter-terrorism", host=None)
    url = reverse("consultations:programme-matrix") + f"?year={YEAR}"
    for slug in SLUGS[:2]:
        _engage(EngagementGroupFactory(borough=borough(slug)), olympics, note)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for slug in SLUGS[2:]:
        _engage(EngagementGroupFactory(borough=borough(slug)), olympics, note)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('data-gap="yes"') == 10 + 1  # every group's CT cell, and Hackney's Olympics (a host)


def test_engagements_recorded_together_are_all_or_nothing_with_history():
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    olympics, note, talk = _programme()
    good = {"programme": olympics, "level": note, "engaged_on": dt.date(2025, 6, 1), "notes": ""}
    bad = {**good, "engaged_on": dt.date(2024, 6, 1)}
    with pytest.raises(ValidationError):
        programmes.engagement_bulk_record(group=camden, actor=admin, items=[good, bad])
    assert not ProgrammeEngagement.objects.exists()
    created = programmes.engagement_bulk_record(group=camden, actor=admin, items=[good, {**good, "level": talk}])
    assert len(created) == 2
    assert ProgrammeEngagement.history.count() == 2
