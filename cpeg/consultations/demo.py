"""Demo consultations in the shape of the 2009 annual review.

Last financial year's policing plan consultation: 6 groups responded,
representing 289 member organisations and 14 individuals (one of them
sent late and accepted), 3 said they were not responding; the stop and
search consultation: 5 groups with 170 member organisations. The year
before's policing plan consultation (4 groups) gives the year-on-year
change. This year: the budget consultation (closing date passed, still
open, one late response waiting for acceptance) and the policing plan
consultation, open, Camden not yet started.

Everything goes through ``consultations.services``, as the screens do.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cpeg.consultations import services
from cpeg.consultations.choices import ConsultationKind, ResponseDecision
from cpeg.core.demo import DemoContext
from cpeg.core.fiscal import FinancialYear

LONDON = ZoneInfo("Europe/London")

# (borough slug, member organisations, individuals): the review's figures.
POLICING_PLAN_LAST_YEAR = [
    ("camden", 68, 4),
    ("lambeth", 55, 3),
    ("haringey", 47, 2),
    ("lewisham", 44, 2),
    ("croydon", 41, 2),
    ("wandsworth", 34, 1),
]
LATE_ACCEPTED = "wandsworth"
NOT_RESPONDING_LAST_YEAR = [
    ("sutton", "The group is suspended while its executive is re-formed"),
    ("hillingdon", "No executive meeting before the closing date to agree a response"),
    ("enfield", "Members responded to the authority directly"),
]
STOP_AND_SEARCH_LAST_YEAR = [
    ("camden", 45, 2),
    ("lambeth", 40, 1),
    ("hackney", 33, 0),
    ("haringey", 28, 0),
    ("southwark", 24, 0),
]
POLICING_PLAN_YEAR_BEFORE = [("camden", 60, 3), ("lambeth", 50, 2), ("haringey", 40, 2), ("lewisham", 30, 2)]
BUDGET_THIS_YEAR = [("lambeth", 39, 2), ("haringey", 31, 1), ("lewisham", 27, 0)]
BUDGET_LATE = ("croydon", 29, 1)
POLICING_PLAN_THIS_YEAR = [("lambeth", 52, 3), ("haringey", 45, 1)]

QUESTIONS = {
    ConsultationKind.POLICING_PLAN: (
        "1. Which of the draft policing priorities matter most to people in your borough, and why?\n"
        "2. What should the Metropolitan Police Service do differently to improve public confidence?\n"
        "3. Which communities in your borough are not being heard, and how could the authority reach them?"
    ),
    ConsultationKind.BUDGET: (
        "1. Where should the authority protect spending on neighbourhood policing?\n"
        "2. Which savings proposals concern your members most?"
    ),
    ConsultationKind.STOP_AND_SEARCH: (
        "1. How do communities in your borough experience stop and search?\n"
        "2. How should stop and search monitoring groups report to the public?"
    ),
}


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _text(group, kind) -> str:
    subject = ConsultationKind(kind).label.lower()
    return (
        f"{group.name} discussed the {subject} consultation at its executive meeting and at a public meeting. "
        "Members' main points: visible neighbourhood policing, better feedback on what happens after people "
        "report crime, and fair, explained use of police powers."
    )


def _consultation(ctx, *, kind, title, opens_on, closes_on, groups):
    consultation = services.consultation_create(
        actor=ctx.officer,
        data={
            "kind": kind,
            "title": title,
            "questions": QUESTIONS.get(kind, "What are your members' views?"),
            "document_url": "",
            "opens_on": opens_on,
            "closes_on": closes_on,
        },
        groups=groups,
    )
    return services.consultation_open(consultation=consultation, actor=ctx.officer)


def _respond(ctx, consultation, slug, organisations, individuals, *, sent_on):
    group = ctx.groups[slug]
    response = consultation.responses.get(group=group)
    actor = ctx.admins[slug]
    response = services.response_save(
        response=response,
        actor=actor,
        data={
            "decision": ResponseDecision.RESPONDING,
            "response_text": _text(group, consultation.kind),
            "organisations_count": organisations,
            "individuals_count": individuals,
            "not_responding_reason": "",
        },
        loaded_version=None,
    )
    return services.response_submit(response=response, actor=actor, now=_at(sent_on))


def _decline(ctx, consultation, slug, reason, *, sent_on):
    response = consultation.responses.get(group=ctx.groups[slug])
    actor = ctx.admins[slug]
    response = services.response_save(
        response=response,
        actor=actor,
        data={
            "decision": ResponseDecision.NOT_RESPONDING,
            "response_text": "",
            "organisations_count": None,
            "individuals_count": None,
            "not_responding_reason": reason,
        },
        loaded_version=None,
    )
    return services.response_submit(response=response, actor=actor, now=_at(sent_on))


def load(ctx: DemoContext) -> None:
    current = FinancialYear.current(ctx.today)
    past, before = current.previous(), current.previous().previous()
    groups = sorted(ctx.groups.values(), key=lambda g: g.name)

    # The year before last: the policing plan consultation, 4 groups.
    plan_before = _consultation(
        ctx,
        kind=ConsultationKind.POLICING_PLAN,
        title=f"Policing plan consultation {before.label}",
        opens_on=dt.date(before.start_year, 11, 4),
        closes_on=dt.date(before.start_year + 1, 1, 31),
        groups=groups,
    )
    for slug, organisations, individuals in POLICING_PLAN_YEAR_BEFORE:
        _respond(ctx, plan_before, slug, organisations, individuals, sent_on=dt.date(before.start_year + 1, 1, 20))
    services.consultation_close(consultation=plan_before, actor=ctx.officer)

    # Last year: stop and search (5 groups, 170 organisations) and the
    # policing plan (6 groups, 289 organisations, 14 individuals).
    stop_search = _consultation(
        ctx,
        kind=ConsultationKind.STOP_AND_SEARCH,
        title=f"Stop and search consultation {past.label}",
        opens_on=dt.date(past.start_year, 6, 2),
        closes_on=dt.date(past.start_year, 7, 31),
        groups=groups,
    )
    for slug, organisations, individuals in STOP_AND_SEARCH_LAST_YEAR:
        _respond(ctx, stop_search, slug, organisations, individuals, sent_on=dt.date(past.start_year, 7, 21))
    services.consultation_close(consultation=stop_search, actor=ctx.officer)

    plan_past = _consultation(
        ctx,
        kind=ConsultationKind.POLICING_PLAN,
        title=f"Policing plan consultation {past.label}",
        opens_on=dt.date(past.start_year, 11, 3),
        closes_on=dt.date(past.start_year + 1, 1, 30),
        groups=groups,
    )
    for slug, organisations, individuals in POLICING_PLAN_LAST_YEAR:
        late = slug == LATE_ACCEPTED
        sent_on = dt.date(past.start_year + 1, 2, 4) if late else dt.date(past.start_year + 1, 1, 23)
        response = _respond(ctx, plan_past, slug, organisations, individuals, sent_on=sent_on)
        if late:
            services.response_accept_late(response=response, actor=ctx.officer, now=_at(sent_on, 15))
    for slug, reason in NOT_RESPONDING_LAST_YEAR:
        _decline(ctx, plan_past, slug, reason, sent_on=dt.date(past.start_year + 1, 1, 16))
    services.consultation_close(consultation=plan_past, actor=ctx.officer)

    # This year: the budget (closing date passed, one late response to
    # accept) and the policing plan, open.
    budget = _consultation(
        ctx,
        kind=ConsultationKind.BUDGET,
        title=f"Budget consultation {current.label}",
        opens_on=ctx.today - dt.timedelta(days=50),
        closes_on=ctx.today - dt.timedelta(days=10),
        groups=groups,
    )
    for slug, organisations, individuals in BUDGET_THIS_YEAR:
        _respond(ctx, budget, slug, organisations, individuals, sent_on=ctx.today - dt.timedelta(days=14))
    slug, organisations, individuals = BUDGET_LATE
    _respond(ctx, budget, slug, organisations, individuals, sent_on=ctx.today - dt.timedelta(days=3))

    plan_now = _consultation(
        ctx,
        kind=ConsultationKind.POLICING_PLAN,
        title=f"Policing plan consultation {current.label}",
        opens_on=ctx.today - dt.timedelta(days=20),
        closes_on=ctx.today + dt.timedelta(days=60),
        groups=groups,
    )
    for slug, organisations, individuals in POLICING_PLAN_THIS_YEAR:
        _respond(ctx, plan_now, slug, organisations, individuals, sent_on=ctx.today - dt.timedelta(days=2))

    load_programmes(ctx)
    reports = load_pledge_reports(ctx)
    ctx.log.append(f"{reports} Policing Pledge reports at public meetings")
    panels, forum = load_partnerships(ctx)
    ctx.log.append(f"{panels} ward panels in Camden and Hackney; {forum} chairs' forum (LCP2) meetings")
    ctx.log.append(
        f"{len(PROGRAMMES)} partner programmes in {past.label}; "
        f"5 consultations; {past.label} policing plan: 6 groups for 289 member organisations and 14 individuals; "
        "stop and search: 5 groups for 170"
    )


# The SLA's programmes for the past year (paragraphs 15 to 22 of the
# review): (name, owner team, output, levels low to high, the level
# expected of every group, {borough: (role, level)}).
PROGRAMMES = [
    (
        "Olympics policing",
        "Olympics Engagement Team",
        "olympics",
        ["Briefing note circulated", "Presentation at a public meeting", "LCP2 chairs' meeting attended"],
        "Briefing note circulated",
        {slug: ("host", "Presentation at a public meeting") for slug in
         ("newham", "tower-hamlets", "hackney", "waltham-forest", "greenwich")},
    ),
    (
        "Counter-terrorism",
        "Counter-Terrorism Engagement Team",
        "counter-terrorism",
        ["Briefing note circulated", "Presentation at a public meeting"],
        "Briefing note circulated",
        {"westminster": ("priority", "Presentation at a public meeting")},
    ),
    (
        "Policing Pledge and confidence",
        "Planning and Performance",
        "policing-pledge",
        ["Confidence figures reported at a public meeting"],
        "Confidence figures reported at a public meeting",
        {},
    ),
    (
        "Domestic and Sexual Violence Board",
        "Equalities and Diversity",
        "dsvb-hate-crime",
        ["Briefing note circulated", "Attended a board's borough meeting"],
        "Briefing note circulated",
        {},
    ),
    (
        "Hate Crime Forum",
        "Equalities and Diversity",
        "dsvb-hate-crime",
        ["Briefing note circulated", "Attended the forum"],
        "Briefing note circulated",
        {},
    ),
    (
        "Met Forward: gangs and serious youth violence",
        "Met Forward",
        "met-forward",
        ["Briefing note circulated", "Discussed at a public meeting"],
        "Briefing note circulated",
        {},
    ),
    (
        "Met Forward: dogs as weapons",
        "Met Forward",
        "met-forward",
        ["Briefing note circulated", "Discussed at a public meeting"],
        "Briefing note circulated",
        {},
    ),
]  # fmt: skip


def _programmes(ctx, year: FinancialYear) -> list:
    """Set up the year's programmes (as a manager does in the admin)."""
    from cpeg.consultations.models import EngagementLevel, PartnerProgramme, ProgrammeBorough
    from cpeg.groups.models import Borough

    boroughs = {b.slug: b for b in Borough.objects.all()}
    made = []
    for name, team, output, level_names, expected, special in PROGRAMMES:
        programme = PartnerProgramme.objects.create(
            financial_year=year.start_year, name=name, owner_team=team, output_code=output, created_by=ctx.manager
        )
        levels = {
            level_name: EngagementLevel.objects.create(programme=programme, name=level_name, rank=rank)
            for rank, level_name in enumerate(level_names, start=1)
        }
        programme.expected_level = levels[expected]
        programme.save()
        for slug, (role, level_name) in special.items():
            ProgrammeBorough.objects.create(
                programme=programme, borough=boroughs[slug], role=role, expected_level=levels[level_name]
            )
        made.append((programme, levels))
    return made


def load_programmes(ctx: DemoContext) -> None:
    """The past year's programmes with most groups engaged at the expected
    level, a few gaps, and the CDRP mechanisms (Face the People linked to
    the activities already recorded)."""
    from cpeg.activities.choices import ActivityType
    from cpeg.activities.models import Activity
    from cpeg.consultations import programmes as programme_services
    from cpeg.consultations.choices import MechanismKind

    past = FinancialYear.current(ctx.today).previous()
    made = _programmes(ctx, past)
    slugs = sorted(ctx.groups)
    expected = [
        (programme, {b.borough_id: b.expected_level for b in programme.boroughs.select_related("expected_level")})
        for programme, _levels in made
    ]
    for index, slug in enumerate(slugs):
        group, actor = ctx.groups[slug], ctx.admins[slug]
        items = [
            {
                "programme": programme,
                "level": special.get(group.borough_id, programme.expected_level),
                "engaged_on": past.starts_on + dt.timedelta(days=30 + 20 * number + index),
                "activity": None,
                "notes": "",
            }
            for number, (programme, special) in enumerate(expected)
            # Every fifth cell left empty: the gaps the matrix shows.
            if (index + number) % 5
        ]
        programme_services.engagement_bulk_record(group=group, actor=actor, items=items)
        if index % 3 == 0:
            programme_services.mechanism_record(
                group=group,
                actor=actor,
                data={
                    "kind": MechanismKind.CDRP_SEAT,
                    "held_on": past.starts_on + dt.timedelta(days=60 + index),
                    "description": "The chair attended the CDRP board as the group's representative.",
                    "activity": None,
                },
            )
    for activity in Activity.objects.filter(
        activity_type=ActivityType.FACE_THE_PEOPLE, held_on__gte=past.starts_on, held_on__lte=ctx.today
    ).select_related("group"):
        slug = activity.group.borough.slug
        programme_services.mechanism_record(
            group=activity.group,
            actor=ctx.admins[slug],
            data={
                "kind": MechanismKind.FACE_THE_PEOPLE,
                "held_on": activity.held_on,
                "description": "Face the People session with the CDRP partners.",
                "activity": activity,
            },
        )


def load_pledge_reports(ctx: DemoContext) -> int:
    """A Policing Pledge report on the public meetings held since the start
    of last year where the borough commander was present: most report
    performance figures, about half confidence figures, some neither.
    Returns how many were recorded."""
    from cpeg.activities.choices import ActivityType
    from cpeg.activities.models import Activity
    from cpeg.consultations import pledge

    past = FinancialYear.current(ctx.today).previous()
    meetings = (
        Activity.objects.filter(
            activity_type=ActivityType.PUBLIC_MEETING,
            borough_commander_present=True,
            withdrawn_at__isnull=True,
            held_on__gte=past.starts_on,
            held_on__lte=ctx.today,
        )
        .select_related("group__borough")
        .order_by("held_on", "id")
    )
    count = 0
    for index, meeting in enumerate(meetings):
        pledge.pledge_report_save(
            activity=meeting,
            actor=ctx.admins[meeting.group.borough.slug],
            data={
                "performance_reported": index % 5 != 4,
                "confidence_reported": index % 2 == 0,
                "topics": meeting.topics,
            },
            today=ctx.today,
        )
        count += 1
    return count


# Safer Neighbourhood ward panels: (borough slug, cluster, wards).
WARD_PANELS = [
    ("camden", "North cluster", ["Belsize", "Fortune Green", "Frognal", "Hampstead Town", "West Hampstead"]),
    ("camden", "South cluster", ["Bloomsbury", "Holborn and Covent Garden", "King's Cross", "Regent's Park"]),
    ("hackney", "", ["Clissold", "Dalston", "De Beauvoir", "Hackney Central", "Homerton", "Stoke Newington"]),
]
# Chairs' forum (LCP2) meetings: (months after the year starts, title).
FORUM_MEETINGS = [
    (1, "LCP2 chairs' meeting: the policing plan"),
    (4, "LCP2 chairs' meeting: Olympics policing"),
    (7, "LCP2 chairs' meeting: the budget and stop and search"),
    (10, "LCP2 chairs' meeting: confidence and the Policing Pledge"),
]


def load_partnerships(ctx: DemoContext) -> tuple[int, int]:
    """Ward panels in Camden and Hackney (some chaired by the group's chair,
    some attended by its executive) and last year's four chairs' forum
    meetings plus this year's held so far, with the groups represented and
    minutes. Returns (panels, meetings)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cpeg.activities.demo import _minutes_pdf
    from cpeg.consultations import partnerships
    from cpeg.groups.models import Borough

    panels = 0
    for slug, cluster, wards in WARD_PANELS:
        borough = Borough.objects.get(slug=slug)
        seats = list(partnerships.executives_of(borough, ctx.today))
        for index, ward in enumerate(wards):
            chair = seats[0] if seats and index % 3 == 0 else None
            attendees = [seat for number, seat in enumerate(seats) if (index + number) % 4 == 1]
            partnerships.panel_save(
                borough=borough,
                actor=ctx.admins[slug],
                data={"ward": ward, "cluster": cluster, "chair": chair, "attendees": attendees},
            )
            panels += 1
    groups = sorted(ctx.groups.values(), key=lambda g: g.name)
    current = FinancialYear.current(ctx.today)
    meetings = 0
    for year in (current.previous(), current):
        for months, title in FORUM_MEETINGS:
            month = (year.starts_on.month - 1 + months) % 12 + 1
            held_on = dt.date(year.start_year + (1 if month < 4 else 0), month, 12)
            if held_on > ctx.today:
                continue
            attended = [g for index, g in enumerate(groups) if (index + months) % 4 != 0]
            minutes = SimpleUploadedFile(
                f"lcp2-minutes-{held_on:%Y-%m-%d}.pdf",
                _minutes_pdf(f"Minutes: {title}", [f"{len(attended)} groups represented."]),
                "application/pdf",
            )
            partnerships.meeting_save(
                actor=ctx.officer,
                data={"held_on": held_on, "title": title, "notes": ""},
                groups=attended,
                minutes=minutes,
            )
            meetings += 1
    return panels, meetings
