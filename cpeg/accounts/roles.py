"""The roles people hold in CPEG Manager, defined once.

- Authority officer: sees and changes every group's records.
- Authority manager: an officer who also approves, sets up years and rounds,
  and may use the back-office admin.
- Group administrator and group executive: see and change their own group's
  records only.
- Link member: an authority member who reads the groups of their boroughs.
- Independent custody visitor: a volunteer on a custody visiting panel who
  records their panel's visits and reads them (the panel is the visitor
  record's, ``scrutiny.CustodyVisitor.user``), and nothing else.
- The public (anyone not signed in): published pages only.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Authority officer"
    MANAGER = "manager", "Authority manager"
    GROUP_ADMIN = "group_admin", "Group administrator"
    GROUP_EXECUTIVE = "group_executive", "Group executive member"
    LINK_MEMBER = "link_member", "Link member"
    CUSTODY_VISITOR = "custody_visitor", "Independent custody visitor"


AUTHORITY_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
GROUP_ROLES = frozenset({Role.GROUP_ADMIN, Role.GROUP_EXECUTIVE})
BOROUGH_ROLES = frozenset({Role.LINK_MEMBER})
# No group or borough: the panel comes from the visitor record the account is linked to.
VISITOR_ROLES = frozenset({Role.CUSTODY_VISITOR})
