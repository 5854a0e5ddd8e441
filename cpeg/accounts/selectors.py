"""Reads about people's accounts."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.timesince import timeuntil

from cpeg.accounts.models import User
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent

PASSWORD_RESET_EMAILED = AuditEventType.PASSWORD_RESET_EMAILED
# One reset email per account in this time, however often it is asked for.
RESET_EMAIL_INTERVAL = dt.timedelta(minutes=10)


def reset_emailed_recently(*, user: User) -> bool:
    """Whether a reset link went to ``user`` within RESET_EMAIL_INTERVAL."""
    return AuditEvent.objects.filter(
        event_type=PASSWORD_RESET_EMAILED,
        target_type=ContentType.objects.get_for_model(User),
        target_id=user.pk,
        created_at__gte=timezone.now() - RESET_EMAIL_INTERVAL,
    ).exists()


def reset_link_lifetime() -> str:
    """How long a reset link works, in words ("3 days")."""
    now = timezone.now()
    later = now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return timeuntil(later, now).replace("\xa0", " ")


# --- Accounts and roles (issue 9.11) ------------------------------------------

# How long an invitation link works.
INVITATION_LIFETIME = dt.timedelta(days=7)


def token_hash(token: str) -> str:
    """The stored form of an invitation token (the token itself is only emailed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lifetime() -> str:
    """How long an invitation link works, in words ("1 week")."""
    now = timezone.now()
    return timeuntil(now + INVITATION_LIFETIME, now).replace("\xa0", " ")


def invitation_is_usable(invitation) -> bool:
    """Whether the invitation's link still works: emailed, not used, not expired."""
    return bool(
        invitation.token_hash
        and invitation.accepted_at is None
        and invitation.expires_at is not None
        and invitation.expires_at > timezone.now()
        and invitation.user.is_active
    )


def invitation_for_token(token: str):
    """The invitation whose link carries ``token`` and still works, or None."""
    from cpeg.accounts.models import Invitation

    if not token or len(token) > 100:
        return None
    invitation = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    return invitation if invitation is not None and invitation_is_usable(invitation) else None


def account_status(user: User) -> str:
    """ "Active", "Invited" (no password chosen yet) or "Deactivated"."""
    if not user.is_active:
        return "Deactivated"
    if not user.has_usable_password():
        return "Invited"
    return "Active"


def _with_roles(queryset):
    from django.db.models import Prefetch

    from cpeg.accounts.models import RoleAssignment

    roles = RoleAssignment.objects.select_related("group__borough", "borough").order_by("role", "pk")
    return queryset.prefetch_related(Prefetch("role_assignments", queryset=roles))


def account_list(*, q: str = "", status: str = ""):
    """Every account with its roles (two queries however many), by name."""
    from django.db.models import Q

    queryset = User.objects.all()
    if q:
        queryset = queryset.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q) | Q(username__icontains=q)
        )
    if status == "deactivated":
        queryset = queryset.filter(is_active=False)
    elif status == "active":
        queryset = queryset.filter(is_active=True)
    return _with_roles(queryset.order_by("first_name", "last_name", "username"))


def account_get(*, pk: int) -> User:
    """One account with its roles; 404 if there is none."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(_with_roles(User.objects.all()), pk=pk)


def account_history(*, user: User) -> list[AuditEvent]:
    """What happened to an account, newest first."""
    return list(
        AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(User), target_id=user.pk)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:100]
    )


def group_accounts(*, group) -> list:
    """The roles held in one group, with each person's account, by name."""
    from cpeg.accounts.models import RoleAssignment

    return list(
        RoleAssignment.objects.filter(group=group)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "role", "pk")
    )


# The groups and boroughs a role can be for. Accounts sits below groups in
# the layers (it may not import groups), but RoleAssignment already points at
# both tables: their models are reached through its foreign keys.


def _group_model():
    from cpeg.accounts.models import RoleAssignment

    return RoleAssignment._meta.get_field("group").related_model


def _borough_model():
    from cpeg.accounts.models import RoleAssignment

    return RoleAssignment._meta.get_field("borough").related_model


def role_group_choices():
    """Every group, by name, for a group role."""
    return _group_model().objects.select_related("borough").order_by("name")


def role_borough_choices():
    """Every borough, by name, for a link member's role."""
    return _borough_model().objects.order_by("name")


def role_group_get_for(*, user, pk: int, perm: str):
    """One group the user may act on with ``perm``; 404 otherwise."""
    from django.http import Http404

    from cpeg.accounts.access import get_for_user_or_404

    if not 0 < pk < 2**63:
        raise Http404
    return get_for_user_or_404(user, _group_model().objects.select_related("borough"), perm, pk=pk)
