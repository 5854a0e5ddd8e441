"""Demo membership: registers for nine groups, the attendance at their
latest public meetings (so some members are flagged at risk), a yearly
review, equality answers, organisations' profiles of the people they speak
for, and the borough population by ethnic group (the 2011 sample table).

Most registers hold 8 to 40 members. Four groups that answered the
authority's consultations on behalf of many member organisations (the
consultations demo's figures, which the annual review quotes: Camden 68,
Lambeth 55, Croydon 41, Hackney 33) hold at least as many organisations as
any of their responses claims, read from the responses themselves, so no
response claims more organisations than the group's register held. Camden
and Hackney have enough answers that some figures show; Harrow's are all
suppressed, and Lambeth's membership is far less diverse than its borough.
"""

from __future__ import annotations

import datetime as dt
import random

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
        30,
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
        40,
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
    "islington": (
        12,
        9,
        3,
        [(EthnicGroup.WHITE_BRITISH, 4), (EthnicGroup.WHITE_IRISH, 1), (EthnicGroup.BLACK_AFRICAN, 2)],
    ),
    "newham": (
        16,
        12,
        3,
        [
            (EthnicGroup.ASIAN_BANGLADESHI, 3),
            (EthnicGroup.ASIAN_INDIAN, 2),
            (EthnicGroup.BLACK_AFRICAN, 2),
            (EthnicGroup.WHITE_BRITISH, 2),
        ],
    ),
    "barnet": (10, 6, 2, [(EthnicGroup.WHITE_BRITISH, 5), (EthnicGroup.WHITE_OTHER, 2), (EthnicGroup.ASIAN_INDIAN, 1)]),
    "greenwich": (
        11,
        8,
        3,
        [(EthnicGroup.WHITE_BRITISH, 4), (EthnicGroup.BLACK_AFRICAN, 3), (EthnicGroup.ASIAN_OTHER, 1)],
    ),
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


def _claimed_organisations() -> dict[int, int]:
    """The most member organisations any consultation response claims, per
    group. Read by model name: consultations sits above membership in the
    layers, so membership may not import it, but its demo runs first."""
    from django.apps import apps
    from django.db.models import Max

    responses = apps.get_model("consultations", "ConsultationResponse").objects
    return dict(
        responses.filter(organisations_count__isnull=False)
        .values("group_id")
        .annotate(most=Max("organisations_count"))
        .values_list("group_id", "most")
    )


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    actor = ctx.officer
    total = 0
    claimed = _claimed_organisations()
    for slug, (organisations, individuals, limit, ethnic_pairs) in PLANS.items():
        group = ctx.groups.get(slug)
        if group is None:
            continue
        # One organisation leaves (below): the rest still cover the claim.
        organisations = max(organisations, claimed.get(group.pk, 0) + 1)
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
        _load_profiles(ctx, admin, members[1:organisations], ethnic_pairs)
    ctx.log.append(f"{total} members in {len(PLANS)} groups' registers, with attendance and equality answers")
    _load_population(ctx)
    _load_capacity(ctx)
    _load_other_funding(ctx)


# --- Organisations' profiles and the borough population -----------------------

SEXES = [("female", 52), ("male", 48)]


def _split(rng, total: int, weights: list[tuple[str, float]]) -> dict[str, int]:
    """``total`` people spread over categories by weight (whole numbers)."""
    counts = dict.fromkeys((key for key, _w in weights), 0)
    keys = [key for key, _w in weights]
    for _ in range(total):
        counts[rng.choices(keys, weights=[w for _k, w in weights])[0]] += 1
    return counts


def _load_profiles(ctx: DemoContext, admin, organisations, ethnic_pairs) -> None:
    """About half the organisations that know how many people they speak
    for give a profile of them by ethnic group and sex."""
    from cpeg.membership.choices import NOT_KNOWN, high_level_group

    rng = _own_rng(ctx, f"profiles-{organisations[0].group_id if organisations else 0}")
    ethnic: dict[str, float] = {}
    for category, weight in ethnic_pairs:
        key = high_level_group(category) or NOT_KNOWN
        ethnic[key] = ethnic.get(key, 0) + weight
    # Organisations reach a little wider than the members who answered.
    for key in ("asian", "black", "mixed", "white", "other"):
        ethnic[key] = ethnic.get(key, 0) + 0.5
    ethnic[NOT_KNOWN] = ethnic.get(NOT_KNOWN, 0) + 1
    for member in organisations:
        if member.people_represented is None or rng.random() < 0.5:
            continue
        known = max(1, int(member.people_represented * rng.uniform(0.5, 1.0)))
        survey = rng.choice(["Our own survey", "Membership records", "Estimate"])
        counted_on = ctx.today - dt.timedelta(days=rng.randint(30, 500))
        source = f"{survey} {counted_on.year}" if survey != "Estimate" else "Estimate"
        for characteristic, weights in (("ethnic_group", list(ethnic.items())), ("sex", SEXES)):
            services.organisation_profile_save(
                member=member,
                actor=admin,
                characteristic=characteristic,
                counts=_split(rng, known, weights),
                counted_on=counted_on,
                source=source,
            )


SAMPLE_POPULATION = "sample-population-ethnic-group-2011.csv"


def _load_population(ctx: DemoContext) -> None:
    """The shipped sample table (Census 2011, 5 high-level ethnic groups),
    loaded as a manager would, so the high-level tables are compared."""
    from pathlib import Path

    from django.core.files import File

    if ctx.manager is None:
        return
    path = Path(__file__).resolve().parent / "data" / SAMPLE_POPULATION
    with path.open("rb") as handle:
        loaded = services.population_tables_load(actor=ctx.manager, file=File(handle, name=path.name))
    ctx.log.append(f"Borough population by ethnic group loaded from {path.name} ({sum(loaded.values())} rows)")


# --- Capacity: skills audits and training attended ---------------------------


def _own_rng(ctx: DemoContext, name: str) -> random.Random:
    """A generator of its own, seeded from the shared one's seed material
    but not drawing from it: the apps loaded after membership keep the
    demo data they had before these records were added."""
    return random.Random(f"{name}-{ctx.today.isoformat()}")


# How likely a person is to need training in a skill, by role: treasurers
# are confident in finance, chairs in chairing; safeguarding and data
# protection are the commonest gaps (as the authority's own review found).
NEED_WEIGHT = {
    "Safeguarding": 0.45,
    "Data protection": 0.4,
    "Engagement methods": 0.3,
    "Equality and diversity": 0.25,
    "Holding police to account": 0.2,
}
STRENGTH = {
    "chair": "Chairing meetings",
    "treasurer": "Finance and budgeting",
    "secretary": "Writing reports and newsletters",
}
LEVELS = ["none", "some", "some", "confident", "confident", "expert"]


def _skills_answers(rng, skills, strength: str | None) -> dict:
    answers = {}
    for skill in skills:
        if skill.name == strength:
            level = rng.choice(["confident", "expert"])
        else:
            level = rng.choice(LEVELS)
        needed = level in ("none", "some") and rng.random() < NEED_WEIGHT.get(skill.name, 0.15) * 2
        answers[skill.pk] = (level, needed)
    return answers


def _load_capacity(ctx: DemoContext) -> None:
    """Skills audits in most groups (a few not done yet), and training
    attended at the groups' training sessions."""
    from cpeg.accounts.roles import Role
    from cpeg.membership.models import Skill

    rng = _own_rng(ctx, "capacity")
    services.skills_seed()
    skills = list(Skill.objects.filter(is_active=True))
    audits = needs = trained = 0
    for index, (slug, group) in enumerate(sorted(ctx.groups.items())):
        if index % 5 == 4:
            continue  # one group in five has not done its audit yet
        admin = ctx.admins.get(slug)
        people = [(seat, STRENGTH.get(seat.role)) for seat in group.executive.filter(ends_on__isnull=True)]
        if admin is not None:
            assignment = admin.role_assignments.filter(role=Role.GROUP_ADMIN, group=group).first()
            if assignment is not None:
                people.append((assignment, "Writing reports and newsletters"))
        sessions = list(
            Activity.objects.filter(
                group=group, activity_type=ActivityType.TRAINING, withdrawn_at__isnull=True, held_on__lte=ctx.today
            )
        )
        actor = admin or ctx.officer
        for person, strength in people:
            answers = _skills_answers(rng, skills, strength)
            audit = services.skills_audit_save(
                person=person,
                actor=actor,
                data={"assessed_on": ctx.today - dt.timedelta(days=rng.randint(60, 400)), "skills": answers},
            )
            audits += 1
            wanted = [skill for skill in skills if answers[skill.pk][1]]
            needs += len(wanted)
            # Some needs met at the group's own training sessions.
            for session in sessions:
                if wanted and rng.random() < 0.5:
                    skill = rng.choice(wanted)
                    services.training_attended_add(audit=audit, actor=actor, activity=session, skill=skill)
                    wanted.remove(skill)
                    trained += 1
    ctx.log.append(f"{audits} skills audits with {needs} training needs, {trained} met by training attended")


# --- Alternative funding and support ------------------------------------------

FUNDERS = [
    ("City Bridge Trust", "Outreach to young people on estates", (5000, 15000)),
    ("The National Lottery Community Fund: Awards for All", "Community safety open days", (2000, 10000)),
    ("Borough council community chest", "Printing the newsletter in community languages", (500, 2500)),
    ("Local housing association community fund", "Meetings on estates with residents", (750, 3000)),
    ("Trust for London", "Stop and search community monitoring", (8000, 20000)),
    ("Local business improvement district", "Town centre safety forum", (1000, 5000)),
]
SUPPORT = [
    ("volunteer_bureau", "Volunteer Centre", "Volunteers to staff stalls at community events"),
    ("council", "Council community safety team", "Free use of the town hall committee rooms"),
    ("cvs", "Council for Voluntary Service", "Advice on the constitution and governance"),
    ("council", "Council print unit", "Printing the newsletter at cost"),
    ("police", "Safer Neighbourhood team", "Officers at ward panel meetings and a meeting room"),
    ("business", "Local supermarket", "Refreshments for public meetings"),
]


def _load_other_funding(ctx: DemoContext) -> None:
    """Other funding applied for by about half the groups (awards, refusals
    and some waiting), and support most groups use."""
    from decimal import Decimal

    rng = _own_rng(ctx, "other-funding")
    applications = supports = 0
    for slug, group in sorted(ctx.groups.items()):
        actor = ctx.admins.get(slug) or ctx.officer
        if rng.random() < 0.5:
            for funder, purpose, (low, high) in rng.sample(FUNDERS, rng.randint(1, 3)):
                requested = Decimal(rng.randint(low // 50, high // 50) * 50)
                applied_on = ctx.today - dt.timedelta(days=rng.randint(30, 500))
                outcome = rng.choice(["awarded", "awarded", "refused", "applied"])
                decided_on = min(applied_on + dt.timedelta(days=rng.randint(40, 120)), ctx.today)
                if outcome == "applied" or decided_on >= ctx.today:
                    outcome = "applied"
                data = {
                    "funder": funder,
                    "purpose": purpose,
                    "requested_amount": requested,
                    "applied_on": applied_on,
                    "status": outcome,
                    "awarded_amount": (requested * Decimal(rng.choice(["1", "1", "0.8", "0.5"]))).quantize(
                        Decimal("0.01")
                    )
                    if outcome == "awarded"
                    else None,
                    "decided_on": decided_on if outcome != "applied" else None,
                }
                services.other_funding_add(group=group, actor=actor, data=data)
                applications += 1
        for kind, provider, description in rng.sample(SUPPORT, rng.randint(0, 3)):
            services.support_add(
                group=group,
                actor=actor,
                data={
                    "kind": kind,
                    "provider": f"{group.borough.name} {provider}",
                    "description": description,
                    "started_on": ctx.today - dt.timedelta(days=rng.randint(90, 900)),
                    "ended_on": None,
                },
            )
            supports += 1
    ctx.log.append(f"{applications} applications for other funding and {supports} kinds of support")
