"""Test data for SLAs, built through the services as the house style asks.

Other apps' tests may use these to give a group targets for a year:
``group_sla(group=g, year=2025, status="signed")``.
"""

import datetime as dt

import factory

from cpeg.accounts.models import User
from cpeg.accounts.tests.factories import GroupExecutiveFactory, OfficerFactory
from cpeg.agreements import services
from cpeg.agreements.choices import MeasureType, SlaStatus
from cpeg.agreements.models import GroupSla, SlaHeading, SlaTemplate, SlaTemplateOutput
from cpeg.agreements.seed import seed_standard_template
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.tests.factories import ExecutiveMembershipFactory


def executive_user(*, group, role: str = ExecutiveRole.CHAIR, authorised_to_sign: bool = False, **user_fields):
    """An account for a current member of the group's executive (the chair
    by default), linked to the seat through ``User.person``."""
    seat = ExecutiveMembershipFactory(
        group=group,
        role=role,
        role_title="Youth engagement lead" if role == ExecutiveRole.OTHER else "",
        starts_on=dt.date(2000, 4, 1),
        authorised_to_sign=authorised_to_sign,
    )
    first, *_, last = seat.person.full_name.split()
    fields = {"first_name": first, "last_name": last, **user_fields}
    return GroupExecutiveFactory(group=group, person=seat.person, **fields)


def chair_user(*, group, **user_fields):
    """The group's chair's account (may sign the group's SLA)."""
    return executive_user(group=group, role=ExecutiveRole.CHAIR, **user_fields)


def standard_template(year: int | None = None) -> SlaTemplate:
    """The standard SLA for ``year`` (default: this financial year).

    Made from the source document if missing (a transactional test may have
    flushed the migration's copy); otherwise the existing one.
    """
    year = year or FinancialYear.current().start_year
    return seed_standard_template(SlaTemplate, SlaHeading, SlaTemplateOutput, financial_year=year)


def group_sla(*, group, year: int | None = None, status: str = SlaStatus.DRAFT, officer=None) -> GroupSla:
    """A group's SLA for ``year`` made through the services, in ``status``."""
    year = year or FinancialYear.current().start_year
    standard_template(year)
    officer = officer or OfficerFactory()
    sla = services.group_sla_create(group=group, financial_year=year, actor=officer)
    if status in (SlaStatus.GROUP_SIGNED, SlaStatus.SIGNED):
        sla = services.group_sla_sign(sla=sla, actor=_signer(group), loaded_version=sla.version)
    if status == SlaStatus.SIGNED:
        sla = services.group_sla_countersign(
            sla=sla, actor=officer, countersignatory_name=officer.get_full_name(), loaded_version=sla.version
        )
    return sla


def _signer(group):
    """The chair's account, made once per group."""
    existing = (
        User.objects.filter(person__executive_roles__group=group, person__executive_roles__role=ExecutiveRole.CHAIR)
        .order_by("pk")
        .first()
    )
    return existing or chair_user(group=group)


class SlaTemplateFactory(factory.django.DjangoModelFactory):
    """An empty template for a far-off year (add outputs with the factory below)."""

    class Meta:
        model = SlaTemplate
        django_get_or_create = ("financial_year",)

    financial_year = factory.Sequence(lambda n: 2040 + n)
    introduction = "A test template."


class SlaTemplateOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaTemplateOutput

    template = factory.SubFactory(SlaTemplateFactory)
    code = factory.Sequence(lambda n: f"output-{n}")
    position = factory.Sequence(lambda n: n * 10)
    output = factory.Sequence(lambda n: f"Output {n}")
    outcomes = "Something gets better"
    measure = MeasureType.COUNT
    annual_target = 4

    class Params:
        yes_no = factory.Trait(measure=MeasureType.YES_NO, annual_target=None)
