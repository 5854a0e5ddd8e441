"""Choices for boroughs, groups, their executives and partner contacts."""

from django.db import models


class GroupStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    DISBANDED = "disbanded", "Disbanded"


# A disbanded group no longer holds its borough: a successor may be set up.
CURRENT_GROUP_STATUSES = frozenset({GroupStatus.ACTIVE, GroupStatus.SUSPENDED})


class StaffingModel(models.TextChoices):
    """How the group's administrator is provided (annual review, para 24)."""

    DIRECT = "direct", "Administrator directly contracted to the group"
    COUNCIL = "council", "Administrator employed within a council department"
    VOLUNTARY = "voluntary", "Administrator provided through the voluntary sector"
    OTHER = "other", "Other arrangement"


class ExecutiveRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    SECRETARY = "secretary", "Secretary"
    TREASURER = "treasurer", "Treasurer"
    OTHER = "other", "Other executive role"


# Only one person at a time holds each of these offices.
SINGLE_HOLDER_ROLES = frozenset(
    {ExecutiveRole.CHAIR, ExecutiveRole.VICE_CHAIR, ExecutiveRole.SECRETARY, ExecutiveRole.TREASURER}
)


class PartnerRole(models.TextChoices):
    """The local partners a group consults on its work programme and bid."""

    BOROUGH_COMMANDER = "borough_commander", "Borough commander"
    COMMUNITY_SAFETY_MANAGER = "community_safety_manager", "Community safety manager (CDRP)"
    LINK_MEMBER = "link_member", "Link member"
