import datetime as dt
from decimal import Decimal

import factory

from cpeg.groups.boroughs import load_boroughs
from cpeg.groups.choices import ExecutiveRole, GroupStatus, PartnerRole, StaffingModel
from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, PartnerContact, Person, Venue


def borough(slug: str) -> Borough:
    """One of the 32 boroughs (reloaded if a transactional test flushed them)."""
    if not Borough.objects.exists():
        load_boroughs(Borough)
    return Borough.objects.get(slug=slug)


class EngagementGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementGroup

    name = factory.LazyAttribute(lambda g: f"{g.borough.name} Community and Police Engagement Group")
    slug = factory.LazyAttribute(lambda g: f"{g.borough.slug}-cpeg")
    borough = factory.LazyFunction(lambda: borough("westminster"))
    status = GroupStatus.ACTIVE
    is_published = True
    staffing_model = StaffingModel.DIRECT
    administrator_hours_per_week = Decimal("37.5")
    established_on = dt.date(2001, 4, 1)
    email = factory.LazyAttribute(lambda g: f"info@{g.borough.slug}.example.org")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class ExecutiveMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExecutiveMembership

    group = factory.SubFactory(EngagementGroupFactory)
    person = factory.SubFactory(PersonFactory)
    role = ExecutiveRole.CHAIR
    starts_on = dt.date(2024, 4, 1)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    group = factory.SubFactory(EngagementGroupFactory)
    name = factory.Sequence(lambda n: f"Community Hall {n}")
    address = "1 High Street\nLondon"


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    borough = factory.LazyFunction(lambda: borough("westminster"))
    person = factory.SubFactory(PersonFactory)
    role = PartnerRole.BOROUGH_COMMANDER
