"""Which business events send an email, to whom, and with what words.

Each business event is already recorded by its service as a core
``AuditEvent``; this module maps an event type to a ``Rule``: who is told
(the group's people, a group's signatories, the authority's officers, every
active group's administrators), the subject, and the plain-English template
in ``templates/notifications/email/``. Nothing here decides whether a step
was allowed: the event exists only because the service made the change.

Who is told, by event:

- SLA ready to sign (made, or a new version after a variation): the group's
  people who may sign it (``agreements.workflow.can_sign``).
- Return submitted or resubmitted: officers. Sent back or accepted: the
  group's administrator and executive.
- Funding round opened: every active group's administrator and executive.
  Its deadline approaching: those of groups that have not yet submitted
  (the ``send_round_deadline_reminders`` command, not an AuditEvent).
- Application submitted: officers.
- Award decided, application declined: the group's people.
- Payment made: the group's people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from cpeg.accounts.roles import GROUP_ROLES, Role
from cpeg.core.audit_events import AuditEventType
from cpeg.groups.choices import GroupStatus


@dataclass(frozen=True)
class Rule:
    """How one kind of event is told: recipients, subject, template, link."""

    recipients: Callable  # (event, target) -> iterable of users
    subject: Callable  # (event, target) -> str
    template: str
    link: Callable  # (event, target) -> path on the site


def _users():
    return get_user_model().objects.filter(is_active=True).exclude(email="").distinct().order_by("pk")


def officers(event, target):
    """The authority's officers (managers act as officers but are told
    only what they asked for elsewhere)."""
    return _users().filter(role_assignments__role=Role.OFFICER)


def group_people(event, target):
    """The administrator and executive members of the event's group."""
    if event.group_id is None:
        return _users().none()
    return _users().filter(role_assignments__role__in=GROUP_ROLES, role_assignments__group_id=event.group_id)


def group_signatories(event, target):
    """The group's people who may sign this SLA now."""
    from cpeg.agreements.workflow import can_sign

    return [user for user in group_people(event, target) if can_sign(user, target)]


def active_groups_people(event, target):
    """The administrator and executive of every active group."""
    return _users().filter(role_assignments__role__in=GROUP_ROLES, role_assignments__group__status=GroupStatus.ACTIVE)


def _group_name(event, target) -> str:
    return event.group.name if event.group_id else ""


def _sla_link(event, target) -> str:
    return reverse("agreements:sla-sign", kwargs={"pk": target.group_id, "year": target.financial_year})


def _record_link(event, target) -> str:
    return target.get_absolute_url()


def _applications_link(event, target) -> str:
    return reverse("funding:group-applications", kwargs={"pk": target.group_id})


def _payment_link(event, target) -> str:
    return target.award.get_absolute_url()


def _round_groups_link(event, target) -> str:
    return reverse("funding:round-detail", kwargs={"pk": target.pk})


RULES: dict[str, Rule] = {
    AuditEventType.GROUP_SLA_CREATED: Rule(
        group_signatories,
        lambda e, t: f"Your group's service level agreement for {t.year.label} is ready to sign",
        "sla_ready",
        _sla_link,
    ),
    AuditEventType.GROUP_SLA_NEW_VERSION: Rule(
        group_signatories,
        lambda e, t: f"A new version of your group's SLA for {t.year.label} is ready to sign",
        "sla_ready",
        _sla_link,
    ),
    AuditEventType.RETURN_SUBMITTED: Rule(
        officers,
        lambda e, t: f"{t.group.name} submitted its quarterly return for {t.period.label}",
        "return_submitted",
        _record_link,
    ),
    AuditEventType.RETURN_RESUBMITTED: Rule(
        officers,
        lambda e, t: f"{t.group.name} resubmitted its quarterly return for {t.period.label}",
        "return_submitted",
        _record_link,
    ),
    AuditEventType.RETURN_RETURNED: Rule(
        group_people,
        lambda e, t: f"Your quarterly return for {t.period.label} has been sent back for changes",
        "return_returned",
        _record_link,
    ),
    AuditEventType.RETURN_ACCEPTED: Rule(
        group_people,
        lambda e, t: f"Your quarterly return for {t.period.label} has been accepted",
        "return_accepted",
        _record_link,
    ),
    AuditEventType.FUNDING_ROUND_CREATED: Rule(
        active_groups_people,
        lambda e, t: f"Funding round open: {t.title}",
        "round_open",
        lambda e, t: reverse("funding:round-list"),
    ),
    AuditEventType.FUNDING_APPLICATION_SUBMITTED: Rule(
        officers,
        lambda e, t: f"{t.group.name} submitted its application to {t.funding_round.title}",
        "application_submitted",
        _record_link,
    ),
    AuditEventType.FUNDING_AWARD_DECIDED: Rule(
        group_people,
        lambda e, t: f"{t.funding_round.title}: your group's award",
        "award_decided",
        _record_link,
    ),
    AuditEventType.FUNDING_APPLICATION_DECLINED: Rule(
        group_people,
        lambda e, t: f"{t.funding_round.title}: the decision on your group's application",
        "application_declined",
        _record_link,
    ),
    AuditEventType.FUNDING_PAYMENT_PAID: Rule(
        group_people,
        lambda e, t: f"Payment made to {t.award.group.name}: instalment {t.instalment}",
        "payment_paid",
        _payment_link,
    ),
}

NOTIFIED_EVENT_TYPES = frozenset(str(k.value) for k in RULES)


def rule_for(event_type: str) -> Rule | None:
    """The rule for an event type, or None if the event sends no email."""
    return RULES.get(event_type)
