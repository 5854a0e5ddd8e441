"""Writes for notifications: who is told of an event, sending, the digest.

A business event is recorded by its service as an ``AuditEvent``; once that
transaction commits, a task (``tasks.notify_event_task``) calls
``notifications_create_for_event``, which writes one ``Notification`` per
person the event's rule names (``events.RULES``): ready to send at once,
or waiting for the person's daily digest. Each immediate one is sent by
its own task (``notification_send``); a mail server's refusal is recorded
on the notification and the send is tried again, up to ``MAX_ATTEMPTS``
times, then left failed for officers to see. ``digest_send`` sends each
person one email a day listing what waits for them.

Reads: ``notifications.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.models import AuditEvent
from cpeg.notifications.choices import MAX_ATTEMPTS, Frequency, NotificationStatus
from cpeg.notifications.events import rule_for
from cpeg.notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

# Sending errors that mean "try again later" rather than a bug.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def site_url(path: str) -> str:
    """An absolute address for a link in an email (``SITE_URL`` + path)."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def frequency_of(user) -> str:
    """How the user wants to be told (an email each when they never said)."""
    preference = NotificationPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return preference or Frequency.IMMEDIATE


def _body(template: str, context: dict) -> str:
    return render_to_string(f"notifications/email/{template}.txt", context).strip() + "\n"


@transaction.atomic
def notifications_create_for_event(*, event_id: int) -> list[Notification]:
    """Write a notification for each person the event's rule names (once
    per person and event, so a repeated task adds nothing)."""
    event = AuditEvent.objects.select_related("group", "target_type").filter(pk=event_id).first()
    rule = rule_for(event.event_type) if event else None
    if rule is None:
        return []
    target = event.target_type.get_object_for_this_type(pk=event.target_id)
    recipients = list(rule.recipients(event, target))
    if not recipients:
        return []
    subject = rule.subject(event, target)[:200]
    link = rule.link(event, target)
    daily = set(
        NotificationPreference.objects.filter(user__in=recipients, frequency=Frequency.DAILY).values_list(
            "user_id", flat=True
        )
    )
    already = set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))
    made = []
    for user in recipients:
        if user.pk in already:
            continue
        context = {
            "event": event,
            "target": target,
            "recipient": user,
            "link": site_url(link),
            "service_name": settings.SERVICE_NAME,
            "authority_name": settings.AUTHORITY_NAME,
        }
        made.append(
            Notification.objects.create(
                recipient=user,
                email=user.email,
                event=event,
                event_type=event.event_type,
                target_type=event.target_type,
                target_id=event.target_id,
                group=event.group,
                subject=subject,
                body=_body(rule.template, context),
                link=link,
                status=NotificationStatus.IN_DIGEST if user.pk in daily else NotificationStatus.PENDING,
            )
        )
    return made


def notification_create_reminder(
    *, user, target, group, event_type: str, subject: str, template: str, link: str, context: dict
):
    """Write a reminder that is not a recorded event (a deadline coming up),
    once per person and record; None if the person already has one."""
    target_type = ContentType.objects.get_for_model(target)
    if Notification.objects.filter(
        recipient=user, event_type=event_type, target_type=target_type, target_id=target.pk
    ).exists():
        return None
    frequency = frequency_of(user)
    body_context = {
        **context,
        "recipient": user,
        "link": site_url(link),
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
    }
    return Notification.objects.create(
        recipient=user,
        email=user.email,
        event=None,
        event_type=event_type,
        target_type=target_type,
        target_id=target.pk,
        group=group,
        subject=subject[:200],
        body=_body(template, body_context),
        link=link,
        status=NotificationStatus.IN_DIGEST if frequency == Frequency.DAILY else NotificationStatus.PENDING,
    )


def _record_failure(notification: Notification, error: Exception) -> None:
    notification.attempts += 1
    notification.last_error = f"{error.__class__.__name__}: {error}"[:2000]
    failed = notification.attempts >= MAX_ATTEMPTS
    notification.status = NotificationStatus.FAILED if failed else NotificationStatus.RETRYING
    notification.save(update_fields=["attempts", "last_error", "status"])
    logger.warning("Notification %s not sent (attempt %s): %s", notification.pk, notification.attempts, error)


def notification_send(*, notification_id: int) -> str:
    """Email one waiting notification; record the result. Returns its status.

    A refused send leaves it ``retrying`` (the task tries again) until
    ``MAX_ATTEMPTS``, then ``failed``. A notification already sent, failed
    or waiting for the digest is left alone.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status__in=(NotificationStatus.PENDING, NotificationStatus.RETRYING))
            .first()
        )
        if notification is None:
            return ""
        try:
            EmailMessage(
                notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.email]
            ).send()
        except SEND_ERRORS as error:
            _record_failure(notification, error)
            return notification.status
        notification.attempts += 1
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return notification.status


def digest_send(*, today: dt.date | None = None) -> int:
    """Send each person one email listing every notification waiting for
    their daily digest (and any digest that failed before, up to
    ``MAX_ATTEMPTS``). Returns the number of emails sent."""
    today = today or timezone.localdate()
    waiting = defaultdict(list)
    for notification in (
        Notification.objects.filter(status=NotificationStatus.IN_DIGEST)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "pk")
    ):
        waiting[notification.recipient_id].append(notification)
    had_digest = set(
        Notification.objects.filter(recipient_id__in=waiting, digest_on=today).values_list("recipient_id", flat=True)
    )
    sent = 0
    for recipient_id, items in waiting.items():
        if recipient_id in had_digest:
            continue  # one digest a person a day; the rest go tomorrow
        recipient = items[0].recipient
        subject = f"{settings.SERVICE_NAME}: {len(items)} update{'s' if len(items) != 1 else ''} for {today:%-d %B %Y}"
        body = _body(
            "digest",
            {
                "recipient": recipient,
                "items": [(n, site_url(n.link)) for n in items],
                "today": today,
                "service_name": settings.SERVICE_NAME,
                "preferences_link": site_url("/notifications/preferences/"),
            },
        )
        ids = [n.pk for n in items]
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]).send()
        except SEND_ERRORS as error:
            for notification in items:
                notification.attempts += 1
                notification.last_error = f"{error.__class__.__name__}: {error}"[:2000]
                # Left in the digest to be tried again tomorrow, until the last attempt.
                if notification.attempts >= MAX_ATTEMPTS:
                    notification.status = NotificationStatus.FAILED
                notification.save(update_fields=["attempts", "last_error", "status"])
            continue
        now = timezone.now()
        for notification in Notification.objects.filter(pk__in=ids):
            notification.attempts += 1
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.digest_on = today
            notification.last_error = ""
            notification.save(update_fields=["attempts", "status", "sent_at", "digest_on", "last_error"])
        sent += 1
    return sent


@transaction.atomic
def preference_set(*, user, actor, frequency: str, version: int | None = None) -> NotificationPreference:
    """Set how ``user`` is told about events: an email each or a daily digest."""
    require_perm(actor, "notifications.change_notificationpreference", user)
    preference, created = NotificationPreference.objects.get_or_create(
        user=user, defaults={"created_by": actor, "updated_by": actor}
    )
    preference = lock_and_check_version(NotificationPreference, preference.pk, None if created else version)
    old = preference.frequency
    new = Frequency(frequency)
    if old == new and not created:
        return preference
    preference.frequency = new
    save_new_version(preference, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.NOTIFICATION_PREFERENCE_CHANGED,
        target=preference,
        summary=f"Emails: {new.label}",
        changes={"frequency": (Frequency(old).label, new.label)},
    )
    return preference


def attempts_of(notification_id: int) -> int:
    """How many times the notification has been tried."""
    return Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).first() or 0


ROUND_DEADLINE_APPROACHING = "ROUND_DEADLINE_APPROACHING"


def round_deadline_reminders_create(*, days_before: int = 7, today: dt.date | None = None) -> int:
    """Tell each active group's people, once per round, that an open round's
    deadline is within ``days_before`` days and their group has not
    submitted an application. Returns how many reminders were written."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cpeg.accounts.roles import GROUP_ROLES
    from cpeg.core.fiscal import due_in_words
    from cpeg.funding.choices import RoundStatus
    from cpeg.funding.models import FundingApplication, FundingRound
    from cpeg.funding.workflow import awaits_submission
    from cpeg.groups.choices import GroupStatus
    from cpeg.groups.models import EngagementGroup
    from cpeg.notifications.tasks import enqueue_send

    today = today or timezone.localdate()
    made = []
    rounds = FundingRound.objects.filter(
        status=RoundStatus.OPEN,
        opens_on__lte=today,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=days_before),
    )
    with transaction.atomic():
        for funding_round in rounds:
            applied = {
                a.group_id
                for a in FundingApplication.objects.filter(funding_round=funding_round).select_related("funding_round")
                if not awaits_submission(a)
            }
            groups = EngagementGroup.objects.filter(status=GroupStatus.ACTIVE).exclude(pk__in=applied)
            people = (
                get_user_model()
                .objects.filter(
                    is_active=True, role_assignments__role__in=GROUP_ROLES, role_assignments__group__in=groups
                )
                .exclude(email="")
                .values_list("pk", "role_assignments__group_id")
                .distinct()
            )
            users = get_user_model().objects.in_bulk([pk for pk, _ in people])
            group_by_id = EngagementGroup.objects.in_bulk([gid for _, gid in people])
            for user_pk, group_id in people:
                group = group_by_id[group_id]
                notification = notification_create_reminder(
                    user=users[user_pk],
                    target=funding_round,
                    group=group,
                    event_type=ROUND_DEADLINE_APPROACHING,
                    subject=f"{funding_round.title}: the application deadline is {funding_round.closes_on:%-d %B %Y}",
                    template="round_deadline",
                    link=reverse("funding:group-applications", kwargs={"pk": group.pk}),
                    context={
                        "funding_round": funding_round,
                        "group": group,
                        "when": due_in_words(funding_round.closes_on, today),
                    },
                )
                if notification is not None:
                    made.append(notification)
        for notification in made:
            if notification.status == NotificationStatus.PENDING:
                transaction.on_commit(lambda pk=notification.pk: enqueue_send(pk))
    return len(made)
