"""Choices for SLA templates and each group's SLA."""

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


EDITABLE_SLA_STATUSES = frozenset({SlaStatus.DRAFT})
