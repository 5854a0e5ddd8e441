"""Reads for boroughs, groups, executives, people and partner contacts.

Every list is scoped to the user through ``accounts.access`` and fetches
what its page shows in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cpeg.accounts.access import get_for_user_or_404, scope_boroughs, scope_groups
from cpeg.core.audit import history_entries
from cpeg.groups.choices import ExecutiveRole, GroupStatus, StaffingModel
from cpeg.groups.models import (
    Borough,
    EngagementGroup,
    ExecutiveMembership,
    OtherRole,
    PartnerContact,
    Person,
    Venue,
)

GROUP_SORTS = {
    "name": ("name",),
    "borough": ("borough__name", "name"),
    "status": ("status", "borough__name"),
    "staffing": ("staffing_model", "borough__name"),
    "hours": ("administrator_hours_per_week", "borough__name"),
}


@dataclass
class GroupFilters:
    q: str = ""
    borough: str = ""
    status: str = ""
    staffing_model: str = ""
    sort: str = "borough"
    descending: bool = False

    @classmethod
    def from_querydict(cls, data) -> GroupFilters:
        sort = data.get("sort", "borough")
        status = data.get("status", "")
        staffing = data.get("staffing_model", "")
        return cls(
            q=data.get("q", "").strip()[:100],
            borough=data.get("borough", "").strip()[:100],
            status=status if status in GroupStatus.values else "",
            staffing_model=staffing if staffing in StaffingModel.values else "",
            sort=sort if sort in GROUP_SORTS else "borough",
            descending=data.get("order") == "desc",
        )


def _current_partner_contacts():
    today = timezone.localdate()
    return (
        PartnerContact.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def _current_executive():
    today = timezone.localdate()
    return (
        ExecutiveMembership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(starts_on__lte=today)
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def group_list_for(*, user, filters: GroupFilters | None = None) -> QuerySet:
    """Groups the user may see, filtered and sorted for the groups dashboard.

    Prefetches the current chair and the borough's partner contacts, so the
    page runs the same number of queries for 32 groups or 2,000.
    """
    filters = filters or GroupFilters()
    qs = scope_groups(user, EngagementGroup.objects.all())
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(borough__name__icontains=filters.q))
    if filters.borough:
        qs = qs.filter(borough__slug=filters.borough)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.staffing_model:
        qs = qs.filter(staffing_model=filters.staffing_model)
    order = GROUP_SORTS[filters.sort]
    if filters.descending:
        order = tuple(f"-{o}" for o in order)
    return (
        qs.select_related("borough")
        .prefetch_related(
            Prefetch(
                "executive",
                queryset=_current_executive().filter(role=ExecutiveRole.CHAIR),
                to_attr="current_chairs",
            ),
            Prefetch(
                "borough__partner_contacts",
                queryset=_current_partner_contacts(),
                to_attr="current_contacts",
            ),
        )
        .order_by(*order, "pk")
    )


def group_get_for(*, user, pk: int, perm: str = "groups.view_engagementgroup") -> EngagementGroup:
    """One group the user may act on with ``perm``; 404 otherwise."""
    return get_for_user_or_404(user, EngagementGroup.objects.select_related("borough"), perm, pk=pk)


@dataclass
class GroupPage:
    group: EngagementGroup
    executive: list[ExecutiveMembership]
    past_executive: list[ExecutiveMembership]
    venues: list[Venue]
    partner_contacts: list[PartnerContact]


def group_page(*, group: EngagementGroup) -> GroupPage:
    """What the group page shows besides the group itself."""
    today = timezone.localdate()
    members = list(group.executive.select_related("person").order_by("role", "-starts_on"))
    current = [m for m in members if m.starts_on <= today and (m.ends_on is None or m.ends_on >= today)]
    past = [m for m in members if m not in current]
    return GroupPage(
        group=group,
        executive=current,
        past_executive=past,
        venues=list(group.venues.all()),
        partner_contacts=list(_current_partner_contacts().filter(borough=group.borough_id)),
    )


def group_history(*, group: EngagementGroup):
    """Every change to the group, its executive, venues and partner contacts."""
    return history_entries(
        ("Group", EngagementGroup.history.filter(id=group.pk)),
        ("Executive", ExecutiveMembership.history.filter(group_id=group.pk).select_related("person")),
        ("Venue", Venue.history.filter(group_id=group.pk)),
        (
            "Partner contact",
            PartnerContact.history.filter(borough_id=group.borough_id).select_related("person", "borough"),
        ),
    )


def person_history(*, person: Person):
    """Every change to a person's record and the roles they hold elsewhere."""
    return history_entries(
        ("Person", Person.history.filter(id=person.pk)),
        ("Other role", OtherRole.history.filter(person_id=person.pk)),
        ("Executive role", ExecutiveMembership.history.filter(person_id=person.pk).select_related("person")),
    )


def borough_history(*, borough: Borough):
    """Every change to a borough's partner contacts."""
    return history_entries(
        ("Partner contact", PartnerContact.history.filter(borough_id=borough.pk).select_related("person", "borough"))
    )


def borough_options(*, user=None) -> list[tuple[str, str]]:
    """(slug, name) of the boroughs to filter by: those whose groups ``user``
    may read (every borough for officers, a link member's own), or all."""
    boroughs = Borough.objects.all()
    if user is not None:
        boroughs = scope_boroughs(user, boroughs)
    return list(boroughs.order_by("name").values_list("slug", "name"))


def person_list(*, q: str = "") -> QuerySet:
    qs = Person.objects.all()
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    return qs.order_by("full_name")


def person_duplicates(*, person: Person, limit: int = 20) -> list[Person]:
    """Other records with this person's name or email: likely the same person."""
    match = Q(full_name__iexact=person.full_name)
    if person.email:
        match |= Q(email__iexact=person.email)
    return list(Person.objects.filter(match).exclude(pk=person.pk).order_by("full_name", "pk")[:limit])


@dataclass
class PersonPage:
    person: Person
    executive_roles: list[ExecutiveMembership]
    partner_roles: list[PartnerContact]
    other_roles: list[OtherRole]


def person_page(*, person: Person) -> PersonPage:
    """Every role one person holds, across groups, boroughs and elsewhere."""
    return PersonPage(
        person=person,
        executive_roles=list(person.executive_roles.select_related("group").order_by("-starts_on")),
        partner_roles=list(person.partner_roles.select_related("borough").order_by("-starts_on")),
        other_roles=list(person.other_roles.select_related("borough").order_by("title")),
    )


def public_group_list() -> QuerySet:
    """Groups the public may see: published and not disbanded."""
    return (
        EngagementGroup.objects.filter(is_published=True)
        .exclude(status=GroupStatus.DISBANDED)
        .select_related("borough")
        .order_by("borough__name")
    )
