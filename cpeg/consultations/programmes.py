"""Partner programmes and two-way mechanisms: the writes, the reads and the
borough × programme matrix, in one module beside the consultations.

A programme is data (``PartnerProgramme``, its ``EngagementLevel``s and
``ProgrammeBorough`` expectations, defined by a manager in the admin). A
group's engagement is recorded at one of the programme's levels, inside
the programme's financial year, linked to the group's own activity where
one evidences it. The matrix cell for a group and a programme is the
highest level the group reached that year against the level expected of
its borough (the borough's own expectation, else the programme's); a cell
short of it is a gap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm, scope_groups
from cpeg.activities.models import Activity
from cpeg.activities.outputs import output_label
from cpeg.consultations.choices import TWO_WAY_OUTPUT, BoroughRole
from cpeg.consultations.models import (
    EngagementLevel,
    PartnerProgramme,
    ProgrammeBorough,
    ProgrammeEngagement,
    TwoWayMechanism,
)
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup

ENGAGEMENT_FIELDS = ("programme", "level", "engaged_on", "activity", "notes")
MECHANISM_FIELDS = ("kind", "held_on", "description", "activity")


def _activity_errors(group, activity, field="activity") -> dict:
    if activity is not None and (activity.group_id != group.pk or activity.is_withdrawn):
        return {field: "Select one of the group's own activities"}
    return {}


def engagement_rule_errors(*, group, values: dict) -> dict[str, str]:
    """Every broken rule for one engagement, as {field: message}."""
    errors = {}
    programme, level, day = values.get("programme"), values.get("level"), values.get("engaged_on")
    if programme is None:
        errors["programme"] = "Select the programme"
    if level is None:
        errors["level"] = "Select the level of engagement"
    elif programme is not None and level.programme_id != programme.pk:
        errors["level"] = f"Select one of the levels {programme.name} uses"
    if not isinstance(day, dt.date):
        errors["engaged_on"] = "Enter the date"
    elif programme is not None and not FinancialYear(programme.financial_year).contains(day):
        year = FinancialYear(programme.financial_year)
        errors["engaged_on"] = f"The date must be in {year.label}, the programme's year"
    errors.update(_activity_errors(group, values.get("activity")))
    return errors


def mechanism_rule_errors(*, group, values: dict) -> dict[str, str]:
    errors = {}
    if not values.get("kind"):
        errors["kind"] = "Select the kind of mechanism"
    if not isinstance(values.get("held_on"), dt.date):
        errors["held_on"] = "Enter the date"
    if not (values.get("description") or "").strip():
        errors["description"] = "Enter what happened"
    errors.update(_activity_errors(group, values.get("activity")))
    return errors


@transaction.atomic
def engagement_record(*, group: EngagementGroup, actor, data: dict) -> ProgrammeEngagement:
    """Record a group's engagement with a programme at a level."""
    require_perm(actor, "consultations.change_programmeengagement", group)
    errors = engagement_rule_errors(group=group, values=data)
    if errors:
        raise ValidationError(errors)
    engagement = ProgrammeEngagement(group=group, created_by=actor, updated_by=actor)
    for name in ENGAGEMENT_FIELDS:
        setattr(engagement, name, data.get(name))
    engagement.notes = engagement.notes or ""
    engagement.full_clean(exclude=["group", "programme", "level", "activity"])
    engagement.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PROGRAMME_ENGAGEMENT_RECORDED,
        target=engagement,
        group=group,
        summary=f"Recorded {engagement.level.name.lower()} for {engagement.programme.name}",
    )
    return engagement


@transaction.atomic
def engagement_bulk_record(*, group: EngagementGroup, actor, items: list[dict]) -> list[ProgrammeEngagement]:
    """Record several engagements of one group at once (the demo, an import):
    the same rules as ``engagement_record`` for every item, all or nothing,
    history for each row and one AuditEvent."""
    require_perm(actor, "consultations.change_programmeengagement", group)
    rows = []
    for number, data in enumerate(items, start=1):
        errors = engagement_rule_errors(group=group, values=data)
        if errors:
            raise ValidationError({f"item {number}: {name}": message for name, message in errors.items()})
        row = ProgrammeEngagement(group=group, created_by=actor, updated_by=actor)
        for name in ENGAGEMENT_FIELDS:
            setattr(row, name, data.get(name))
        row.notes = row.notes or ""
        row.full_clean(exclude=["group", "programme", "level", "activity", "created_by", "updated_by"])
        rows.append(row)
    created = bulk_create_with_history(rows, ProgrammeEngagement, default_user=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.PROGRAMME_ENGAGEMENT_RECORDED,
        target=group,
        group=group,
        summary=f"Recorded {len(created)} engagements with partner programmes",
    )
    return created


@transaction.atomic
def mechanism_record(*, group: EngagementGroup, actor, data: dict) -> TwoWayMechanism:
    """Record a CDRP two-way mechanism the group took part in."""
    require_perm(actor, "consultations.change_programmeengagement", group)
    errors = mechanism_rule_errors(group=group, values=data)
    if errors:
        raise ValidationError(errors)
    mechanism = TwoWayMechanism(group=group, created_by=actor, updated_by=actor)
    for name in MECHANISM_FIELDS:
        setattr(mechanism, name, data.get(name))
    mechanism.full_clean(exclude=["group", "activity"])
    mechanism.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.TWO_WAY_MECHANISM_RECORDED,
        target=mechanism,
        group=group,
        summary=f"Recorded {mechanism.get_kind_display().lower()} on {mechanism.held_on:%-d %B %Y}",
    )
    return mechanism


# --- Setting up a year's programmes (managers) ---------------------------------

PROGRAMME_FIELDS = ("financial_year", "name", "owner_team", "description", "output_code")
# The SLA outputs a programme can serve (the standard SLA's engagement on
# the authority's programmes, and the two-way mechanisms).
PLEDGE_OUTPUT = "policing-pledge"
PROGRAMME_OUTPUTS = ("olympics", "counter-terrorism", "policing-pledge", "dsvb-hate-crime", "met-forward")


def _names(levels) -> list[str]:
    return [name.strip() for name in levels or [] if name and name.strip()]


def programme_rule_errors(*, values: dict, programme: PartnerProgramme | None = None) -> dict[str, str]:
    """Every broken rule for a programme's set-up, as {field: message}.

    ``values``: the fields of ``PROGRAMME_FIELDS``, ``levels`` (names, the
    least engagement first), ``expected_level`` (one of them, or ""),
    ``hosts`` and ``priorities`` (boroughs) and ``borough_level`` (the
    level expected of them).
    """
    errors = {}
    levels = _names(values.get("levels"))
    lowered = [name.lower() for name in levels]
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter the name of the programme"
    if not levels:
        errors["levels"] = "Enter the levels of engagement the programme uses, one a line"
    elif len(set(lowered)) != len(lowered):
        errors["levels"] = "Each level of engagement must have a different name"
    elif any(len(name) > 150 for name in levels):
        errors["levels"] = "Each level of engagement must be 150 characters or fewer"
    expected = (values.get("expected_level") or "").strip()
    if expected and levels and expected.lower() not in lowered:
        errors["expected_level"] = "Enter one of the levels listed above, as it is written there"
    hosts, priorities = set(values.get("hosts") or []), set(values.get("priorities") or [])
    both = sorted(b.name for b in hosts & priorities)
    if both:
        errors["priorities"] = f"A borough is a host or a priority, not both: {', '.join(both)}"
    borough_level = (values.get("borough_level") or "").strip()
    if (hosts or priorities) and not borough_level:
        errors["borough_level"] = "Enter the level expected of the host and priority boroughs"
    elif borough_level and levels and borough_level.lower() not in lowered:
        errors["borough_level"] = "Enter one of the levels listed above, as it is written there"
    year, name = values.get("financial_year"), (values.get("name") or "").strip()
    if year and name:
        clash = PartnerProgramme.objects.filter(financial_year=year, name__iexact=name)
        if programme is not None:
            clash = clash.exclude(pk=programme.pk)
        if clash.exists():
            errors["name"] = f"There is already a programme called {name} in {FinancialYear(year).label}"
    if programme is not None and levels and "levels" not in errors:
        kept = set(lowered)
        used = sorted(
            {
                level.name
                for level in programme.levels.all()
                if level.name.lower() not in kept and level.engagements.exists()
            }
        )
        if used:
            errors["levels"] = (
                f"Groups have recorded engagement at {', '.join(used)}: keep "
                f"{'that level' if len(used) == 1 else 'those levels'} (you may rename others or change the order)"
            )
    return errors


def _by_name(levels, name: str):
    name = (name or "").strip().lower()
    return next((level for level in levels if level.name.lower() == name), None) if name else None


def _sync_levels(programme: PartnerProgramme, names: list[str], actor) -> list[EngagementLevel]:
    """Make the programme's levels exactly ``names`` ranked 1, 2, 3…: a level
    kept by name keeps its engagements; ranks move through a free range
    first so the (programme, rank) constraint never sees two at once."""
    existing = {level.name.lower(): level for level in programme.levels.all()}
    wanted = {name.lower() for name in names}
    for key, level in existing.items():
        if key not in wanted:
            # Its borough expectations are made again by _sync_boroughs.
            for row in ProgrammeBorough.objects.filter(expected_level=level):
                row.delete()
            level.delete()
    kept = [level for key, level in existing.items() if key in wanted]
    for level in kept:
        level.rank += 1000
        level.save()
    result = []
    for rank, name in enumerate(names, start=1):
        level = existing.get(name.lower())
        if level is None:
            level = EngagementLevel(programme=programme, created_by=actor, updated_by=actor)
        level.name, level.rank = name, rank
        level.full_clean(exclude=["programme"])
        level.save()
        result.append(level)
    return result


def _sync_boroughs(programme: PartnerProgramme, data: dict, level, actor) -> None:
    roles = {b.pk: (b, BoroughRole.HOST) for b in data.get("hosts") or []}
    roles.update({b.pk: (b, BoroughRole.PRIORITY) for b in data.get("priorities") or []})
    for row in programme.boroughs.all():
        if row.borough_id not in roles:
            row.delete()
            continue
        _borough, role = roles.pop(row.borough_id)
        if row.role != role or row.expected_level_id != level.pk:
            row.role, row.expected_level, row.updated_by = role, level, actor
            row.save()
    for borough, role in roles.values():
        ProgrammeBorough.objects.create(
            programme=programme, borough=borough, role=role, expected_level=level, created_by=actor, updated_by=actor
        )


def _boroughs_text(programme) -> str:
    return "; ".join(sorted(f"{b.borough.name} ({b.role}: {b.expected_level.name})" for b in programme.boroughs.all()))


@transaction.atomic
def programme_save(
    *, actor, data: dict, programme: PartnerProgramme | None = None, loaded_version=None
) -> PartnerProgramme:
    """A manager sets up a year's programme, or changes one: its details,
    the levels of engagement it uses, the level expected of every group and
    the host and priority boroughs with the level expected of them."""
    require_perm(actor, "consultations.manage_partnerprogramme")
    if programme is not None:
        programme = lock_and_check_version(PartnerProgramme, programme.pk, loaded_version)
    errors = programme_rule_errors(values=data, programme=programme)
    if errors:
        raise ValidationError(errors)
    names = _names(data.get("levels"))
    values = {name: data.get(name) for name in PROGRAMME_FIELDS}
    values["name"] = values["name"].strip()
    for name in ("owner_team", "description", "output_code"):
        values[name] = (values[name] or "").strip()
    creating = programme is None
    if creating:
        programme = PartnerProgramme(created_by=actor, updated_by=actor, **values)
        programme.full_clean(exclude=["expected_level"])
        programme.save()
        changes, before, expected_before = {}, ("", ""), ""
    else:
        before = (", ".join(level.name for level in programme.levels.all()), _boroughs_text(programme))
        expected_before = programme.expected_level.name if programme.expected_level else ""
        changes = apply_changes(programme, values, PROGRAMME_FIELDS)
    levels = _sync_levels(programme, names, actor)
    expected = _by_name(levels, data.get("expected_level"))
    programme.expected_level = expected
    if expected_before != (expected.name if expected else ""):
        changes["expected_level"] = (expected_before, expected.name if expected else "")
    _sync_boroughs(programme, data, _by_name(levels, data.get("borough_level")), actor)
    after = (", ".join(names), _boroughs_text(programme))
    extra = []
    if after[0] != before[0]:
        changes["levels"] = (before[0], after[0])
        extra.append("the levels of engagement")
    if after[1] != before[1]:
        changes["boroughs"] = (before[1], after[1])
        extra.append("the host and priority boroughs")
    if creating:
        programme.full_clean()
        programme.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.PROGRAMME_CREATED,
            target=programme,
            summary=f"Set up the programme {programme.name} for {FinancialYear(programme.financial_year).label}",
            payload={"levels": names, "boroughs": after[1]},
        )
    elif changes:
        save_new_version(programme, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.PROGRAMME_UPDATED,
            target=programme,
            summary=changes_summary(
                PartnerProgramme,
                [name for name in changes if name in PROGRAMME_FIELDS or name == "expected_level"],
                extra=extra,
                of=programme.name,
            ),
            changes={name: (str(old), str(new)) for name, (old, new) in changes.items()},
        )
    return programme


# --- Reads -------------------------------------------------------------------


def programmes_for_year(year: int) -> list[PartnerProgramme]:
    """The year's programmes with their levels and borough expectations (3 queries)."""
    return list(
        PartnerProgramme.objects.filter(financial_year=year)
        .select_related("expected_level")
        .prefetch_related("levels", "boroughs__borough", "boroughs__expected_level")
    )


def programme_get(*, pk: int) -> PartnerProgramme:
    """One programme (404 if missing); managers set programmes up for everyone."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(PartnerProgramme.objects.select_related("expected_level"), pk=pk)


def programme_years() -> list[int]:
    return list(
        PartnerProgramme.objects.order_by("-financial_year").values_list("financial_year", flat=True).distinct()
    )


def output_text(programme) -> str:
    return output_label(programme.output_code) if programme.output_code else ""


@dataclass
class Cell:
    programme: PartnerProgramme
    reached: EngagementLevel | None
    expected: EngagementLevel | None
    role: str  # "Host borough", "Priority borough" or ""
    count: int

    @property
    def is_gap(self) -> bool:
        if self.expected is None:
            return False
        return self.reached is None or self.reached.rank < self.expected.rank


@dataclass
class MatrixRow:
    group: EngagementGroup
    cells: list[Cell]

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells if cell.is_gap)


@dataclass
class Matrix:
    year: FinancialYear
    programmes: list[PartnerProgramme]
    rows: list[MatrixRow]

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)


def programme_matrix(*, user, year: int) -> Matrix:
    """Borough × programme for the year: the level each group reached, what
    was expected of it and the gaps. Five queries, whatever the size."""
    programmes = programmes_for_year(year)
    groups = list(
        scope_groups(user, EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED))
        .select_related("borough")
        .order_by("borough__name", "name")
    )
    reached = {
        (row["group_id"], row["programme_id"]): (row["top"], row["n"])
        for row in ProgrammeEngagement.objects.filter(programme__in=programmes, group__in=[g.pk for g in groups])
        .order_by()
        .values("group_id", "programme_id")
        .annotate(top=Max("level__rank"), n=Count("id"))
    }
    levels = {p.pk: {level.rank: level for level in p.levels.all()} for p in programmes}
    special = {p.pk: {b.borough_id: b for b in p.boroughs.all()} for p in programmes}
    rows = []
    for group in groups:
        cells = []
        for p in programmes:
            top, count = reached.get((group.pk, p.pk), (None, 0))
            borough = special[p.pk].get(group.borough_id)
            cells.append(
                Cell(
                    programme=p,
                    reached=levels[p.pk].get(top) if top is not None else None,
                    expected=borough.expected_level if borough else p.expected_level,
                    role=borough.get_role_display() if borough else "",
                    count=count,
                )
            )
        rows.append(MatrixRow(group, cells))
    return Matrix(FinancialYear(year), programmes, rows)


def group_engagements(*, group, year: int | None = None) -> QuerySet:
    """A group's engagements (a year's, or all), with their programme, level and activity."""
    rows = ProgrammeEngagement.objects.filter(group=group).select_related("programme", "level", "activity")
    if year is not None:
        rows = rows.filter(programme__financial_year=year)
    return rows


def group_mechanisms(*, group) -> QuerySet:
    return TwoWayMechanism.objects.filter(group=group).select_related("activity")


def programme_output_evidence(*, group_ids, output_code: str, starts_on: dt.date, ends_on: dt.date) -> dict:
    """Per group, the engagements (programmes serving ``output_code``) and,
    for the two-way output, the mechanisms dated in the period: the read a
    monitoring return line can use to show what evidences it."""
    found: dict[int, list] = {}
    rows = ProgrammeEngagement.objects.filter(
        group_id__in=list(group_ids),
        programme__output_code=output_code,
        engaged_on__gte=starts_on,
        engaged_on__lte=ends_on,
    ).select_related("programme", "level")
    for row in rows:
        found.setdefault(row.group_id, []).append(row)
    if output_code == TWO_WAY_OUTPUT:
        for row in TwoWayMechanism.objects.filter(
            group_id__in=list(group_ids), held_on__gte=starts_on, held_on__lte=ends_on
        ):
            found.setdefault(row.group_id, []).append(row)
    return found


def activities_for(group) -> QuerySet:
    """The group's activities an engagement or mechanism may link to."""
    return Activity.objects.filter(group=group, withdrawn_at__isnull=True).order_by("-held_on", "-id")
