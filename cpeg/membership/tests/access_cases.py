"""Who may reach each membership page. Equality answers: the Camden
administrator only (never officers, link members or the executive)."""

from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import ExecutiveMembershipFactory
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase

CAMDEN_CHANGERS = AUTHORITY | CAMDEN_GROUP
CAMDEN_ADMIN = frozenset({"camden_admin"})


def camden(w):
    return {"pk": w.camden.pk}


def member(w):
    return {"pk": w.make("member", lambda w: MemberFactory(group=w.camden)).pk}


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


CASES = [
    AccessCase("membership:register", CAMDEN_CHANGERS, camden),
    AccessCase("membership:member-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:member-import", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:rule-edit", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:review-add", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("membership:representation", CAMDEN_READERS, camden),
    AccessCase("membership:member-edit", CAMDEN_CHANGERS, member, post=True),
    AccessCase("membership:equality", CAMDEN_ADMIN, member, post=True),
    AccessCase("membership:equality-erase", CAMDEN_ADMIN | AUTHORITY, member_with_answers, post=True),
    AccessCase("membership:executive-equality", CAMDEN_ADMIN, seat, post=True),
    AccessCase("membership:executive-equality-erase", CAMDEN_ADMIN | AUTHORITY, seat_with_answers, post=True),
    AccessCase("membership:attendance", CAMDEN_CHANGERS, meeting, post=True),
    AccessCase("membership:representation-london", AUTHORITY | {"link_member"}),
]
