"""Independent custody visiting: recording a visit, its rules, the summary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.models import CustodyPanel, CustodySuite, CustodyVisit
from cpeg.scrutiny.periods import Period
from cpeg.scrutiny.selectors import custody_summary
from cpeg.scrutiny.services import custody_visit_record
from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, custody_visitor

pytestmark = pytest.mark.django_db
JUNE = timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30))


def test_the_london_panels_and_suites_are_seeded():
    camden = custody_panel("Camden")
    assert list(camden.boroughs.values_list("slug", flat=True)) == ["camden"]
    assert set(camden.suites.values_list("name", flat=True)) == {"Holborn", "Kentish Town"}
    assert CustodyPanel.objects.count() == 23
    assert CustodySuite.objects.count() == 30


def _fields(panel, **overrides):
    return {
        "suite": panel.suites.first(),
        "first_visitor": custody_visitor(panel, "First"),
        "second_visitor": custody_visitor(panel, "Second"),
        "visited_at": JUNE,
        "in_custody": 6,
        "not_available": 1,
        "not_offered": 1,
        "offered": 4,
        "accepted": 3,
        "declined": 1,
        **overrides,
    }


def test_an_officer_records_a_visit():
    panel = custody_panel()
    visit = custody_visit_record(panel=panel, actor=OfficerFactory(), **_fields(panel))
    assert visit.is_valid_visit
    assert CustodyVisit.objects.count() == 1


def test_every_broken_rule_is_reported_at_once():
    panel = custody_panel()
    other = custody_panel("Islington")
    same = custody_visitor(panel, "Same")
    fields = _fields(
        panel,
        suite=other.suites.first(),
        first_visitor=same,
        second_visitor=same,
        offered=5,
        issues_raised="Mr Smith asked for a blanket; custody number 01/12345",
    )
    with pytest.raises(ValidationError) as error:
        custody_visit_record(panel=panel, actor=OfficerFactory(), **fields)
    assert set(error.value.message_dict) == {"suite", "second_visitor", "offered", "in_custody", "issues_raised"}
    assert "name or a custody number" in error.value.message_dict["issues_raised"][0]


def test_a_refused_visit_has_no_counts_and_an_unaccredited_visitor_is_refused():
    panel = custody_panel()
    late = custody_visitor(panel, "Late", accredited_on=dt.date(2025, 9, 1))
    fields = _fields(panel, access_refused=True, first_visitor=late)
    with pytest.raises(ValidationError) as error:
        custody_visit_record(panel=panel, actor=OfficerFactory(), **fields)
    assert "not accredited on 3 June 2025" in error.value.message_dict["first_visitor"][0]
    assert "leave the counts" in error.value.message_dict["in_custody"][0]


def test_only_officers_record_visits():
    panel = custody_panel()
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("camden")))
    with pytest.raises(Exception, match="permission"):
        custody_visit_record(panel=panel, actor=admin, **_fields(panel))


def test_the_summary_counts_by_hand():
    panel = custody_panel()
    custody_visit(panel)
    custody_visit(
        panel,
        visited_at=JUNE + dt.timedelta(days=7),
        issues_raised="Cell 4 was cold",
        in_custody=3,
        not_available=0,
        not_offered=0,
        offered=2,
        accepted=1,
        declined=1,
        observed_only=1,
    )
    custody_visit(
        panel,
        visited_at=JUNE + dt.timedelta(days=14),
        access_refused=True,
        in_custody=0,
        not_available=0,
        not_offered=0,
        offered=0,
        accepted=0,
        declined=0,
    )
    custody_visit(panel, visited_at=JUNE + dt.timedelta(days=120))  # October: Q3, not Q1
    rows, total = custody_summary(user=OfficerFactory(), period=Period.parse("2025-Q1"))
    row = next(r for r in rows if r.panel == panel)
    assert (row.attempted, row.access_not_gained, row.valid, row.outstanding) == (3, 1, 2, 1)
    assert row.counts == {
        "in_custody": 9,
        "not_available": 1,
        "not_offered": 1,
        "offered": 6,
        "accepted": 4,
        "declined": 2,
        "observed_only": 1,
    }
    assert total.attempted == 3
    # The row links to exactly its visits.
    client_rows = CustodyVisit.objects.filter(panel=panel, visited_at__lt=JUNE + dt.timedelta(days=30))
    assert row.url.endswith("?period=2025-Q1")
    assert client_rows.count() == row.attempted


def test_a_group_admin_sees_only_their_boroughs_panels(client):
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("camden")))
    custody_visit(custody_panel("Camden"))
    client.force_login(admin)
    response = client.get(reverse("scrutiny:custody-summary") + "?period=2025/26")
    assert [r.panel.name for r in response.context["rows"]] == ["Camden"]
    islington = custody_panel("Islington")
    assert client.get(reverse("scrutiny:panel-visits", kwargs={"pk": islington.pk})).status_code == 404


def test_an_officer_records_a_visit_through_the_form(client):
    panel = custody_panel()
    first, second = custody_visitor(panel, "First"), custody_visitor(panel, "Second")
    client.force_login(OfficerFactory())
    data = {
        "suite": panel.suites.first().pk,
        "first_visitor": first.pk,
        "second_visitor": second.pk,
        "visited_on_0": "3",
        "visited_on_1": "6",
        "visited_on_2": "2025",
        "arrived_at": "21:30",
        "unannounced": "on",
        "minutes_to_gain_access": "2",
        "in_custody": "5",
        "not_available": "1",
        "not_offered": "0",
        "offered": "3",
        "accepted": "2",
        "declined": "1",
        "observed_only": "0",
        "issues_raised": "The custody officer agreed to fix the cell 3 heating",
    }
    response = client.post(reverse("scrutiny:visit-create", kwargs={"pk": panel.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    visit = CustodyVisit.objects.get()
    assert timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M") == "2025-06-03 21:30"
    assert visit.has_outstanding_issues
    data["offered"] = "9"
    response = client.post(reverse("scrutiny:visit-create", kwargs={"pk": panel.pk}), data)
    assert response.status_code == 400
    assert "must equal accepted" in response.context["form"].errors["offered"][0]


@pytest.mark.parametrize("size", [2, 30])
def test_bounded_queries(client, django_assert_max_num_queries, size):
    panel = custody_panel()
    first, second = custody_visitor(panel, "First"), custody_visitor(panel, "Second")
    for day in range(size):
        custody_visit(panel, first_visitor=first, second_visitor=second, visited_at=JUNE + dt.timedelta(hours=day))
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scrutiny:custody-summary") + "?period=2025/26").status_code == 200
    with django_assert_max_num_queries(12):
        url = reverse("scrutiny:panel-visits", kwargs={"pk": panel.pk}) + "?period=2025/26"
        assert client.get(url).status_code == 200
