"""Demo membership for a few groups: registers of 8 to 40 members, the
attendance at their latest public meetings (so some members are flagged
at risk), a yearly review, and equality answers: Lambeth's membership is
far less diverse than its borough, and Harrow's is small enough that most
of its figures are suppressed."""

from __future__ import annotations

import datetime as dt

from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.core.demo import DemoContext, person_name
from cpeg.membership import services
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
from cpeg.membership.selectors import expected_at

# slug: (organisations, individuals, attendance rule, ethnic mix of the
# individuals and executive as (category, weight) pairs)
PLANS = {
    "camden": (
        18,
        10,
        3,
        [
            (EthnicGroup.WHITE_BRITISH, 5),
            (EthnicGroup.WHITE_OTHER, 2),
            (EthnicGroup.ASIAN_BANGLADESHI, 2),
            (EthnicGroup.BLACK_AFRICAN, 2),
            (EthnicGroup.MIXED_WHITE_ASIAN, 1),
            (EthnicGroup.PREFER_NOT_TO_SAY, 1),
        ],
    ),
    "hackney": (
        24,
        16,
        4,
        [
            (EthnicGroup.WHITE_BRITISH, 4),
            (EthnicGroup.BLACK_CARIBBEAN, 3),
            (EthnicGroup.BLACK_AFRICAN, 3),
            (EthnicGroup.WHITE_OTHER, 2),
            (EthnicGroup.ASIAN_OTHER, 1),
            (EthnicGroup.OTHER_ANY, 1),
        ],
    ),
    "lambeth": (14, 8, 3, [(EthnicGroup.WHITE_BRITISH, 12), (EthnicGroup.WHITE_IRISH, 1)]),
    "croydon": (
        9,
        7,
        2,
        [
            (EthnicGroup.WHITE_BRITISH, 3),
            (EthnicGroup.BLACK_CARIBBEAN, 2),
            (EthnicGroup.ASIAN_INDIAN, 2),
            (EthnicGroup.PREFER_NOT_TO_SAY, 1),
        ],
    ),
    "harrow": (5, 3, 3, [(EthnicGroup.ASIAN_INDIAN, 2), (EthnicGroup.WHITE_BRITISH, 1)]),
}
ORGANISATIONS = [
    ("Tenants' and Residents' Association", OrganisationKind.RESIDENTS_ASSOCIATION, (40, 400)),
    ("Mosque Committee", OrganisationKind.FAITH_GROUP, (150, 900)),
    ("Parish Church", OrganisationKind.FAITH_GROUP, (80, 300)),
    ("Youth Forum", OrganisationKind.YOUTH_GROUP, (15, 60)),
    ("Chamber of Commerce", OrganisationKind.BUSINESS, (20, 120)),
    ("Ward Panel", OrganisationKind.WARD_PANEL, (8, 14)),
    ("Neighbourhood Watch Association", OrganisationKind.OTHER, (100, 900)),
    ("Somali Community Association", OrganisationKind.OTHER, (60, 500)),
    ("Pensioners' Forum", OrganisationKind.OTHER, (30, 200)),
    ("Gurdwara Committee", OrganisationKind.FAITH_GROUP, (100, 600)),
]
PLACES = ["North", "South", "East", "West", "Central", "Park", "Green", "Hill", "Road", "Estate", "Market", "Riverside"]


def _weighted(rng, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _answers(rng, ethnic_pairs, today, older: bool) -> dict:
    ages = [AgeBand.AGE_55_64, AgeBand.AGE_65_74, AgeBand.AGE_75_PLUS] if older else list(AgeBand)[1:7]
    return {
        "consent_given_on": today - dt.timedelta(days=rng.randint(10, 300)),
        "ethnic_group": _weighted(rng, ethnic_pairs),
        "sex": rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.PREFER_NOT_TO_SAY]),
        "age_band": rng.choice(ages),
        "disability": _weighted(
            rng, [(Disability.NOT_DISABLED, 6), (Disability.LIMITED_A_LITTLE, 2), (Disability.LIMITED_A_LOT, 1)]
        ),
        "religion": _weighted(
            rng,
            [(Religion.CHRISTIAN, 4), (Religion.NO_RELIGION, 4), (Religion.MUSLIM, 2), (Religion.PREFER_NOT_TO_SAY, 1)],
        ),
        "sexual_orientation": _weighted(
            rng,
            [
                (SexualOrientation.STRAIGHT, 8),
                (SexualOrientation.PREFER_NOT_TO_SAY, 2),
                (SexualOrientation.GAY_LESBIAN, 1),
            ],
        ),
    }


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    actor = ctx.officer
    total = 0
    for slug, (organisations, individuals, limit, ethnic_pairs) in PLANS.items():
        group = ctx.groups.get(slug)
        if group is None:
            continue
        admin = ctx.admins[slug]
        services.attendance_rule_set(
            group=group,
            actor=actor,
            data={
                "missed_meetings_limit": limit,
                "constitution_wording": f"A member who misses {limit} consecutive general meetings without "
                "sending apologies ceases to be a member, unless the executive decides otherwise.",
            },
        )
        members = []
        places = rng.sample(PLACES, len(PLACES))
        for index in range(organisations):
            name, kind, (low, high) = ORGANISATIONS[index % len(ORGANISATIONS)]
            place = places[index % len(places)]
            members.append(
                services.member_add(
                    group=group,
                    actor=actor,
                    data={
                        "member_type": MemberType.ORGANISATION,
                        "name": f"{group.borough.name} {place} {name}"
                        + (f" ({index // len(places) + 1})" if index >= len(places) else ""),
                        "organisation_kind": kind,
                        "people_represented": rng.randint(low, high) if rng.random() < 0.8 else None,
                        "representative": person_name(rng),
                        "deputy": person_name(rng) if rng.random() < 0.7 else "",
                        "email": "",
                        "joined_on": dt.date(ctx.today.year - rng.randint(2, 9), rng.randint(1, 12), 1),
                        "left_on": None,
                        "leaving_reason": "",
                    },
                )
            )
        individual_names = set()
        while len(individual_names) < individuals:
            individual_names.add(person_name(rng))
        for name in sorted(individual_names):
            members.append(
                services.member_add(
                    group=group,
                    actor=actor,
                    data={
                        "member_type": MemberType.INDIVIDUAL,
                        "name": name,
                        "joined_on": dt.date(ctx.today.year - rng.randint(2, 6), rng.randint(1, 12), 1),
                        "left_on": None,
                    },
                )
            )
        # One former member, who left after missing meetings.
        services.member_update(
            member=members[0],
            actor=actor,
            data={"left_on": ctx.today - dt.timedelta(days=200), "leaving_reason": "Missed meetings; did not reply"},
            loaded_version=None,
        )
        meetings = list(
            Activity.objects.filter(
                group=group,
                activity_type=ActivityType.PUBLIC_MEETING,
                held_on__lte=ctx.today,
                withdrawn_at__isnull=True,
            ).order_by("-held_on")[:4]
        )
        # A few steady absentees, so the register flags members at risk.
        absentees = set(rng.sample([m.pk for m in members[1:]], max(2, len(members) // 8)))
        for meeting in reversed(meetings):
            expected, seats = expected_at(group_id=group.pk, day=meeting.held_on)
            present = [m.pk for m in expected if m.pk not in absentees and rng.random() < 0.85]
            executives = [e.pk for e in seats if rng.random() < 0.9]
            services.attendance_record(activity=meeting, actor=actor, member_ids=present, executive_ids=executives)
        services.membership_review_record(
            group=group,
            actor=actor,
            data={
                "reviewed_on": ctx.today - dt.timedelta(days=120),
                "members_reviewed": len(members),
                "members_removed": 1,
                "outcome": "Membership list checked against attendance. One organisation written to and removed "
                "after no reply. Agreed to approach youth and faith groups not yet represented.",
                "meeting": meetings[-1] if meetings else None,
            },
        )
        older = slug == "lambeth"
        for member in members[organisations:]:
            if rng.random() < 0.9:
                services.equality_answers_record(
                    person=member, actor=admin, data=_answers(rng, ethnic_pairs, ctx.today, older)
                )
        for seat in group.executive.all():
            services.equality_answers_record(
                person=seat, actor=admin, data=_answers(rng, ethnic_pairs, ctx.today, older)
            )
        total += len(members)
    ctx.log.append(f"{total} members in {len(PLANS)} groups' registers, with attendance and equality answers")
