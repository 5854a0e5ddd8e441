"""The accounts pages: managers' list and forms, a group's own people, the
invitation link (issue 9.11)."""

import re

import pytest
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from cpeg.accounts import services
from cpeg.accounts.models import User
from cpeg.accounts.navigation import nav_links
from cpeg.accounts.roles import Role
from cpeg.accounts.tests.factories import (
    GroupAdminFactory,
    GroupExecutiveFactory,
    LinkMemberFactory,
    ManagerFactory,
    OfficerFactory,
)
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

LIST_URL = reverse("accounts:account-list")


def _many_accounts(n, groups):
    for i in range(n):
        GroupAdminFactory(group=groups[i % 2])
        LinkMemberFactory(boroughs=[borough("camden"), borough("islington")])


def test_the_accounts_list_shows_roles_and_status_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    manager = ManagerFactory(first_name="Maria", last_name="Manager")
    client.force_login(manager)
    groups = [EngagementGroupFactory(borough=borough(slug)) for slug in ("camden", "hackney")]
    _many_accounts(3, groups)
    with django_assert_max_num_queries(12):
        small = client.get(LIST_URL)
    _many_accounts(20, groups)
    with django_assert_max_num_queries(12):
        large = client.get(LIST_URL)

    assert small.status_code == large.status_code == 200
    html = large.content.decode()
    assert "47 accounts" in html
    assert "Link member, Camden<br>Link member, Islington" in html
    assert "Authority manager" in html


def test_the_accounts_list_filters_by_name_and_by_deactivated(client):
    manager = ManagerFactory()
    OfficerFactory(first_name="Priya", last_name="Shah", is_active=False)
    OfficerFactory(first_name="Tom", last_name="Jones")
    client.force_login(manager)

    found = client.get(LIST_URL, {"q": "shah"}).content.decode()
    deactivated = client.get(LIST_URL, {"status": "deactivated"}).content.decode()

    assert "Priya Shah" in found
    assert "Tom Jones" not in found
    assert "Priya Shah" in deactivated
    assert "Tom Jones" not in deactivated
    assert "<title>Accounts matching “shah”" in found


def test_the_invite_form_shows_every_error_at_once_and_keeps_what_was_typed(client):
    client.force_login(ManagerFactory())

    response = client.post(
        reverse("accounts:account-invite"),
        {"first_name": "Nadia", "last_name": "", "email": "not-an-email", "role": Role.LINK_MEMBER},
    )

    assert response.status_code == 400
    html = response.content.decode()
    for message in ("Enter their last name", "Enter an email address in the correct format", "Select the borough"):
        assert message in html
    assert 'value="Nadia"' in html


def test_a_manager_invites_from_the_form_and_lands_on_the_new_account(client):
    client.force_login(ManagerFactory())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("accounts:account-invite"),
            {"first_name": "Nadia", "last_name": "Khan", "email": "nadia@example.org", "role": Role.OFFICER},
        )

    user = User.objects.get(email="nadia@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account-detail", kwargs={"pk": user.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Invited: has not yet chosen a password" in page
    assert "Invited Nadia Khan (nadia@example.org) as Authority officer" in page
    assert len(mail.outbox) == 1


def test_a_group_admin_is_offered_only_their_group_roles(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=camden))

    html = client.get(reverse("accounts:group-account-invite", kwargs={"pk": camden.pk})).content.decode()

    assert 'value="group_executive"' in html
    assert 'value="group_admin"' in html
    assert 'value="officer"' not in html
    assert 'value="manager"' not in html
    assert 'value="link_member"' not in html
    assert 'name="borough"' not in html
    assert 'name="group"' not in html


def test_a_group_admin_posting_an_authority_role_is_refused(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=camden))

    response = client.post(
        reverse("accounts:group-account-invite", kwargs={"pk": camden.pk}),
        {"first_name": "Nadia", "last_name": "Khan", "email": "nadia@example.org", "role": Role.MANAGER},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_a_group_admin_sees_their_groups_people_and_ends_a_role(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)
    chair = GroupExecutiveFactory(group=camden, first_name="Chris", last_name="Chair")
    GroupExecutiveFactory(group=EngagementGroupFactory(borough=borough("hackney")), first_name="Hana")
    client.force_login(admin)

    page = client.get(reverse("accounts:group-accounts", kwargs={"pk": camden.pk})).content.decode()
    assignment = chair.role_assignments.get()
    end_url = reverse("accounts:account-role-end", kwargs={"pk": chair.pk, "role_pk": assignment.pk})
    response = client.post(end_url, {"assignment": assignment.pk})

    assert "Chris Chair" in page
    assert "Hana" not in page
    assert end_url in page
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:group-accounts", kwargs={"pk": camden.pk})
    assert not chair.role_assignments.exists()


def test_ending_a_role_from_a_stale_page_ends_nothing(client):
    manager = ManagerFactory()
    officer = OfficerFactory()
    client.force_login(manager)
    assignment = officer.role_assignments.get()
    url = reverse("accounts:account-role-end", kwargs={"pk": officer.pk, "role_pk": assignment.pk})

    response = client.post(url, {"assignment": assignment.pk + 1000})

    assert response.status_code == 400
    assert officer.role_assignments.exists()


def test_the_last_manager_is_told_why_their_role_cannot_end(client):
    manager = ManagerFactory()
    client.force_login(manager)
    assignment = manager.role_assignments.get()

    response = client.post(
        reverse("accounts:account-role-end", kwargs={"pk": manager.pk, "role_pk": assignment.pk}),
        {"assignment": assignment.pk},
    )

    assert response.status_code == 400
    assert "This is the last manager: give someone else the manager role first" in response.content.decode()


def test_a_manager_cannot_deactivate_themselves_from_their_page(client):
    manager = ManagerFactory()
    client.force_login(manager)

    page = client.get(reverse("accounts:account-detail", kwargs={"pk": manager.pk})).content.decode()
    response = client.post(reverse("accounts:account-deactivate", kwargs={"pk": manager.pk}))

    assert "Deactivate account" not in page
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active is True


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(client):
    manager = ManagerFactory()
    officer = OfficerFactory(username="olu")
    officer_client = type(client)()
    officer_client.force_login(officer)
    client.force_login(manager)

    response = client.post(reverse("accounts:account-deactivate", kwargs={"pk": officer.pk}))

    assert response.status_code == 302
    assert officer_client.get(reverse("groups:group-list")).status_code == 302  # sent to sign in
    signed_in = type(client)().post(reverse("accounts:sign-in"), {"username": "olu", "password": "demo"})
    assert signed_in.status_code == 200
    assert "_auth_user_id" not in signed_in.wsgi_request.session
    assert AuditEvent.objects.filter(event_type=AuditEventType.ACCOUNT_DEACTIVATED, target_id=officer.pk).exists()


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_the_invitation_link_moves_its_token_out_of_the_address_then_sets_the_password(client):
    manager = ManagerFactory()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.user_invite(
            actor=manager, email="nadia@example.org", first_name="Nadia", last_name="Khan", role="officer"
        )
    path = re.search(r"https://cpeg\.example\.org(/accounts/invitation/\S+/)$", mail.outbox[0].body, re.M).group(1)

    first = client.get(path)
    page = client.get(first["Location"])
    refused = client.post(first["Location"], {"new_password1": "short", "new_password2": "other"})
    done = client.post(first["Location"], {"new_password1": "engagement-42", "new_password2": "engagement-42"})
    again = client.get(path)

    assert first.status_code == 302
    assert first["Location"] == reverse("accounts:invitation-accept", kwargs={"token": "choose-password"})
    assert "Your username is <strong>nadia@example.org</strong>" in page.content.decode()
    assert refused.status_code == 400
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:sign-in")
    assert "Your invitation link does not work" in again.content.decode()
    signed_in = type(client)().post(
        reverse("accounts:sign-in"), {"username": "nadia@example.org", "password": "engagement-42"}
    )
    assert signed_in.status_code == 302


def test_a_made_up_invitation_link_says_it_does_not_work(client):
    response = client.get(reverse("accounts:invitation-accept", kwargs={"token": "made-up"}))

    assert response.status_code == 200
    assert "Your invitation link does not work" in response.content.decode()


def test_managers_and_group_admins_get_accounts_in_their_menu():
    camden = EngagementGroupFactory(borough=borough("camden"))
    manager_links = dict(nav_links(ManagerFactory()))
    admin_links = dict(nav_links(GroupAdminFactory(group=camden)))
    chair_links = dict(nav_links(GroupExecutiveFactory(group=camden)))
    officer_links = dict(nav_links(OfficerFactory()))

    assert manager_links["Accounts"] == LIST_URL
    assert admin_links["Accounts"] == reverse("accounts:group-accounts", kwargs={"pk": camden.pk})
    assert "Accounts" not in chair_links
    assert "Accounts" not in officer_links
