"""Inviting people, giving and ending roles, deactivating accounts (issue 9.11)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone

from cpeg.accounts import access, selectors, services
from cpeg.accounts.models import Invitation, RoleAssignment, User
from cpeg.accounts.roles import Role
from cpeg.accounts.tests.factories import (
    GroupAdminFactory,
    GroupExecutiveFactory,
    LinkMemberFactory,
    ManagerFactory,
    OfficerFactory,
    UserFactory,
)
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

LINK = re.compile(r"^https://cpeg\.example\.org(/accounts/invitation/[^/\s]+/)$", re.MULTILINE)


def _events(user, event_type):
    return list(
        AuditEvent.objects.filter(target_id=user.pk, event_type=event_type, target_type__model="user").order_by("pk")
    )


def _fresh(user):
    """The user as a new request would load it (no cached roles)."""
    return User.objects.get(pk=user.pk)


def _invite(actor, **kwargs):
    data = {"email": "nadia@authority.example", "first_name": "Nadia", "last_name": "Khan", "role": Role.OFFICER}
    data.update(kwargs)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.user_invite(actor=actor, **data)


def _token_from_email():
    (message,) = mail.outbox
    return LINK.search(message.body).group(1).rstrip("/").rsplit("/", 1)[1]


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_a_manager_invites_an_officer_who_gets_a_one_time_link_by_email():
    manager = ManagerFactory(first_name="Maria", last_name="Manager")

    invitation = _invite(manager)

    user = invitation.user
    assert user.username == "nadia@authority.example"
    assert user.has_usable_password() is False
    assert list(user.role_assignments.values_list("role", "group", "borough")) == [(Role.OFFICER, None, None)]
    (message,) = mail.outbox
    assert message.to == ["nadia@authority.example"]
    assert message.subject == "You are invited to CPEG Manager"
    assert "Maria Manager has invited you" in message.body
    assert "Your username is nadia@authority.example." in message.body
    assert "The link works once, for 1 week." in message.body
    token = _token_from_email()
    invitation.refresh_from_db()
    assert invitation.token_hash == selectors.token_hash(token) != token
    (invited,) = _events(user, AuditEventType.ACCOUNT_INVITED)
    assert invited.actor == manager
    assert invited.summary == "Invited Nadia Khan (nadia@authority.example) as Authority officer"
    assert _events(user, AuditEventType.ACCOUNT_INVITATION_EMAILED)


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_the_invitation_sets_a_password_once_and_then_stops_working():
    invitation = _invite(ManagerFactory())
    token = _token_from_email()

    found = selectors.invitation_for_token(token)
    user = services.invitation_accept(invitation=found, password="engagement-group-42")

    assert _fresh(user).check_password("engagement-group-42") is True
    assert selectors.invitation_for_token(token) is None
    with pytest.raises(ValidationError, match="already been used or has expired"):
        services.invitation_accept(invitation=invitation, password="another-password-42")
    (accepted,) = _events(user, AuditEventType.ACCOUNT_INVITATION_ACCEPTED)
    assert accepted.summary == "Accepted the invitation and chose a password"


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_an_invitation_link_expires_after_a_week():
    _invite(ManagerFactory())
    token = _token_from_email()
    invitation = selectors.invitation_for_token(token)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert selectors.invitation_for_token(token) is None
    with pytest.raises(ValidationError, match="has expired"):
        services.invitation_accept(invitation=invitation, password="engagement-group-42")


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_a_new_invitation_replaces_the_old_link():
    manager = ManagerFactory()
    invitation = _invite(manager)
    first = _token_from_email()

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invitation_resend(actor=manager, user=invitation.user)
    second = _token_from_email()

    assert first != second
    assert selectors.invitation_for_token(first) is None
    assert selectors.invitation_for_token(second).user == invitation.user


def test_an_email_already_on_an_account_is_refused_with_every_other_error():
    manager = ManagerFactory()
    UserFactory(email="Taken@example.org")

    with pytest.raises(ValidationError) as error:
        _invite(manager, email="taken@example.org", role=Role.LINK_MEMBER)

    assert error.value.message_dict == {
        "email": ["There is already an account with this email address"],
        "borough": ["Select the borough"],
    }
    assert not mail.outbox


def test_a_manager_invites_a_link_member_for_a_borough_and_a_group_executive_for_a_group():
    manager = ManagerFactory()
    camden = EngagementGroupFactory(borough=borough("camden"))

    link = _invite(manager, email="link@example.org", role=Role.LINK_MEMBER, borough=borough("hackney")).user
    chair = _invite(manager, email="chair@example.org", role=Role.GROUP_EXECUTIVE, group=camden).user

    assert access.borough_ids_of(_fresh(link)) == {borough("hackney").pk}
    assert access.group_ids_of(_fresh(chair)) == {camden.pk}
    (event,) = _events(chair, AuditEventType.ACCOUNT_INVITED)
    assert event.group == camden


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.LINK_MEMBER])
def test_a_group_admin_cannot_invite_anyone_to_an_authority_or_borough_role(role):
    camden = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=camden)

    with pytest.raises(PermissionDenied):
        _invite(admin, role=role, borough=borough("camden"))

    assert not User.objects.filter(email="nadia@authority.example").exists()


def test_a_group_admin_invites_an_executive_member_to_their_own_group_only():
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    admin = GroupAdminFactory(group=camden)

    invited = _invite(admin, role=Role.GROUP_EXECUTIVE, group=camden).user
    with pytest.raises(PermissionDenied):
        _invite(admin, email="other@example.org", role=Role.GROUP_EXECUTIVE, group=hackney)

    assert access.group_ids_of(_fresh(invited)) == {camden.pk}
    assert not User.objects.filter(email="other@example.org").exists()


def test_the_admin_of_a_disbanded_group_can_no_longer_invite():
    camden = EngagementGroupFactory(borough=borough("camden"), status=GroupStatus.DISBANDED)
    admin = GroupAdminFactory(group=camden)

    with pytest.raises(PermissionDenied):
        _invite(admin, role=Role.GROUP_EXECUTIVE, group=camden)


@pytest.mark.parametrize("factory", [OfficerFactory, GroupExecutiveFactory, LinkMemberFactory])
def test_officers_executives_and_link_members_cannot_invite(factory):
    camden = EngagementGroupFactory(borough=borough("camden"))
    actor = factory(group=camden) if factory is GroupExecutiveFactory else factory()

    with pytest.raises(PermissionDenied):
        _invite(actor, role=Role.GROUP_EXECUTIVE, group=camden)


def test_a_manager_gives_and_ends_a_role_and_both_are_audited():
    manager = ManagerFactory()
    officer = OfficerFactory(first_name="Olu", last_name="Officer")

    assignment = services.role_grant(actor=manager, user=officer, role=Role.LINK_MEMBER, borough=borough("camden"))
    assert access.borough_ids_of(_fresh(officer)) == {borough("camden").pk}
    services.role_end(actor=manager, assignment=assignment)

    assert access.borough_ids_of(_fresh(officer)) == set()
    (given,) = _events(officer, AuditEventType.ACCOUNT_ROLE_GRANTED)
    (ended,) = _events(officer, AuditEventType.ACCOUNT_ROLE_ENDED)
    assert given.summary == "Gave Olu Officer the role Link member for Camden"
    assert ended.summary == "Ended Olu Officer's role Link member for Camden"


def test_the_same_role_cannot_be_given_twice():
    manager = ManagerFactory()
    officer = OfficerFactory()

    with pytest.raises(ValidationError, match="already has this role"):
        services.role_grant(actor=manager, user=officer, role=Role.OFFICER)


def test_a_group_admin_ends_an_executive_role_in_their_group_but_not_elsewhere():
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    admin = GroupAdminFactory(group=camden)
    camden_chair = GroupExecutiveFactory(group=camden)
    hackney_chair = GroupExecutiveFactory(group=hackney)
    officer = OfficerFactory()

    services.role_end(actor=admin, assignment=camden_chair.role_assignments.get())
    with pytest.raises(PermissionDenied):
        services.role_end(actor=admin, assignment=hackney_chair.role_assignments.get())
    with pytest.raises(PermissionDenied):
        services.role_end(actor=admin, assignment=officer.role_assignments.get())

    assert not camden_chair.role_assignments.exists()
    assert hackney_chair.role_assignments.exists()
    assert officer.role_assignments.exists()


def test_an_officer_cannot_give_a_role_above_their_own():
    officer = OfficerFactory()
    other = OfficerFactory()

    with pytest.raises(PermissionDenied):
        services.role_grant(actor=officer, user=other, role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=officer, user=officer, role=Role.MANAGER)

    assert not RoleAssignment.objects.filter(role=Role.MANAGER).exists()


def test_the_last_manager_cannot_lose_the_manager_role():
    manager = ManagerFactory()

    with pytest.raises(ValidationError, match="last manager"):
        services.role_end(actor=manager, assignment=manager.role_assignments.get())

    assert manager.role_assignments.filter(role=Role.MANAGER).exists()


def test_a_manager_role_can_end_while_another_active_manager_remains():
    manager = ManagerFactory()
    other = ManagerFactory()
    deactivated = ManagerFactory(is_active=False)

    services.role_end(actor=manager, assignment=other.role_assignments.get())
    # The deactivated manager does not count: the last active one keeps it.
    with pytest.raises(ValidationError, match="last manager"):
        services.role_end(actor=manager, assignment=manager.role_assignments.get())

    assert not other.role_assignments.exists()
    assert deactivated.role_assignments.exists()


def test_a_manager_deactivates_and_reactivates_an_account_with_audit():
    manager = ManagerFactory()
    officer = OfficerFactory(first_name="Olu", last_name="Officer")

    services.user_deactivate(actor=manager, user=officer)
    assert _fresh(officer).is_active is False
    assert access.roles_of(_fresh(officer)) == set()
    services.user_reactivate(actor=manager, user=officer)

    assert _fresh(officer).is_active is True
    (off,) = _events(officer, AuditEventType.ACCOUNT_DEACTIVATED)
    (on,) = _events(officer, AuditEventType.ACCOUNT_REACTIVATED)
    assert off.summary == "Deactivated Olu Officer's account: they can no longer sign in"
    assert off.payload["changes"] == {"is_active": {"old": True, "new": False}}
    assert on.actor == manager


def test_a_manager_cannot_deactivate_themselves():
    manager = ManagerFactory()
    ManagerFactory()

    with pytest.raises(ValidationError, match="your own account"):
        services.user_deactivate(actor=manager, user=manager)

    assert _fresh(manager).is_active is True


def test_only_managers_deactivate_accounts():
    camden = EngagementGroupFactory(borough=borough("camden"))
    chair = GroupExecutiveFactory(group=camden)

    for actor in (OfficerFactory(), GroupAdminFactory(group=camden)):
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=actor, user=chair)
        with pytest.raises(PermissionDenied):
            services.user_reactivate(actor=actor, user=chair)

    assert _fresh(chair).is_active is True


def test_reactivating_an_active_account_is_refused():
    with pytest.raises(ValidationError, match="already active"):
        services.user_reactivate(actor=ManagerFactory(), user=OfficerFactory())


def test_grantable_roles_follow_the_actor():
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    admin = GroupAdminFactory(group=camden)

    assert access.grantable_roles(ManagerFactory()) == list(Role.values)
    assert access.grantable_roles(admin, group=camden) == [Role.GROUP_ADMIN, Role.GROUP_EXECUTIVE]
    assert access.grantable_roles(admin, group=hackney) == []
    assert access.grantable_roles(OfficerFactory()) == []
