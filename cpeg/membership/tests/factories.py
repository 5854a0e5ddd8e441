import datetime as dt

import factory

from cpeg.groups.tests.factories import EngagementGroupFactory
from cpeg.membership.choices import (
    AgeBand,
    Disability,
    EthnicGroup,
    MemberType,
    OrganisationKind,
    Religion,
    Sex,
    SexualOrientation,
)
from cpeg.membership.models import EqualityProfile, Member


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    group = factory.SubFactory(EngagementGroupFactory)
    member_type = MemberType.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Member {n}")
    joined_on = dt.date(2024, 1, 1)

    class Params:
        organisation = factory.Trait(
            member_type=MemberType.ORGANISATION,
            organisation_kind=OrganisationKind.RESIDENTS_ASSOCIATION,
            people_represented=100,
            representative="Ray Rep",
        )


class EqualityProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EqualityProfile

    member = factory.SubFactory(MemberFactory)
    group = factory.LazyAttribute(lambda p: (p.member or p.executive).group)
    consent_given_on = dt.date(2025, 6, 1)
    ethnic_group = EthnicGroup.WHITE_BRITISH
    sex = Sex.FEMALE
    age_band = AgeBand.AGE_45_54
    disability = Disability.NOT_DISABLED
    religion = Religion.NO_RELIGION
    sexual_orientation = SexualOrientation.STRAIGHT
