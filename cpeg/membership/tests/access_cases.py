"""Who may reach each membership page. Equality answers: the Camden
administrator only (never officers, link members or the executive)."""

from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import ExecutiveMembershipFactory
from cpeg.membership.tests.factories import (
    EqualityProfileFactory,
    MemberFactory,
    OrganisationProfileFactory,
    OtherFundingFactory,
    SkillsAuditFactory,
    SupportUsedFactory,
    TrainingAttendedFactory,
)
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase

CAMDEN_CHANGERS = AUTHORITY | CAMDEN_GROUP
MANAGER = frozenset({"manager"})
CAMDEN_ADMIN = frozenset({"camden_admin"})
CAMDEN_PEOPLE_AND_AUTHORITY = AUTHORITY | CAMDEN_GROUP
SKILLS_CHANGERS = AUTHORITY | CAMDEN_ADMIN


def camden(w):
    return {"pk": w.camden.pk}


def member(w):
    return {"pk": w.make("member", lambda w: MemberFactory(group=w.camden)).pk}


def organisation(w):
    return {"pk": w.make("organisation", lambda w: MemberFactory(group=w.camden, organisation=True)).pk}


def organisation_characteristic(w):
    return organisation(w) | {"characteristic": "sex"}


def organisation_with_profile(w):
    def build(w):
        return OrganisationProfileFactory(member=MemberFactory(group=w.camden, organisation=True)).member

    return {"pk": w.make("profiled", build).pk, "characteristic": "sex"}


def member_with_answers(w):
    def build(w):
        return EqualityProfileFactory(member=MemberFactory(group=w.camden)).member

    return {"pk": w.make("answered", build).pk}


def seat(w):
    return {"pk": w.make("seat", lambda w: ExecutiveMembershipFactory(group=w.camden)).pk}


def seat_with_answers(w):
    def build(w):
        return EqualityProfileFactory(member=None, executive=ExecutiveMembershipFactory(group=w.camden)).executive

    return {"pk": w.make("answered-seat", build).pk}


def meeting(w):
    return {
        "pk": w.make("meeting", lambda w: ActivityFactory(group=w.camden, activity_type=ActivityType.PUBLIC_MEETING)).pk
    }


def administrator(w):
    from cpeg.accounts.roles import Role

    return {"pk": w.users["camden_admin"].role_assignments.get(role=Role.GROUP_ADMIN).pk}


def audit(w):
    return {
        "pk": w.make("audit", lambda w: SkillsAuditFactory(executive=ExecutiveMembershipFactory(group=w.camden))).pk
    }


def training(w):
    def build(w):
        seat = ExecutiveMembershipFactory(group=w.camden)
        return TrainingAttendedFactory(audit=SkillsAuditFactory(executive=seat))

    return {"pk": w.make("training", build).pk}


def funding(w):
    return {"pk": w.make("funding", lambda w: OtherFundingFactory(group=w.camden)).pk}


def support(w):
    return {"pk": w.make("support", lambda w: SupportUsedFactory(group=w.camden)).pk}


def used_skill(w):
    from cpeg.membership.models import Skill

    return {"pk": Skill.objects.order_by("position").first().pk}


def unused_skill(w):
    from cpeg.membership.models import Skill

    return {"pk": w.make("unused-skill", lambda w: Skill.objects.create(name="Unused skill", position=99)).pk}


CASES = [
    AccessCase("membership:register", CAMDEN_CHANGERS, camden),
    AccessCase("membership:member-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:member-import", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:rule-edit", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:review-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:representation", CAMDEN_READERS, camden),
    AccessCase("membership:member-edit", CAMDEN_CHANGERS, member, post=True),
    AccessCase("membership:equality", CAMDEN_ADMIN, member, post=True),
    AccessCase("membership:organisation-profile", CAMDEN_ADMIN, organisation),
    AccessCase("membership:organisation-profile-edit", CAMDEN_ADMIN, organisation_characteristic, post=True),
    AccessCase("membership:organisation-profile-remove", CAMDEN_ADMIN, organisation_with_profile, post=True),
    AccessCase("membership:equality-erase", CAMDEN_ADMIN | AUTHORITY, member_with_answers, post=True),
    AccessCase("membership:executive-equality", CAMDEN_ADMIN, seat, post=True),
    AccessCase("membership:executive-equality-erase", CAMDEN_ADMIN | AUTHORITY, seat_with_answers, post=True),
    AccessCase("membership:attendance", CAMDEN_CHANGERS, meeting, post=True),
    AccessCase("membership:representation-london", AUTHORITY | {"link_member"}),
    AccessCase("membership:population-load", MANAGER, post=True),
    AccessCase("membership:representation-csv", CAMDEN_READERS, camden),
    AccessCase("membership:representation-xlsx", CAMDEN_READERS, camden),
    AccessCase("membership:representation-london-csv", AUTHORITY | {"link_member"}),
    AccessCase("membership:representation-london-xlsx", AUTHORITY | {"link_member"}),
    AccessCase("membership:skills", CAMDEN_PEOPLE_AND_AUTHORITY, camden),
    AccessCase("membership:executive-skills", SKILLS_CHANGERS, seat, post=True),
    AccessCase("membership:administrator-skills", SKILLS_CHANGERS, administrator, post=True),
    AccessCase("membership:training-add", SKILLS_CHANGERS, audit, post=True),
    AccessCase("membership:training-remove", SKILLS_CHANGERS, training, post=False),
    AccessCase("membership:training-needs", AUTHORITY),
    AccessCase("membership:skill-list", MANAGER),
    AccessCase("membership:skill-add", MANAGER, post=True),
    AccessCase("membership:skill-edit", MANAGER, used_skill, post=True),
    AccessCase("membership:skill-remove", MANAGER, unused_skill, post=True),
    AccessCase("membership:other-funding", CAMDEN_READERS, camden),
    AccessCase("membership:other-funding-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:other-funding-edit", CAMDEN_CHANGERS, funding, post=True),
    AccessCase("membership:support-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:support-edit", CAMDEN_CHANGERS, support, post=True),
    AccessCase("membership:other-funding-london", AUTHORITY),
]
