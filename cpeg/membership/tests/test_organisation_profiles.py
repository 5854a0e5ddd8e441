"""Organisations' profiles of the people they speak for: the service's
rules, and the report's third comparison against hand computation,
including primary and secondary suppression and the London roll-up."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership import selectors, services
from cpeg.membership.models import OrganisationProfile, PopulationCount, PopulationTable
from cpeg.membership.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
SURVEY = {"counted_on": dt.date(2025, 6, 1), "source": "Our own survey 2025"}


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def _organisation(group, **kwargs):
    return MemberFactory(group=group, organisation=True, **kwargs)


def _save(member, characteristic, counts, actor=None):
    actor = actor or GroupAdminFactory(group=member.group)
    return services.organisation_profile_save(
        member=member, actor=actor, characteristic=characteristic, counts=counts, **SURVEY
    )


def _load_sex(ons_code, female, male):
    table, _ = PopulationTable.objects.get_or_create(characteristic="sex")
    b = borough_by_code(ons_code)
    for category, count in (("female", female), ("male", male)):
        PopulationCount.objects.create(table=table, borough=b, category=category, count=count, source="Test table")


def borough_by_code(code):
    from cpeg.groups.models import Borough

    return Borough.objects.get(ons_code=code)


@pytest.fixture
def fixture(camden):
    """Camden: A (sex 30/25/5 not known; ethnic 3 Asian, 10 Black, 20
    White), B (sex 10/12), C (no profile), D (left, with a profile)."""
    admin = GroupAdminFactory(group=camden)
    a = _organisation(camden, people_represented=None)
    b = _organisation(camden, people_represented=100)
    _organisation(camden)
    d = _organisation(camden)
    _save(a, "sex", {"female": 30, "male": 25, "prefer_not_to_say": 5}, admin)
    _save(a, "ethnic_group", {"asian": 3, "black": 10, "white": 20}, admin)
    _save(b, "sex", {"female": 10, "male": 12}, admin)
    _save(d, "sex", {"female": 50, "male": 50}, admin)
    d.left_on = dt.date(2026, 1, 1)
    d.save()
    _load_sex("E09000007", female=110_000, male=100_136)
    return camden


def _table(report, name):
    return next(t for t in report.organisations.tables if t.name == name)


def test_the_people_organisations_speak_for_match_hand_computation(fixture):
    report = selectors.representation_for_group(group=fixture, today=TODAY)
    assert report.organisations.note == "2 of 3 member organisations gave a profile of the people they speak for."
    sex = _table(report, "sex")
    rows = {r.key: r for r in sex.rows}
    # 40 female, 37 male, 5 not known: 82 (D has left, so is not counted).
    assert sex.table.total == 82
    assert sex.table.total_shown
    female = rows["female"]
    assert (female.count, female.share) == (40, Decimal("48.8"))
    # Wilson, k=40, n=82, z=1.96: p=0.4878; z²/n=0.04685;
    # centre=(0.4878+0.02342)/1.04685=0.48835; half=1.96*sqrt(0.003047
    # +0.000143)/1.04685=0.10574; so 0.3826 to 0.5941: 38.2% to 59.5%.
    assert (female.low, female.high) == (Decimal("38.2"), Decimal("59.5"))
    # Borough: 110,000 of 210,136 = 52.35%; ratio 0.4878/0.5235 = 0.93,
    # from 0.3826/0.5235 = 0.73 to 0.5941/0.5235 = 1.14 (not under-represented).
    assert female.population_share == Decimal("52.3")
    assert (female.ratio, female.ratio_low, female.ratio_high) == (Decimal("0.93"), Decimal("0.73"), Decimal("1.14"))
    assert not female.under_represented
    assert rows["prefer_not_to_say"].label == "Not known"
    assert rows["prefer_not_to_say"].count == 5
    assert sex.compared
    assert sex.population_source == "Test table"
    # No age table loaded for Camden: said, not compared.
    age = _table(report, "age_band")
    assert not age.compared
    assert age.note == "No borough figures loaded"


def test_a_small_count_is_hidden_with_a_second_cell_so_the_total_reveals_nothing(fixture):
    report = selectors.representation_for_group(group=fixture, today=TODAY)
    ethnic = {r.key: r.count for r in _table(report, "high_level").rows}
    # 3 Asian is hidden; with the total (33) shown, the smallest other
    # non-zero cell (10 Black) is hidden too.
    assert ethnic == {"asian": None, "black": None, "mixed": 0, "white": 20, "other": 0, "prefer_not_to_say": 0}
    assert _table(report, "high_level").table.total == 33


def test_the_page_and_csv_show_the_third_comparison_with_the_same_cells_hidden(client, fixture):
    client.force_login(OfficerFactory())
    html = client.get(reverse("membership:representation", kwargs={"pk": fixture.pk})).content.decode()
    assert "The people member organisations speak for" in html
    assert "2 of 3 member organisations gave a profile" in html
    assert "No borough figures loaded" in html
    body = client.get(reverse("membership:representation-csv", kwargs={"pk": fixture.pk})).content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(body)) if r and r[0].startswith("The people member organisations")]
    cells = {(r[1], r[2]): r[3:12] for r in rows}
    assert cells[("Ethnic group", "Asian, Asian British or Asian Welsh")][:4] == ["Not shown", "", "", ""]
    assert cells[("Ethnic group", "Black, Black British, Black Welsh, Caribbean or African")][0] == "Not shown"
    assert cells[("Ethnic group", "White")][0] == "20"
    assert cells[("Sex", "Female")] == ["40", "48.8", "38.2", "59.5", "52.3", "0.93", "0.73", "1.14", ""]


def test_london_shows_a_sum_only_where_every_groups_figure_is_shown(fixture):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    _save(_organisation(hackney), "sex", {"female": 2, "male": 40})
    report = selectors.representation_across(groups=[(fixture.pk, "E09000007"), (hackney.pk, "E09000012")], today=TODAY)
    sex = {r.key: r.count for r in _table(report, "sex").rows}
    # Hackney's 2 women (and, with them, its smallest other cell) are hidden
    # in its own table, so London's female and male sums are hidden too.
    assert sex["female"] is None
    assert sex["male"] is None
    assert report.organisations.note.startswith("3 of 4 member organisations")
    # Hackney has no sex table loaded: London is not compared.
    assert not _table(report, "sex").compared


def test_the_administrator_alone_saves_a_profile_and_it_is_audited(camden):
    member = _organisation(camden, people_represented=50)
    for actor in (OfficerFactory(), GroupAdminFactory(group=EngagementGroupFactory())):
        with pytest.raises(PermissionDenied):
            _save(member, "sex", {"female": 5}, actor)
    profile = _save(member, "sex", {"female": 20, "male": 20, "bogus": 7})
    assert profile.counts == {"female": 20, "male": 20, "prefer_not_to_say": 0}
    event = AuditEvent.objects.get(event_type=AuditEventType.ORGANISATION_PROFILE_SAVED)
    assert "40 people" in event.summary
    _save(member, "sex", {"female": 21, "male": 20})
    assert OrganisationProfile.objects.get().counts["female"] == 21


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({}, "at least one category"),
        ({"female": 30, "male": 30}, "more than the 50 people"),
        ({"female": -1}, "0 or more"),
    ],
)
def test_a_profile_is_refused_when_it_cannot_be_right(camden, counts, message):
    member = _organisation(camden, people_represented=50)
    with pytest.raises(ValidationError, match=message):
        _save(member, "sex", counts)
    assert not OrganisationProfile.objects.exists()


def test_individuals_have_no_profile_page_and_unknown_characteristics_are_not_found(client, camden):
    client.force_login(GroupAdminFactory(group=camden))
    person = MemberFactory(group=camden)
    assert client.get(reverse("membership:organisation-profile", kwargs={"pk": person.pk})).status_code == 404
    organisation = _organisation(camden)
    url = reverse("membership:organisation-profile-edit", kwargs={"pk": organisation.pk, "characteristic": "shoe"})
    assert client.get(url).status_code == 404


def test_the_form_keeps_what_was_typed_and_shows_every_error(client, camden):
    member = _organisation(camden, people_represented=10)
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("membership:organisation-profile-edit", kwargs={"pk": member.pk, "characteristic": "sex"})
    response = client.post(url, {"count_female": "x", "count_male": "4", "source": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Number of people (Female) must be a whole number" in html
    assert "Enter where the figures come from" in html
    assert 'value="4"' in html
    response = client.post(
        url,
        {
            "count_female": "6",
            "count_male": "4",
            "counted_on_0": "1",
            "counted_on_1": "6",
            "counted_on_2": "2025",
            "source": "Estimate",
        },
    )
    assert response.status_code == 302
    assert OrganisationProfile.objects.get().counts == {"female": 6, "male": 4, "prefer_not_to_say": 0}


def test_the_register_links_each_organisations_profile_for_the_administrator_only(client, camden):
    organisation = _organisation(camden, name="Kentish Town TRA")
    url = reverse("membership:organisation-profile", kwargs={"pk": organisation.pk})
    client.force_login(GroupAdminFactory(group=camden))
    html = client.get(reverse("membership:register", kwargs={"pk": camden.pk})).content.decode()
    assert f'href="{url}"' in html
    client.force_login(OfficerFactory())
    html = client.get(reverse("membership:register", kwargs={"pk": camden.pk})).content.decode()
    assert f'href="{url}"' not in html
