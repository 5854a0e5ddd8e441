"""Factories for quarterly monitoring, and helpers that give a group the SLA
and activities its returns are made from.

SLAs are made through the agreements factories and services (signed by the
group's chair and countersigned by an officer), from a small standard SLA
of five outputs; activities through the activities factories.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.activities.tests.factories import ActivityEvidenceFactory, ActivityFactory
from cpeg.agreements import services as sla_services
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.models import GroupSla, SlaTemplate
from cpeg.agreements.tests import factories as sla_factories
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

# code, output, measure, annual target: a small standard SLA.
STANDARD_OUTPUTS = [
    ("public-meetings", "Hold at least 4 public meetings/events per annum", "count", 4),
    ("sla-monitoring", "Sign up to SLA and take part in quarterly monitoring process", "yes_no", None),
    ("newsletters", "Publish and disseminate at least 4 newsletters", "count", 4),
    ("annual-report", "Publish and disseminate annual report", "count", 1),
    ("two-way-engagement", "Develop two-way mechanisms for engagement and consultation", "narrative", None),
]

TYPE_FOR_CODE = {
    "public-meetings": ActivityType.PUBLIC_MEETING,
    "newsletters": ActivityType.NEWSLETTER,
    "annual-report": ActivityType.ANNUAL_REPORT,
    "two-way-engagement": ActivityType.FACE_THE_PEOPLE,
}


def standard_template(financial_year: int, outputs=STANDARD_OUTPUTS) -> SlaTemplate:
    """The standard SLA for a year: the year's existing one, or the small
    one above (made once, with the agreements factories)."""
    existing = SlaTemplate.objects.filter(financial_year=financial_year).first()
    if existing is not None:
        return existing
    template = sla_factories.SlaTemplateFactory(financial_year=financial_year, introduction="")
    for position, (code, output, measure, target) in enumerate(outputs, start=1):
        sla_factories.SlaTemplateOutputFactory(
            template=template,
            code=code,
            position=position * 10,
            output=output,
            outcomes="Outcomes",
            measure=measure,
            annual_target=target,
        )
    return template


def group_sla(group, financial_year: int, *, targets: dict | None = None, reasons: dict | None = None) -> GroupSla:
    """The group's SLA for a year, made from the standard one through the
    agreements services and signed (by the group's chair, countersigned by
    an officer); ``targets`` varies annual targets by code, with ``reasons``
    (default "Local need")."""
    standard_template(financial_year)
    officer = OfficerFactory()
    if not targets:
        return sla_factories.group_sla(group=group, year=financial_year, status=SlaStatus.SIGNED, officer=officer)
    sla = sla_factories.group_sla(group=group, year=financial_year, status=SlaStatus.DRAFT, officer=officer)
    for code, target in targets.items():
        sla = sla_services.group_sla_output_vary(
            sla=sla,
            code=code,
            actor=officer,
            data={"measure": "count", "annual_target": target, "reason": (reasons or {}).get(code, "Local need")},
            loaded_version=sla.version,
        )
    sla = sla_services.group_sla_sign(sla=sla, actor=sla_factories.chair_user(group=group), loaded_version=sla.version)
    return sla_services.group_sla_countersign(
        sla=sla, actor=officer, countersignatory_name=officer.get_full_name(), loaded_version=sla.version
    )


def activity(group, held_on: dt.date, code: str = "public-meetings", *, kind=None) -> Activity:
    """An activity of the group on a day, evidencing the SLA output ``code``."""
    record = ActivityFactory(
        group=group,
        activity_type=kind or TYPE_FOR_CODE.get(code, ActivityType.OTHER),
        title=f"{code} on {held_on:%d %b %Y}",
        held_on=held_on,
        # Only the date and the output it evidences count in a return.
        public_attendance=None,
        borough_commander_present=False,
        local_authority_present=False,
        is_public=False,
    )
    ActivityEvidenceFactory(activity=record, output_code=code)
    return record


class QuarterlyReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReturn

    group = factory.SubFactory(EngagementGroupFactory)
    financial_year = 2025
    quarter = 2
    status = ReturnStatus.DRAFT
    due_on = dt.date(2025, 10, 21)


class ReturnLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnLine

    quarterly_return = factory.SubFactory(QuarterlyReturnFactory)
    output_code = factory.Sequence(lambda n: f"output-{n}")
    output = factory.LazyAttribute(lambda line: f"Output {line.output_code}")
    position = factory.Sequence(lambda n: n)
    measure = "count"
    annual_target = 4
    pro_rata_target = Decimal("2.00")
    count_to_date = 2
    suggested_rag = Rag.GREEN
    rag = Rag.GREEN


def complete_lines(qr: QuarterlyReturn, **fields) -> None:
    """Give every line of a return a RAG status (the suggestion, or green) and progress."""
    for line in qr.lines.all():
        line.rag = line.rag or line.suggested_rag or Rag.GREEN
        line.progress = line.progress or "Going to plan."
        for name, value in fields.items():
            setattr(line, name, value)
        line.save()


BOROUGH_SLUGS = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham", "greenwich", "barnet"]


def groups_with_returns(n_groups: int, start: int = 0) -> list:
    """n groups (Camden, Hackney, ... from ``start``) with signed SLAs for
    2024/25 and 2025/26, activities, and returns for 2024/25 Q4 and 2025/26
    Q1 (accepted) and Q2 (submitted), each submitted on time, every line
    with barriers and a request for support; all through the services."""
    officer = OfficerFactory()
    groups = []
    for slug in BOROUGH_SLUGS[start : start + n_groups]:
        group = EngagementGroupFactory(borough=borough(slug))
        admin = GroupAdminFactory(group=group)
        for year in (2024, 2025):
            group_sla(group, year)
        for month in (5, 6, 8, 9):
            activity(group, dt.date(2025, month, 3))
            activity(group, dt.date(2024, month, 3), "newsletters")
        for quarter in (Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2)):
            qr = services.return_open(group=group, quarter=quarter, today=dt.date(2025, 10, 1))
            complete_lines(qr, barriers="No venue", support_requested="Need a venue")
            # Submitted on time (the day after the quarter ends), so none is late.
            on_time = dt.datetime.combine(quarter.ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
            services.return_submit(quarterly_return=qr, actor=admin, at=on_time)
            if quarter.number != 2:
                services.return_accept(quarterly_return=qr, actor=officer)
        groups.append(group)
    return groups


def camden_with_activities():
    """Camden with a signed 2025/26 SLA varying public meetings to 6 a year,
    the standard SLA for 2024/25, and meetings on 10 May and 15 August 2025."""
    group = EngagementGroupFactory(borough=borough("camden"))
    group_sla(group, 2025, targets={"public-meetings": 6})
    standard_template(2024)
    activity(group, dt.date(2025, 5, 10))
    activity(group, dt.date(2025, 8, 15))
    return group


def q2_return(group) -> QuarterlyReturn:
    """The group's return for Q2 2025/26, opened on 1 October 2025."""
    return services.return_open(group=group, quarter=Quarter(2025, 2), today=dt.date(2025, 10, 1))
