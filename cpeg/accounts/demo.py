"""Demo accounts (password "demo"): link member and one administrator per group."""

from django.contrib.auth import get_user_model

from cpeg.accounts.roles import Role
from cpeg.core.demo import DEMO_PASSWORD, DemoContext, create_demo_user
from cpeg.groups.choices import ExecutiveRole
from cpeg.groups.models import Borough


def load(ctx: DemoContext) -> None:
    User = get_user_model()  # noqa: N806
    link = create_demo_user(
        username="link-member",
        first_name="Lina",
        last_name="Member",
        email="link-member@authority.example",
    )
    for borough in Borough.objects.filter(slug__in=["camden", "islington"]):
        link.role_assignments.create(role=Role.LINK_MEMBER, borough=borough)
    for slug, group in ctx.groups.items():
        admin = create_demo_user(
            username=f"{slug}-admin",
            first_name=group.borough.name,
            last_name="Administrator",
            email=f"admin@{slug}-cpeg.example.org",
        )
        admin.role_assignments.create(role=Role.GROUP_ADMIN, group=group)
        ctx.admins[slug] = admin
    # One executive account, for the chair's view of the Camden group.
    chair = ctx.groups["camden"].executive.get(role=ExecutiveRole.CHAIR)
    chair_user = create_demo_user(
        username="camden-chair",
        first_name=chair.person.full_name.split()[0],
        last_name=chair.person.full_name.split()[-1],
        person=chair.person,
    )
    chair_user.role_assignments.create(role=Role.GROUP_EXECUTIVE, group=ctx.groups["camden"])
    _people(ctx)
    ctx.log.append(f"{User.objects.count()} demo accounts, password '{DEMO_PASSWORD}'")


def _people(ctx: DemoContext) -> None:
    """What the Accounts page shows beyond the demo's own accounts: an
    officer invited who has not yet chosen a password, a vice-chair the
    Camden administrator invited, and a former link member's account,
    deactivated (through the services, so each is audited)."""
    from cpeg.accounts import services

    if ctx.manager is None:
        return
    services.user_invite(
        actor=ctx.manager,
        email="nadia.khan@authority.example",
        first_name="Nadia",
        last_name="Khan",
        role=Role.OFFICER,
    )
    camden = ctx.groups.get("camden")
    if camden is not None and "camden" in ctx.admins:
        services.user_invite(
            actor=ctx.admins["camden"],
            email="vice-chair@camden-cpeg.example.org",
            first_name="Dev",
            last_name="Patel",
            role=Role.GROUP_EXECUTIVE,
            group=camden,
        )
    former = create_demo_user(
        username="former-link-member",
        first_name="Frances",
        last_name="Former",
        email="former-link-member@authority.example",
    )
    former.role_assignments.create(role=Role.LINK_MEMBER, borough=Borough.objects.get(slug="hackney"))
    services.user_deactivate(actor=ctx.manager, user=former)
