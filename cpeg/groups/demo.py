"""Demo groups: one per borough, staffing models as in the annual review."""

import datetime as dt
from decimal import Decimal

from cpeg.accounts.roles import Role
from cpeg.core.demo import DemoContext, create_demo_user, person_name
from cpeg.groups import services
from cpeg.groups.boroughs import load_boroughs
from cpeg.groups.choices import ExecutiveRole, GroupStatus, PartnerRole, StaffingModel
from cpeg.groups.models import Borough

# Paragraph 24 of the 2009 annual review names these; the rest are chosen
# to give a spread like the review's.
STAFFING = {
    "camden": StaffingModel.DIRECT,
    "lambeth": StaffingModel.DIRECT,
    "haringey": StaffingModel.DIRECT,
    "bromley": StaffingModel.DIRECT,
    "bexley": StaffingModel.DIRECT,
    "havering": StaffingModel.DIRECT,
    "wandsworth": StaffingModel.COUNCIL,
    "greenwich": StaffingModel.COUNCIL,
    "richmond-upon-thames": StaffingModel.COUNCIL,
    "harrow": StaffingModel.COUNCIL,
    "waltham-forest": StaffingModel.COUNCIL,
    "lewisham": StaffingModel.COUNCIL,
    "merton": StaffingModel.VOLUNTARY,
    "barnet": StaffingModel.VOLUNTARY,
}
OTHER_CYCLE = [StaffingModel.DIRECT, StaffingModel.COUNCIL, StaffingModel.VOLUNTARY, StaffingModel.DIRECT]
HOURS = {StaffingModel.DIRECT: "37.5", StaffingModel.COUNCIL: "18.5", StaffingModel.VOLUNTARY: "21.0"}
GROUP_NAMES = {
    "camden": "Camden Community and Police Engagement Group",
    "haringey": "Haringey Community and Police Consultative Group",
    "croydon": "Croydon Community Safety Board",
}


def _staffing_for(slug: str, index: int):
    return STAFFING.get(slug, OTHER_CYCLE[index % len(OTHER_CYCLE)])


def _ensure_officers(ctx: DemoContext):
    for username, first, last, role in (
        ("officer", "Olivia", "Officer", Role.OFFICER),
        ("manager", "Martin", "Manager", Role.MANAGER),
    ):
        user = create_demo_user(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@authority.example",
            is_staff=role == Role.MANAGER,
        )
        user.role_assignments.create(role=role)
        setattr(ctx, username, user)


def load(ctx: DemoContext) -> None:
    load_boroughs(Borough)
    _ensure_officers(ctx)
    actor = ctx.officer
    rng = ctx.rng
    year_start = dt.date(ctx.today.year - 1 if ctx.today.month < 4 else ctx.today.year, 4, 1)
    for index, borough in enumerate(Borough.objects.order_by("name")):
        staffing = _staffing_for(borough.slug, index)
        name = GROUP_NAMES.get(borough.slug, f"{borough.name} Community and Police Engagement Group")
        group = services.group_create(
            actor=actor,
            data={
                "name": name,
                "borough": borough,
                "status": GroupStatus.SUSPENDED if borough.slug == "sutton" else GroupStatus.ACTIVE,
                "is_published": True,
                "description": (
                    f"The {name} brings together residents, community organisations, the police and "
                    f"community safety partners in {borough.name} to discuss how the borough is policed."
                ),
                "how_to_join": (
                    "Membership is open to anyone who lives, works or studies in the borough, and to local "
                    "community organisations. Come to a public meeting or email us to join."
                ),
                "email": f"info@{borough.slug}-cpeg.example.org",
                "phone": f"020 7946 {index:04d}",
                "website": f"https://{borough.slug}-cpeg.example.org",
                "postal_address": f"c/o {borough.name} Civic Centre\nLondon",
                "staffing_model": staffing,
                "administrator_hours_per_week": Decimal(HOURS[staffing]),
                "established_on": dt.date(2001, 4, 1),
                "constitution_adopted_on": dt.date(2003 + index % 6, 1 + index % 12, 10),
            },
        )
        ctx.groups[borough.slug] = group
        services.venue_add(
            group=group,
            actor=actor,
            data={
                "name": f"{borough.name} Town Hall, Council Chamber",
                "address": f"Town Hall\n{borough.name}\nLondon",
                "postcode": "",
                "accessibility": "Step-free access, hearing loop, accessible toilets.",
                "is_active": True,
            },
        )
        roles = [ExecutiveRole.CHAIR, ExecutiveRole.VICE_CHAIR, ExecutiveRole.SECRETARY, ExecutiveRole.TREASURER]
        for role in roles:
            full = person_name(rng)
            services.executive_member_add(
                group=group,
                actor=actor,
                data={
                    "person_full_name": full,
                    "person_email": f"{full.lower().replace(' ', '.').replace(chr(39), '')}@example.org",
                    "role": role,
                    "role_title": "",
                    "starts_on": year_start.replace(year=year_start.year - rng.randint(0, 2)),
                    "ends_on": None,
                },
            )
        services.executive_member_add(
            group=group,
            actor=actor,
            data={
                "person_full_name": person_name(rng),
                "role": ExecutiveRole.OTHER,
                "role_title": "Youth engagement lead",
                "starts_on": year_start,
                "ends_on": year_start.replace(year=year_start.year + 2) - dt.timedelta(days=1),
            },
        )
        for role, organisation in (
            (PartnerRole.BOROUGH_COMMANDER, "Metropolitan Police Service"),
            (PartnerRole.COMMUNITY_SAFETY_MANAGER, f"London Borough of {borough.name}"),
            (PartnerRole.LINK_MEMBER, "Police Authority"),
        ):
            services.partner_contact_add(
                borough=borough,
                actor=actor,
                data={
                    "person_full_name": ("Cdr " if role == PartnerRole.BOROUGH_COMMANDER else "") + person_name(rng),
                    "role": role,
                    "organisation": organisation,
                    "starts_on": year_start.replace(year=year_start.year - 1),
                    "ends_on": None,
                },
            )
    ctx.log.append(f"{len(ctx.groups)} groups with executives, venues and partner contacts")
