"""Choices for SLA templates and each group's SLA.

A group's SLA moves draft -> group_signed -> signed. Only a draft changes in
place; an officer's variation to a group-signed or signed SLA makes a new
draft version and marks the old one superseded. The transition table and
who may move an SLA on: ``agreements.workflow``; ``agreements.services``
holds one function per transition.
"""

from django.db import models


class MeasureType(models.TextChoices):
    """How delivery of an SLA output is measured."""

    COUNT = "count", "A count against a yearly target"
    YES_NO = "yes_no", "Done or not done"
    NARRATIVE = "narrative", "Described in words"


class SlaStatus(models.TextChoices):
    """A group's SLA for a year: drafted, signed by the group, countersigned.

    draft -> group_signed (the chair or an authorised executive member signs)
    -> signed (an officer countersigns; frozen). A variation after signing
    makes a new version (draft again); the old one is marked superseded.
    """

    DRAFT = "draft", "Draft"
    GROUP_SIGNED = "group_signed", "Signed by the group"
    SIGNED = "signed", "Signed and countersigned"


class VariationKind(models.TextChoices):
    """How one output of a group's SLA differs from the standard SLA."""

    NONE = "", "As the standard SLA"
    CHANGED = "changed", "Target or measure changed"
    ADDED = "added", "Added locally"
    REMOVED = "removed", "Removed locally"


EDITABLE_SLA_STATUSES = frozenset({SlaStatus.DRAFT})
# Signed for the group (or countersigned): nobody edits these in place; an
# officer's variation makes a new draft version.
FROZEN_SLA_STATUSES = frozenset({SlaStatus.GROUP_SIGNED, SlaStatus.SIGNED})
