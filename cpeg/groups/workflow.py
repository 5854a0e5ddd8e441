"""A group's status, who moves it on, and what each status allows.

active <-> suspended (the group's activities are paused), and either ->
disbanded (the group has ended; a successor may be set up for its borough).
Only officers change the status, on the group's edit form; undoing a
disbanding entered by mistake is allowed while no successor holds the
borough (one current group per borough, checked by ``groups.services``).
A disbanded group's people keep read access to its records but change
nothing (``accounts.access.is_group_not_disbanded``), it signs no SLA and
leaves the public directory.

Services enforce ``GROUP_WORKFLOW``; views and templates ask the functions
below (templates through ``groups_workflow`` filters), never the status.
"""

from __future__ import annotations

from cpeg.core.workflow import Workflow
from cpeg.groups.choices import CURRENT_GROUP_STATUSES, GroupStatus

GROUP_WORKFLOW = Workflow(
    name="group",
    transitions={
        GroupStatus.ACTIVE: frozenset({GroupStatus.SUSPENDED, GroupStatus.DISBANDED}),
        GroupStatus.SUSPENDED: frozenset({GroupStatus.ACTIVE, GroupStatus.DISBANDED}),
        GroupStatus.DISBANDED: frozenset({GroupStatus.ACTIVE, GroupStatus.SUSPENDED}),
    },
)

# The GOV.UK tag colour each status shows with.
STATUS_TAG_CLASSES = {
    GroupStatus.ACTIVE: "govuk-tag--green",
    GroupStatus.SUSPENDED: "govuk-tag--yellow",
    GroupStatus.DISBANDED: "govuk-tag--grey",
}


def is_active(group) -> bool:
    """The group is running normally (neither suspended nor disbanded)."""
    return group.status == GroupStatus.ACTIVE


def is_suspended(group) -> bool:
    """The group's activities are paused for now."""
    return group.status == GroupStatus.SUSPENDED


def is_disbanded(group) -> bool:
    """The group has ended: its records are read-only from now on."""
    return group.status == GroupStatus.DISBANDED


def holds_borough(group) -> bool:
    """The group is its borough's current group (active or suspended)."""
    return group.status in CURRENT_GROUP_STATUSES


def is_listed_publicly(group) -> bool:
    """The group appears in the public directory."""
    return bool(group.is_published) and not is_disbanded(group)


def can_change_status(user, group) -> bool:
    """The user may move the group to another status (officers only)."""
    return user.has_perm("groups.change_status_engagementgroup", group)
