"""Who may see and do what: every access decision in CPEG Manager.

The rules, in the authority's terms:

- Authority officers and managers see and change every group's records.
  Managers alone approve, set up years and rounds, and use the admin.
- A group's administrator and executive members see and change their own
  group's records, never another group's.
- A link member reads the groups of the boroughs they are linked to.
- The public sees only published groups' public pages.

Two halves, as the house style asks: predicates registered with ``rules``
as Django permissions (so views, templates and the admin call
``user.has_perm("groups.change_engagementgroup", group)``), and scopers
that narrow a queryset to what a user may see. Views never test roles
themselves; services check the same permissions again.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cpeg.accounts.roles import GROUP_ROLES, Role

_CACHE_ATTR = "_cpeg_roles"


def _assignments(user) -> tuple[set[str], set[int], set[int]]:
    """(roles, group ids, borough ids) for a user, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set(), set(), set()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        roles, groups, boroughs = set(), set(), set()
        for role, group_id, borough_id in user.role_assignments.values_list("role", "group_id", "borough_id"):
            roles.add(role)
            if group_id:
                groups.add(group_id)
            if borough_id:
                boroughs.add(borough_id)
        cached = (roles, groups, boroughs)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def roles_of(user) -> set[str]:
    return _assignments(user)[0]


def group_ids_of(user) -> set[int]:
    """The groups whose records the user works on as administrator or executive."""
    return _assignments(user)[1]


def borough_ids_of(user) -> set[int]:
    """The boroughs a link member is linked to."""
    return _assignments(user)[2]


# --- Predicates -----------------------------------------------------------


@rules.predicate
def is_officer(user) -> bool:
    """An authority officer or manager."""
    return bool(roles_of(user) & {Role.OFFICER, Role.MANAGER})


@rules.predicate
def is_manager(user) -> bool:
    return Role.MANAGER in roles_of(user)


@rules.predicate
def is_link_member(user) -> bool:
    return Role.LINK_MEMBER in roles_of(user)


@rules.predicate
def is_group_person(user) -> bool:
    return bool(roles_of(user) & GROUP_ROLES)


def _group_id(obj):
    """The id of the group that owns ``obj`` (a group, or a record with .group_id)."""
    if obj is None:
        return None
    from cpeg.groups.models import EngagementGroup

    if isinstance(obj, EngagementGroup):
        return obj.pk
    return getattr(obj, "group_id", None)


def _borough_id(obj):
    from cpeg.groups.models import Borough, EngagementGroup

    if obj is None:
        return None
    if isinstance(obj, Borough):
        return obj.pk
    if isinstance(obj, EngagementGroup):
        return obj.borough_id
    group = getattr(obj, "group", None)
    if group is not None:
        return group.borough_id
    return getattr(obj, "borough_id", None)


@rules.predicate
def is_own_borough(user, obj) -> bool:
    """The borough (or record in it) is where one of the user's groups is."""
    from cpeg.groups.models import EngagementGroup

    bid = _borough_id(obj)
    ids = group_ids_of(user)
    return bool(bid and ids) and EngagementGroup.objects.filter(pk__in=ids, borough_id=bid).exists()


@rules.predicate
def is_own_group(user, obj) -> bool:
    """The record belongs to a group the user administers or sits on."""
    gid = _group_id(obj)
    return gid is not None and gid in group_ids_of(user)


@rules.predicate
def is_own_group_executive(user, obj) -> bool:
    """The user sits on the executive of the group that owns the record."""
    gid = _group_id(obj)
    if gid is None or gid not in group_ids_of(user):
        return False
    return user.role_assignments.filter(role=Role.GROUP_EXECUTIVE, group_id=gid).exists()


@rules.predicate
def is_linked_borough(user, obj) -> bool:
    """The record is in (or is) a borough the link member is linked to."""
    bid = _borough_id(obj)
    return bid is not None and bid in borough_ids_of(user)


@rules.predicate
def is_group_not_disbanded(user, obj) -> bool:
    """The owning group still exists: a disbanded group's people keep read
    access to its records but can no longer change them."""
    from cpeg.groups.models import EngagementGroup
    from cpeg.groups.workflow import is_disbanded

    if obj is None:
        return False
    group = obj if isinstance(obj, EngagementGroup) else getattr(obj, "group", None)
    return group is not None and not is_disbanded(group)


can_read_group_records = is_officer | is_own_group | is_linked_borough
can_change_group_records = is_officer | (is_own_group & is_group_not_disbanded)

# Pages that are not about one object.
rules.add_perm("core.view_officer_pages", is_officer)
rules.add_perm("core.view_group_list", is_officer | is_link_member)
rules.add_perm("core.use_admin", is_manager)

# Boroughs and their partner contacts.
rules.add_perm("groups.view_borough", is_officer | is_linked_borough | is_own_borough)
rules.add_perm("groups.change_borough", is_officer)

# Groups.
rules.add_perm("groups.add_engagementgroup", is_officer)
rules.add_perm("groups.view_engagementgroup", can_read_group_records)
rules.add_perm("groups.change_engagementgroup", can_change_group_records)
rules.add_perm("groups.change_status_engagementgroup", is_officer)
rules.add_perm("groups.view_history_engagementgroup", can_read_group_records)

# People (the authority's register of people and the roles they hold).
rules.add_perm("groups.view_person", is_officer)
rules.add_perm("groups.change_person", is_officer)


# Service level agreements (issue: SLAs and quarterly monitoring).
rules.add_perm("agreements.view_slatemplate", is_officer | is_link_member | is_group_person)
rules.add_perm("agreements.change_slatemplate", is_officer)
rules.add_perm("agreements.view_groupsla", can_read_group_records)
rules.add_perm("agreements.change_groupsla", is_officer)
# The chair or an authorised executive member signs for the group.
rules.add_perm("agreements.sign_groupsla", is_own_group_executive)
rules.add_perm("agreements.countersign_groupsla", is_officer)

# The activity record.
rules.add_perm("activities.view_activity", can_read_group_records)
rules.add_perm("activities.change_activity", can_change_group_records)

# Quarterly monitoring returns.
rules.add_perm("monitoring.view_quarterlyreturn", can_read_group_records)
rules.add_perm("monitoring.change_quarterlyreturn", is_own_group & is_group_not_disbanded)
rules.add_perm("monitoring.submit_quarterlyreturn", is_own_group & is_group_not_disbanded)
rules.add_perm("monitoring.review_quarterlyreturn", is_officer)
rules.add_perm("monitoring.view_dashboard", is_officer | is_link_member)
rules.add_perm("monitoring.change_settings", is_manager)

# Funding rounds, applications, assessment, allocation, payments.
rules.add_perm("funding.view_fundinground", is_officer | is_link_member | is_group_person)
rules.add_perm("funding.manage_fundinground", is_manager)
rules.add_perm("funding.view_fundingapplication", can_read_group_records)
rules.add_perm("funding.change_fundingapplication", is_own_group & is_group_not_disbanded)
rules.add_perm("funding.submit_fundingapplication", is_own_group & is_group_not_disbanded)
rules.add_perm("funding.assess_fundingapplication", is_officer)
rules.add_perm("funding.moderate_fundingapplication", is_officer)
rules.add_perm("funding.decide_allocation", is_manager)
rules.add_perm("funding.manage_payments", is_officer)
rules.add_perm("funding.view_cost_analysis", is_officer | is_link_member)
rules.add_perm("funding.import_history", is_manager)


# --- Scopers ---------------------------------------------------------------


def scope_groups(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of EngagementGroup to those the user may read."""
    return scope_group_records(user, queryset, group_field="")


def scope_group_records(user, queryset: QuerySet, group_field: str = "group") -> QuerySet:
    """Narrow a queryset of group-owned records to those the user may read
    (``can_read_group_records``): every group's for officers, otherwise
    their own groups' and their linked boroughs' groups'. ``group_field``
    names the path to the owning group; "" for groups themselves."""
    if is_officer(user):
        return queryset
    prefix = f"{group_field}__" if group_field else ""
    q = Q(**{f"{prefix}pk__in": group_ids_of(user)}) | Q(**{f"{prefix}borough_id__in": borough_ids_of(user)})
    return queryset.filter(q)


def scope_own_groups(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of EngagementGroup to the groups the user works on:
    every group for officers, otherwise those they administer or sit on."""
    if is_officer(user):
        return queryset
    return queryset.filter(pk__in=group_ids_of(user))


def get_for_user_or_404(user, queryset: QuerySet, perm: str, **lookup):
    """Fetch one object the user may act on; 404 for missing and not-yours alike."""
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm(perm, obj):
        raise Http404
    return obj


def require_perm(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless the user holds ``perm`` (on ``obj``)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


# --- Funding: stages and figures beyond one group ---------------------------
# Officers see an application's real stage and its scores before the round
# is decided (a group sees "Submitted" until then), and every group's row
# in the cost analysis (a link member sees only their boroughs' groups).
rules.add_perm("funding.view_assessment", is_officer)
rules.add_perm("funding.view_every_group_cost", is_officer)


# Quarterly monitoring: officers open a group's missing returns by hand (the
# ``open_quarterly_returns`` command does it every day).
rules.add_perm("monitoring.open_quarterlyreturn", is_officer)


# --- Two-factor sign-in and merging people (issue 14) ------------------------


@rules.predicate
def must_use_two_factor(user) -> bool:
    """Officers and managers hold every group's records: they sign in with a
    code as well as a password wherever TWO_FACTOR_REQUIRED is on."""
    from django.conf import settings

    return bool(settings.TWO_FACTOR_REQUIRED) and is_officer(user)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# Anyone may turn two-factor sign-in on for their own account; only those
# not required to use it may turn it off.
rules.add_perm("accounts.turn_off_two_factor", is_signed_in & ~must_use_two_factor)
# Two person records for one person become one (officers only: the register
# holds every group's people).
rules.add_perm("groups.merge_person", is_officer)


# --- Withdrawing activities and undoing imports (issue 9.2) -------------------
# Whoever records a group's activities may withdraw one recorded in error
# (with a reason) or undo a whole spreadsheet import; only an officer may
# restore a withdrawn activity, because withdrawing may already have changed
# a return the authority has received. ``activities.workflow`` adds the
# state (not already withdrawn, not already undone).
rules.add_perm("activities.withdraw_activity", can_change_group_records)
rules.add_perm("activities.restore_activity", is_officer)
rules.add_perm("activities.undo_activityimportbatch", can_change_group_records)


# --- Personal data (issue 14.4) ----------------------------------------------
# A person's request for a copy of their data, or for its erasure, is
# handled by the authority (the data controller), so officers only; the
# register of what is held is docs/personal-data.md.
rules.add_perm("groups.export_person_data", is_officer)
rules.add_perm("groups.erase_person", is_officer)

# The London-wide activity summary: the authority, and link members for the
# groups of their boroughs (the selector scopes the rows).
rules.add_perm("activities.view_activity_summary", is_officer | is_link_member)


# --- Membership, representativeness and equality monitoring (issue 10) ------
# A group's administrator and executive keep its register of members and
# the attendance at its meetings; officers all groups'. Link members read
# only the aggregate figures of their boroughs' groups. Equality answers
# (special category data) are read and recorded by the group's
# administrator alone, with the person's consent: nobody at the authority
# reads them, and every other page shows suppressed aggregates. Officers
# may erase answers on a person's request (the authority is the
# controller), which needs no reading.


@rules.predicate
def is_own_group_administrator(user, obj) -> bool:
    """The user is the administrator of the group that owns the record."""
    gid = _group_id(obj)
    if gid is None or gid not in group_ids_of(user):
        return False
    return user.role_assignments.filter(role=Role.GROUP_ADMIN, group_id=gid).exists()


rules.add_perm("membership.view_member", is_officer | is_own_group)
rules.add_perm("membership.change_member", can_change_group_records)
rules.add_perm("membership.view_representation", can_read_group_records)
rules.add_perm("membership.view_london_representation", is_officer | is_link_member)
rules.add_perm("membership.record_equality", is_own_group_administrator & is_group_not_disbanded)
rules.add_perm("membership.erase_equality", is_own_group_administrator | is_officer)
