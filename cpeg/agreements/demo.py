"""Demo SLAs: the standard SLA for the past and current years, and every
group's SLA made, varied and signed through the services.

- Past year: every group's SLA signed and countersigned.
- Current year: every active group has one; most countersigned, a few only
  signed by the group, a couple still draft (Camden among them, so the
  ``camden-chair`` account can sign it). Camden holds 6 public meetings,
  Bromley drops the Olympics output, Lambeth adds a youth forum, and
  Haringey's SLA is on version 2 after a variation made once it was signed.

Each group's chair gets a ``<borough>-chair`` account (password "demo") to
sign with; Camden's already exists (accounts demo).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from cpeg.accounts.roles import Role
from cpeg.agreements import services
from cpeg.agreements.choices import MeasureType
from cpeg.agreements.models import SlaTemplate
from cpeg.core.demo import DemoContext, create_demo_user
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.workflow import is_active

GROUP_SIGNED_ONLY = ("croydon", "ealing", "enfield")
DRAFT = ("camden", "kingston-upon-thames")


def _ensure_templates(ctx: DemoContext, current: FinancialYear, past: FinancialYear) -> None:
    officer = ctx.officer
    if not SlaTemplate.objects.filter(financial_year=current.start_year).exists():
        latest = SlaTemplate.objects.order_by("-financial_year").first()
        if latest is None:
            services.sla_template_seed_standard(financial_year=current.start_year, actor=officer)
        else:
            services.sla_template_copy_to_year(source=latest, financial_year=current.start_year, actor=officer)
    if not SlaTemplate.objects.filter(financial_year=past.start_year).exists():
        source = SlaTemplate.objects.get(financial_year=current.start_year)
        services.sla_template_copy_to_year(source=source, financial_year=past.start_year, actor=officer)


def _chairs(ctx: DemoContext) -> dict:
    """slug -> (user, chair's name): the account each group signs with."""
    User = get_user_model()  # noqa: N806
    camden_chair = User.objects.get(username="camden-chair")
    chairs = {}
    for slug, group in ctx.groups.items():
        membership = group.executive.select_related("person").filter(role=ExecutiveRole.CHAIR).first()
        if slug == "camden":
            chairs[slug] = (camden_chair, membership.person.full_name)
            continue
        first, *_, last = membership.person.full_name.split()
        user = create_demo_user(
            username=f"{slug}-chair",
            first_name=first,
            last_name=last,
            person=membership.person,
        )
        user.role_assignments.create(role=Role.GROUP_EXECUTIVE, group=group)
        chairs[slug] = (user, membership.person.full_name)
    return chairs


def _day(year: FinancialYear, offset: int, today: dt.date) -> dt.date:
    return min(year.starts_on + dt.timedelta(days=offset), today)


def _sign(ctx, sla, chairs, slug, year, *, countersign: bool, offset: int):
    # The chair's account is linked to their executive seat (``person``),
    # which is what lets them sign and names them on the SLA.
    user, _name = chairs[slug]
    signed_on = _day(year, offset, ctx.today)
    sla = services.group_sla_sign(sla=sla, actor=user, loaded_version=sla.version, signed_on=signed_on)
    if countersign:
        sla = services.group_sla_countersign(
            sla=sla,
            actor=ctx.officer,
            countersignatory_name=ctx.officer.get_full_name(),
            loaded_version=sla.version,
            signed_on=min(signed_on + dt.timedelta(days=ctx.rng.randint(3, 14)), ctx.today),
        )
    return sla


def load(ctx: DemoContext) -> None:
    officer = ctx.officer
    current = FinancialYear.containing(ctx.today)
    past = current.previous()
    _ensure_templates(ctx, current, past)
    chairs = _chairs(ctx)

    # Last year: every group's SLA signed and countersigned.
    for slug, group in ctx.groups.items():
        sla = services.group_sla_create(group=group, financial_year=past.start_year, actor=officer)
        _sign(ctx, sla, chairs, slug, past, countersign=True, offset=ctx.rng.randint(14, 60))

    # This year: made for every active group in one go, then varied.
    slas = {
        s.group.borough.slug: s
        for s in services.group_sla_create_for_active_groups(financial_year=current.start_year, actor=officer)
    }
    variations = {
        "camden": lambda sla: services.group_sla_output_vary(
            sla=sla,
            code="public-meetings",
            actor=officer,
            data={
                "measure": MeasureType.COUNT,
                "annual_target": 6,
                "reason": "Camden holds bi-monthly meetings agreed with the borough commander",
            },
            loaded_version=sla.version,
        ),
        "bromley": lambda sla: services.group_sla_output_remove(
            sla=sla,
            code="olympics",
            actor=officer,
            reason="Bromley is not an Olympic host borough; the Olympics engagement team briefs it through "
            "information sheets, which the group circulates with its newsletter",
            loaded_version=sla.version,
        ),
        "lambeth": lambda sla: services.group_sla_output_add(
            sla=sla,
            actor=officer,
            data={
                "heading_title": "Engage with the wider crime and disorder reduction and community safety agenda",
                "output": "Hold a youth engagement forum each quarter",
                "outcomes": "Young people's views on stop and search and safety are heard by the borough",
                "in_practice": "",
                "measure": MeasureType.COUNT,
                "annual_target": 4,
                "reason": "Agreed with the borough commander to reach young people after last year's "
                "stop and search monitoring findings",
            },
            loaded_version=sla.version,
        ),
    }
    for slug, vary in variations.items():
        if slug in slas:
            slas[slug] = vary(slas[slug])

    for slug, sla in slas.items():
        if slug in DRAFT:
            continue
        offset = ctx.rng.randint(14, 75)
        slas[slug] = _sign(ctx, sla, chairs, slug, current, countersign=slug not in GROUP_SIGNED_ONLY, offset=offset)

    # Haringey's signed SLA varied afterwards: version 2, signed again.
    if "haringey" in slas and is_active(ctx.groups["haringey"]):
        sla = services.group_sla_output_vary(
            sla=slas["haringey"],
            code="newsletters",
            actor=officer,
            data={
                "measure": MeasureType.COUNT,
                "annual_target": 6,
                "reason": "The council now funds printing, so the group moved to bi-monthly newsletters",
            },
            loaded_version=slas["haringey"].version,
        )
        slas["haringey"] = _sign(ctx, sla, chairs, "haringey", current, countersign=True, offset=100)

    ctx.log.append(
        f"Standard SLAs {past.label} and {current.label}; {len(ctx.groups)} groups' SLAs for {past.label}, "
        f"{len(slas)} for {current.label}"
    )
