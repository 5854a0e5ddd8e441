import factory
from django.contrib.auth import get_user_model

from cpeg.accounts.roles import Role


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
