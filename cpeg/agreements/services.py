"""Writes for the standard SLA template and each group's SLA.

The authority keeps one standard SLA per financial year; a new year starts
as a copy of the latest. Each group's SLA for a year is made from that
year's template; officers vary it locally (a changed target, an added or a
removed output), always with a reason. The chair or an authorised executive
member signs for the group, then an officer countersigns. Only a draft
changes in place: an officer's variation to a signed (or group-signed) SLA
makes a new draft version and marks the old one superseded.

Each function is one use case: check permission, lock the record and check
the edit version the person loaded, check the status, validate
(``full_clean``), save in one transaction and record an AuditEvent.

Reads: ``agreements.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from cpeg.accounts.access import require_perm
from cpeg.agreements.choices import MeasureType, SlaStatus, VariationKind
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaHeading, SlaTemplate, SlaTemplateOutput
from cpeg.agreements.seed import POSITION_STEP, seed_standard_template
from cpeg.agreements.selectors import signing_membership_for
from cpeg.agreements.workflow import ensure_countersignable, ensure_signable, is_editable_in_place
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import EditConflict
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.groups.workflow import is_disbanded

TEMPLATE_OUTPUT_FIELDS = (
    "heading",
    "output",
    "outcomes",
    "in_practice",
    "activity_refs",
    "measure",
    "annual_target",
    "due_quarter",
)
# Fields that are empty as None rather than "".
NULLABLE_OUTPUT_FIELDS = frozenset({"heading", "annual_target", "due_quarter"})
OUTPUT_COPY_FIELDS = (
    "code",
    "output",
    "outcomes",
    "in_practice",
    "activity_refs",
    "measure",
    "annual_target",
    "due_quarter",
)


# --- Shared checks -----------------------------------------------------------


def _clean_measure(data: dict) -> None:
    """A count needs a yearly target; other measures have none."""
    if data.get("measure") == MeasureType.COUNT:
        if data.get("annual_target") in (None, ""):
            raise ValidationError({"annual_target": "Enter the yearly target for a counted output"})
    elif "measure" in data:
        data["annual_target"] = None


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "Enter the reason for this variation"})
    return text


def _unique_code(existing: set[str], base: str, prefix: str = "") -> str:
    slug = (prefix + slugify(base))[:46].strip("-") or "output"
    candidate, n = slug, 2
    while candidate in existing:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


# --- The standard SLA template ------------------------------------------------


@transaction.atomic
def sla_template_seed_standard(*, financial_year: int, actor) -> SlaTemplate:
    """Create a year's template from the source SLA document (used when no
    template exists to copy, e.g. on a new database)."""
    require_perm(actor, "agreements.change_slatemplate")
    if SlaTemplate.objects.filter(financial_year=financial_year).exists():
        raise ValidationError(f"There is already a standard SLA for {FinancialYear(financial_year).label}")
    template = seed_standard_template(
        SlaTemplate, SlaHeading, SlaTemplateOutput, financial_year=financial_year, actor=actor
    )
    audit_record(
        actor=actor,
        event_type=AuditEventType.SLA_TEMPLATE_SEEDED,
        target=template,
        summary=f"Standard SLA {template.year.label} set up from the source document",
    )
    return template


@transaction.atomic
def sla_template_copy_to_year(*, source: SlaTemplate, financial_year: int, actor) -> SlaTemplate:
    """Start a year's standard SLA as a copy of another year's.

    Outputs an officer removed from the source are not copied.
    """
    require_perm(actor, "agreements.change_slatemplate")
    label = FinancialYear(financial_year).label
    if SlaTemplate.objects.filter(financial_year=financial_year).exists():
        raise ValidationError(f"There is already a standard SLA for {label}")
    stamp = {"created_by": actor, "updated_by": actor}
    template = SlaTemplate(financial_year=financial_year, introduction=source.introduction, **stamp)
    template.full_clean()
    template.save()
    headings = {}
    for heading in source.headings.order_by("position"):
        headings[heading.pk] = SlaHeading.objects.create(
            template=template,
            key=heading.key,
            title=heading.title,
            description=heading.description,
            position=heading.position,
            **stamp,
        )
    for output in source.outputs.filter(removed_at__isnull=True).order_by("position"):
        SlaTemplateOutput.objects.create(
            template=template,
            heading=headings.get(output.heading_id),
            position=output.position,
            **{name: getattr(output, name) for name in OUTPUT_COPY_FIELDS},
            **stamp,
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.SLA_TEMPLATE_COPIED,
        target=template,
        summary=f"Standard SLA {label} started as a copy of {source.year.label}",
        payload={"from": source.financial_year},
    )
    return template


@transaction.atomic
def sla_template_start_next(*, actor) -> SlaTemplate:
    """Start the year after the latest template, as a copy of it."""
    require_perm(actor, "agreements.change_slatemplate")
    latest = SlaTemplate.objects.select_for_update().order_by("-financial_year").first()
    if latest is None:
        return sla_template_seed_standard(financial_year=FinancialYear.current().start_year, actor=actor)
    return sla_template_copy_to_year(source=latest, financial_year=latest.financial_year + 1, actor=actor)


def _template_output_values(data: dict) -> dict:
    """The template output fields given in ``data``; blank text as ""."""
    values = {}
    for name in TEMPLATE_OUTPUT_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in NULLABLE_OUTPUT_FIELDS:
                value = ""
            values[name] = value
    return values


def _check_heading(template: SlaTemplate, heading) -> None:
    if heading is not None and heading.template_id != template.pk:
        raise ValidationError({"heading": "Select a heading from this year's template"})


@transaction.atomic
def sla_template_output_add(*, template: SlaTemplate, actor, data: dict) -> SlaTemplateOutput:
    """Add an output to a year's standard SLA, at the end of its heading.

    SLAs already made from the template are not changed.
    """
    require_perm(actor, "agreements.change_slatemplate", template)
    data = dict(data)
    _clean_measure(data)
    heading = data.get("heading")
    _check_heading(template, heading)
    existing = set(template.outputs.values_list("code", flat=True))
    # Positions only order outputs within their heading.
    last = template.outputs.filter(heading=heading).aggregate(m=Max("position"))["m"] or 0
    output = SlaTemplateOutput(
        template=template,
        code=_unique_code(existing, data.get("output", "")),
        position=last + 1,
        created_by=actor,
        updated_by=actor,
    )
    for name, value in _template_output_values(data).items():
        setattr(output, name, value)
    output.full_clean()
    output.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.SLA_TEMPLATE_OUTPUT_ADDED,
        target=output,
        summary=f"Added \u201c{output.output}\u201d to the standard SLA {template.year.label}",
    )
    return output


@transaction.atomic
def sla_template_output_update(*, output: SlaTemplateOutput, actor, data: dict, loaded_version) -> SlaTemplateOutput:
    """Change a standard SLA output's wording, heading, measure or target.

    SLAs already made from the template keep the wording they were made with;
    the change is kept in the output's history.
    """
    require_perm(actor, "agreements.change_slatemplate", output.template)
    current = lock_and_check_version(SlaTemplateOutput, output.pk, loaded_version)
    if current.removed_at is not None:
        raise ValidationError("This output has been removed from the standard SLA")
    data = dict(data)
    _clean_measure(data)
    _check_heading(current.template, data.get("heading"))
    values = _template_output_values(data)
    changed = apply_changes(current, values, list(values))
    if not changed:
        return current
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.SLA_TEMPLATE_OUTPUT_CHANGED,
        target=current,
        summary=changes_summary(
            SlaTemplateOutput,
            changed,
            of=f"\u201c{current.output}\u201d in the standard SLA {current.template.year.label}",
        ),
        payload={"fields": list(changed)},
        changes=changed,
    )
    return current


@transaction.atomic
def sla_template_output_remove(*, output: SlaTemplateOutput, actor, loaded_version) -> SlaTemplateOutput:
    """Take an output out of a year's standard SLA (archived, not deleted).

    Groups' SLAs already made keep it; SLAs made from now on leave it out.
    """
    require_perm(actor, "agreements.change_slatemplate", output.template)
    current = lock_and_check_version(SlaTemplateOutput, output.pk, loaded_version)
    if current.removed_at is not None:
        return current
    current.removed_at = timezone.now()
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.SLA_TEMPLATE_OUTPUT_REMOVED,
        target=current,
        summary=f"Removed \u201c{current.output}\u201d from the standard SLA {current.template.year.label}",
    )
    return current


# --- Each group's SLA -----------------------------------------------------------


def _heading_titles(template: SlaTemplate) -> dict[int, tuple[int, str]]:
    return {h.pk: (h.position, h.title) for h in template.headings.all()}


def _new_sla(*, group: EngagementGroup, template: SlaTemplate, actor) -> GroupSla:
    sla = GroupSla(
        group=group,
        financial_year=template.financial_year,
        template=template,
        version_number=1,
        created_by=actor,
        updated_by=actor,
    )
    sla.full_clean()
    sla.save()
    headings = _heading_titles(template)
    outputs = sorted(
        template.outputs.filter(removed_at__isnull=True),
        key=lambda o: (headings[o.heading_id][0] if o.heading_id else 0, o.position),
    )
    for index, output in enumerate(outputs, start=1):
        row = GroupSlaOutput(
            sla=sla,
            template_output=output,
            heading_title=headings[output.heading_id][1] if output.heading_id else "",
            position=index * POSITION_STEP,
            created_by=actor,
            updated_by=actor,
            **{name: getattr(output, name) for name in OUTPUT_COPY_FIELDS},
        )
        row.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_CREATED,
        target=sla,
        group=group,
        summary=f"SLA {sla.year.label} made from the standard SLA for {group.name}",
    )
    return sla


def _template_or_error(financial_year: int) -> SlaTemplate:
    template = SlaTemplate.objects.filter(financial_year=financial_year).first()
    if template is None:
        raise ValidationError(
            f"There is no standard SLA for {FinancialYear(financial_year).label} yet. Start that year's template first."
        )
    return template


@transaction.atomic
def group_sla_create(*, group: EngagementGroup, financial_year: int, actor) -> GroupSla:
    """Make a group's SLA for a year from that year's standard SLA."""
    require_perm(actor, "agreements.change_groupsla", group)
    group = EngagementGroup.objects.select_for_update().get(pk=group.pk)
    if is_disbanded(group):
        raise ValidationError(f"{group.name} has been disbanded, so it cannot have a new SLA")
    template = _template_or_error(financial_year)
    if GroupSla.objects.filter(group=group, financial_year=financial_year, superseded_at__isnull=True).exists():
        raise ValidationError(f"{group.name} already has an SLA for {template.year.label}")
    return _new_sla(group=group, template=template, actor=actor)


@transaction.atomic
def group_sla_create_for_active_groups(*, financial_year: int, actor) -> list[GroupSla]:
    """Make the year's SLA for every active group that does not have one."""
    require_perm(actor, "agreements.change_groupsla")
    template = _template_or_error(financial_year)
    have = GroupSla.objects.filter(financial_year=financial_year, superseded_at__isnull=True).values("group_id")
    groups = (
        EngagementGroup.objects.select_for_update(of=("self",))
        .filter(status=GroupStatus.ACTIVE)
        .exclude(pk__in=have)
        .order_by("borough__name")
    )
    made = [_new_sla(group=group, template=template, actor=actor) for group in groups]
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_SLAS_CREATED,
        target=template,
        summary=f"SLAs {template.year.label} made for {len(made)} active group{'s' if len(made) != 1 else ''}",
        payload={"groups": [s.group_id for s in made]},
    )
    return made


def _lock_current(sla: GroupSla, loaded_version) -> GroupSla:
    current = lock_and_check_version(GroupSla, sla.pk, loaded_version)
    if current.superseded_at is not None:
        # A newer version was made after this person loaded the page.
        raise EditConflict()
    return current


def _new_version(sla: GroupSla, *, actor) -> GroupSla:
    """Copy a signed SLA as a new draft version; supersede the old one."""
    sla.superseded_at = timezone.now()
    save_new_version(sla, actor=actor)
    new = GroupSla(
        group_id=sla.group_id,
        financial_year=sla.financial_year,
        template_id=sla.template_id,
        version_number=sla.version_number + 1,
        previous=sla,
        status=SlaStatus.DRAFT,
        created_by=actor,
        updated_by=actor,
    )
    new.full_clean()
    new.save()
    for output in sla.outputs.order_by("position"):
        GroupSlaOutput.objects.create(
            sla=new,
            template_output_id=output.template_output_id,
            heading_title=output.heading_title,
            position=output.position,
            is_removed=output.is_removed,
            variation=output.variation,
            variation_reason=output.variation_reason,
            created_by=actor,
            updated_by=actor,
            **{name: getattr(output, name) for name in OUTPUT_COPY_FIELDS},
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_NEW_VERSION,
        target=new,
        group=sla.group,
        summary=f"Version {new.version_number} of the SLA {new.year.label} started, "
        f"replacing the {sla.get_status_display().lower()} version {sla.version_number}",
        payload={"previous": sla.pk},
    )
    return new


def _editable(sla: GroupSla, *, actor) -> GroupSla:
    """The draft to change: this one, or a new version if it is signed."""
    if is_editable_in_place(sla):
        save_new_version(sla, actor=actor)
        return sla
    return _new_version(sla, actor=actor)


def _output_or_error(sla: GroupSla, code: str) -> GroupSlaOutput:
    try:
        return sla.outputs.select_for_update().get(code=code)
    except GroupSlaOutput.DoesNotExist as exc:
        raise ValidationError("This output is not in the group's SLA") from exc


def _record_variation(*, sla, output, actor, event_type, summary, reason):
    audit_record(
        actor=actor,
        event_type=event_type,
        target=sla,
        group=sla.group,
        summary=summary,
        payload={"output": output.code, "reason": reason, "version": sla.version_number},
    )


@transaction.atomic
def group_sla_output_vary(*, sla: GroupSla, code: str, actor, data: dict, loaded_version) -> GroupSla:
    """Change one output's measure or yearly target for this group, with a reason.

    Returns the SLA version that now holds the change (a new version if the
    SLA had been signed).
    """
    require_perm(actor, "agreements.change_groupsla", sla)
    current = _lock_current(sla, loaded_version)
    reason = _clean_reason(data.get("reason"))
    data = {"measure": data.get("measure"), "annual_target": data.get("annual_target")}
    _clean_measure(data)
    old = _output_or_error(current, code)
    if old.is_removed:
        raise ValidationError("This output was removed locally; return it to the SLA before changing it")
    if old.measure == data["measure"] and old.annual_target == data["annual_target"]:
        raise ValidationError({"annual_target": "Enter a different target or measure from the current one"})
    editable = _editable(current, actor=actor)
    output = editable.outputs.get(code=code)
    before = output.annual_target
    output.measure, output.annual_target = data["measure"], data["annual_target"]
    if output.variation != VariationKind.ADDED:
        output.variation = VariationKind.CHANGED
    output.variation_reason = reason
    save_new_version(output, actor=actor)
    _record_variation(
        sla=editable,
        output=output,
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_OUTPUT_VARIED,
        summary=f"\u201c{output.output}\u201d: target {before if before is not None else 'none'} "
        f"\u2192 {output.annual_target if output.annual_target is not None else 'none'} "
        f"({output.get_measure_display().lower()})",
        reason=reason,
    )
    return editable


@transaction.atomic
def group_sla_output_add(*, sla: GroupSla, actor, data: dict, loaded_version) -> GroupSla:
    """Add a local output to a group's SLA, with a reason."""
    require_perm(actor, "agreements.change_groupsla", sla)
    current = _lock_current(sla, loaded_version)
    reason = _clean_reason(data.get("reason"))
    data = dict(data)
    _clean_measure(data)
    editable = _editable(current, actor=actor)
    heading_title = data.get("heading_title") or ""
    outputs = list(editable.outputs.order_by("position"))
    in_heading = [o.position for o in outputs if o.heading_title == heading_title]
    position = (max(in_heading) if in_heading else (max((o.position for o in outputs), default=0))) + 1
    output = GroupSlaOutput(
        sla=editable,
        code=_unique_code({o.code for o in outputs}, data.get("output", ""), prefix="local-"),
        heading_title=heading_title,
        position=position,
        output=data.get("output", ""),
        outcomes=data.get("outcomes") or "",
        in_practice=data.get("in_practice") or "",
        measure=data["measure"],
        annual_target=data.get("annual_target"),
        due_quarter=data.get("due_quarter"),
        variation=VariationKind.ADDED,
        variation_reason=reason,
        created_by=actor,
        updated_by=actor,
    )
    output.full_clean()
    output.save()
    _record_variation(
        sla=editable,
        output=output,
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_OUTPUT_ADDED,
        summary=f"Added \u201c{output.output}\u201d to the SLA",
        reason=reason,
    )
    return editable


@transaction.atomic
def group_sla_output_remove(*, sla: GroupSla, code: str, actor, reason: str, loaded_version) -> GroupSla:
    """Take a standard output out of this group's SLA, with a reason.

    A locally added output is simply deleted (the reason goes in the audit).
    """
    require_perm(actor, "agreements.change_groupsla", sla)
    current = _lock_current(sla, loaded_version)
    reason = _clean_reason(reason)
    old = _output_or_error(current, code)
    if old.is_removed:
        raise ValidationError("This output has already been removed from the SLA")
    editable = _editable(current, actor=actor)
    output = editable.outputs.get(code=code)
    if output.variation == VariationKind.ADDED:
        output.delete()
    else:
        output.is_removed = True
        output.variation = VariationKind.REMOVED
        output.variation_reason = reason
        save_new_version(output, actor=actor)
    _record_variation(
        sla=editable,
        output=output,
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_OUTPUT_REMOVED,
        summary=f"Removed \u201c{output.output}\u201d from the SLA",
        reason=reason,
    )
    return editable


@transaction.atomic
def group_sla_output_restore(*, sla: GroupSla, code: str, actor, loaded_version) -> GroupSla:
    """Put a varied or removed output back as the standard SLA has it."""
    require_perm(actor, "agreements.change_groupsla", sla)
    current = _lock_current(sla, loaded_version)
    old = _output_or_error(current, code)
    if old.variation not in (VariationKind.CHANGED, VariationKind.REMOVED):
        raise ValidationError("Only a changed or removed standard output can be returned to the standard")
    editable = _editable(current, actor=actor)
    output = editable.outputs.select_related("template_output").get(code=code)
    standard = output.template_output
    output.measure, output.annual_target = standard.measure, standard.annual_target
    output.due_quarter = standard.due_quarter
    output.is_removed = False
    output.variation = VariationKind.NONE
    output.variation_reason = ""
    save_new_version(output, actor=actor)
    _record_variation(
        sla=editable,
        output=output,
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_OUTPUT_RESTORED,
        summary=f"\u201c{output.output}\u201d returned to the standard SLA",
        reason="",
    )
    return editable


NOT_A_SIGNATORY_MESSAGE = "Only the chair, or an executive member authorised to sign, can sign the SLA for the group"


@transaction.atomic
def group_sla_sign(*, sla: GroupSla, actor, loaded_version, signed_on: dt.date | None = None) -> GroupSla:
    """Sign a draft SLA for the group (the chair or an authorised executive member).

    The signer must hold a current seat on the group's executive (through
    their account's ``person``) as chair or as a member authorised to sign;
    the signatory's name and role on the SLA come from that seat. A
    disbanded group signs nothing. The version the person read must still
    be the current one: signing something that changed since is refused as
    an edit conflict.
    """
    require_perm(actor, "agreements.sign_groupsla", sla)
    group = EngagementGroup.objects.get(pk=sla.group_id)
    if is_disbanded(group):
        raise ValidationError(f"{group.name} has been disbanded, so its SLA cannot be signed")
    seat = signing_membership_for(user=actor, group=group, today=timezone.localdate())
    if seat is None:
        raise ValidationError(NOT_A_SIGNATORY_MESSAGE)
    current = _lock_current(sla, loaded_version)
    ensure_signable(current)
    current.status = SlaStatus.GROUP_SIGNED
    current.group_signed_by = actor
    current.group_signatory_name = seat.person.full_name
    current.group_signatory_role = seat.role_label
    current.group_signed_on = signed_on or timezone.localdate()
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_SIGNED,
        target=current,
        group=group,
        summary=f"Signed for the group by {current.group_signatory_name} ({current.group_signatory_role})",
        payload={"executive_membership": seat.pk},
    )
    return current


@transaction.atomic
def group_sla_countersign(
    *, sla: GroupSla, actor, countersignatory_name: str, loaded_version, signed_on: dt.date | None = None
) -> GroupSla:
    """Countersign a group-signed SLA for the authority; it is then frozen."""
    require_perm(actor, "agreements.countersign_groupsla", sla)
    current = _lock_current(sla, loaded_version)
    ensure_countersignable(current)
    if not countersignatory_name.strip():
        raise ValidationError({"countersignatory_name": "Enter the name of the person countersigning"})
    current.status = SlaStatus.SIGNED
    current.countersigned_by = actor
    current.countersignatory_name = countersignatory_name.strip()
    current.countersigned_on = signed_on or timezone.localdate()
    if current.group_signed_on and current.countersigned_on < current.group_signed_on:
        raise ValidationError("The countersignature cannot be dated before the group signed")
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_SLA_COUNTERSIGNED,
        target=current,
        group=current.group,
        summary=f"Countersigned for the authority by {current.countersignatory_name}",
    )
    return current
