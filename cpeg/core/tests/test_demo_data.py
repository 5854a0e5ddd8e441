"""The demo data set that `make run` loads."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cpeg.accounts.access import borough_ids_of
from cpeg.groups.choices import StaffingModel
from cpeg.groups.models import Borough, EngagementGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of 24 November 2026 (the shared fixture in conftest.py)."""


def test_every_borough_has_a_group_with_an_executive_and_partner_contacts(demo):
    assert EngagementGroup.objects.count() == 32
    for group in EngagementGroup.objects.prefetch_related("executive", "borough__partner_contacts"):
        assert group.executive.filter(role="chair").exists(), group
        assert {c.role for c in group.borough.partner_contacts.all()} == {
            "borough_commander",
            "community_safety_manager",
            "link_member",
        }


def test_staffing_models_match_the_annual_review(demo):
    models = dict(EngagementGroup.objects.values_list("borough__slug", "staffing_model"))
    for slug in ("camden", "lambeth", "haringey", "bromley", "bexley"):
        assert models[slug] == StaffingModel.DIRECT
    for slug in ("wandsworth", "greenwich", "richmond-upon-thames", "harrow", "waltham-forest"):
        assert models[slug] == StaffingModel.COUNCIL
    for slug in ("merton", "barnet"):
        assert models[slug] == StaffingModel.VOLUNTARY


def test_every_demo_account_signs_in_with_the_password_demo(demo, client):
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    expected = {"officer", "manager", "link-member", "camden-chair"} | {
        f"{slug}-admin" for slug in Borough.objects.values_list("slug", flat=True)
    }
    assert expected <= set(usernames)
    assert "camden-admin" in usernames
    assert "waltham-forest-admin" in usernames
    # Not the accounts demo'd as invited (no password yet) or deactivated.
    cannot = {"nadia.khan@authority.example", "vice-chair@camden-cpeg.example.org", "former-link-member"}
    assert cannot <= set(usernames)
    for username in usernames:
        client.logout()
        response = client.post(reverse("accounts:sign-in"), {"username": username, "password": "demo"})
        assert response.status_code == (200 if username in cannot else 302), username


def test_link_member_is_linked_to_camden_and_islington(demo):
    link = get_user_model().objects.get(username="link-member")
    assert set(Borough.objects.filter(pk__in=borough_ids_of(link)).values_list("slug", flat=True)) == {
        "camden",
        "islington",
    }


def test_loading_twice_changes_nothing(demo):
    before = EngagementGroup.objects.count()
    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    assert EngagementGroup.objects.count() == before
