from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpeg.accounts.roles import AUTHORITY_ROLES, BOROUGH_ROLES, GROUP_ROLES, VISITOR_ROLES, Role


class User(AbstractUser):
    """A person who signs in: authority staff, group people or link members."""

    person = models.ForeignKey(
        "groups.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_accounts",
        help_text="The person record this account belongs to, if any.",
    )
    two_factor_enabled = models.BooleanField(
        default=False,
        help_text="Signs in with a code from an authenticator app as well as a password.",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        constraints = [
            # A superuser would pass every permission check without asking
            # accounts.access; nobody in CPEG Manager is one.
            models.CheckConstraint(name="no_superusers", condition=Q(is_superuser=False)),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role a user holds: authority-wide, for one group, or for one borough."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    group = models.ForeignKey(
        "groups.EngagementGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    borough = models.ForeignKey(
        "groups.Borough",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(role__in=sorted(r.value for r in AUTHORITY_ROLES), group__isnull=True, borough__isnull=True)
                    | Q(role__in=sorted(r.value for r in GROUP_ROLES), group__isnull=False, borough__isnull=True)
                    | Q(role__in=sorted(r.value for r in BOROUGH_ROLES), group__isnull=True, borough__isnull=False)
                    | Q(role__in=sorted(r.value for r in VISITOR_ROLES), group__isnull=True, borough__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        scope = self.group or self.borough or "authority"
        return f"{self.user} - {self.get_role_display()} ({scope})"


class Invitation(models.Model):
    """An emailed invitation to set a password for a new account.

    The account and its role exist from the moment of inviting; the person
    signs in only after following the link and choosing a password. The
    link's token is kept only as a hash; a new email replaces it, so only
    the latest link works, once, until ``expires_at``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.user}"
