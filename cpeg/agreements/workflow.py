"""A group's SLA: its states, who moves it on, and what each state allows.

draft -> group_signed (the chair or an executive member authorised to sign
signs for the group) -> signed (an officer countersigns; frozen). Only the
current version of a draft changes in place: an officer's variation to a
group-signed or signed SLA starts a new draft version and marks the old
one superseded, and a superseded version is never signed or changed again.
A disbanded group signs nothing. The standard SLA template has no states:
officers change it at any time, and groups' SLAs keep the wording they
were made with.

Services enforce ``SLA_WORKFLOW``; views and templates ask the ``can_*``
functions (state and permission together), never the status.
"""

from __future__ import annotations

from cpeg.agreements.choices import EDITABLE_SLA_STATUSES, FROZEN_SLA_STATUSES, SlaStatus
from cpeg.core.workflow import Workflow
from cpeg.groups.workflow import is_disbanded

SLA_WORKFLOW = Workflow(
    name="SLA",
    transitions={
        SlaStatus.DRAFT: frozenset({SlaStatus.GROUP_SIGNED}),
        SlaStatus.GROUP_SIGNED: frozenset({SlaStatus.SIGNED}),
        SlaStatus.SIGNED: frozenset(),
    },
)

SIGN_REFUSED = "Only a draft SLA can be signed for the group"
COUNTERSIGN_REFUSED = "The group must sign the SLA before it is countersigned"

# The GOV.UK tag colour each status shows with.
STATUS_TAG_CLASSES = {
    SlaStatus.DRAFT: "govuk-tag--grey",
    SlaStatus.GROUP_SIGNED: "govuk-tag--blue",
    SlaStatus.SIGNED: "govuk-tag--green",
}


def is_current(sla) -> bool:
    """The SLA is its group's current version for the year (not superseded)."""
    return sla is not None and sla.superseded_at is None


def is_editable_in_place(sla) -> bool:
    """A change edits this version rather than starting a new draft."""
    return sla.status in EDITABLE_SLA_STATUSES


def is_frozen(sla) -> bool:
    """Signed for the group (or countersigned): a change starts a new version."""
    return sla.status in FROZEN_SLA_STATUSES


def ready_to_sign(sla) -> bool:
    """The SLA's state lets the group sign it (whoever is asking)."""
    return is_current(sla) and SLA_WORKFLOW.allows(sla, to=SlaStatus.GROUP_SIGNED)


def ready_to_countersign(sla) -> bool:
    """The SLA's state lets an officer countersign it (whoever is asking)."""
    return is_current(sla) and SLA_WORKFLOW.allows(sla, to=SlaStatus.SIGNED)


def ensure_signable(sla) -> None:
    """Raise InvalidTransition unless the group may sign the SLA now."""
    SLA_WORKFLOW.ensure(sla, to=SlaStatus.GROUP_SIGNED, message=SIGN_REFUSED)


def ensure_countersignable(sla) -> None:
    """Raise InvalidTransition unless an officer may countersign the SLA now."""
    SLA_WORKFLOW.ensure(sla, to=SlaStatus.SIGNED, message=COUNTERSIGN_REFUSED)


def can_make(user, group, *, template, sla) -> bool:
    """The user may make the group's SLA for a year: the year has a template,
    the group has no SLA for it yet and has not been disbanded."""
    return (
        template is not None
        and sla is None
        and not is_disbanded(group)
        and user.has_perm("agreements.change_groupsla", group)
    )


def can_change(user, sla) -> bool:
    """The user may vary this SLA (a frozen one gets a new version)."""
    return is_current(sla) and user.has_perm("agreements.change_groupsla", sla)


def can_sign(user, sla) -> bool:
    """The user may sign this SLA for the group now."""
    return ready_to_sign(sla) and user.has_perm("agreements.sign_groupsla", sla)


def can_countersign(user, sla) -> bool:
    """The user may countersign this SLA for the authority now."""
    return ready_to_countersign(sla) and user.has_perm("agreements.countersign_groupsla", sla)
