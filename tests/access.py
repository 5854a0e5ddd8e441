"""The role-access matrix: every URL pattern against every role.

Each app lists its URLs in ``cpeg/<app>/tests/access_cases.py`` as a list
``CASES`` of ``AccessCase``. ``tests/test_access_matrix.py`` fails if any
URL pattern in the project has no case, so a new view cannot escape it.

Roles in the matrix (the ``World`` below builds them):
- anonymous
- officer, manager (the authority)
- camden_admin, camden_exec: the Camden group's administrator and chair
- hackney_admin: another group's administrator (must never reach Camden's records)
- link_member: linked to Camden and Islington only
- camden_visitor: an independent custody visitor on the Camden custody panel,
  who may reach only their own panel's pages, the custody summary, the
  public pages and their own account's pages
Objects in URLs belong to the Camden group (or the Camden custody panel)
unless a case says otherwise.

``SIGNED_IN`` is every signed-in role except the custody visitor (so a new
case refuses the visitor unless it says otherwise); ``ANY_ACCOUNT`` adds
the visitor, for pages every account has (sign out, password, two-factor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = (
    "anonymous",
    "officer",
    "manager",
    "camden_admin",
    "camden_exec",
    "hackney_admin",
    "link_member",
    "camden_visitor",
)
AUTHORITY = frozenset({"officer", "manager"})
CAMDEN_GROUP = frozenset({"camden_admin", "camden_exec"})
CAMDEN_READERS = AUTHORITY | CAMDEN_GROUP | {"link_member"}
VISITOR = frozenset({"camden_visitor"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"} - VISITOR
ANY_ACCOUNT = SIGNED_IN | VISITOR
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class AccessCase:
    """Who may GET (and, for forms, POST to) one URL pattern.

    ``kwargs`` builds the URL's arguments from the World. ``allowed`` roles
    must get 200; everyone else must be refused (anonymous: redirect to
    sign-in or 404; others: 403 or 404). ``post`` also checks that a
    refused role's POST is refused and an allowed role's empty POST is not
    a server error. ``methods`` overrides the checked methods for
    POST-only actions.
    """

    name: str
    allowed: frozenset
    kwargs: Callable | None = None
    post: bool = False
    post_only: bool = False
    query: str = ""
    allowed_status: tuple = (200,)


class World:
    """The objects the matrix runs against, made once per test."""

    def __init__(self):
        from cpeg.accounts.tests.factories import (
            GroupAdminFactory,
            GroupExecutiveFactory,
            LinkMemberFactory,
            ManagerFactory,
            OfficerFactory,
        )
        from cpeg.groups.tests.factories import EngagementGroupFactory, borough
        from cpeg.scrutiny.tests.factories import custody_panel, visitor_account

        self.camden = EngagementGroupFactory(borough=borough("camden"))
        self.hackney = EngagementGroupFactory(borough=borough("hackney"))
        self.users = {
            "anonymous": None,
            "officer": OfficerFactory(),
            "manager": ManagerFactory(),
            "camden_admin": GroupAdminFactory(group=self.camden),
            "camden_exec": GroupExecutiveFactory(group=self.camden),
            "hackney_admin": GroupAdminFactory(group=self.hackney),
            "link_member": LinkMemberFactory(boroughs=[borough("camden"), borough("islington")]),
        }
        self.camden_panel = custody_panel("Camden")
        self.users["camden_visitor"], self.camden_visitor = visitor_account(
            self.camden_panel, "Matrix Visitor", username="camden-visitor"
        )
        self._made = {}

    def make(self, key: str, build: Callable):
        """Build an object once per World (e.g. a Camden activity)."""
        if key not in self._made:
            self._made[key] = build(self)
        return self._made[key]
