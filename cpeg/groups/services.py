"""Writes for groups, their executives, venues, people and partner contacts.

Each function is one use case: check permission, lock and check the edit
version where a person edits an existing record, validate (``full_clean``,
which also checks the database constraints), save in one transaction and
record an AuditEvent. Field-level history is kept by simple-history.

Reads: ``groups.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from cpeg.accounts.access import require_perm
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.groups.choices import CURRENT_GROUP_STATUSES, SINGLE_HOLDER_ROLES, GroupStatus
from cpeg.groups.models import (
    Borough,
    EngagementGroup,
    ExecutiveMembership,
    OtherRole,
    PartnerContact,
    Person,
    Venue,
)
from cpeg.groups.workflow import GROUP_WORKFLOW, can_change_status

GROUP_EDITABLE_FIELDS = (
    "name",
    "description",
    "how_to_join",
    "constitution_adopted_on",
    "constitution_document",
    "email",
    "phone",
    "website",
    "postal_address",
    "staffing_model",
    "staffing_model_other",
    "administrator_hours_per_week",
    "is_published",
)
# Only officers move a group between boroughs or change its standing.
GROUP_OFFICER_FIELDS = ("borough", "status", "established_on")


def _apply(instance, data: dict, allowed) -> dict[str, tuple]:
    return apply_changes(instance, data, allowed)


def _unique_slug(model, base: str, exclude_pk=None) -> str:
    slug = slugify(base)[:140] or "group"
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _check_one_current_group(group: EngagementGroup) -> None:
    """One current group per borough, reported on the borough field (the
    database constraint would only give a message for the whole form)."""
    if group.status not in CURRENT_GROUP_STATUSES or group.borough_id is None:
        return
    clash = (
        EngagementGroup.objects.filter(borough_id=group.borough_id, status__in=CURRENT_GROUP_STATUSES)
        .exclude(pk=group.pk)
        .first()
    )
    if clash:
        raise ValidationError({"borough": f"{group.borough} already has a group that is not disbanded ({clash.name})"})


def _check_staffing(group: EngagementGroup) -> None:
    if group.staffing_model == "other" and not group.staffing_model_other.strip():
        raise ValidationError({"staffing_model_other": "Describe the other staffing arrangement"})


@transaction.atomic
def group_create(*, actor, data: dict) -> EngagementGroup:
    """Set up a new engagement group for a borough."""
    require_perm(actor, "groups.add_engagementgroup")
    group = EngagementGroup(created_by=actor, updated_by=actor)
    _apply(group, data, GROUP_EDITABLE_FIELDS + GROUP_OFFICER_FIELDS)
    group.slug = _unique_slug(EngagementGroup, group.name)
    _check_one_current_group(group)
    _check_staffing(group)
    group.full_clean()
    group.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_CREATED,
        target=group,
        group=group,
        summary=f"Set up {group.name} for {group.borough}",
    )
    return group


@transaction.atomic
def group_update(*, group: EngagementGroup, actor, data: dict, loaded_version) -> EngagementGroup:
    """Change a group's details; officers may also change borough and status."""
    require_perm(actor, "groups.change_engagementgroup", group)
    current = lock_and_check_version(EngagementGroup, group.pk, loaded_version)
    allowed = GROUP_EDITABLE_FIELDS
    if can_change_status(actor, current):
        allowed = allowed + GROUP_OFFICER_FIELDS
    old_status = current.status
    if "status" in allowed and data.get("status", old_status) != old_status:
        GROUP_WORKFLOW.ensure(current, to=data["status"])
    changed = _apply(current, data, allowed)
    if not changed:
        return current
    _check_one_current_group(current)
    _check_staffing(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.GROUP_UPDATED,
        target=current,
        group=current,
        summary=changes_summary(EngagementGroup, changed),
        payload={"fields": list(changed)},
        changes=changed,
    )
    if current.status != old_status:
        audit_record(
            actor=actor,
            event_type=AuditEventType.GROUP_STATUS_CHANGED,
            target=current,
            group=current,
            summary=f"Status changed from {GroupStatus(old_status).label} to {current.get_status_display()}",
            payload={"from": old_status, "to": current.status},
        )
    return current


def _check_single_holder(member: ExecutiveMembership) -> None:
    if member.role not in SINGLE_HOLDER_ROLES:
        return
    overlapping = ExecutiveMembership.objects.filter(group_id=member.group_id, role=member.role).exclude(pk=member.pk)
    if member.ends_on:
        overlapping = overlapping.filter(starts_on__lte=member.ends_on)
    overlapping = overlapping.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=member.starts_on)).select_related(
        "person"
    )
    clash = overlapping.first()
    if clash:
        raise ValidationError(
            {
                "starts_on": f"{clash.person} is {member.get_role_display().lower()} "
                f"from {clash.starts_on:%-d %B %Y}"
                + (f" to {clash.ends_on:%-d %B %Y}" if clash.ends_on else "")
                + ". End their term before this one starts."
            }
        )


def _person_for(data: dict, actor) -> Person:
    """The person chosen (officers only), or a new record.

    Officers keep the register: they may pick someone already recorded, and
    an email address they type that is already in the register links the
    role to that person. Anyone else always makes a new record, so nobody
    outside the authority can attach another group's member or learn whose
    email is registered; officers merge the duplicates (``person_merge``).
    """
    officer = actor.has_perm("groups.view_person")
    person = data.get("person")
    if person is not None and officer:
        return person
    email = (data.get("person_email") or "").strip()
    if email and officer:
        existing = Person.objects.filter(email__iexact=email).order_by("pk").first()
        if existing is not None:
            return existing
    person = Person(
        full_name=data["person_full_name"],
        email=data.get("person_email", ""),
        phone=data.get("person_phone", ""),
        created_by=actor,
        updated_by=actor,
    )
    try:
        person.full_clean()
    except ValidationError as error:
        raise ValidationError({f"person_{name}": messages for name, messages in error.message_dict.items()}) from error
    person.save()
    return person


EXECUTIVE_FIELDS = ("role", "role_title", "starts_on", "ends_on", "authorised_to_sign")


@transaction.atomic
def executive_member_add(*, group: EngagementGroup, actor, data: dict) -> ExecutiveMembership:
    """Add someone to a group's executive committee for a term."""
    require_perm(actor, "groups.change_engagementgroup", group)
    # Lock the group so two people cannot add two chairs at once.
    EngagementGroup.objects.select_for_update().get(pk=group.pk)
    member = ExecutiveMembership(group=group, created_by=actor, updated_by=actor)
    _apply(member, data, EXECUTIVE_FIELDS)
    if member.role == "other" and not member.role_title.strip():
        raise ValidationError({"role_title": "Enter the title of the role"})
    member.person = _person_for(data, actor)
    member.full_clean()
    _check_single_holder(member)
    member.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.EXECUTIVE_MEMBER_ADDED,
        target=member,
        group=group,
        summary=f"{member.person} joined the executive as {member.role_label}",
    )
    return member


@transaction.atomic
def executive_member_update(*, member: ExecutiveMembership, actor, data: dict, loaded_version):
    """Change an executive member's role or term (e.g. record the term's end)."""
    require_perm(actor, "groups.change_engagementgroup", member.group)
    EngagementGroup.objects.select_for_update().get(pk=member.group_id)
    current = lock_and_check_version(ExecutiveMembership, member.pk, loaded_version)
    changed = _apply(current, data, EXECUTIVE_FIELDS)
    if current.role == "other" and not current.role_title.strip():
        raise ValidationError({"role_title": "Enter the title of the role"})
    if not changed:
        return current
    current.full_clean()
    _check_single_holder(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.EXECUTIVE_MEMBER_UPDATED,
        target=current,
        group=current.group,
        summary=changes_summary(ExecutiveMembership, changed, of=f"{current.person}'s seat"),
        changes=changed,
    )
    return current


VENUE_FIELDS = ("name", "address", "postcode", "accessibility", "is_active")


@transaction.atomic
def venue_add(*, group: EngagementGroup, actor, data: dict) -> Venue:
    """Record a public meeting venue for a group."""
    require_perm(actor, "groups.change_engagementgroup", group)
    venue = Venue(group=group, created_by=actor, updated_by=actor)
    _apply(venue, data, VENUE_FIELDS)
    venue.full_clean()
    venue.save()
    audit_record(
        actor=actor, event_type=AuditEventType.VENUE_ADDED, target=venue, group=group, summary=f"Added venue {venue}"
    )
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, actor, data: dict, loaded_version) -> Venue:
    require_perm(actor, "groups.change_engagementgroup", venue.group)
    current = lock_and_check_version(Venue, venue.pk, loaded_version)
    changed = _apply(current, data, VENUE_FIELDS)
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.VENUE_UPDATED,
            target=current,
            group=venue.group,
            summary=changes_summary(Venue, changed, of=f"the venue {current}"),
            changes=changed,
        )
    return current


PARTNER_FIELDS = ("role", "organisation", "starts_on", "ends_on")


@transaction.atomic
def partner_contact_add(*, borough: Borough, actor, data: dict) -> PartnerContact:
    """Record a borough's commander, community safety manager or link member."""
    require_perm(actor, "groups.change_borough", borough)
    contact = PartnerContact(borough=borough, created_by=actor, updated_by=actor)
    _apply(contact, data, PARTNER_FIELDS)
    contact.person = _person_for(data, actor)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PARTNER_CONTACT_ADDED,
        target=contact,
        summary=f"{contact.person} recorded as {contact.get_role_display().lower()} for {borough}",
    )
    return contact


@transaction.atomic
def partner_contact_update(*, contact: PartnerContact, actor, data: dict, loaded_version) -> PartnerContact:
    require_perm(actor, "groups.change_borough", contact.borough)
    current = lock_and_check_version(PartnerContact, contact.pk, loaded_version)
    changed = _apply(current, data, PARTNER_FIELDS)
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.PARTNER_CONTACT_UPDATED,
            target=current,
            summary=changes_summary(
                PartnerContact, changed, of=f"{current.person}'s partner role for {current.borough}"
            ),
            changes=changed,
        )
    return current


PERSON_FIELDS = ("full_name", "email", "phone")


@transaction.atomic
def person_update(*, person: Person, actor, data: dict, loaded_version) -> Person:
    """Correct a person's name or contact details."""
    require_perm(actor, "groups.change_person", person)
    current = lock_and_check_version(Person, person.pk, loaded_version)
    changed = _apply(current, data, PERSON_FIELDS)
    if changed:
        save_new_version(current, actor=actor)
        # Which fields, not their values: a person's contact details stay in
        # the record (and its history, which erasure clears), not the audit.
        audit_record(
            actor=actor,
            event_type=AuditEventType.PERSON_UPDATED,
            target=current,
            summary=changes_summary(Person, changed, of=str(current)),
        )
    return current


OTHER_ROLE_FIELDS = ("title", "organisation", "borough", "starts_on", "ends_on")


@transaction.atomic
def other_role_add(*, person: Person, actor, data: dict) -> OtherRole:
    """Record a role a person holds elsewhere, e.g. on a Safer Neighbourhood Panel."""
    require_perm(actor, "groups.change_person", person)
    role = OtherRole(person=person, created_by=actor, updated_by=actor)
    _apply(role, data, OTHER_ROLE_FIELDS)
    role.full_clean()
    role.save()
    audit_record(actor=actor, event_type=AuditEventType.OTHER_ROLE_ADDED, target=role, summary=f"{person}: {role}")
    return role


MERGED_FIELDS = ("email", "phone")


@transaction.atomic
def person_merge(*, person: Person, duplicate: Person, actor) -> Person:
    """Make two records of one person into one: ``person`` is kept.

    Every role the duplicate holds (executive seats, partner roles, roles
    elsewhere) and any sign-in account linked to it move to ``person``; an
    email or telephone number only the duplicate has is copied over. The
    duplicate is then deleted (simple-history keeps its last version) and
    the merge recorded with both records' details.
    """
    require_perm(actor, "groups.merge_person", person)
    if duplicate.pk == person.pk:
        raise ValidationError({"duplicate": "Choose a different person's record to merge into this one"})
    kept = Person.objects.select_for_update().get(pk=person.pk)
    other = Person.objects.select_for_update().get(pk=duplicate.pk)
    moved = {}
    # Every record that points at a person, in any app (a sign-in account
    # too), saved one by one so simple-history records each move.
    for relation in Person._meta.related_objects:
        if not relation.one_to_many:
            continue
        model, field = relation.related_model, relation.field.name
        records = list(model._default_manager.select_for_update().filter(**{field: other}))
        for record in records:
            setattr(record, field, kept)
            if hasattr(record, "updated_by"):
                record.updated_by = actor
            record.save()
        if records:
            moved[relation.get_accessor_name()] = [record.pk for record in records]
    changes = {}
    for name in MERGED_FIELDS:
        if not getattr(kept, name) and getattr(other, name):
            changes[name] = (getattr(kept, name), getattr(other, name))
            setattr(kept, name, getattr(other, name))
    if changes:
        save_new_version(kept, actor=actor)
    details = {"id": other.pk, "full_name": other.full_name, "email": other.email, "phone": other.phone}
    other.delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.PERSON_MERGED,
        target=kept,
        summary=f"Merged the record of {details['full_name']} (#{details['id']}) into {kept.full_name}",
        payload={"merged": details, "moved": moved},
        changes=changes,
    )
    return kept
