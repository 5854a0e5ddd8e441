"""Reads for the membership register, attendance and representation.

Every page's reads take a fixed number of queries whatever the size of
the register. Figures are computed here once, from the records listed
beside them, and the equality figures pass through ``figures.suppress``
before any page or export sees them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Q
from django.http import Http404

from cpeg.accounts.access import get_for_user_or_404, scope_group_records
from cpeg.groups.models import EngagementGroup, ExecutiveMembership
from cpeg.membership import figures
from cpeg.membership.choices import (
    CHARACTERISTICS,
    COMPARISON_GROUPS,
    HIGH_LEVEL_GROUPS,
    PREFER_NOT_TO_SAY,
    comparison_group,
    high_level_group,
)
from cpeg.membership.models import (
    AttendanceMark,
    AttendanceRegister,
    AttendanceRule,
    EqualityProfile,
    Member,
    OtherFunding,
    Skill,
    SkillAssessment,
    SkillsAudit,
    SupportUsed,
    TrainingAttended,
)
from cpeg.membership.population import SOURCE, ethnic_group_population


def group_get_for(*, user, pk, perm: str = "membership.view_member") -> EngagementGroup:
    """A group whose membership records the user may see; 404 otherwise."""
    return get_for_user_or_404(user, EngagementGroup.objects.select_related("borough"), perm, pk=pk)


def member_get_for(*, user, pk, perm: str = "membership.change_member") -> Member:
    return get_for_user_or_404(user, Member.objects.select_related("group", "group__borough"), perm, pk=pk)


def executive_get_for(*, user, pk, perm: str) -> ExecutiveMembership:
    return get_for_user_or_404(
        user, ExecutiveMembership.objects.select_related("group", "group__borough", "person"), perm, pk=pk
    )


def _current(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


def _current_executive(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def expected_at(*, group_id: int, day: dt.date) -> tuple[list[Member], list[ExecutiveMembership]]:
    """The members and executive members of a group on a day (two queries)."""
    members = list(Member.objects.filter(_current(day), group_id=group_id).order_by("name", "id"))
    executives = list(
        ExecutiveMembership.objects.filter(_current_executive(day), group_id=group_id)
        .select_related("person")
        .order_by("role", "person__full_name")
    )
    return members, executives


# --- The register ----------------------------------------------------------

# What the register's figures count, each also a filter of its list.
SHOW_FILTERS = {
    "organisations": "Member organisations",
    "individuals": "Individual members",
    "represented": "Organisations that said how many people they speak for",
    "not-represented": "Organisations that have not said how many people they speak for",
    "at-risk": "Members at risk under the attendance rule",
    "left": "Former members",
}


@dataclass
class MemberRow:
    member: Member
    missed_in_a_row: int
    at_risk: bool
    reached_limit: bool
    has_answers: bool


@dataclass
class RegisterFigures:
    organisations: int
    individuals: int
    people_represented: int
    organisations_with_number: int
    organisations_without_number: int
    at_risk: int
    former: int


@dataclass
class RegisterPage:
    group: EngagementGroup
    rule: AttendanceRule | None
    rows: list[MemberRow]
    figures: RegisterFigures
    show: str
    show_label: str
    reviews: list = field(default_factory=list)
    registers: list = field(default_factory=list)


def _attendance(group_id: int, members: list[Member]) -> dict[int, int]:
    """Meetings in a row each member missed (registers of their membership)."""
    registers = list(
        AttendanceRegister.objects.filter(group_id=group_id, activity__withdrawn_at__isnull=True)
        .order_by("-activity__held_on", "-id")
        .values_list("pk", "activity__held_on")
    )
    attended: dict[int, set[int]] = {}
    for register_id, member_id in AttendanceMark.objects.filter(
        register__group_id=group_id, member__isnull=False
    ).values_list("register_id", "member_id"):
        attended.setdefault(member_id, set()).add(register_id)
    missed = {}
    for member in members:
        expected = [
            pk
            for pk, held_on in registers
            if held_on >= member.joined_on and (member.left_on is None or held_on <= member.left_on)
        ]
        missed[member.pk] = figures.consecutive_missed(expected, attended.get(member.pk, set()))
    return missed


def register_page(*, group: EngagementGroup, today: dt.date, show: str = "") -> RegisterPage:
    """The register: current members with attendance flags, and its figures.

    Counts are of members current on ``today``; "people represented" adds
    the numbers organisations gave and says how many gave none.
    """
    rule = AttendanceRule.objects.filter(group=group).first()
    members = list(Member.objects.filter(group=group).order_by("name", "id"))
    answered = set(
        EqualityProfile.objects.filter(group=group, member__isnull=False).values_list("member_id", flat=True)
    )
    missed = _attendance(group.pk, members)
    limit = rule.missed_meetings_limit if rule else None
    rows = []
    for member in members:
        n = missed[member.pk]
        current = member.left_on is None or member.left_on >= today
        reached = bool(limit and current and n >= limit)
        at_risk = bool(limit and current and n >= limit - 1 and n > 0)
        rows.append(MemberRow(member, n, at_risk, reached, member.pk in answered))
    current_rows = [r for r in rows if r.member.left_on is None or r.member.left_on >= today]
    organisations = [r for r in current_rows if r.member.is_organisation]
    numbers = [r.member.people_represented for r in organisations if r.member.people_represented is not None]
    page_figures = RegisterFigures(
        organisations=len(organisations),
        individuals=len(current_rows) - len(organisations),
        people_represented=sum(numbers),
        organisations_with_number=len(numbers),
        organisations_without_number=len(organisations) - len(numbers),
        at_risk=sum(1 for r in current_rows if r.at_risk),
        former=len(rows) - len(current_rows),
    )
    listed = _filter_rows(rows, current_rows, show)
    return RegisterPage(
        group=group,
        rule=rule,
        rows=listed,
        figures=page_figures,
        show=show if show in SHOW_FILTERS else "",
        show_label=SHOW_FILTERS.get(show, "Current members"),
        reviews=list(group.membership_reviews.select_related("meeting").order_by("-reviewed_on", "-id")[:20]),
        registers=list(
            AttendanceRegister.objects.filter(group=group)
            .select_related("activity")
            .order_by("-activity__held_on", "-id")[:10]
        ),
    )


def _filter_rows(rows, current_rows, show):
    if show == "left":
        return [r for r in rows if r not in current_rows]
    chosen = {
        "organisations": lambda r: r.member.is_organisation,
        "individuals": lambda r: not r.member.is_organisation,
        "represented": lambda r: r.member.is_organisation and r.member.people_represented is not None,
        "not-represented": lambda r: r.member.is_organisation and r.member.people_represented is None,
        "at-risk": lambda r: r.at_risk,
    }.get(show, lambda r: True)
    return [r for r in current_rows if chosen(r)]


# --- Attendance ------------------------------------------------------------


@dataclass
class AttendancePage:
    members: list[Member]
    executives: list[ExecutiveMembership]
    register: AttendanceRegister | None
    present_members: set[int]
    present_executives: set[int]


def attendance_page(*, activity) -> AttendancePage:
    """Who could attend a meeting and who was marked present (four queries)."""
    members, executives = expected_at(group_id=activity.group_id, day=activity.held_on)
    register = AttendanceRegister.objects.filter(activity=activity).first()
    marks = list(register.marks.values_list("member_id", "executive_id")) if register else []
    return AttendancePage(
        members=members,
        executives=executives,
        register=register,
        present_members={m for m, _e in marks if m},
        present_executives={e for _m, e in marks if e},
    )


# --- Representation ----------------------------------------------------------

FIELDS = ("ethnic_group",) + tuple(name for name, _label, _choices in CHARACTERISTICS)


def _profiles(group_ids, today: dt.date):
    """(group id, "executive"|"members", answers...) of the current
    executive seats' and individual members' profiles (one query)."""
    current_member = Q(member__isnull=False) & (Q(member__left_on__isnull=True) | Q(member__left_on__gte=today))
    current_exec = (
        Q(executive__isnull=False)
        & Q(executive__starts_on__lte=today)
        & (Q(executive__ends_on__isnull=True) | Q(executive__ends_on__gte=today))
    )
    return EqualityProfile.objects.filter(current_member | current_exec, group_id__in=group_ids).values_list(
        "group_id", "executive_id", *FIELDS
    )


def _count_tables(rows) -> dict[str, Counter]:
    """Counts per characteristic (ethnic group rolled up two ways)."""
    counts = {name: Counter() for name in ("high_level", "comparison", *FIELDS[1:])}
    for row in rows:
        ethnic = row[0]
        counts["high_level"][high_level_group(ethnic) or PREFER_NOT_TO_SAY] += 1
        counts["comparison"][comparison_group(ethnic) or PREFER_NOT_TO_SAY] += 1
        for name, value in zip(FIELDS[1:], row[1:], strict=True):
            counts[name][value] += 1
    return counts


@cache
def _keys_and_labels(name: str) -> list[tuple[str, str]]:
    pnts = (PREFER_NOT_TO_SAY, "Prefer not to say")
    if name == "high_level":
        return [*HIGH_LEVEL_GROUPS, pnts]
    if name == "comparison":
        return [*COMPARISON_GROUPS, pnts]
    choices = next(c for n, _l, c in CHARACTERISTICS if n == name)
    return list(choices.choices)


TABLE_TITLES = {"comparison": "Ethnic group, compared with the borough", "high_level": "Ethnic group"} | {
    name: label for name, label, _c in CHARACTERISTICS
}
TABLE_ORDER = ("comparison", "high_level", *FIELDS[1:])
# Organisations profile ethnic group by the 5 high-level groups, which
# cannot be folded into the reference table's collapsed groups: no
# "comparison" table for them.
ORGANISATION_TABLE_ORDER = ("high_level", *FIELDS[1:])
# The loaded population table (by characteristic) each report table is
# compared with; "comparison" uses the Census 2021 table shipped with the
# product (``population.py``).
POPULATION_CHARACTERISTIC = {"high_level": "ethnic_group"} | {name: name for name in FIELDS[1:]}
TABLE_FOR_CHARACTERISTIC = {c: name for name, c in POPULATION_CHARACTERISTIC.items()}
NO_POPULATION = "No borough figures loaded"


@dataclass
class ProfileTable:
    name: str
    title: str
    table: figures.SuppressedTable
    rows: list
    population: dict | None = None
    population_source: str = ""
    note: str = ""

    @property
    def compared(self) -> bool:
        return bool(self.population)


@dataclass
class Representation:
    """One set of people (a group's executive or members, the people its
    member organisations speak for, or London's)."""

    label: str
    total: int | None  # None: suppressed
    tables: list[ProfileTable]
    kind: str = "answers"  # or "organisations"
    note: str = ""


def _tables_for(counts: dict[str, Counter], order=TABLE_ORDER) -> dict[str, figures.SuppressedTable]:
    return {
        name: figures.suppress({key: counts[name].get(key, 0) for key, _label in _keys_and_labels(name)})
        for name in order
    }


@dataclass(frozen=True)
class Populations:
    """The borough figures each report table is compared with: counts per
    table name (None where no table is loaded) and their sources."""

    counts: dict
    sources: dict

    def for_table(self, name: str) -> tuple[dict | None, str]:
        return self.counts.get(name), self.sources.get(name, "")


def _representation(
    label: str,
    tables: dict[str, figures.SuppressedTable],
    populations: Populations,
    *,
    order=TABLE_ORDER,
    kind: str = "answers",
    note: str = "",
) -> Representation:
    out = []
    for name in order:
        table = tables[name]
        labels = dict(_keys_and_labels(name))
        if kind == "organisations":
            labels[PREFER_NOT_TO_SAY] = "Not known"
        population, source = populations.for_table(name)
        out.append(
            ProfileTable(
                name,
                TABLE_TITLES[name],
                table,
                figures.representation_rows(table, labels, population),
                population,
                source,
                "" if population else NO_POPULATION,
            )
        )
    first = tables[order[0]]
    if kind == "organisations":
        shown = [t.table.total for t in out if t.table.total_shown and t.table.total]
        total = max(shown) if shown else None
    else:
        total = first.total if first.total_shown else None
    return Representation(label, total, out, kind, note)


@dataclass
class RepresentationReport:
    group: EngagementGroup | None
    executive: Representation
    members: Representation
    population: dict | None
    population_source: str
    organisations: Representation | None = None
    populations: Populations | None = None

    @property
    def sets(self) -> tuple[Representation, ...]:
        if self.organisations is None:
            return (self.executive, self.members)
        return (self.executive, self.members, self.organisations)


def _split(rows):
    executive, members = [], []
    for row in rows:
        (executive if row[1] else members).append(row[2:])
    return executive, members


def loaded_populations(ons_codes) -> dict[str, dict[str, tuple[dict[str, int], str]]]:
    """Per borough ONS code, per characteristic: the loaded counts by
    category and their source. One query."""
    from cpeg.membership.models import PopulationCount

    found: dict[str, dict[str, tuple[dict, set]]] = {}
    for code, characteristic, category, count, source in PopulationCount.objects.filter(
        borough__ons_code__in=list(set(ons_codes))
    ).values_list("borough__ons_code", "table__characteristic", "category", "count", "source"):
        counts, sources = found.setdefault(code, {}).setdefault(characteristic, ({}, set()))
        counts[category] = count
        sources.add(source)
    return {
        code: {c: (counts, "; ".join(sorted(sources))) for c, (counts, sources) in tables.items()}
        for code, tables in found.items()
    }


def _populations(ons_codes: list[str]) -> Populations:
    """The population of the boroughs of ``ons_codes`` (one per group, so
    a borough with two groups counts twice, as its groups' members do).
    A table is compared only when every one of those boroughs has it."""
    loaded = loaded_populations(ons_codes)
    counts: dict[str, dict | None] = {}
    sources: dict[str, str] = {}
    collapsed: Counter = Counter()
    for code in ons_codes:
        collapsed.update(ethnic_group_population(code) or {})
    counts["comparison"] = dict(collapsed) or None
    sources["comparison"] = SOURCE
    for name, characteristic in POPULATION_CHARACTERISTIC.items():
        tables = [loaded.get(code, {}).get(characteristic) for code in ons_codes]
        if not ons_codes or any(t is None for t in tables):
            counts[name] = None
            continue
        summed: Counter = Counter()
        for table_counts, _source in tables:
            summed.update(table_counts)
        counts[name] = dict(summed)
        sources[name] = "; ".join(sorted({source for _counts, source in tables}))
    return Populations(counts, sources)


def _organisation_profiles(group_ids, today: dt.date):
    """(group id, characteristic, counts) of the profiles of member
    organisations current on ``today`` (one query)."""
    from cpeg.membership.models import OrganisationProfile

    current = Q(member__joined_on__lte=today) & (Q(member__left_on__isnull=True) | Q(member__left_on__gte=today))
    return OrganisationProfile.objects.filter(current, group_id__in=group_ids).values_list(
        "group_id", "member_id", "characteristic", "counts"
    )


def _current_organisations(group_ids, today: dt.date) -> Counter:
    """Member organisations current on ``today``, per group (one query)."""
    from cpeg.membership.choices import MemberType

    return Counter(
        Member.objects.filter(_current(today), group_id__in=group_ids, member_type=MemberType.ORGANISATION).values_list(
            "group_id", flat=True
        )
    )


def _organisation_count_tables(rows) -> dict[str, Counter]:
    """People the organisations speak for, per report table, summed."""
    counts = {name: Counter() for name in ORGANISATION_TABLE_ORDER}
    for _group_id, _member_id, characteristic, profile in rows:
        name = TABLE_FOR_CHARACTERISTIC.get(characteristic)
        if name is None:
            continue
        for key, value in (profile or {}).items():
            if isinstance(value, int) and value > 0:
                counts[name][key] += value
    return counts


ORGANISATIONS_LABEL = "The people member organisations speak for"


def _organisations_note(profiled: int, organisations: int) -> str:
    return (
        f"{profiled} of {organisations} member organisation{'' if organisations == 1 else 's'} "
        "gave a profile of the people they speak for."
    )


def representation_for_group(*, group: EngagementGroup, today: dt.date) -> RepresentationReport:
    """A group's executive, wider membership and the people its member
    organisations speak for, against its borough."""
    populations = _populations([group.borough.ons_code])
    executive, members = _split(_profiles([group.pk], today))
    org_rows = list(_organisation_profiles([group.pk], today))
    organisations = _current_organisations([group.pk], today)[group.pk]
    return RepresentationReport(
        group=group,
        executive=_representation("The executive", _tables_for(_count_tables(executive)), populations),
        members=_representation(
            "The wider membership (individual members)",
            _tables_for(_count_tables(members)),
            populations,
        ),
        population=populations.counts["comparison"],
        population_source=SOURCE,
        organisations=_representation(
            ORGANISATIONS_LABEL,
            _tables_for(_organisation_count_tables(org_rows), ORGANISATION_TABLE_ORDER),
            populations,
            order=ORGANISATION_TABLE_ORDER,
            kind="organisations",
            note=_organisations_note(len({r[1] for r in org_rows}), organisations),
        ),
        populations=populations,
    )


def representation_london(*, user, today: dt.date) -> RepresentationReport:
    """The roll-up over the groups the user may read: each sum shown only
    if every group figure in it is shown (``figures.roll_up``)."""
    groups = list(
        scope_group_records(user, EngagementGroup.objects.all(), group_field="").values_list("pk", "borough__ons_code")
    )
    return representation_across(groups=groups, today=today)


def representation_across(*, groups: list[tuple[int, str]], today: dt.date) -> RepresentationReport:
    """The roll-up over ``groups`` ((group id, borough ONS code) pairs) as
    at ``today``, suppressed as ``representation_london`` (which it serves;
    the annual review reads every group's through it)."""
    group_ids = [pk for pk, _code in groups]
    by_group: dict[int, tuple[list, list]] = {pk: ([], []) for pk in group_ids}
    for row in _profiles(group_ids, today):
        by_group[row[0]][0 if row[1] else 1].append(row[2:])
    populations = _populations([code for _pk, code in groups])
    sets = []
    for index, label in ((0, "Executives"), (1, "Wider memberships (individual members)")):
        per_group = [_count_tables(rows[index]) for rows in by_group.values()]
        tables = {
            name: figures.roll_up_counts(
                (counts[name] for counts in per_group), [k for k, _l in _keys_and_labels(name)]
            )
            for name in TABLE_ORDER
        }
        sets.append(_representation(label, tables, populations))
    org_by_group: dict[int, list] = {pk: [] for pk in group_ids}
    for row in _organisation_profiles(group_ids, today):
        org_by_group[row[0]].append(row)
    per_group = [_organisation_count_tables(rows) for rows in org_by_group.values()]
    org_tables = {
        name: figures.roll_up_counts((counts[name] for counts in per_group), [k for k, _l in _keys_and_labels(name)])
        for name in ORGANISATION_TABLE_ORDER
    }
    organisations = sum(_current_organisations(group_ids, today).values())
    profiled = len({row[1] for rows in org_by_group.values() for row in rows})
    return RepresentationReport(
        group=None,
        executive=sets[0],
        members=sets[1],
        population=populations.counts["comparison"],
        population_source=SOURCE,
        organisations=_representation(
            ORGANISATIONS_LABEL,
            org_tables,
            populations,
            order=ORGANISATION_TABLE_ORDER,
            kind="organisations",
            note=_organisations_note(profiled, organisations),
        ),
        populations=populations,
    )


@dataclass
class LoadedTable:
    characteristic: str
    label: str
    table: object | None  # PopulationTable, None where none is loaded
    boroughs: int
    rows: int
    sources: str


def population_tables() -> list[LoadedTable]:
    """Each characteristic with the borough table loaded for it, if any
    (two queries)."""
    from cpeg.membership.choices import PROFILE_CHARACTERISTICS
    from cpeg.membership.models import PopulationCount, PopulationTable

    tables = {t.characteristic: t for t in PopulationTable.objects.select_related("updated_by")}
    boroughs: dict[str, set] = {}
    rows: Counter = Counter()
    sources: dict[str, set] = {}
    for characteristic, borough_id, source in PopulationCount.objects.values_list(
        "table__characteristic", "borough_id", "source"
    ):
        boroughs.setdefault(characteristic, set()).add(borough_id)
        sources.setdefault(characteristic, set()).add(source)
        rows[characteristic] += 1
    return [
        LoadedTable(
            key,
            label,
            tables.get(key),
            len(boroughs.get(key, ())),
            rows[key],
            "; ".join(sorted(sources.get(key, ()))),
        )
        for key, label in PROFILE_CHARACTERISTICS
    ]


# --- What other apps read about a group's membership -------------------------
# Consultations (a response cannot claim more member organisations than the
# register holds) and monitoring (the reviews that evidence "Keep membership
# under regular review") read the register only through these functions.


def organisation_count(*, group_id: int, day: dt.date) -> int | None:
    """The member organisations current on ``day`` in the group's register,
    or None when the group keeps no register here (no member recorded at
    all, current or former). One query."""
    from django.db.models import Count

    from cpeg.membership.choices import MemberType

    counts = Member.objects.filter(group_id=group_id).aggregate(
        recorded=Count("id"),
        organisations=Count("id", filter=_current(day) & Q(member_type=MemberType.ORGANISATION)),
    )
    return counts["organisations"] if counts["recorded"] else None


def reviews_for_groups(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[int, list]:
    """Per group, its membership reviews held from ``starts_on`` to
    ``ends_on`` (inclusive), oldest first. One query."""
    from cpeg.membership.models import MembershipReview

    found: dict[int, list] = {}
    for review in MembershipReview.objects.filter(
        group_id__in=list(group_ids), reviewed_on__gte=starts_on, reviewed_on__lte=ends_on
    ).order_by("reviewed_on", "id"):
        found.setdefault(review.group_id, []).append(review)
    return found


# --- Capacity: the skills audit ----------------------------------------------

# Levels that count as "confident" in a skill on the summary.
CONFIDENT_LEVELS = frozenset({"confident", "expert"})


def _administrators(group_ids):
    from cpeg.accounts.models import RoleAssignment
    from cpeg.accounts.roles import Role

    return RoleAssignment.objects.filter(role=Role.GROUP_ADMIN, group_id__in=group_ids).select_related("user")


def administrator_get_for(*, user, pk, perm: str = "membership.change_skillsaudit"):
    """A group administrator's role assignment the user may act on; 404 otherwise."""
    from cpeg.accounts.models import RoleAssignment
    from cpeg.accounts.roles import Role

    return get_for_user_or_404(
        user,
        RoleAssignment.objects.filter(role=Role.GROUP_ADMIN, group__isnull=False).select_related(
            "user", "group", "group__borough"
        ),
        perm,
        pk=pk,
    )


def audit_get_for(*, user, pk, perm: str = "membership.change_skillsaudit") -> SkillsAudit:
    return get_for_user_or_404(
        user, SkillsAudit.objects.select_related("group", "group__borough", "executive__person"), perm, pk=pk
    )


def training_record_get_for(*, user, pk) -> TrainingAttended:
    """A training record whose skills audit the user may change; 404 otherwise."""
    record = TrainingAttended.objects.select_related("audit", "audit__group", "activity").filter(pk=pk).first()
    if record is None or not user.has_perm("membership.change_skillsaudit", record.audit):
        raise Http404
    return record


def skills_audit_for(person) -> SkillsAudit | None:
    """The audit of an executive seat or an administrator's role assignment."""
    if isinstance(person, ExecutiveMembership):
        return SkillsAudit.objects.filter(executive=person).first()
    return SkillsAudit.objects.filter(group_id=person.group_id, administrator_id=person.user_id).first()


def skills_for_form(audit: SkillsAudit | None) -> list[Skill]:
    """The active skills, and any inactive ones the audit already answered."""
    answered = Q(pk__in=audit.assessments.values("skill_id")) if audit else Q(pk__in=[])
    return list(Skill.objects.filter(Q(is_active=True) | answered).order_by("position", "name"))


@dataclass
class SkillRow:
    skill: Skill
    audits: int  # skills audits that answered it
    training: int  # training records in it

    @property
    def used(self) -> bool:
        return bool(self.audits or self.training)


def skill_list() -> list[SkillRow]:
    """Every skill on the authority's list, the ones asked first, in form
    order, with how many audits and training records use it (two queries)."""
    from django.db.models import Count

    skills = Skill.objects.annotate(audit_count=Count("assessments")).order_by("-is_active", "position", "name")
    training = Counter(TrainingAttended.objects.filter(skill__isnull=False).values_list("skill_id", flat=True))
    return [SkillRow(s, s.audit_count, training[s.pk]) for s in skills]


def _admin_name(user) -> str:
    return user.get_full_name() or user.username


@dataclass
class SkillsPerson:
    """One executive member or the administrator, with their audit."""

    name: str
    role: str
    edit_url: str
    audit: SkillsAudit | None
    levels: dict  # skill id -> SkillAssessment
    needs: set  # skill ids
    trained: set  # skill ids with training attended
    training: list

    @property
    def open_needs(self) -> set:
        return self.needs - self.trained


@dataclass
class SkillSummary:
    skill: Skill
    confident: int
    needs: figures.NeedCount


@dataclass
class SkillsPage:
    group: EngagementGroup
    skills: list[Skill]
    people: list[SkillsPerson]
    summary: list[SkillSummary]
    not_audited: int
    need_skill: Skill | None


def skills_page(*, group: EngagementGroup, today: dt.date, need: str = "") -> SkillsPage:
    """The group's executive and administrator with their skills audits,
    and per skill: how many are confident, the training needs identified
    and those met by training since (each linked to the people counted)."""
    from django.urls import reverse

    _members, executives = expected_at(group_id=group.pk, day=today)
    administrators = list(_administrators([group.pk]).order_by("user__last_name", "user__username"))
    audits = list(
        SkillsAudit.objects.filter(group=group)
        .prefetch_related("assessments", "training__activity", "training__skill")
        .order_by("id")
    )
    by_executive = {a.executive_id: a for a in audits if a.executive_id}
    by_admin = {a.administrator_id: a for a in audits if a.administrator_id}
    people = []
    for seat in executives:
        people.append(
            _skills_person(
                seat.person.full_name,
                seat.role_label,
                reverse("membership:executive-skills", kwargs={"pk": seat.pk}),
                by_executive.get(seat.pk),
            )
        )
    for assignment in administrators:
        people.append(
            _skills_person(
                _admin_name(assignment.user),
                "Administrator",
                reverse("membership:administrator-skills", kwargs={"pk": assignment.pk}),
                by_admin.get(assignment.user_id),
            )
        )
    used = {skill_id for p in people for skill_id in p.levels}
    skills = list(Skill.objects.filter(Q(is_active=True) | Q(pk__in=used)).order_by("position", "name"))
    counts = figures.training_need_counts(
        [(p.audit.pk, s) for p in people if p.audit for s in p.needs],
        {(p.audit.pk, s) for p in people if p.audit for s in p.trained},
    )
    summary = [
        SkillSummary(
            skill,
            sum(1 for p in people if p.levels.get(skill.pk) and p.levels[skill.pk].level in CONFIDENT_LEVELS),
            counts.get(skill.pk, figures.NeedCount(0, 0)),
        )
        for skill in skills
    ]
    need_skill = next((s for s in skills if need.isdigit() and s.pk == int(need)), None)
    listed = [p for p in people if need_skill.pk in p.open_needs] if need_skill else people
    return SkillsPage(group, skills, listed, summary, sum(1 for p in people if p.audit is None), need_skill)


def _skills_person(name, role, url, audit) -> SkillsPerson:
    if audit is None:
        return SkillsPerson(name, role, url, None, {}, set(), set(), [])
    levels = {a.skill_id: a for a in audit.assessments.all()}
    training = list(audit.training.all())
    return SkillsPerson(
        name,
        role,
        url,
        audit,
        levels,
        {skill_id for skill_id, a in levels.items() if a.training_needed},
        {t.skill_id for t in training if t.skill_id},
        training,
    )


@dataclass
class NeedRow:
    skill: Skill
    needs: figures.NeedCount
    groups: int


@dataclass
class NeedPerson:
    name: str
    role: str
    group_id: int
    group_name: str
    met: bool


@dataclass
class TrainingNeedsPage:
    rows: list[NeedRow]
    totals: figures.NeedCount
    audits: int
    skill: Skill | None
    people: list[NeedPerson]


def training_needs_london(*, today: dt.date, skill: str = "") -> TrainingNeedsPage:
    """Training needs across every group's current executive and
    administrators, per skill (for planning shared training), and the
    people behind one skill's figures. A fixed number of queries."""
    from cpeg.groups.choices import GroupStatus

    current_exec = (
        Q(executive__isnull=False)
        & Q(executive__starts_on__lte=today)
        & (Q(executive__ends_on__isnull=True) | Q(executive__ends_on__gte=today))
    )
    admin_pairs = set(
        _administrators(EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED).values("pk")).values_list(
            "group_id", "user_id"
        )
    )
    audits = list(
        SkillsAudit.objects.filter(current_exec | Q(administrator__isnull=False))
        .exclude(group__status=GroupStatus.DISBANDED)
        .values_list("pk", "group_id", "administrator_id")
    )
    current = {pk for pk, group_id, admin_id in audits if admin_id is None or (group_id, admin_id) in admin_pairs}
    needs = list(
        SkillAssessment.objects.filter(audit_id__in=current, training_needed=True).values_list(
            "audit_id", "skill_id", "audit__group_id"
        )
    )
    trained = set(
        TrainingAttended.objects.filter(audit_id__in=current, skill__isnull=False).values_list("audit_id", "skill_id")
    )
    counts = figures.training_need_counts([(a, s) for a, s, _g in needs], trained)
    groups_per_skill: dict[int, set] = {}
    for _audit, skill_id, group_id in needs:
        if (_audit, skill_id) not in trained:
            groups_per_skill.setdefault(skill_id, set()).add(group_id)
    skills = list(Skill.objects.filter(Q(is_active=True) | Q(pk__in=counts)).order_by("position", "name"))
    rows = [NeedRow(s, counts.get(s.pk, figures.NeedCount(0, 0)), len(groups_per_skill.get(s.pk, ()))) for s in skills]
    totals = figures.NeedCount(sum(r.needs.identified for r in rows), sum(r.needs.met for r in rows))
    chosen = next((s for s in skills if skill.isdigit() and s.pk == int(skill)), None)
    people = _need_people(chosen, [a for a, s, _g in needs if chosen and s == chosen.pk], trained) if chosen else []
    return TrainingNeedsPage(rows, totals, len(current), chosen, people)


def _need_people(skill: Skill, audit_ids: list[int], trained) -> list[NeedPerson]:
    audits = SkillsAudit.objects.filter(pk__in=audit_ids).select_related("group", "executive__person", "administrator")
    people = [
        NeedPerson(
            a.executive.person.full_name if a.executive_id else _admin_name(a.administrator),
            a.executive.role_label if a.executive_id else "Administrator",
            a.group_id,
            a.group.name,
            (a.pk, skill.pk) in trained,
        )
        for a in audits
    ]
    return sorted(people, key=lambda p: (p.met, p.group_name, p.name))


# --- Alternative funding and support ----------------------------------------

FUNDING_FILTERS = {
    "awarded": "Awarded",
    "applied": "Waiting for a decision",
    "refused": "Refused",
}


@dataclass
class OtherFundingPage:
    group: EngagementGroup
    funding: list[OtherFunding]
    support: list[SupportUsed]
    totals: figures.FundingTotals
    status: str
    status_label: str


def other_funding_page(*, group: EngagementGroup, status: str = "") -> OtherFundingPage:
    """A group's other funding (filtered by status) and support used, with
    exact totals of all its funding, each linked to its list."""
    funding = list(OtherFunding.objects.filter(group=group).order_by("-applied_on", "-id"))
    totals = figures.funding_totals((f.status, f.requested_amount, f.awarded_amount) for f in funding)
    status = status if status in FUNDING_FILTERS else ""
    return OtherFundingPage(
        group=group,
        funding=[f for f in funding if not status or f.status == status],
        support=list(SupportUsed.objects.filter(group=group).order_by("-started_on", "-id")),
        totals=totals,
        status=status,
        status_label=FUNDING_FILTERS.get(status, "All other funding"),
    )


def other_funding_get_for(*, user, pk) -> OtherFunding:
    return get_for_user_or_404(
        user, OtherFunding.objects.select_related("group", "group__borough"), "membership.change_otherfunding", pk=pk
    )


def support_get_for(*, user, pk) -> SupportUsed:
    return get_for_user_or_404(
        user, SupportUsed.objects.select_related("group", "group__borough"), "membership.change_otherfunding", pk=pk
    )


@dataclass
class GroupFundingRow:
    group_id: int
    group_name: str
    borough: str
    totals: figures.FundingTotals
    support: int


@dataclass
class OtherFundingLondon:
    rows: list[GroupFundingRow]
    totals: figures.FundingTotals
    support: int


def other_funding_london(*, user) -> OtherFundingLondon:
    """Other funding and support per group (those the user may read), with
    London totals that add the group rows exactly. Three queries."""
    groups = list(
        scope_group_records(user, EngagementGroup.objects.all(), group_field="")
        .select_related("borough")
        .order_by("borough__name", "name")
    )
    ids = [g.pk for g in groups]
    rows_by_group: dict[int, list] = {pk: [] for pk in ids}
    every = []
    for group_id, status, requested, awarded in OtherFunding.objects.filter(group_id__in=ids).values_list(
        "group_id", "status", "requested_amount", "awarded_amount"
    ):
        rows_by_group[group_id].append((status, requested, awarded))
        every.append((status, requested, awarded))
    support = Counter(SupportUsed.objects.filter(group_id__in=ids).values_list("group_id", flat=True))
    rows = [
        GroupFundingRow(g.pk, g.name, g.borough.name, figures.funding_totals(rows_by_group[g.pk]), support[g.pk])
        for g in groups
        if rows_by_group[g.pk] or support[g.pk]
    ]
    return OtherFundingLondon(rows, figures.funding_totals(every), sum(support.values()))
