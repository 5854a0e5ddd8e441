"""Writes for the membership register, meeting attendance, membership
reviews and equality monitoring.

Each function is one use case: check permission, lock and check the edit
version where an existing record is edited, validate (``full_clean``),
save in one transaction and record an AuditEvent. Equality answers are
never written into an AuditEvent or a history table: the event says only
that answers were recorded or erased.

Reads: ``membership.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.activities.choices import ActivityType
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.idempotency import made_with_token
from cpeg.membership.choices import (
    CHARACTERISTICS,
    NOT_KNOWN,
    PROFILE_CHARACTERISTIC_LABELS,
    SEED_SKILLS,
    MemberType,
    OtherFundingStatus,
    SkillLevel,
    profile_categories,
)
from cpeg.membership.imports import MemberImportError, RowError, parse_member_file
from cpeg.membership.models import (
    AttendanceMark,
    AttendanceRegister,
    AttendanceRule,
    EqualityProfile,
    Member,
    MembershipReview,
    OrganisationProfile,
    OtherFunding,
    PopulationCount,
    PopulationTable,
    Skill,
    SkillAssessment,
    SkillsAudit,
    SupportUsed,
    TrainingAttended,
)
from cpeg.membership.population_import import parse_population_file
from cpeg.membership.selectors import expected_at

MEMBER_FIELDS = (
    "member_type",
    "name",
    "organisation_kind",
    "people_represented",
    "representative",
    "deputy",
    "email",
    "joined_on",
    "left_on",
    "leaving_reason",
)
EQUALITY_FIELDS = ("ethnic_group",) + tuple(name for name, _label, _choices in CHARACTERISTICS)
# Meetings whose attendance is registered: the constitution's rule counts
# the group's own meetings.
REGISTER_TYPES = frozenset({ActivityType.PUBLIC_MEETING})


def _tidy_member(member: Member) -> None:
    """Individuals have no kind or people represented; a leaver has a date."""
    if member.member_type == MemberType.INDIVIDUAL:
        member.organisation_kind = ""
        member.people_represented = None
        member.deputy = ""
        member.representative = ""
    elif not member.organisation_kind:
        raise ValidationError({"organisation_kind": "Select the kind of organisation"})
    if member.leaving_reason and not member.left_on:
        raise ValidationError({"left_on": "Enter the date the member left"})


@transaction.atomic
def member_add(*, group, actor, data: dict) -> Member:
    """Add a member organisation or individual member to a group's register."""
    require_perm(actor, "membership.change_member", group)
    member = Member(group=group, created_by=actor, updated_by=actor)
    apply_changes(member, data, MEMBER_FIELDS)
    _tidy_member(member)
    _check_not_duplicate(member)
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBER_ADDED,
        target=member,
        group=group,
        summary=f"Added {member.name} as a {member.get_member_type_display().lower()}",
    )
    return member


def _check_not_duplicate(member: Member) -> None:
    clash = (
        Member.objects.filter(group_id=member.group_id, name__iexact=member.name.strip(), left_on__isnull=True)
        .exclude(pk=member.pk)
        .exists()
    )
    if clash and member.left_on is None:
        raise ValidationError({"name": f"{member.name} is already a current member of this group"})


@transaction.atomic
def member_update(*, member: Member, actor, data: dict, loaded_version) -> Member:
    """Change a member's details, including recording that they left."""
    require_perm(actor, "membership.change_member", member)
    current = lock_and_check_version(Member, member.pk, loaded_version)
    changed = apply_changes(current, data, MEMBER_FIELDS)
    if not changed:
        return current
    _tidy_member(current)
    _check_not_duplicate(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBER_UPDATED,
        target=current,
        group=current.group,
        summary=changes_summary(Member, changed, of=current.name),
        changes=changed,
    )
    return current


@transaction.atomic
def attendance_rule_set(*, group, actor, data: dict) -> AttendanceRule:
    """Record the constitution's attendance rule for a group."""
    require_perm(actor, "membership.change_member", group)
    rule = AttendanceRule.objects.select_for_update().filter(group=group).first()
    if rule is None:
        rule = AttendanceRule(group=group, created_by=actor, updated_by=actor, missed_meetings_limit=1)
        rule.version = 0
    changed = apply_changes(rule, data, ("missed_meetings_limit", "constitution_wording"))
    save_new_version(rule, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ATTENDANCE_RULE_SET,
        target=rule,
        group=group,
        summary=str(rule),
        changes=changed,
    )
    return rule


@transaction.atomic
def membership_review_record(*, group, actor, data: dict) -> MembershipReview:
    """Record the group's review of its membership."""
    require_perm(actor, "membership.change_member", group)
    review = MembershipReview(group=group, created_by=actor, updated_by=actor)
    apply_changes(review, data, ("reviewed_on", "members_reviewed", "members_removed", "outcome", "meeting"))
    if review.meeting is not None and review.meeting.group_id != group.pk:
        raise ValidationError({"meeting": "Select one of this group's meetings"})
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBERSHIP_REVIEWED,
        target=review,
        group=group,
        summary=f"Reviewed {review.members_reviewed} members; {review.members_removed} left",
    )
    return review


@transaction.atomic
def attendance_record(*, activity, actor, member_ids, executive_ids) -> AttendanceRegister:
    """Record who attended a meeting: replaces the meeting's register.

    Only people who were members (or on the executive) on the day count.
    """
    require_perm(actor, "membership.change_member", activity)
    if activity.activity_type not in REGISTER_TYPES or activity.is_withdrawn:
        raise ValidationError("Attendance registers are kept for the group's public meetings only")
    members, executives = expected_at(group_id=activity.group_id, day=activity.held_on)
    member_ids = {int(i) for i in member_ids}
    executive_ids = {int(i) for i in executive_ids}
    if not member_ids <= {m.pk for m in members} or not executive_ids <= {e.pk for e in executives}:
        raise ValidationError("Select only people who were members on the day of the meeting")
    register, created = AttendanceRegister.objects.select_for_update().get_or_create(
        activity=activity, defaults={"group_id": activity.group_id, "created_by": actor, "updated_by": actor}
    )
    existing = {(m.member_id, m.executive_id): m for m in register.marks.all()}
    wanted = {(i, None) for i in member_ids} | {(None, i) for i in executive_ids}
    for key, mark in existing.items():
        if key not in wanted:
            mark.delete()
    for member_id, executive_id in wanted - existing.keys():
        AttendanceMark.objects.create(register=register, member_id=member_id, executive_id=executive_id)
    if not created:
        save_new_version(register, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ATTENDANCE_RECORDED,
        target=register,
        group=activity.group,
        summary=f"{len(member_ids)} members and {len(executive_ids)} executive members present at {activity.title}",
    )
    return register


@transaction.atomic
def equality_answers_record(*, person, actor, data: dict) -> EqualityProfile:
    """Record a person's equality answers, given with their consent.

    ``person`` is an individual ``Member`` or an ``ExecutiveMembership``.
    """
    require_perm(actor, "membership.record_equality", person)
    if isinstance(person, Member) and person.member_type != MemberType.INDIVIDUAL:
        raise ValidationError("Organisations do not fill in equality monitoring for themselves")
    consent_on = data.get("consent_given_on")
    if not consent_on:
        raise ValidationError({"consent_given_on": "Enter the date the person gave consent"})
    if consent_on > timezone.localdate():
        raise ValidationError({"consent_given_on": "The date of consent must be today or in the past"})
    key = "member" if isinstance(person, Member) else "executive"
    profile = EqualityProfile.objects.select_for_update().filter(**{key: person}).first()
    if profile is None:
        profile = EqualityProfile(group_id=person.group_id, **{key: person})
    profile.consent_given_on = consent_on
    profile.consent_recorded_by = actor
    for name in EQUALITY_FIELDS:
        setattr(profile, name, data.get(name, ""))
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.EQUALITY_ANSWERS_RECORDED,
        target=person,
        group=person.group,
        summary="Equality monitoring answers recorded with consent",
    )
    return profile


@transaction.atomic
def equality_answers_erase(*, person, actor, reason: str) -> bool:
    """Erase a person's equality answers (no copy is kept anywhere)."""
    require_perm(actor, "membership.erase_equality", person)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the answers are erased"})
    key = "member" if isinstance(person, Member) else "executive"
    deleted, _ = EqualityProfile.objects.filter(**{key: person}).delete()
    if deleted:
        audit_record(
            actor=actor,
            event_type=AuditEventType.EQUALITY_ANSWERS_ERASED,
            target=person,
            group=person.group,
            summary=f"Equality monitoring answers erased: {reason.strip()[:200]}",
        )
    return bool(deleted)


def equality_answers_erase_lapsed(*, today: dt.date, retention_days: int) -> int:
    """Erase the answers of people who left (or whose executive term ended)
    more than ``retention_days`` ago. For the daily management command."""
    cutoff = today - dt.timedelta(days=retention_days)
    with transaction.atomic():
        lapsed = EqualityProfile.objects.filter(member__left_on__lt=cutoff) | EqualityProfile.objects.filter(
            executive__ends_on__lt=cutoff
        )
        deleted, _ = lapsed.delete()
    return deleted


def profile_keys(characteristic: str) -> list[str]:
    """The keys an organisation's profile counts for a characteristic."""
    return [key for key, _label in profile_categories(characteristic)] + [NOT_KNOWN]


@transaction.atomic
def organisation_profile_save(
    *, member: Member, actor, characteristic: str, counts: dict, counted_on: dt.date, source: str
) -> OrganisationProfile:
    """Record (or replace) a member organisation's profile of the people
    it speaks for, for one characteristic."""
    require_perm(actor, "membership.record_organisation_profile", member)
    if not member.is_organisation:
        raise ValidationError("Only member organisations give a profile of the people they speak for")
    if characteristic not in PROFILE_CHARACTERISTIC_LABELS:
        raise ValidationError("Select a characteristic from the list")
    clean = {}
    for key in profile_keys(characteristic):
        value = counts.get(key) or 0
        if not isinstance(value, int) or value < 0:
            raise ValidationError({f"count_{key}": "Number of people must be 0 or more"})
        clean[key] = value
    total = sum(clean.values())
    errors = {}
    if total == 0:
        errors[f"count_{profile_keys(characteristic)[0]}"] = "Enter the number of people in at least one category"
    elif member.people_represented is not None and total > member.people_represented:
        errors[f"count_{profile_keys(characteristic)[0]}"] = (
            f"The numbers add up to {total:,}, more than the {member.people_represented:,} people "
            f"{member.name} speaks for: check them, or change the number it speaks for first"
        )
    if counted_on and counted_on > timezone.localdate():
        errors["counted_on"] = "The date of the figures must be today or in the past"
    if not (source or "").strip():
        errors["source"] = "Enter where the figures come from, like our own survey 2025 or estimate"
    if errors:
        raise ValidationError(errors)
    profile = (
        OrganisationProfile.objects.select_for_update().filter(member=member, characteristic=characteristic).first()
    )
    created = profile is None
    if created:
        profile = OrganisationProfile(
            member=member, group_id=member.group_id, characteristic=characteristic, created_by=actor
        )
    profile.counts = clean
    profile.counted_on = counted_on
    profile.source = source.strip()
    profile.updated_by = actor
    profile.full_clean()
    if created:
        profile.save()
    else:
        save_new_version(profile, actor=actor)
    label = PROFILE_CHARACTERISTIC_LABELS[characteristic].lower()
    audit_record(
        actor=actor,
        event_type=AuditEventType.ORGANISATION_PROFILE_SAVED,
        target=member,
        group=member.group,
        summary=f"Profile by {label} of the {total:,} people {member.name} speaks for saved ({profile.source})",
    )
    return profile


@transaction.atomic
def organisation_profile_remove(*, member: Member, actor, characteristic: str) -> bool:
    """Remove a member organisation's profile for one characteristic."""
    require_perm(actor, "membership.record_organisation_profile", member)
    deleted, _ = OrganisationProfile.objects.filter(member=member, characteristic=characteristic).delete()
    if deleted:
        audit_record(
            actor=actor,
            event_type=AuditEventType.ORGANISATION_PROFILE_REMOVED,
            target=member,
            group=member.group,
            summary=f"Profile by {PROFILE_CHARACTERISTIC_LABELS[characteristic].lower()} of the people "
            f"{member.name} speaks for removed",
        )
    return bool(deleted)


@transaction.atomic
def member_import(*, group, actor, file, today: dt.date | None = None) -> int:
    """Add every member in a CSV or XLSX membership list, all or nothing.

    The whole file is checked first (``membership.imports``); any problem
    raises ValidationError with every error by row and column, and nothing
    is saved.
    """
    require_perm(actor, "membership.change_member", group)
    result = parse_member_file(group=group, file=file, today=today or timezone.localdate())
    if result.errors:
        raise MemberImportError(result)
    for number, values in result.rows:
        member = Member(group=group, created_by=actor, updated_by=actor, **values)
        try:
            member.full_clean()
        except ValidationError as error:
            result.errors.extend(RowError(number, "Whole row", message) for message in error.messages)
            continue
        member.save()
    if result.errors:
        transaction.set_rollback(True)
        raise MemberImportError(result)
    audit_record(
        actor=actor,
        event_type=AuditEventType.MEMBERS_IMPORTED,
        target=group,
        group=group,
        summary=f"Imported {len(result.rows)} members from {result.file_name}",
        payload={"file": result.file_name, "count": len(result.rows)},
    )
    return len(result.rows)


# --- Borough population tables ---------------------------------------------


class PopulationImportError(ValidationError):
    """A population table with problems: ``result.errors`` lists them all."""

    def __init__(self, result):
        super().__init__({"file": "The selected file has problems: nothing was loaded. Fix them and upload it again"})
        self.result = result


@transaction.atomic
def population_tables_load(*, actor, file) -> dict[str, int]:
    """Load the borough population tables in a file, all or nothing.

    Each characteristic in the file replaces that characteristic's whole
    table (every borough's rows) in one transaction; characteristics not
    in the file are left as they were. Returns rows loaded per
    characteristic.
    """
    from cpeg.groups.models import Borough

    require_perm(actor, "membership.load_population")
    boroughs = {b.ons_code: b for b in Borough.objects.all()}
    result = parse_population_file(file=file, boroughs={code: b.name for code, b in boroughs.items()})
    if result.errors:
        raise PopulationImportError(result)
    loaded = {}
    for characteristic, rows in sorted(result.tables.items()):
        table = PopulationTable.objects.select_for_update().filter(characteristic=characteristic).first()
        if table is None:
            table = PopulationTable(characteristic=characteristic, created_by=actor, updated_by=actor)
            table.file_name = result.file_name[:200]
            table.full_clean()
            table.save()
        else:
            table.file_name = result.file_name[:200]
            save_new_version(table, actor=actor)
        table.counts.all().delete()
        PopulationCount.objects.bulk_create(
            [
                PopulationCount(table=table, borough=boroughs[code], category=category, count=count, source=source)
                for code, category, count, source in rows
            ]
        )
        borough_count = len({code for code, *_rest in rows})
        label = PROFILE_CHARACTERISTIC_LABELS[characteristic].lower()
        audit_record(
            actor=actor,
            event_type=AuditEventType.POPULATION_TABLE_LOADED,
            target=table,
            summary=f"Borough population by {label} loaded for {borough_count} boroughs from {result.file_name}",
            payload={"file": result.file_name, "rows": len(rows), "boroughs": borough_count},
        )
        loaded[characteristic] = len(rows)
    return loaded


# --- Capacity: the skills audit and training attended ---------------------


def skills_seed() -> int:
    """Add any of the authority's starting skills that are missing (by
    name); returns how many were added. Idempotent: changes nothing a
    manager has set."""
    added = 0
    for position, (name, description) in enumerate(SEED_SKILLS, start=1):
        _skill, created = Skill.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
        added += created
    return added


SKILL_FIELDS = ("name", "description", "position", "is_active")


def skill_is_used(skill: Skill) -> bool:
    """Whether any skills audit or training record refers to the skill."""
    return SkillAssessment.objects.filter(skill=skill).exists() or TrainingAttended.objects.filter(skill=skill).exists()


def _check_skill_name(skill: Skill) -> None:
    skill.name = " ".join((skill.name or "").split())
    if Skill.objects.filter(name__iexact=skill.name).exclude(pk=skill.pk).exists():
        raise ValidationError({"name": f"{skill.name} is already on the skill list"})


@transaction.atomic
def skill_add(*, actor, data: dict) -> Skill:
    """Add a skill to the authority's list for the skills audit."""
    require_perm(actor, "membership.manage_skills")
    skill = Skill(created_by=actor, updated_by=actor)
    apply_changes(skill, data, SKILL_FIELDS)
    _check_skill_name(skill)
    skill.full_clean()
    skill.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.SKILL_ADDED,
        target=skill,
        summary=f"Added {skill.name} to the skill list",
    )
    return skill


@transaction.atomic
def skill_update(*, skill: Skill, actor, data: dict, loaded_version) -> Skill:
    """Rename, reorder, retire or bring back a skill. Past audits keep
    their answers: a retired skill is no longer asked in new audits."""
    require_perm(actor, "membership.manage_skills")
    current = lock_and_check_version(Skill, skill.pk, loaded_version)
    changed = apply_changes(current, data, SKILL_FIELDS)
    if not changed:
        return current
    _check_skill_name(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.SKILL_CHANGED,
        target=current,
        summary=changes_summary(Skill, changed, of=current.name),
        changes=changed,
    )
    return current


@transaction.atomic
def skill_remove(*, skill: Skill, actor) -> None:
    """Remove a skill nobody has been audited or trained in (a mistake);
    one in use can only be retired, so past audits keep their answers."""
    require_perm(actor, "membership.manage_skills")
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    if skill_is_used(skill):
        raise ValidationError(f"{skill.name} is in skills audits already: stop asking it instead of removing it")
    audit_record(
        actor=actor,
        event_type=AuditEventType.SKILL_REMOVED,
        target=skill,
        summary=f"Removed {skill.name} from the skill list",
    )
    skill.delete()


def _audit_for(person) -> tuple[dict, int]:
    """The lookup of a person's audit and its group id: an executive seat,
    or a group administrator's role assignment."""
    from cpeg.groups.models import ExecutiveMembership

    if isinstance(person, ExecutiveMembership):
        return {"executive": person}, person.group_id
    return {"group_id": person.group_id, "administrator_id": person.user_id}, person.group_id


@transaction.atomic
def skills_audit_save(*, person, actor, data: dict, loaded_version=None) -> SkillsAudit:
    """Record (or change) a person's skills audit: a level for every skill
    asked and whether they need training in it.

    ``person`` is an ``ExecutiveMembership`` or the group administrator's
    ``RoleAssignment``. ``data["skills"]`` maps a skill id to
    ``(level, training_needed)``; every active skill must be answered.
    """
    require_perm(actor, "membership.change_skillsaudit", person)
    lookup, group_id = _audit_for(person)
    audit = SkillsAudit.objects.select_for_update().filter(**lookup).first()
    if audit is not None and loaded_version is not None and int(loaded_version) != audit.version:
        audit = lock_and_check_version(SkillsAudit, audit.pk, loaded_version)
    answers = {int(k): v for k, v in (data.get("skills") or {}).items()}
    active = {skill.pk: skill for skill in Skill.objects.filter(is_active=True)}
    missing = [active[pk].name for pk in active if pk not in answers]
    if missing:
        raise ValidationError(f"Select a level for {', '.join(missing)}")
    known = set(active) | (set(audit.assessments.values_list("skill_id", flat=True)) if audit else set())
    if set(answers) - known:
        raise ValidationError("Answer only the skills on the authority's list")
    if any(level not in SkillLevel.values for level, _needed in answers.values()):
        raise ValidationError("Select a level from the list")
    assessed_on = data.get("assessed_on")
    if not assessed_on:
        raise ValidationError({"assessed_on": "Enter the date of the audit"})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The date of the audit must be today or in the past"})
    created = audit is None
    if created:
        audit = SkillsAudit(created_by=actor, updated_by=actor, **({"group_id": group_id} | lookup))
        audit.version = 0
    audit.assessed_on = assessed_on
    audit.notes = (data.get("notes") or "").strip()
    save_new_version(audit, actor=actor)
    existing = {a.skill_id: a for a in audit.assessments.all()}
    for skill_id, (level, needed) in answers.items():
        row = existing.get(skill_id) or SkillAssessment(audit=audit, skill_id=skill_id)
        if row.pk and row.level == level and row.training_needed == bool(needed):
            continue
        row.level, row.training_needed = level, bool(needed)
        row.full_clean()
        row.save()
    needs = sum(1 for _level, needed in answers.values() if needed)
    audit_record(
        actor=actor,
        event_type=AuditEventType.SKILLS_AUDIT_RECORDED,
        target=audit,
        group=audit.group,
        summary=f"Skills audit {'recorded' if created else 'changed'}: {needs} training "
        f"need{'s' if needs != 1 else ''}",
    )
    return audit


@transaction.atomic
def training_attended_add(*, audit: SkillsAudit, actor, activity, skill=None) -> TrainingAttended:
    """Record that an audited person attended a training session in the
    group's activity record (covering a skill, if one)."""
    from cpeg.activities.choices import ActivityType as Types

    require_perm(actor, "membership.change_skillsaudit", audit)
    if activity.group_id != audit.group_id or activity.activity_type != Types.TRAINING or activity.is_withdrawn:
        raise ValidationError({"activity": "Select one of this group's training sessions"})
    if activity.held_on > timezone.localdate():
        raise ValidationError({"activity": "Select a training session that has taken place"})
    if TrainingAttended.objects.filter(audit=audit, activity=activity, skill=skill).exists():
        raise ValidationError({"activity": "This training is already recorded for this person"})
    record = TrainingAttended(audit=audit, activity=activity, skill=skill, created_by=actor, updated_by=actor)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.TRAINING_ATTENDED_RECORDED,
        target=audit,
        group=audit.group,
        summary=f"Attended {activity.title}" + (f" ({skill.name})" if skill else ""),
    )
    return record


@transaction.atomic
def training_attended_remove(*, record: TrainingAttended, actor) -> None:
    """Remove a training record made in error (history keeps a copy)."""
    require_perm(actor, "membership.change_skillsaudit", record.audit)
    audit = record.audit
    title = record.activity.title
    record.delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.TRAINING_ATTENDED_REMOVED,
        target=audit,
        group=audit.group,
        summary=f"Removed training attended: {title}",
    )


# --- Alternative funding and support ----------------------------------------

OTHER_FUNDING_FIELDS = (
    "funder",
    "purpose",
    "requested_amount",
    "awarded_amount",
    "applied_on",
    "decided_on",
    "status",
)
SUPPORT_FIELDS = ("kind", "provider", "description", "started_on", "ended_on")


def _tidy_other_funding(funding: OtherFunding) -> None:
    """Check the status fits the amounts and dates, as the user can fix it."""
    today = timezone.localdate()
    errors = {}
    if funding.applied_on and funding.applied_on > today:
        errors["applied_on"] = "The date applied must be today or in the past"
    if funding.status == OtherFundingStatus.APPLIED:
        funding.awarded_amount = None
        funding.decided_on = None
    else:
        if funding.decided_on is None:
            errors["decided_on"] = "Enter the date of the decision"
        elif funding.decided_on > today:
            errors["decided_on"] = "The date of the decision must be today or in the past"
        if funding.status == OtherFundingStatus.AWARDED and funding.awarded_amount is None:
            errors["awarded_amount"] = "Enter the amount awarded"
        if funding.status == OtherFundingStatus.REFUSED:
            funding.awarded_amount = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def other_funding_add(*, group, actor, data: dict, form_token: str = "") -> OtherFunding:
    """Record funding the group applied for from another funder."""
    require_perm(actor, "membership.change_otherfunding", group)
    type(group).objects.select_for_update().filter(pk=group.pk).first()
    made = made_with_token(OtherFunding.objects.filter(group=group), form_token)
    if made is not None:
        return made
    funding = OtherFunding(group=group, created_by=actor, updated_by=actor, form_token=form_token)
    apply_changes(funding, data, OTHER_FUNDING_FIELDS)
    _tidy_other_funding(funding)
    funding.full_clean()
    funding.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.OTHER_FUNDING_RECORDED,
        target=funding,
        group=group,
        summary=f"Recorded an application to {funding.funder} for £{funding.requested_amount:,}",
    )
    return funding


@transaction.atomic
def other_funding_update(*, funding: OtherFunding, actor, data: dict, loaded_version) -> OtherFunding:
    """Change other funding, e.g. record the funder's decision."""
    require_perm(actor, "membership.change_otherfunding", funding)
    current = lock_and_check_version(OtherFunding, funding.pk, loaded_version)
    changed = apply_changes(current, data, OTHER_FUNDING_FIELDS)
    if not changed:
        return current
    _tidy_other_funding(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.OTHER_FUNDING_UPDATED,
        target=current,
        group=current.group,
        summary=changes_summary(OtherFunding, changed, of=current.funder),
        changes=changed,
    )
    return current


@transaction.atomic
def support_add(*, group, actor, data: dict, form_token: str = "") -> SupportUsed:
    """Record support the group used (a volunteer bureau, the council...)."""
    require_perm(actor, "membership.change_otherfunding", group)
    type(group).objects.select_for_update().filter(pk=group.pk).first()
    made = made_with_token(SupportUsed.objects.filter(group=group), form_token)
    if made is not None:
        return made
    support = SupportUsed(group=group, created_by=actor, updated_by=actor, form_token=form_token)
    apply_changes(support, data, SUPPORT_FIELDS)
    support.full_clean()
    support.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.SUPPORT_RECORDED,
        target=support,
        group=group,
        summary=f"Recorded support from {support.provider}",
    )
    return support


@transaction.atomic
def support_update(*, support: SupportUsed, actor, data: dict, loaded_version) -> SupportUsed:
    """Change a record of support used."""
    require_perm(actor, "membership.change_otherfunding", support)
    current = lock_and_check_version(SupportUsed, support.pk, loaded_version)
    changed = apply_changes(current, data, SUPPORT_FIELDS)
    if not changed:
        return current
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.SUPPORT_UPDATED,
        target=current,
        group=current.group,
        summary=changes_summary(SupportUsed, changed, of=current.provider),
        changes=changed,
    )
    return current
