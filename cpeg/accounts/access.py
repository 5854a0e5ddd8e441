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
_ADMIN_CACHE_ATTR = "_cpeg_admin_of"


def _assignments(user) -> tuple[set[str], set[int], set[int]]:
    """(roles, group ids, borough ids) for a user, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set(), set(), set()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        roles, groups, boroughs, admin_of = set(), set(), set(), set()
        for role, group_id, borough_id in user.role_assignments.values_list("role", "group_id", "borough_id"):
            roles.add(role)
            if group_id:
                groups.add(group_id)
                if role == Role.GROUP_ADMIN:
                    admin_of.add(group_id)
            if borough_id:
                boroughs.add(borough_id)
        cached = (roles, groups, boroughs)
        setattr(user, _CACHE_ATTR, cached)
        setattr(user, _ADMIN_CACHE_ATTR, admin_of)
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


# --- The open data API (cpeg/api) -------------------------------------------
# Partners' tools read what their person may read on the pages: a token is
# made by a link member (their boroughs) or an officer.


@rules.predicate
def is_token_owner(user, token) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("api.use_partner_api", is_officer | is_link_member)
rules.add_perm("api.revoke_apitoken", is_token_owner | is_manager)
# --- Notifications (issue 9: everyone is told what is due) -------------------


@rules.predicate
def is_self(user, obj) -> bool:
    """The account is the user's own."""
    return obj is not None and getattr(obj, "pk", None) == getattr(user, "pk", None)


# Officers see every email sent (and which failed); each person chooses how
# they are told, for their own account only.
rules.add_perm("notifications.view_notification_list", is_officer)
rules.add_perm("notifications.change_notificationpreference", is_signed_in & is_self)
# --- Accounts and roles (issue 9.11) -----------------------------------------
# Managers invite people, give and end every kind of role, and deactivate or
# reactivate accounts. A group's administrator invites people to their own
# group and ends roles in it (administrator or executive), never a role
# elsewhere: nobody can give a role above their own. The rules that depend
# on the state of the whole authority (a manager cannot deactivate
# themselves; the last manager keeps the role) are in
# ``accounts.services``.


@rules.predicate
def is_own_group_admin(user, obj) -> bool:
    """The user administers the group that owns ``obj`` (or is ``obj``)."""
    gid = _group_id(obj)
    return gid is not None and gid in admin_group_ids_of(user)


def admin_group_ids_of(user) -> set[int]:
    """The groups the user administers (from the same cached query)."""
    _assignments(user)
    return getattr(user, _ADMIN_CACHE_ATTR, set())


rules.add_perm("accounts.manage_accounts", is_manager)
rules.add_perm("accounts.manage_group_accounts", is_manager | (is_own_group_admin & is_group_not_disbanded))


def can_grant_role(user, role: str, *, group=None) -> bool:
    """Whether ``user`` may give (or end) ``role``, in ``group`` for the
    group roles: managers any role; a group's administrator only the
    group roles of their own group."""
    if is_manager(user):
        return True
    return role in GROUP_ROLES and group is not None and user.has_perm("accounts.manage_group_accounts", group)


def grantable_roles(user, *, group=None) -> list[str]:
    """The roles ``user`` may give, in the order forms offer them."""
    return [role for role in Role.values if can_grant_role(user, role, group=group)]


def scope_boroughs(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of Borough to those whose groups (and stop and
    search figures) the user may read: every borough for officers, a link
    member's own boroughs, and the boroughs of a group person's groups."""
    if is_officer(user):
        return queryset
    return queryset.filter(Q(pk__in=borough_ids_of(user)) | Q(groups__pk__in=group_ids_of(user))).distinct()


# --- Funding for officers and link members (issue 9.12) -----------------------
# Once a round is decided its allocation is a record of what was awarded and
# why: every officer may read it; only managers set it while it is open.


@rules.predicate
def is_round_decided(user, obj) -> bool:
    return obj is not None and bool(getattr(obj, "is_decided", False))


rules.add_perm("funding.view_allocation", is_manager | (is_officer & is_round_decided))
# --- Scrutiny duties: stop and search monitoring (issue 13) ------------------
# Officers read every borough's stop and search figures and import the
# police.uk files; a group's administrator and executive read their
# group's borough, a link member their boroughs. A group's monitoring
# meetings are group records like activities.
rules.add_perm("scrutiny.view_stopsearch_index", is_officer | is_link_member | is_group_person)
rules.add_perm("scrutiny.view_stopsearch", is_officer | is_own_borough | is_linked_borough)
rules.add_perm("scrutiny.import_stopsearch", is_officer)
rules.add_perm("scrutiny.view_monitoringmeeting", can_read_group_records)
rules.add_perm("scrutiny.change_monitoringmeeting", can_change_group_records)


# --- Scrutiny duties: independent custody visiting (issue 13.5) ---------------
# Officers keep the panels and record visits; a group's people and a link
# member read the visits and summaries of the panels covering their boroughs.
# An independent custody visitor (the role, and an account linked from a
# ``scrutiny.CustodyVisitor`` record) records and reads their own panel's
# visits, and sees nothing else.

_PANEL_CACHE_ATTR = "_cpeg_custody_panels"


@rules.predicate
def is_custody_visitor(user) -> bool:
    return Role.CUSTODY_VISITOR in roles_of(user)


def custody_visitor_records_of(user) -> dict[int, int]:
    """{visitor record id: panel id} of the visitor records linked to a
    custody visitor's account (empty for anyone without the role)."""
    if not is_custody_visitor(user):
        return {}
    cached = getattr(user, _PANEL_CACHE_ATTR, None)
    if cached is None:
        cached = dict(user.custody_visitor_records.values_list("pk", "panel_id"))
        setattr(user, _PANEL_CACHE_ATTR, cached)
    return cached


def custody_panel_ids_of(user) -> set[int]:
    """The panels a custody visitor sits on."""
    return set(custody_visitor_records_of(user).values())


@rules.predicate
def is_panel_of_users_borough(user, panel) -> bool:
    if panel is None:
        return False
    from cpeg.groups.models import EngagementGroup

    mine = set(borough_ids_of(user))
    if group_ids_of(user):
        mine |= set(EngagementGroup.objects.filter(pk__in=group_ids_of(user)).values_list("borough_id", flat=True))
    return bool(mine) and panel.boroughs.filter(pk__in=mine).exists()


@rules.predicate
def is_visitor_on_panel(user, panel) -> bool:
    return panel is not None and panel.pk in custody_panel_ids_of(user)


rules.add_perm("scrutiny.view_custody_summary", is_officer | is_link_member | is_group_person | is_custody_visitor)
rules.add_perm("scrutiny.view_custodypanel", is_officer | is_panel_of_users_borough | is_visitor_on_panel)
rules.add_perm("scrutiny.record_custodyvisit", is_officer | is_visitor_on_panel)
# Following up a visit's issues raised with the custody officer (recording
# when and how they were resolved): officers and the panel's visitors.
rules.add_perm("scrutiny.resolve_custody_issue", is_officer | is_visitor_on_panel)


@rules.predicate
def is_own_custody_visit(user, visit) -> bool:
    """The visit was made by the user (one of the pair is their visitor
    record) on a panel they sit on."""
    if visit is None:
        return False
    own = custody_visitor_records_of(user)
    return any(own.get(pk) == visit.panel_id for pk in (visit.first_visitor_id, visit.second_visitor_id))


# Correcting a visit's report after it was saved: officers any visit; a
# custody visitor only a visit they made themselves, on their own panel.
rules.add_perm("scrutiny.change_custodyvisit", is_officer | is_own_custody_visit)


def scope_custody_panels(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of CustodyPanel to those covering the user's boroughs,
    or a visitor's own panels (every panel for officers)."""
    if is_officer(user):
        return queryset
    q = (
        Q(boroughs__pk__in=borough_ids_of(user))
        | Q(boroughs__groups__pk__in=group_ids_of(user))
        | Q(pk__in=custody_panel_ids_of(user))
    )
    return queryset.filter(q).distinct()


# --- Consultations (issue 11) ------------------------------------------------
# Officers and managers open and manage consultations and read every
# response; a group's administrator and executive read the consultations
# their group is asked and write its response; a link member reads the
# open and closed consultations and the responses of their boroughs'
# groups (``scope_group_records``). Nobody but officers sees a draft.


@rules.predicate
def is_consultation_asking_own_group(user, consultation) -> bool:
    """The consultation is no longer a draft and asks one of the user's groups."""
    ids = group_ids_of(user)
    if consultation is None or not ids or consultation.status == "draft":
        return False
    return consultation.groups_asked.filter(pk__in=ids).exists()


@rules.predicate
def is_published_consultation(user, consultation) -> bool:
    return consultation is not None and consultation.status != "draft"


@rules.predicate
def is_responses_published(user, obj) -> bool:
    """The consultation (or the response's consultation) has had its
    responses published by the authority."""
    # Models are told by name: accounts sits below consultations.
    model = getattr(getattr(obj, "_meta", None), "model_name", "")
    consultation = obj.consultation if model == "consultationresponse" else obj if model == "consultation" else None
    return consultation is not None and consultation.status == "published"


rules.add_perm("consultations.view_consultation_list", is_officer | is_link_member | is_group_person)
rules.add_perm(
    "consultations.view_consultation",
    is_officer
    | (is_link_member & is_published_consultation)
    | is_consultation_asking_own_group
    | (is_group_person & is_responses_published),
)
rules.add_perm("consultations.manage_consultation", is_officer)
# The participation figures, the responses list and the downloads; the
# selectors narrow a link member's to their boroughs' groups until the
# responses are published, then every group's people and link members
# read them all (``scope_consultation_responses``).
rules.add_perm(
    "consultations.view_participation",
    is_officer | (is_link_member & is_published_consultation) | (is_group_person & is_responses_published),
)
rules.add_perm("consultations.view_participation_list", is_officer | is_link_member)
rules.add_perm(
    "consultations.view_consultationresponse",
    can_read_group_records | ((is_group_person | is_link_member) & is_responses_published),
)
rules.add_perm("consultations.change_consultationresponse", is_own_group & is_group_not_disbanded)
rules.add_perm("consultations.accept_late_consultationresponse", is_officer)


def scope_consultations(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of Consultation to those the user may read."""
    if is_officer(user):
        return queryset
    published = queryset.exclude(status="draft")
    if is_link_member(user):
        return published
    ids = group_ids_of(user)
    if not ids:
        return queryset.none()
    asked = queryset.model.groups_asked.through.objects.filter(engagementgroup_id__in=ids).values("consultation_id")
    return published.filter(Q(pk__in=asked) | Q(status="published"))


def scope_consultation_responses(user, queryset: QuerySet) -> QuerySet:
    """Narrow a queryset of ConsultationResponse to those the user may read
    (``consultations.view_consultationresponse``): their own groups' and
    linked boroughs' groups', and every response to a consultation whose
    responses are published for any group's people and link members."""
    if is_officer(user):
        return queryset
    q = Q(group_id__in=group_ids_of(user)) | Q(group__borough_id__in=borough_ids_of(user))
    if is_group_person(user) or is_link_member(user):
        q |= Q(consultation__status="published")
    return queryset.filter(q)


# Partner programmes and the CDRP two-way mechanisms (issue 11): managers
# define a year's programmes in the admin; groups and officers record a
# group's engagement and its two-way mechanisms; the matrix of boroughs
# by programme is for officers and link members (their boroughs' groups).
rules.add_perm("consultations.view_partnerprogramme", is_officer | is_link_member | is_group_person)
rules.add_perm("consultations.view_programme_matrix", is_officer | is_link_member)
rules.add_perm("consultations.view_programmeengagement", can_read_group_records)
rules.add_perm("consultations.change_programmeengagement", can_change_group_records)
# Managers set up each year's programmes on their own pages (issue 11 item 2).
rules.add_perm("consultations.manage_partnerprogramme", is_manager)
# The Policing Pledge report on a public meeting: whoever may change the
# meeting's group's records (the object is the meeting, an activity).
rules.add_perm("consultations.change_pledgereport", can_change_group_records)
# Local partnership structures: a borough's ward panels are read by whoever
# reads the borough and recorded by officers and the borough's group's
# people; the chairs' forum (LCP2) is read by everyone who works with the
# groups and recorded by officers.
rules.add_perm("consultations.view_wardpanel", is_officer | is_linked_borough | is_own_borough)
rules.add_perm("consultations.change_wardpanel", is_officer | is_own_borough)
# A borough's CDRP meetings (the CPEG's seat, who attended, minutes): read
# and recorded as its ward panels are.
rules.add_perm("consultations.view_cdrpmeeting", is_officer | is_linked_borough | is_own_borough)
rules.add_perm("consultations.change_cdrpmeeting", is_officer | is_own_borough)
rules.add_perm("consultations.view_chairsforum", is_officer | is_link_member | is_group_person)
rules.add_perm("consultations.manage_chairsforum", is_officer)
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
# An organisation's profile of the people it speaks for (aggregate counts)
# is kept by the group's administrator like the members' answers; others
# see it only in the suppressed report. Borough population tables are the
# authority's reference data, loaded by managers.
rules.add_perm("membership.record_organisation_profile", is_own_group_administrator & is_group_not_disbanded)
rules.add_perm("membership.load_population", is_manager)
# --- Annual reviews (issue 12) -----------------------------------------------
# Officers start drafts and write their narrative; managers publish. A
# published version is public (reviews.selectors.published_versions): no
# permission guards it, and nothing public reads a draft.

rules.add_perm("reviews.view_annualreview", is_officer)
rules.add_perm("reviews.add_annualreview", is_officer)
rules.add_perm("reviews.change_annualreview", is_officer)
rules.add_perm("reviews.publish_annualreview", is_manager)

# Capacity (issue 10.5): the executive's and administrator's skills audit.
# The group's administrator keeps it (officers may correct it); the group's
# people and officers read it; the needs across groups are for officers
# planning shared training.
rules.add_perm("membership.view_skillsaudit", is_officer | is_own_group)
rules.add_perm("membership.change_skillsaudit", is_officer | (is_own_group_administrator & is_group_not_disbanded))
rules.add_perm("membership.view_training_needs", is_officer)
# The skill list the audits ask about is the authority's: managers keep it.
rules.add_perm("membership.manage_skills", is_manager)
# Alternative funding and support (issue 10.6): like the group's other records.
rules.add_perm("membership.view_otherfunding", can_read_group_records)
rules.add_perm("membership.change_otherfunding", can_change_group_records)
rules.add_perm("membership.view_london_other_funding", is_officer)
