from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.access import ANY_ACCOUNT, AUTHORITY, EVERYONE, AccessCase

MANAGER = frozenset({"manager"})
MANAGER_AND_CAMDEN_ADMIN = frozenset({"manager", "camden_admin"})


def _reset_link(world):
    # Not one of the matrix's users: signing in changes last_login, which
    # would spend the token.
    from cpeg.accounts.tests.factories import UserFactory

    user = world.make("reset-user", lambda w: UserFactory())
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _account(world):
    from cpeg.accounts.tests.factories import GroupExecutiveFactory

    return {"pk": world.make("account", lambda w: GroupExecutiveFactory(group=w.camden)).pk}


def _deactivated(world):
    from cpeg.accounts.tests.factories import OfficerFactory

    return {"pk": world.make("deactivated", lambda w: OfficerFactory(is_active=False)).pk}


def _invited(world):
    from cpeg.accounts.tests.factories import InvitedUserFactory

    return {"pk": world.make("invited", lambda w: InvitedUserFactory()).pk}


def _camden_role(world):
    from cpeg.accounts.tests.factories import GroupExecutiveFactory

    user = world.make("account", lambda w: GroupExecutiveFactory(group=w.camden))
    return {"pk": user.pk, "role_pk": user.role_assignments.get().pk}


def _invitation_link(world):
    from cpeg.accounts.tests.factories import InvitationFactory

    return {"token": world.make("invitation", lambda w: InvitationFactory()).raw_token}


CASES = [
    # Signed-in people are sent on from the sign-in page.
    AccessCase("accounts:sign-in", EVERYONE, allowed_status=(200, 302)),
    AccessCase("accounts:sign-out", ANY_ACCOUNT, post_only=True, allowed_status=(302,)),
    # Each signed-in person (a custody visitor too) changes their own password, whatever their role.
    AccessCase("accounts:password-change", ANY_ACCOUNT, post=True),
    # Forgotten passwords: public, since the person cannot sign in.
    AccessCase("accounts:password-reset", EVERYONE, post=True),
    AccessCase("accounts:password-reset-sent", EVERYONE),
    AccessCase("accounts:password-reset-done", EVERYONE),
    # A good link is swapped for the same address without its token (302);
    # the form behind it is tested in test_password_reset.py.
    AccessCase("accounts:password-reset-confirm", EVERYONE, kwargs=_reset_link, post=True, allowed_status=(302,)),
    # Two-factor sign-in: each person's own. The matrix's sessions have
    # passed the second step and have no app set up, so the code page and
    # the recovery codes page send them on (302).
    AccessCase("accounts:two-factor", ANY_ACCOUNT),
    AccessCase("accounts:two-factor-setup", ANY_ACCOUNT, post=True),
    AccessCase("accounts:two-factor-verify", ANY_ACCOUNT, post=True, allowed_status=(302,)),
    AccessCase("accounts:two-factor-recovery-codes", ANY_ACCOUNT, post=True, allowed_status=(302,)),
    # Officers and managers may not turn it off (403).
    AccessCase("accounts:two-factor-disable", ANY_ACCOUNT - AUTHORITY, post=True, allowed_status=(302,)),
    # Accounts and roles (issue 9.11): managers every account; a group's
    # administrator their own group's people and the roles in that group.
    AccessCase("accounts:account-list", MANAGER),
    AccessCase("accounts:account-invite", MANAGER, post=True),
    AccessCase("accounts:account-detail", MANAGER, _account),
    AccessCase("accounts:account-role-add", MANAGER, _account, post=True),
    AccessCase("accounts:account-role-end", MANAGER_AND_CAMDEN_ADMIN, _camden_role, post=True),
    AccessCase("accounts:account-deactivate", MANAGER, _account, post=True),
    AccessCase("accounts:account-reactivate", MANAGER, _deactivated, post=True),
    AccessCase("accounts:account-invite-again", MANAGER, _invited, post=True),
    AccessCase("accounts:group-accounts", MANAGER_AND_CAMDEN_ADMIN, lambda w: {"pk": w.camden.pk}),
    AccessCase("accounts:group-account-invite", MANAGER_AND_CAMDEN_ADMIN, lambda w: {"pk": w.camden.pk}, post=True),
    # The link swaps its token into the session and redirects (302).
    AccessCase("accounts:invitation-accept", EVERYONE, _invitation_link, allowed_status=(302,)),
]
