"""Factories for quarterly monitoring, and helpers that build the SLAs and
activities returns are made from (directly with the ORM, so these tests do
not depend on the agreements and activities apps' services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity, ActivityEvidence
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaTemplate, SlaTemplateOutput
from cpeg.groups.tests.factories import EngagementGroupFactory
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
    """The standard SLA for a year (made once)."""
    template, created = SlaTemplate.objects.get_or_create(financial_year=financial_year)
    if created:
        for position, (code, output, measure, target) in enumerate(outputs, start=1):
            SlaTemplateOutput.objects.create(
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
    """A signed SLA for the group made from the standard one; ``targets``
    varies annual targets by code (with ``reasons``)."""
    template = standard_template(financial_year)
    sla = GroupSla.objects.create(
        group=group, financial_year=financial_year, template=template, status=SlaStatus.SIGNED
    )
    targets = targets or {}
    reasons = reasons or {}
    for t in template.outputs.order_by("position"):
        GroupSlaOutput.objects.create(
            sla=sla,
            template_output=t,
            code=t.code,
            position=t.position,
            output=t.output,
            measure=t.measure,
            annual_target=targets.get(t.code, t.annual_target),
            variation="changed" if t.code in targets else "",
            variation_reason=reasons.get(t.code, "Local need" if t.code in targets else ""),
        )
    return sla


def activity(group, held_on: dt.date, code: str = "public-meetings", *, kind=None) -> Activity:
    """An activity of the group on a day, evidencing the SLA output ``code``."""
    record = Activity.objects.create(
        group=group,
        activity_type=kind or TYPE_FOR_CODE.get(code, ActivityType.OTHER),
        title=f"{code} on {held_on:%d %b %Y}",
        held_on=held_on,
    )
    ActivityEvidence.objects.create(activity=record, output_code=code)
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
