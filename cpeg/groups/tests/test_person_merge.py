"""People across groups: no lookup by email for group people; officers merge
duplicates (issue 14, finding 3)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory, UserFactory
from cpeg.core.models import AuditEvent
from cpeg.groups import services
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.models import Person
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def hackney_chair():
    """Another group's chair, with a stored name and email."""
    return ExecutiveMembershipFactory(
        group=EngagementGroupFactory(borough=borough("hackney")),
        role=ExecutiveRole.CHAIR,
        person__full_name="Harriet Hackney",
        person__email="harriet@example.org",
    ).person


def _add_member(group, actor, email, name="Typed Name"):
    return services.executive_member_add(
        group=group,
        actor=actor,
        data={
            "person_full_name": name,
            "person_email": email,
            "role": ExecutiveRole.TREASURER,
            "starts_on": dt.date(2025, 4, 1),
        },
    )


def test_a_group_admin_typing_another_groups_chairs_email_gets_a_new_record(hackney_chair):
    camden = EngagementGroupFactory(borough=borough("camden"))
    member = _add_member(camden, GroupAdminFactory(group=camden), "HARRIET@example.org")
    assert member.person != hackney_chair
    assert member.person.full_name == "Typed Name"
    assert hackney_chair.executive_roles.count() == 1


def test_the_group_page_never_shows_the_stored_name_of_a_person_matched_by_email(client, hackney_chair):
    camden = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=camden))
    response = client.post(
        reverse("groups:executive-add", kwargs={"pk": camden.pk}),
        {
            "person_full_name": "Typed Name",
            "person_email": "harriet@example.org",
            "role": ExecutiveRole.TREASURER,
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2025",
        },
    )
    assert response.status_code == 302
    page = client.get(camden.get_absolute_url()).content.decode()
    assert "Typed Name" in page
    assert "Harriet Hackney" not in page


def test_a_group_admin_cannot_pick_someone_already_recorded(hackney_chair):
    camden = EngagementGroupFactory(borough=borough("camden"))
    member = services.executive_member_add(
        group=camden,
        actor=GroupAdminFactory(group=camden),
        data={
            "person": hackney_chair,
            "person_full_name": "Typed Name",
            "role": ExecutiveRole.TREASURER,
            "starts_on": dt.date(2025, 4, 1),
        },
    )
    assert member.person != hackney_chair


def test_an_officer_still_links_a_known_email_to_the_same_person(hackney_chair):
    camden = EngagementGroupFactory(borough=borough("camden"))
    member = _add_member(camden, OfficerFactory(), "harriet@example.org")
    assert member.person == hackney_chair


def test_an_officer_merges_a_duplicate_moving_every_role_and_account(hackney_chair):
    officer = OfficerFactory()
    camden = EngagementGroupFactory(borough=borough("camden"))
    duplicate = _add_member(camden, GroupAdminFactory(group=camden), "", name="Harriet Hackney").person
    duplicate.phone = "020 7946 0000"
    duplicate.save()
    account = UserFactory(person=duplicate)

    kept = services.person_merge(person=hackney_chair, duplicate=duplicate, actor=officer)

    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert sorted(kept.executive_roles.values_list("group__borough__slug", flat=True)) == ["camden", "hackney"]
    account.refresh_from_db()
    assert account.person == kept
    assert kept.email == "harriet@example.org"
    assert kept.phone == "020 7946 0000"
    event = AuditEvent.objects.get(event_type="PERSON_MERGED")
    assert event.actor == officer
    assert event.target_id == kept.pk
    assert event.payload["merged"]["id"] == duplicate.pk
    assert event.payload["changes"] == {"phone": {"old": "", "new": "020 7946 0000"}}


def test_only_officers_merge_and_never_a_record_into_itself(hackney_chair):
    camden = EngagementGroupFactory(borough=borough("camden"))
    other = Person.objects.create(full_name="Harriet Hackney")
    with pytest.raises(PermissionDenied):
        services.person_merge(person=hackney_chair, duplicate=other, actor=GroupAdminFactory(group=camden))
    with pytest.raises(ValidationError, match="Choose a different person"):
        services.person_merge(person=hackney_chair, duplicate=hackney_chair, actor=OfficerFactory())


def test_the_merge_page_lists_likely_duplicates_and_merges(client, hackney_chair):
    other = Person.objects.create(full_name="harriet hackney")
    unrelated = Person.objects.create(full_name="Someone Else")
    client.force_login(OfficerFactory())
    url = reverse("groups:person-merge", kwargs={"pk": hackney_chair.pk})
    page = client.get(url).content.decode()
    assert f">{other.pk}</td>" in page
    assert "Someone Else" not in page
    assert client.post(url, {"duplicate": "999999"}).status_code == 400
    # An empty form is told what is missing, not refused in silence.
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert empty.context["form"].errors["duplicate"]
    response = client.post(url, {"duplicate": str(other.pk)})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=other.pk).exists()
    assert Person.objects.filter(pk=unrelated.pk).exists()
