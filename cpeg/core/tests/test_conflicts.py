"""Edit conflicts field by field (core.conflicts through handle_form)."""

import re

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.core.tests.formdata import form_data
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return EngagementGroupFactory(
        borough=borough("camden"), name="Camden CPEG", email="old@example.org", phone="020 0000 0000"
    )


def _load(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode())


def _conflict_items(html):
    return re.findall(r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">([^<]+)</legend>', html)


def test_a_conflict_shows_their_change_beside_mine_and_who_made_it(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    alice, bob = OfficerFactory(first_name="Alice", last_name="Adams"), OfficerFactory()
    alices = _load(client, alice, url)
    bobs = _load(client, bob, url)

    client.force_login(alice)
    assert client.post(url, alices | {"email": "alice@example.org", "phone": "020 1111 1111"}).status_code == 302

    client.force_login(bob)
    response = client.post(url, bobs | {"name": "Camden Engagement Group", "phone": "020 2222 2222"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it" in html
    # Only the answers Alice changed are shown: her email and her phone.
    assert _conflict_items(html) == ["Contact email", "Contact telephone"]
    assert "Alice Adams saved this record" in html
    # The error summary goes to the first choice (which takes focus).
    assert '<a href="#conflict-email-theirs">Someone else changed this record' in html
    assert 'id="conflict-email-theirs"' in html
    assert "alice@example.org" in html
    assert "020 1111 1111" in html
    assert "020 2222 2222" in html
    # Bob changed the phone too (Keep mine chosen), not the email (Use theirs).
    again = form_data(html)
    assert again["conflict-phone"] == "mine"
    assert again["conflict-email"] == "theirs"
    # What Bob typed is still in the form, which now carries the new version.
    assert again["name"] == "Camden Engagement Group"
    assert again["phone"] == "020 2222 2222"
    group.refresh_from_db()
    assert again["version"] == str(group.version)
    assert group.name == "Camden CPEG"


def test_keep_mine_and_use_theirs_save_per_field(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    alice, bob = OfficerFactory(), OfficerFactory()
    alices, bobs = _load(client, alice, url), _load(client, bob, url)
    client.force_login(alice)
    client.post(url, alices | {"email": "alice@example.org", "phone": "020 1111 1111", "description": "Hers"})
    client.force_login(bob)
    html = client.post(url, bobs | {"name": "Bob's name", "phone": "020 2222 2222", "description": "His"}).content
    again = form_data(html.decode())
    # Bob takes Alice's description, keeps his phone, and takes her email.
    again |= {"conflict-description": "theirs", "conflict-phone": "mine", "conflict-email": "theirs"}
    response = client.post(url, again)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.email, group.phone, group.description) == (
        "Bob's name",
        "alice@example.org",
        "020 2222 2222",
        "Hers",
    )


def test_use_theirs_takes_their_date_and_choice_fields(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    alice, bob = OfficerFactory(), OfficerFactory()
    alices, bobs = _load(client, alice, url), _load(client, bob, url)
    client.force_login(alice)
    changes = {"established_on_0": "3", "established_on_1": "4", "established_on_2": "2019", "status": "suspended"}
    assert client.post(url, alices | changes).status_code == 302
    client.force_login(bob)
    html = client.post(url, bobs | {"is_published": ""}).content.decode()
    assert _conflict_items(html) == ["Status", "Date the group was set up"]
    assert "3 April 2019" in html
    response = client.post(url, form_data(html))  # the defaults: use theirs for both
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.status, str(group.established_on), group.is_published) == ("suspended", "2019-04-03", False)


def test_a_third_change_in_between_conflicts_again(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    alice, bob, carol = OfficerFactory(), OfficerFactory(), OfficerFactory(first_name="Carol", last_name="Cole")
    alices, bobs = _load(client, alice, url), _load(client, bob, url)
    client.force_login(alice)
    client.post(url, alices | {"email": "alice@example.org"})
    client.force_login(bob)
    again = form_data(client.post(url, bobs | {"phone": "020 2222 2222"}).content.decode())
    carols = _load(client, carol, url)
    client.force_login(carol)
    assert client.post(url, carols | {"phone": "020 3333 3333"}).status_code == 302
    client.force_login(bob)
    response = client.post(url, again)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Carol Cole saved this record" in html
    assert _conflict_items(html) == ["Contact telephone"]
    group.refresh_from_db()
    assert group.phone == "020 3333 3333"


def test_nobody_elses_fields_keep_what_i_typed_when_they_changed_something_off_the_form(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    admin, officer = GroupAdminFactory(group=group), OfficerFactory()
    admins = _load(client, admin, url)  # the admin's form has no status field
    officers = _load(client, officer, url)
    client.force_login(officer)
    assert client.post(url, officers | {"status": "suspended"}).status_code == 302
    client.force_login(admin)
    html = client.post(url, admins | {"how_to_join": "Come along"}).content.decode()
    assert "none of the answers on this page" in html
    assert _conflict_items(html) == []
    assert client.post(url, form_data(html)).status_code == 302
    group.refresh_from_db()
    assert (group.how_to_join, group.status) == ("Come along", "suspended")


def test_a_form_posted_without_the_fingerprint_keeps_the_plain_refusal(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    officer = OfficerFactory()
    stale = _load(client, officer, url)
    assert client.post(url, stale | {"email": "first@example.org"}).status_code == 302
    stale.pop("edit_fingerprint")
    html = client.post(url, stale | {"email": "second@example.org"}).content.decode()
    assert "Reload the page to see their changes" in html
    assert form_data(html)["version"] == stale["version"]  # still stale: cannot land unseen


def test_a_tampered_fingerprint_is_not_trusted(client, group):
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    officer = OfficerFactory()
    stale = _load(client, officer, url)
    client.post(url, stale | {"email": "first@example.org"})
    html = client.post(url, stale | {"edit_fingerprint": "x" + stale["edit_fingerprint"]}).content.decode()
    assert "Reload the page to see their changes" in html


def test_activity_edit_conflict_keeps_mine_and_takes_theirs(client):
    activity = ActivityFactory(title="Public meeting", public_attendance=30)
    url = reverse("activities:activity-edit", kwargs={"pk": activity.pk})
    alice = OfficerFactory(first_name="Alice", last_name="Adams")
    bob = GroupAdminFactory(group=activity.group)
    alices, bobs = _load(client, alice, url), _load(client, bob, url)
    client.force_login(alice)
    assert client.post(url, alices | {"public_attendance": "42", "notes": "Counted at the door"}).status_code == 302
    client.force_login(bob)
    response = client.post(url, bobs | {"public_attendance": "40", "title": "Spring public meeting"})
    html = response.content.decode()
    assert response.status_code == 400
    assert _conflict_items(html) == ["Members of the public attending", "Notes"]
    again = form_data(html) | {"conflict-notes": "theirs", "conflict-public_attendance": "mine"}
    assert client.post(url, again).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.public_attendance, activity.notes) == (
        "Spring public meeting",
        40,
        "Counted at the door",
    )


def _venue(user_factory):
    from cpeg.groups.tests.factories import VenueFactory

    venue = VenueFactory(group=EngagementGroupFactory(borough=borough("camden")), name="Town hall")
    url = reverse("groups:venue-edit", kwargs={"pk": venue.group_id, "venue_pk": venue.pk})
    return url, OfficerFactory(), venue


def _executive(user_factory):
    from cpeg.groups.tests.factories import ExecutiveMembershipFactory

    member = ExecutiveMembershipFactory(group=EngagementGroupFactory(borough=borough("camden")))
    url = reverse("groups:executive-edit", kwargs={"pk": member.group_id, "member_pk": member.pk})
    return url, OfficerFactory(), member


def _round(user_factory):
    from cpeg.accounts.tests.factories import ManagerFactory
    from cpeg.funding.tests.factories import FundingRoundFactory

    funding_round = FundingRoundFactory()
    return reverse("funding:round-edit", kwargs={"pk": funding_round.pk}), ManagerFactory(), funding_round


def _application(user_factory):
    from cpeg.funding.tests.factories import FundingApplicationFactory

    application = FundingApplicationFactory(group=EngagementGroupFactory(borough=borough("camden")))
    user = GroupAdminFactory(group=application.group)
    return reverse("funding:application-edit", kwargs={"pk": application.pk}), user, application


@pytest.mark.parametrize(
    ("make", "theirs", "mine"),
    [
        (_venue, ("name", "Library"), ("postcode", "NW1 2AB")),
        (_executive, ("role_title", "Vice-chair (youth)"), ("ends_on_2", "2031")),
        (_round, ("title", "Their round title"), ("pot_amount", "1500000")),
        (_application, ("priorities", "Their priorities"), ("work_programme_summary", "My summary")),
    ],
    ids=["venue", "executive member", "funding round", "funding application"],
)
def test_every_edit_form_through_handle_form_shows_the_conflict_and_lands(client, make, theirs, mine):
    url, user, record = make(None)
    first, second = _load(client, user, url), _load(client, user, url)
    client.force_login(user)
    response = client.post(url, first | dict([theirs]))
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(url, second | dict([mine]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it" in html
    assert len(_conflict_items(html)) == 1
    again = form_data(html)
    assert again[mine[0]] == mine[1]
    assert again[f"conflict-{theirs[0]}"] == "theirs"
    assert client.post(url, again).status_code == 302
    record.refresh_from_db()
    assert str(getattr(record, theirs[0])) == theirs[1]


def test_values_are_shown_in_words():
    from decimal import Decimal

    from django import forms

    from cpeg.core.conflicts import display
    from cpeg.groups.choices import GroupStatus

    status = forms.ChoiceField(choices=GroupStatus.choices)
    assert display(status, "suspended") == "Suspended"
    assert display(forms.BooleanField(), True) == "Yes"
    assert display(forms.CharField(), "") == "(left blank)"
    assert display(forms.DecimalField(), Decimal("37.50")) == "37.50"
    assert display(forms.DecimalField(), Decimal("40.00")) == "40"
    assert display(forms.MultipleChoiceField(choices=[("a", "Apples"), ("b", "Pears")]), ["b", "a"]) == (
        "Pears, Apples"
    )
