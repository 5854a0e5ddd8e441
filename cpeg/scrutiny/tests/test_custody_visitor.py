"""The independent custody visitor role: a visitor signs in, sees only their
own panel, and records visits they made themselves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.navigation import nav_links, start_url
from cpeg.scrutiny.models import CustodyVisit
from cpeg.scrutiny.services import custody_visit_record
from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, custody_visitor, visitor_account
from cpeg.scrutiny.tests.test_custody import _fields

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_only_their_own_panel(client):
    """Which pages a visitor reaches (their panel's, never another's, never
    stop and search) is in the role-access matrix (role ``camden_visitor``);
    here, what the pages they reach show."""
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    user, _ = visitor_account(camden)
    custody_visit(camden)
    custody_visit(islington)
    client.force_login(user)
    # The summary lists their panel only.
    rows = client.get(reverse("scrutiny:custody-summary")).context["rows"]
    assert [row.panel.pk for row in rows] == [camden.pk]


def test_a_visitor_starts_at_their_panel_and_has_it_in_the_navigation():
    camden = custody_panel("Camden")
    user, _ = visitor_account(camden)
    panel_url = reverse("scrutiny:panel-visits", kwargs={"pk": camden.pk})
    assert start_url(user) == panel_url
    labels = dict(nav_links(user))
    assert labels["Custody visiting"] == panel_url
    assert "Stop and search" not in labels
    assert "Groups" not in labels


def test_a_visitor_records_only_visits_they_made():
    camden = custody_panel("Camden")
    user, me = visitor_account(camden)
    partner = custody_visitor(camden, "Partner")
    visit = custody_visit_record(
        panel=camden, actor=user, **{**_fields(camden), "first_visitor": partner, "second_visitor": me}
    )
    assert visit.created_by == user
    others = (custody_visitor(camden, "Third"), custody_visitor(camden, "Fourth"))
    with pytest.raises(ValidationError) as error:
        custody_visit_record(
            panel=camden, actor=user, **_fields(camden, first_visitor=others[0], second_visitor=others[1])
        )
    assert "Record only visits you made" in error.value.message_dict["first_visitor"][0]
    islington = custody_panel("Islington")
    with pytest.raises(PermissionDenied):
        custody_visit_record(panel=islington, actor=user, **_fields(islington))
    assert CustodyVisit.objects.count() == 1


def test_the_visit_form_starts_with_the_visitor_and_refuses_names(client):
    camden = custody_panel("Camden")
    user, me = visitor_account(camden)
    partner = custody_visitor(camden, "Partner")
    client.force_login(user)
    url = reverse("scrutiny:visit-create", kwargs={"pk": camden.pk})
    assert client.get(url).context["form"].initial["first_visitor"] == me.pk
    data = {
        "suite": camden.suites.first().pk,
        "first_visitor": me.pk,
        "second_visitor": partner.pk,
        "visited_on_0": "3",
        "visited_on_1": "6",
        "visited_on_2": "2025",
        "arrived_at": "21:30",
        "unannounced": "on",
        "minutes_to_gain_access": "0",
        "in_custody": "2",
        "not_available": "0",
        "not_offered": "0",
        "offered": "2",
        "accepted": "2",
        "declined": "0",
        "observed_only": "0",
        "health_concerns": "Mr Jones in cell 4 asked for a blanket",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "looks like a name or a custody number" in response.context["form"].errors["health_concerns"][0]
    data["health_concerns"] = "A detainee asked for a blanket; given at once"
    response = client.post(url, data)
    assert response.status_code == 302
    assert CustodyVisit.objects.get().created_by == user
