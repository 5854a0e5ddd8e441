"""Demo activities: a full past financial year and this year to date.

The past year's totals echo the 2009 annual review's 2008/09 figures
(177 public meetings, 131 targeted events, 20 consultation products across
the 32 groups). This year most groups are on track for four public
meetings; Sutton (suspended), Hillingdon and Enfield are clearly behind and
Camden is ahead. Most groups have their next public meeting in the diary.

Recorded through ``activities.services`` (in bulk, history included), so
the demo obeys the same rules as the screens and stays quick to load.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from cpeg.activities import services
from cpeg.activities.choices import ActivityType, DocumentType
from cpeg.activities.services import NewActivity
from cpeg.core.demo import DemoContext
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.groups.models import Venue

PAST_MEETINGS_TOTAL = 177
PAST_TARGETED_TOTAL = 131
PAST_CONSULTATION_PRODUCTS = 20

BEHIND = ("sutton", "hillingdon", "enfield")
PAST_MEETINGS = {"camden": 8, "haringey": 7, "lambeth": 7, "sutton": 3, "hillingdon": 4, "enfield": 4}
PAST_TARGETED = {"camden": 7, "haringey": 6, "lambeth": 6, "sutton": 2, "hillingdon": 2, "enfield": 2}
# Paragraph 28 of the review: CPEGs hosting CDRP "Face the People" events.
FACE_THE_PEOPLE = ("croydon", "havering", "wandsworth", "lewisham", "greenwich")

SEASONS = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter"}
TOPICS = [
    "Safer Neighbourhoods tasking",
    "Stop and search figures",
    "The Policing Pledge and public confidence",
    "Anti-social behaviour",
    "Knife crime and young people",
    "Counter-terrorism briefing",
    "Olympics policing and abstractions",
    "Domestic violence",
    "Hate crime",
    "Burglary prevention",
    "The borough's strategic assessment",
    "Community payback",
]
MEETING_OUTPUTS = [
    "policing-pledge",
    "stop-and-search",
    "counter-terrorism",
    "olympics",
    "dsvb-hate-crime",
    "met-forward",
    "two-way-engagement",
]
EVENTS = [
    ("Youth football and consultation", ["two-way-engagement", "diversity-monitoring"]),
    ("Stop and search community workshop", ["stop-and-search"]),
    ("Faith leaders' forum", ["diversity-monitoring"]),
    ("Older residents' safety event", ["two-way-engagement"]),
    ("Business crime breakfast", ["two-way-engagement"]),
    ("Women's safety walk", ["dsvb-hate-crime"]),
    ("Hate crime awareness forum", ["dsvb-hate-crime"]),
    ("Schools engagement day", ["diversity-monitoring"]),
]
SURVEYS = [
    ("Local policing priorities survey", ["policing-plan-consultation", "two-way-engagement"]),
    ("Safer neighbourhoods survey", ["two-way-engagement"]),
    ("Stop and search survey", ["stop-and-search"]),
    ("Police budget consultation survey", ["budget-consultation"]),
]
PARTNERS = ["Probation Service", "London Fire Brigade", "Youth Offending Service", "Victim Support", "NHS", "TfL"]


def _spread(counts: dict, total: int, rng, *, floor: int, ceiling: int, fixed=()) -> dict:
    """Nudge per-group counts, one at a time, until they add up to ``total``."""
    movable = sorted(slug for slug in counts if slug not in fixed)
    while sum(counts.values()) < total:
        slug = rng.choice([s for s in movable if counts[s] < ceiling])
        counts[slug] += 1
    while sum(counts.values()) > total:
        slug = rng.choice([s for s in movable if counts[s] > floor])
        counts[slug] -= 1
    return counts


def _evening(day: dt.date) -> dt.date:
    """The Tuesday, Wednesday or Thursday on or after ``day``."""
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


def _dates_across(start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    span = (end - start).days
    return [_evening(start + dt.timedelta(days=int(span * (i + 0.5) / n))) for i in range(n)]


class _Builder:
    def __init__(self, ctx: DemoContext, venue):
        self.rng = ctx.rng
        self.today = ctx.today
        self.venue = venue
        self.items: list[NewActivity] = []

    def add(self, activity_type, title, held_on, outputs=(), **values):
        if held_on > self.today and values.get("public_attendance") is not None:
            values["public_attendance"] = None
        self.items.append(
            NewActivity(
                values={"activity_type": activity_type, "title": title, "held_on": held_on, **values},
                outputs=list(outputs),
            )
        )

    def meeting(self, held_on, *, activity_type=ActivityType.PUBLIC_MEETING, title=None, attendance=(20, 120)):
        rng = self.rng
        happened = held_on <= self.today
        self.add(
            activity_type,
            title or f"Public meeting, {held_on:%B %Y}",
            held_on,
            rng.sample(MEETING_OUTPUTS, rng.randint(0, 2)),
            starts_at=dt.time(19, 0) if rng.random() < 0.7 else dt.time(18, 30),
            venue=self.venue,
            public_attendance=rng.randint(*attendance) if happened else None,
            borough_commander_present=happened and rng.random() < 0.85,
            local_authority_present=happened and rng.random() < 0.9,
            other_partners_present=", ".join(rng.sample(PARTNERS, rng.randint(0, 2))) if happened else "",
            topics="; ".join(rng.sample(TOPICS, 3)) if happened else "",
        )

    def event(self, held_on):
        title, outputs = self.rng.choice(EVENTS)
        self.add(
            ActivityType.TARGETED_EVENT,
            title,
            held_on,
            outputs,
            starts_at=dt.time(14, 0),
            venue_text="Community centre",
            public_attendance=self.rng.randint(15, 80),
            local_authority_present=self.rng.random() < 0.5,
        )

    def newsletter(self, quarter: Quarter):
        held_on = quarter.starts_on + dt.timedelta(days=35)
        if held_on <= self.today:
            self.add(ActivityType.NEWSLETTER, f"{SEASONS[quarter.number]} {held_on.year} newsletter", held_on)

    def annual_report(self, year: FinancialYear):
        held_on = year.starts_on + dt.timedelta(days=75 + self.rng.randint(0, 30))
        if held_on <= self.today:
            self.add(ActivityType.ANNUAL_REPORT, f"Annual report {year.previous().label}", held_on)

    def survey(self, held_on):
        title, outputs = self.rng.choice(SURVEYS)
        self.add(ActivityType.CONSULTATION_PRODUCT, title, held_on, outputs, notes="Report shared with the CDRP.")

    def membership_review(self, held_on):
        if held_on <= self.today:
            self.add(
                ActivityType.OTHER,
                "Annual general meeting: membership review",
                held_on,
                ["membership-review"],
                venue=self.venue,
            )

    def training(self, held_on):
        self.add(
            ActivityType.TRAINING,
            "Executive committee training: chairing and finance",
            held_on,
            ["finances"],
            public_attendance=0,
            venue_text="Authority offices",
        )


def _minutes_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF of minutes (Helvetica, no images)."""

    def esc(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "72 770 Td", f"({esc(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -22 Td", f"({esc(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    current = FinancialYear.current(ctx.today)
    past = current.previous()
    slugs = sorted(ctx.groups)
    venues = {}
    for venue in Venue.objects.filter(group__in=ctx.groups.values()).order_by("pk"):
        venues.setdefault(venue.group_id, venue)

    meetings = _spread(
        {s: PAST_MEETINGS.get(s, 5) for s in slugs},
        PAST_MEETINGS_TOTAL,
        rng,
        floor=4,
        ceiling=7,
        fixed=PAST_MEETINGS,
    )
    targeted = _spread(
        {s: PAST_TARGETED.get(s, 4) for s in slugs},
        PAST_TARGETED_TOTAL,
        rng,
        floor=3,
        ceiling=6,
        fixed=PAST_TARGETED,
    )
    surveyors = set(rng.sample([s for s in slugs if s not in BEHIND and s != "camden"], PAST_CONSULTATION_PRODUCTS - 1))
    surveyors.add("camden")
    slipping = set(rng.sample([s for s in slugs if s not in BEHIND and s != "camden"], 4))
    elapsed = [q for q in current.quarters if q.starts_on + dt.timedelta(days=40) < ctx.today]

    total = 0
    for slug in slugs:
        group = ctx.groups[slug]
        actor = ctx.admins.get(slug) or ctx.officer
        build = _Builder(ctx, venues.get(group.pk))
        # The past financial year, complete.
        for held_on in _dates_across(past.starts_on, past.ends_on, meetings[slug]):
            build.meeting(held_on)
        for held_on in _dates_across(past.starts_on + dt.timedelta(days=20), past.ends_on, targeted[slug]):
            build.event(held_on)
        for quarter in past.quarters[: 2 if slug in BEHIND else 4]:
            build.newsletter(quarter)
        build.annual_report(past)
        if slug in surveyors:
            build.survey(_evening(past.starts_on + dt.timedelta(days=rng.randint(60, 300))))
        if slug in FACE_THE_PEOPLE:
            build.meeting(
                _evening(past.starts_on + dt.timedelta(days=rng.randint(150, 250))),
                activity_type=ActivityType.FACE_THE_PEOPLE,
                title="Face the People: the borough's strategic assessment",
                attendance=(40, 150),
            )
        if rng.random() < 0.5:
            build.training(_evening(past.starts_on + dt.timedelta(days=rng.randint(30, 330))))
        # The yearly membership review at the AGM, in late spring (fixed dates,
        # so the random draws for everything else stay as they were).
        if slug not in BEHIND:
            agm_day = dt.timedelta(days=45 + (slugs.index(slug) * 3) % 40)
            build.membership_review(_evening(past.starts_on + agm_day))
            if slug not in slipping:
                build.membership_review(_evening(current.starts_on + agm_day))

        # This financial year to date.
        for index, quarter in enumerate(elapsed):
            if slug in ("sutton", "hillingdon") or (slug == "enfield" and index > 0):
                continue
            if slug in slipping and index == len(elapsed) - 1:
                continue
            per_quarter = 2 if slug == "camden" else 1
            for held_on in _dates_across(quarter.starts_on, quarter.ends_on, per_quarter):
                if held_on < ctx.today:
                    build.meeting(held_on)
            if slug != "sutton":
                build.newsletter(quarter)
            if rng.random() < 0.7 and slug not in BEHIND:
                build.event(_evening(quarter.starts_on + dt.timedelta(days=rng.randint(10, 60))))
        if slug not in ("sutton", "hillingdon"):
            build.annual_report(current)
        if slug in ("camden", "lambeth", "haringey", "lewisham", "croydon"):
            held_on = _evening(current.starts_on + dt.timedelta(days=rng.randint(30, 120)))
            if held_on < ctx.today:
                build.survey(held_on)
        # What is in the diary: the next public meeting, for most groups.
        if slug not in ("sutton", "hillingdon"):
            build.meeting(_evening(ctx.today + dt.timedelta(days=rng.randint(7, 42))))
        if slug == "croydon":
            build.meeting(
                _evening(ctx.today + dt.timedelta(days=50)),
                activity_type=ActivityType.FACE_THE_PEOPLE,
                title="Face the People: community safety questions and answers",
            )

        created = services.activity_bulk_record(group=group, actor=actor, items=build.items)
        total += len(created)
        if slug == "camden":
            _add_minutes(group, actor, [a for a in created if a.activity_type == ActivityType.PUBLIC_MEETING])

    ctx.log.append(
        f"{total} activities ({past.label} and {current.label} to date); "
        f"{sum(meetings.values())} public meetings, {sum(targeted.values())} targeted events and "
        f"{PAST_CONSULTATION_PRODUCTS} consultation products in {past.label}"
    )


def _add_minutes(group, actor, meetings):
    held = sorted((m for m in meetings if m.public_attendance is not None), key=lambda m: m.held_on)[-2:]
    for meeting in held:
        lines = [
            f"{group.name}",
            f"Held on {meeting.held_on:%-d %B %Y} at {meeting.venue or meeting.venue_text or 'the usual venue'}.",
            f"Members of the public attending: {meeting.public_attendance}.",
            "Borough commander's report: crime figures, Safer Neighbourhoods tasking.",
            f"Topics: {meeting.topics}",
            "Actions: the borough commander to report back at the next meeting.",
        ]
        content = _minutes_pdf(f"Minutes: {meeting.title}", lines)
        services.activity_document_add(
            activity=meeting,
            actor=actor,
            document_type=DocumentType.MINUTES,
            file=SimpleUploadedFile(f"minutes-{meeting.held_on:%Y-%m-%d}.pdf", content, "application/pdf"),
        )
