import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cpeg.accounts.roles import Role
from cpeg.accounts.selectors import token_hash


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo")


class OfficerFactory(UserFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.role_assignments.create(role=Role.OFFICER)


class ManagerFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.role_assignments.create(role=Role.MANAGER)


class GroupAdminFactory(UserFactory):
    """A group's administrator: pass ``group=``."""

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if extracted is None:
            raise ValueError("GroupAdminFactory needs group=")
        self.role_assignments.create(role=Role.GROUP_ADMIN, group=extracted)


class GroupExecutiveFactory(UserFactory):
    """A member of a group's executive (e.g. the chair): pass ``group=``."""

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if extracted is None:
            raise ValueError("GroupExecutiveFactory needs group=")
        self.role_assignments.create(role=Role.GROUP_EXECUTIVE, group=extracted)


class LinkMemberFactory(UserFactory):
    """A link member: pass ``boroughs=[...]``."""

    @factory.post_generation
    def boroughs(self, create, extracted, **kwargs):
        for borough in extracted or []:
            self.role_assignments.create(role=Role.LINK_MEMBER, borough=borough)


class InvitedUserFactory(UserFactory):
    """An officer invited by email who has not yet chosen a password."""

    password = factory.LazyFunction(lambda: make_password(None))

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.role_assignments.create(role=Role.OFFICER)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An emailed invitation whose link still works; ``raw_token`` is the
    token in the link (only its hash is stored)."""

    class Meta:
        model = "accounts.Invitation"

    user = factory.SubFactory(InvitedUserFactory)
    raw_token = factory.Sequence(lambda n: f"test-invitation-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.raw_token))
    emailed_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, raw_token, **kwargs):
        invitation = super()._create(model_class, *args, **kwargs)
        invitation.raw_token = raw_token
        return invitation
