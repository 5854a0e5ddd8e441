"""Demo stop and search data: the Metropolitan Police's October 2018 month
(12,654 searches, the shipped police.uk file) imported and placed in
boroughs; a monitoring meeting of Camden's group; a year of custody visits
for four panels, and a custody visitor on the Camden panel who signs in
(``camden-visitor``) with visits of their own, two with issues outstanding.

One month, not the whole shipped quarter, keeps the demo quick to load
(it loads in every test session); ``manage.py import_stop_and_search``
imports the other months. The figures pages open on Q3 2018/19 "to date".
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

from cpeg.core.demo import DemoContext
from cpeg.groups.models import Borough
from cpeg.scrutiny import services
from cpeg.scrutiny.choices import Force
from cpeg.scrutiny.custody import load_panels
from cpeg.scrutiny.models import BoroughPopulation, CustodyPanel, CustodySuite
from cpeg.scrutiny.population import load_population

DEMO_FILE = Path(__file__).resolve().parent / "reference" / "2018-10-metropolitan-stop-and-search.csv.gz"


def load(ctx: DemoContext) -> None:
    if not BoroughPopulation.objects.exists():
        load_population(Borough, BoroughPopulation)
    with gzip.open(DEMO_FILE, "rb") as handle:
        data = handle.read()
    record = services.stop_search_import_file(
        force=Force.METROPOLITAN, month=dt.date(2018, 10, 1), file_name=DEMO_FILE.name.removesuffix(".gz"), data=data
    )
    ctx.log.append(f"Stop and search: {record.rows_total} searches imported for {record}")
    if ctx.officer is not None:
        # The panels and suites come with a migration; a database emptied
        # since (the browser tests' demo) has none until they are loaded again.
        if not CustodyPanel.objects.exists():
            load_panels(Borough, CustodyPanel, CustodySuite)
        load_custody_visits(ctx)
    camden = ctx.groups.get("camden")
    admin = ctx.admins.get("camden")
    if camden is None or admin is None:
        return
    services.meeting_record(
        group=camden,
        actor=admin,
        held_on=dt.date(2018, 11, 20),
        period="2018-10",
        police_attended=True,
        attendance=14,
        summary="The group went through October's figures with the borough's stop and search lead: searches for "
        "drugs, the share ending in no further action, and the higher rate for Black residents.",
        recommendations="Ask for the grounds recorded in a sample of drugs searches that ended with no further "
        "action, to discuss at the next meeting.",
    )


ICV_PANELS = ("Camden", "Islington", "Hackney and Tower Hamlets", "Lambeth")
ICV_VISITORS = 4  # per panel


def load_custody_visits(ctx: DemoContext) -> None:
    """A year of visits for four panels, one every four weeks each (real panels
    visit about weekly; fewer keep the demo quick), recorded by an officer."""
    from django.utils import timezone

    from cpeg.core.demo import person_name
    from cpeg.scrutiny.models import CustodyPanel, CustodyVisitor

    rng = ctx.rng
    for panel in CustodyPanel.objects.filter(name__in=ICV_PANELS).prefetch_related("suites").order_by("name"):
        suites = list(panel.suites.all())
        visitors = []
        for _ in range(ICV_VISITORS):
            accredited = ctx.today - dt.timedelta(days=rng.randint(400, 1000))
            visitors.append(
                CustodyVisitor.objects.create(
                    panel=panel,
                    name=person_name(rng),
                    accredited_on=accredited,
                    trained_on=accredited - dt.timedelta(days=30),
                    reaccreditation_due_on=accredited.replace(year=accredited.year + 3),
                )
            )
        day = ctx.today - dt.timedelta(days=364)
        while day < ctx.today:
            first, second = rng.sample(visitors, 2)
            refused = rng.random() < 0.03
            in_custody = 0 if refused else rng.randint(2, 14)
            not_available = 0 if refused else rng.randint(0, in_custody // 4)
            not_offered = 0 if refused else rng.randint(0, (in_custody - not_available) // 4)
            offered = in_custody - not_available - not_offered
            accepted = rng.randint(offered // 2, offered) if offered else 0
            issue = "" if refused or rng.random() > 0.2 else rng.choice(ISSUES)
            services.custody_visit_record(
                panel=panel,
                actor=ctx.officer,
                suite=rng.choice(suites),
                first_visitor=first,
                second_visitor=second,
                visited_at=timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 22), 15))),
                minutes_to_gain_access=rng.randint(0, 12),
                access_refused=refused,
                in_custody=in_custody,
                not_available=not_available,
                not_offered=not_offered,
                offered=offered,
                accepted=accepted,
                declined=offered - accepted,
                issues_raised=issue,
                issues_resolved=bool(issue) and rng.random() < 0.7,
            )
            day += dt.timedelta(days=28)
    ctx.log.append("Custody visiting: a year of visits for " + ", ".join(ICV_PANELS))
    load_visitor_account(ctx)


VISITOR_USERNAME = "camden-visitor"
# (days ago, hour, issue raised, resolved later: days after the visit and what was done)
VISITOR_VISITS = (
    (
        26,
        10,
        "The hearing loop at the booking-in desk was not working.",
        (9, "New hearing loop fitted; the custody inspector checked it works."),
    ),
    (12, 19, "Two cells had no working call bell; detainees were checked every 30 minutes instead.", None),
    (5, 21, "No female officer was available to speak to a woman detainee who asked for one.", None),
)


def load_visitor_account(ctx: DemoContext) -> None:
    """The Camden panel's first visitor signs in as ``camden-visitor``
    (password "demo"): three visits they recorded themselves in the last
    four weeks, two with issues still outstanding and one resolved later."""
    from django.utils import timezone

    from cpeg.accounts.roles import Role
    from cpeg.core.demo import create_demo_user
    from cpeg.scrutiny.models import CustodyPanel

    panel = CustodyPanel.objects.filter(name="Camden").first()
    visitors = list(panel.visitors.order_by("pk")[:2]) if panel else []
    if len(visitors) < 2:
        return
    me, partner = visitors
    user = create_demo_user(
        username=VISITOR_USERNAME,
        first_name=me.name.split()[0],
        last_name=me.name.split()[-1],
        email="camden-visitor@icv.example.org",
    )
    user.role_assignments.create(role=Role.CUSTODY_VISITOR)
    me.user = user
    me.save(update_fields=["user", "updated_at"])
    suites = list(panel.suites.order_by("name"))
    for number, (days_ago, hour, issue, resolved) in enumerate(VISITOR_VISITS):
        day = ctx.today - dt.timedelta(days=days_ago)
        visit = services.custody_visit_record(
            panel=panel,
            actor=user,
            suite=suites[number % len(suites)],
            first_visitor=me,
            second_visitor=partner,
            visited_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))),
            minutes_to_gain_access=3,
            in_custody=7,
            not_available=1,
            not_offered=1,
            offered=5,
            accepted=4,
            declined=1,
            issues_raised=issue,
        )
        if resolved:
            after, what = resolved
            services.custody_issue_resolve(
                visit=visit,
                actor=user,
                version=visit.version,
                issues_resolved_on=day + dt.timedelta(days=after),
                resolution=what,
            )
    ctx.log.append(f"Custody visiting: {VISITOR_USERNAME} signs in as {me} of the Camden panel")


ISSUES = [
    "Cell block too cold; the custody sergeant arranged extra blankets.",
    "Reading material not offered to a detainee held overnight.",
    "Toilet in cell 6 blocked; reported to facilities.",
    "A detainee had waited over an hour for the health care professional.",
    "Interpreter not yet booked for a detainee who asked for one.",
]
