import datetime as dt
from decimal import Decimal

import factory

from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory
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
from cpeg.membership.models import (
    EqualityProfile,
    Member,
    OrganisationProfile,
    OtherFunding,
    Skill,
    SkillsAudit,
    SupportUsed,
    TrainingAttended,
)


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


class SkillsAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillsAudit

    executive = factory.SubFactory(ExecutiveMembershipFactory)
    group = factory.LazyAttribute(lambda a: a.executive.group if a.executive else None)
    assessed_on = dt.date(2025, 6, 1)


class TrainingAttendedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttended

    audit = factory.SubFactory(SkillsAuditFactory)
    activity = factory.LazyAttribute(
        lambda t: ActivityFactory(group=t.audit.group, activity_type="training", held_on=dt.date(2025, 7, 1))
    )
    skill = factory.LazyFunction(lambda: Skill.objects.order_by("position").first())


class OtherFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OtherFunding

    group = factory.SubFactory(EngagementGroupFactory)
    funder = factory.Sequence(lambda n: f"Community Trust {n}")
    requested_amount = Decimal("2500.00")
    applied_on = dt.date(2025, 5, 1)


class SupportUsedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportUsed

    group = factory.SubFactory(EngagementGroupFactory)
    kind = "volunteer_bureau"
    provider = "Borough Volunteer Centre"
    description = "Volunteers to staff a stall"
    started_on = dt.date(2025, 4, 1)


class OrganisationProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationProfile

    member = factory.SubFactory(MemberFactory, organisation=True)
    group = factory.LazyAttribute(lambda p: p.member.group)
    characteristic = "sex"
    counts = factory.LazyFunction(lambda: {"female": 30, "male": 25, "prefer_not_to_say": 5})
    counted_on = dt.date(2025, 6, 1)
    source = "Our own survey 2025"
