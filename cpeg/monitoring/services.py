"""Writes for quarterly returns: opening, pre-filling, answering, submitting,
reviewing, support follow-up, reminders and the settings.

Each function is one use case in one transaction: permission, state,
validation, save, AuditEvent. System steps (opening returns, sending
reminders) run from management commands and take ``actor=None``; an
officer may also open a group's missing returns, and the group may bring a
return's figures up to date, each by an explicit, audited action. A page
visit (a GET) never writes.

A step the return's status does not allow raises ``InvalidTransition``
(``monitoring.workflow``); input the user can fix raises ValidationError.

Reads: ``monitoring.selectors``. Arithmetic: ``monitoring.figures``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm
from cpeg.accounts.roles import Role
from cpeg.agreements.choices import MeasureType
from cpeg.core.audit import apply_changes, audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import Quarter, is_working_day
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring import figures, sources
from cpeg.monitoring.choices import (
    EDITABLE_RETURN_STATUSES,
    ReminderKind,
    ReturnStatus,
)
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn, ReturnLine, ReturnReminder
from cpeg.monitoring.sections import line_field_key, missing_answers  # noqa: F401 (line_field_key: forms use it)
from cpeg.monitoring.workflow import (
    RETURN_WORKFLOW,
    SUPPORT_ALREADY_PROVIDED_MESSAGE,
    ensure_editable,
    ensure_frozen,
    is_reported,
)

logger = logging.getLogger(__name__)

# Fields a line's figures come from (refreshed while the return is editable).
FIGURE_FIELDS = (
    "output",
    "heading_title",
    "position",
    "measure",
    "annual_target",
    "due_quarter",
    "pro_rata_target",
    "count_to_date",
    "is_variation",
    "variation_reason",
    "suggested_rag",
)
# Fields the group answers.
ANSWER_FIELDS = ("rag", "rag_override_reason", "progress", "barriers", "support_requested")


def _ensure_transition(qr: QuarterlyReturn, to: str) -> None:
    RETURN_WORKFLOW.ensure(
        qr,
        to=to,
        message=f"This return is {qr.get_status_display().lower()}, so it cannot be {ReturnStatus(to).label.lower()}.",
    )


# --- Settings ----------------------------------------------------------------


@transaction.atomic
def monitoring_settings_update(*, actor, data: dict, loaded_version) -> MonitoringSettings:
    """Change the return deadline or reminder timing (managers only)."""
    require_perm(actor, "monitoring.change_settings")
    current_pk = MonitoringSettings.objects.get_or_create(singleton=True)[0].pk
    current = lock_and_check_version(MonitoringSettings, current_pk, loaded_version)
    changed = apply_changes(current, data, ("deadline_working_days", "reminder_working_days_before"))
    if changed:
        save_new_version(current, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.MONITORING_SETTINGS_UPDATED,
            target=current,
            summary=f"Returns due {current.deadline_working_days} working days after the quarter; "
            f"reminder {current.reminder_working_days_before} working days before",
            payload={"fields": list(changed)},
            changes=changed,
        )
    return current


# --- Figures -------------------------------------------------------------------


def _line_figures(target, quarter: Quarter, counts: dict, group_id: int) -> dict:
    counted = target.measure == MeasureType.COUNT
    due_quarter = getattr(target, "due_quarter", None)
    pro_rata = (
        figures.pro_rata_target(target.annual_target, quarter.number, due_quarter=due_quarter) if counted else None
    )
    # Every line gets its evidence, yes/no and narrative lines too (the
    # group answers them with the activities in front of it); only a
    # counted line is judged against a target.
    count = counts.get((group_id, target.code), 0)
    return {
        "output": target.output[:300],
        "heading_title": (target.heading_title or "")[:200],
        "position": target.position,
        "measure": target.measure,
        "annual_target": target.annual_target,
        "due_quarter": due_quarter,
        "pro_rata_target": pro_rata,
        "count_to_date": count,
        "is_variation": bool(target.is_variation),
        "variation_reason": target.variation_reason or "",
        "suggested_rag": figures.suggest_rag(count, pro_rata),
    }


def _figures_for(group_ids, quarter: Quarter):
    """(targets by group, counts) for the year to the end of ``quarter``."""
    targets = sources.sla_targets_for_groups(group_ids=group_ids, financial_year=quarter.start_year)
    counts = sources.output_counts(
        group_ids=group_ids, starts_on=quarter.financial_year.starts_on, ends_on=quarter.ends_on
    )
    return targets, counts


def _new_lines(qr: QuarterlyReturn, targets, counts, actor) -> list[ReturnLine]:
    lines = []
    for target in targets:
        data = _line_figures(target, qr.period, counts, qr.group_id)
        lines.append(
            ReturnLine(
                quarterly_return=qr,
                output_code=target.code,
                rag=data["suggested_rag"],
                created_by=actor,
                updated_by=actor,
                **data,
            )
        )
    return lines


# --- Opening returns -----------------------------------------------------------


def _eligible(group: EngagementGroup, quarter: Quarter) -> bool:
    if group.status != GroupStatus.ACTIVE:
        return False
    return group.established_on is None or group.established_on <= quarter.ends_on


@transaction.atomic
def return_open(*, group: EngagementGroup, quarter: Quarter, today: dt.date, actor=None) -> QuarterlyReturn | None:
    """Open the group's return for a quarter that has ended, pre-filled from its
    SLA and activity record; the existing return if there is one already.

    None when the group reports nothing for the quarter: not active, not yet
    set up, or no SLA (and no standard SLA) for the year.
    """
    if quarter.ends_on >= today:
        raise ValidationError(f"{quarter.label} has not ended yet, so its return cannot be opened.")
    locked = EngagementGroup.objects.select_for_update().get(pk=group.pk)
    existing = QuarterlyReturn.objects.filter(
        group=locked, financial_year=quarter.start_year, quarter=quarter.number, archived_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    if not _eligible(locked, quarter):
        return None
    targets, counts = _figures_for([locked.pk], quarter)
    return _create_return(locked, quarter, targets.get(locked.pk, []), counts, actor)


def _create_return(group, quarter: Quarter, targets, counts, actor) -> QuarterlyReturn | None:
    if not targets:
        return None
    config = MonitoringSettings.load()
    qr = QuarterlyReturn(
        group=group,
        financial_year=quarter.start_year,
        quarter=quarter.number,
        status=ReturnStatus.DRAFT,
        due_on=figures.return_due_on(quarter, config.deadline_working_days),
        created_by=actor,
        updated_by=actor,
    )
    qr.full_clean()
    try:
        with transaction.atomic():
            qr.save()
    except IntegrityError:
        # Opened at the same moment by another request or the cron job.
        return QuarterlyReturn.objects.get(
            group=group, financial_year=quarter.start_year, quarter=quarter.number, archived_at__isnull=True
        )
    bulk_create_with_history(_new_lines(qr, targets, counts, actor), ReturnLine, default_user=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.RETURN_OPENED,
        target=qr,
        group=group,
        summary=f"Return for {quarter.label} opened, due {qr.due_on:%-d %B %Y}",
        payload={"due_on": qr.due_on.isoformat()},
    )
    return qr


@transaction.atomic
def returns_open_due(*, today: dt.date, group_ids=None, actor=None) -> list[QuarterlyReturn]:
    """Open every missing return for quarters that have ended (idempotent).

    For the ``open_quarterly_returns`` command (``actor=None``) and
    ``returns_open_missing``. Runs a fixed number of queries per quarter,
    plus the inserts for the returns it opens (each audited).
    """
    groups = EngagementGroup.objects.filter(status=GroupStatus.ACTIVE)
    if group_ids is not None:
        groups = groups.filter(pk__in=list(group_ids))
    groups = list(groups.order_by("pk"))
    opened = []
    for quarter in figures.ended_quarters(today):
        eligible = [g for g in groups if _eligible(g, quarter)]
        if not eligible:
            continue
        have = set(
            QuarterlyReturn.objects.filter(
                group__in=[g.pk for g in eligible],
                financial_year=quarter.start_year,
                quarter=quarter.number,
                archived_at__isnull=True,
            ).values_list("group_id", flat=True)
        )
        missing = [g for g in eligible if g.pk not in have]
        if not missing:
            continue
        targets, counts = _figures_for([g.pk for g in missing], quarter)
        for group in missing:
            qr = _create_return(group, quarter, targets.get(group.pk, []), counts, actor)
            if qr is not None:
                opened.append(qr)
    return opened


@transaction.atomic
def returns_open_missing(*, group: EngagementGroup, actor, today: dt.date) -> list[QuarterlyReturn]:
    """An officer opens the group's missing returns for quarters that have
    ended, as the daily command would (each opened return is audited with
    the officer as its actor); none if nothing is missing."""
    require_perm(actor, "monitoring.open_quarterlyreturn", group)
    return returns_open_due(today=today, group_ids=[group.pk], actor=actor)


# --- Pre-fill refresh ----------------------------------------------------------


@transaction.atomic
def return_refresh_figures(*, quarterly_return: QuarterlyReturn, actor) -> bool:
    """Bring a draft or returned return's figures up to date with the SLA and
    the activity record, at the group's request; True if anything changed
    (then audited, naming the lines that changed).

    A RAG status still equal to the old suggestion follows the new one; a
    status the group chose differently (with a reason) is kept. Lines for
    outputs no longer in the SLA are removed, new outputs get a line. The
    return's edit version does not change, so nobody's open form goes stale.
    A submitted or accepted return is refused: its figures are frozen.
    """
    require_perm(actor, "monitoring.change_quarterlyreturn", quarterly_return)
    qr = QuarterlyReturn.objects.select_for_update().get(pk=quarterly_return.pk)
    ensure_editable(qr)
    changed = _refresh_figures(qr, actor=actor)
    if changed:
        audit_record(
            actor=actor,
            event_type=AuditEventType.RETURN_FIGURES_UPDATED,
            target=qr,
            group=qr.group,
            summary="Figures updated from the SLA and the activity record: " + ", ".join(changed),
            payload={"lines": changed},
        )
    return bool(changed)


def _refresh_figures(qr: QuarterlyReturn, *, actor=None) -> list[str]:
    """Refresh the (locked, editable) return's lines; the output codes of
    the lines added, changed or removed."""
    targets, counts = _figures_for([qr.group_id], qr.period)
    wanted = {t.code: t for t in targets.get(qr.group_id, [])}
    if not wanted:
        return []  # the SLA is missing for now: keep the lines as they are
    lines = {line.output_code: line for line in qr.lines.all()}
    changed = []
    for code, line in lines.items():
        if code not in wanted:
            line.delete()
            changed.append(code)
            continue
        data = _line_figures(wanted[code], qr.period, counts, qr.group_id)
        updates = {k: v for k, v in data.items() if getattr(line, k) != v}
        if not updates:
            continue
        follows = line.rag == line.suggested_rag
        for k, v in updates.items():
            setattr(line, k, v)
        if follows:
            line.rag = line.suggested_rag
        line.updated_by = actor or line.updated_by
        line.full_clean()
        line.save()
        changed.append(code)
    new_targets = [t for code, t in wanted.items() if code not in lines]
    if new_targets:
        bulk_create_with_history(_new_lines(qr, new_targets, counts, actor), ReturnLine, default_user=actor)
        changed += [t.code for t in new_targets]
    return changed


# --- The group's answers -------------------------------------------------------


def _check_line(line: ReturnLine, errors: dict) -> None:
    """A status different from the suggestion needs a reason (even in a draft)."""
    for missing in missing_answers(line):
        if missing.field == "rag_override_reason":
            errors.setdefault(missing.key, []).append(missing.message)


def _apply_answers(line: ReturnLine, given: dict) -> bool:
    """Put the answers on the (unsaved) line; True if anything changed."""
    dirty = False
    for name in ANSWER_FIELDS:
        if name in given:
            value = (given[name] or "").strip() if name != "rag" else (given[name] or "")
            if getattr(line, name) != value:
                setattr(line, name, value)
                dirty = True
    if line.rag and line.rag == line.suggested_rag and line.rag_override_reason:
        line.rag_override_reason = ""  # back to the suggestion: no reason needed
        dirty = True
    return dirty


@transaction.atomic
def return_save(*, quarterly_return: QuarterlyReturn, actor, answers: dict, loaded_version) -> QuarterlyReturn:
    """Save the group's answers on a draft or returned return.

    ``answers`` maps line id -> {field: value} for ``ANSWER_FIELDS``. A RAG
    status that differs from the suggestion needs a reason; if any line is
    refused, nothing is saved.
    """
    require_perm(actor, "monitoring.change_quarterlyreturn", quarterly_return)
    qr = lock_and_check_version(QuarterlyReturn, quarterly_return.pk, loaded_version)
    ensure_editable(qr)
    errors: dict = {}
    changed_lines = []
    for line in qr.lines.all():
        given = answers.get(line.pk)
        if given is None:
            continue
        dirty = _apply_answers(line, given)
        _check_line(line, errors)
        if dirty:
            changed_lines.append(line)
    if errors:
        raise ValidationError(errors)
    for line in changed_lines:
        line.updated_by = actor
        line.full_clean()
        line.save()
    save_new_version(qr, actor=actor)
    if changed_lines:
        audit_record(
            actor=actor,
            event_type=AuditEventType.RETURN_UPDATED,
            target=qr,
            group=qr.group,
            summary=f"Changed {len(changed_lines)} line{'s' if len(changed_lines) != 1 else ''} of the return",
            payload={"lines": [line.output_code for line in changed_lines]},
        )
    return qr


@transaction.atomic
def return_save_and_submit(
    *, quarterly_return: QuarterlyReturn, actor, answers: dict, loaded_version
) -> QuarterlyReturn:
    """Save the group's answers and submit, all or nothing.

    Every error comes back at once: a missing reason and every missing
    answer on the return together (the answers as they would be saved),
    not the reason first and the rest on the next try.
    """
    require_perm(actor, "monitoring.submit_quarterlyreturn", quarterly_return)
    errors: dict = {}
    for line in quarterly_return.lines.order_by("position", "id"):
        _apply_answers(line, answers.get(line.pk, {}))
        for missing in missing_answers(line):
            errors.setdefault(missing.key, []).append(missing.message)
    if errors:
        raise ValidationError(errors)
    qr = return_save(quarterly_return=quarterly_return, actor=actor, answers=answers, loaded_version=loaded_version)
    return return_submit(quarterly_return=qr, actor=actor, loaded_version=qr.version)


def _completeness_errors(qr: QuarterlyReturn) -> dict:
    """Every answer the return still needs (``sections.missing_answers``), by field key."""
    errors: dict = {}
    for line in qr.lines.order_by("position", "id"):
        for missing in missing_answers(line):
            errors.setdefault(missing.key, []).append(missing.message)
    return errors


@transaction.atomic
def return_submit(
    *, quarterly_return: QuarterlyReturn, actor, loaded_version=None, at: dt.datetime | None = None
) -> QuarterlyReturn:
    """Submit (or resubmit) the return to the authority; its figures freeze.

    The figures are refreshed first, so they are frozen as they stand at
    submission. Refused, naming every line, when a line has no RAG status or
    progress; barriers and support are optional.
    """
    require_perm(actor, "monitoring.submit_quarterlyreturn", quarterly_return)
    qr = lock_and_check_version(QuarterlyReturn, quarterly_return.pk, loaded_version)
    ensure_editable(qr)
    _ensure_transition(qr, ReturnStatus.SUBMITTED)
    _refresh_figures(qr, actor=actor)
    if not qr.lines.exists():
        raise ValidationError("This return has no SLA lines to report on. Ask the authority to set up the SLA.")
    errors = _completeness_errors(qr)
    if errors:
        raise ValidationError(errors)
    resubmission = qr.status == ReturnStatus.RETURNED
    now = at or timezone.now()
    qr.status = ReturnStatus.SUBMITTED
    qr.submitted_at, qr.submitted_by = now, actor
    if qr.first_submitted_at is None:
        qr.first_submitted_at = now
    save_new_version(qr, actor=actor)
    late = " (after the deadline)" if qr.was_late else ""
    audit_record(
        actor=actor,
        event_type=AuditEventType.RETURN_RESUBMITTED if resubmission else AuditEventType.RETURN_SUBMITTED,
        target=qr,
        group=qr.group,
        summary=f"Return for {qr.period.label} {'resubmitted' if resubmission else 'submitted'}{late}",
    )
    return qr


# --- Officer review ------------------------------------------------------------


@transaction.atomic
def return_counts_decide(*, quarterly_return: QuarterlyReturn, actor, update: bool) -> list[str]:
    """An officer decides on a submitted or accepted return whose counts no
    longer match the activity record (an activity withdrawn since): update
    the frozen counts to it, or keep them as submitted. Audited either way,
    naming each line's figures; the output codes concerned.

    Only the counts change: the group's answers (RAG status, progress) stay
    as the group gave them.
    """
    from cpeg.monitoring.selectors import count_changes

    require_perm(actor, "monitoring.review_quarterlyreturn", quarterly_return)
    qr = QuarterlyReturn.objects.select_for_update().get(pk=quarterly_return.pk)
    ensure_frozen(qr)
    changes = count_changes(quarterly_return=qr)
    if not changes:
        return []
    codes = [c.line.output_code for c in changes]
    if update:
        before = {c.line.output_code: c.line.count_to_date for c in changes}
        for change in changes:
            line = change.line
            line.count_to_date = change.live
            line.updated_by = actor
            line.full_clean()
            line.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.RETURN_COUNTS_UPDATED,
            target=qr,
            group=qr.group,
            summary="Counts updated to the activity record: "
            + "; ".join(f"{c.line.output} {before[c.line.output_code]} to {c.live}" for c in changes),
            changes={c.line.output_code: (before[c.line.output_code], c.live) for c in changes},
        )
    else:
        audit_record(
            actor=actor,
            event_type=AuditEventType.RETURN_COUNTS_KEPT,
            target=qr,
            group=qr.group,
            summary="Counts kept as submitted: " + "; ".join(f"{c.line.output} ({c.text})" for c in changes),
            payload={"counts": {c.line.output_code: c.live for c in changes}},
        )
    return codes


@transaction.atomic
def return_accept(
    *, quarterly_return: QuarterlyReturn, actor, loaded_version=None, at: dt.datetime | None = None
) -> QuarterlyReturn:
    """An officer accepts a submitted return."""
    require_perm(actor, "monitoring.review_quarterlyreturn", quarterly_return)
    qr = lock_and_check_version(QuarterlyReturn, quarterly_return.pk, loaded_version)
    _ensure_transition(qr, ReturnStatus.ACCEPTED)
    qr.status = ReturnStatus.ACCEPTED
    qr.reviewed_at, qr.reviewed_by = at or timezone.now(), actor
    save_new_version(qr, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.RETURN_ACCEPTED,
        target=qr,
        group=qr.group,
        summary=f"Return for {qr.period.label} accepted",
    )
    return qr


@transaction.atomic
def return_send_back(
    *, quarterly_return: QuarterlyReturn, actor, comments: str, loaded_version=None, at: dt.datetime | None = None
) -> QuarterlyReturn:
    """An officer returns a submitted return to the group with comments."""
    require_perm(actor, "monitoring.review_quarterlyreturn", quarterly_return)
    qr = lock_and_check_version(QuarterlyReturn, quarterly_return.pk, loaded_version)
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"officer_comments": "Enter your comments for the group"})
    _ensure_transition(qr, ReturnStatus.RETURNED)
    qr.status = ReturnStatus.RETURNED
    qr.officer_comments = comments
    qr.reviewed_at, qr.reviewed_by = at or timezone.now(), actor
    save_new_version(qr, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.RETURN_RETURNED,
        target=qr,
        group=qr.group,
        summary=f"Return for {qr.period.label} returned to the group with comments",
        payload={"comments": comments[:1000]},
    )
    return qr


@transaction.atomic
def support_mark_provided(*, line: ReturnLine, actor, support_given: str, loaded_version=None) -> ReturnLine:
    """An officer records the support the authority gave for a line's request."""
    require_perm(actor, "monitoring.review_quarterlyreturn", line.quarterly_return)
    current = lock_and_check_version(ReturnLine, line.pk, loaded_version)
    support_given = (support_given or "").strip()
    if not support_given:
        raise ValidationError({"support_given": "Enter the support the authority gave"})
    if not current.support_requested.strip():
        raise ValidationError("This line has no request for support.")
    if current.support_resolved_at is not None:
        raise InvalidTransition(SUPPORT_ALREADY_PROVIDED_MESSAGE)
    if not is_reported(current.quarterly_return):
        raise InvalidTransition("This return has not been submitted yet, so its requests for support are not open.")
    current.support_given = support_given
    current.support_resolved_at, current.support_resolved_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    qr = current.quarterly_return
    audit_record(
        actor=actor,
        event_type=AuditEventType.RETURN_SUPPORT_PROVIDED,
        target=qr,
        group=qr.group,
        summary=f"Support provided for {current.output}",
        payload={"line": current.output_code},
    )
    return current


# --- Reminders -----------------------------------------------------------------


def reminder_recipients(group: EngagementGroup) -> list[str]:
    """The group's administrators' addresses and the group's own, without repeats."""
    emails = [
        a.user.email
        for a in group.role_assignments.filter(role=Role.GROUP_ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        if a.user.email
    ]
    if group.email:
        emails.append(group.email)
    seen, result = set(), []
    for email in emails:
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(email.strip())
    return result


def _returned_on(qr: QuarterlyReturn) -> dt.date:
    return timezone.localdate(qr.reviewed_at) if qr.reviewed_at else qr.due_on


def _reminder_kind_due(qr: QuarterlyReturn, today: dt.date, config: MonitoringSettings, sent: dict) -> str | None:
    """Which reminder (if any) this draft or returned return should get today.

    - due soon (drafts only): once, on the first run from N working days
      before the deadline up to the deadline itself (N from the settings;
      0 = never);
    - overdue: from the day after the deadline, on working days, at most
      once every 7 days. A returned return's deadline is the later of its
      due date and ``figures.RESUBMIT_WORKING_DAYS`` working days after it
      was sent back.
    """
    returned = qr.status == ReturnStatus.RETURNED
    deadline = figures.resubmission_due_on(qr.due_on, _returned_on(qr)) if returned else qr.due_on
    if today > deadline:
        if not is_working_day(today):
            return None
        last = sent.get((qr.pk, ReminderKind.OVERDUE))
        if last is None or (today - last).days >= 7:
            return ReminderKind.OVERDUE
        return None
    if returned:
        return None  # the officer who sent it back is in touch until it is overdue
    days = config.reminder_working_days_before
    if days and figures.working_days_before(qr.due_on, days) <= today and (qr.pk, ReminderKind.DUE_SOON) not in sent:
        return ReminderKind.DUE_SOON
    return None


def site_url(path: str) -> str:
    """An absolute address for a link in an email (``SITE_URL`` + path)."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _reminder_message(qr: QuarterlyReturn, kind: str, today: dt.date) -> tuple[str, str]:
    period = f"{qr.period.label} ({qr.period.months_label})"
    if qr.status == ReturnStatus.RETURNED:
        returned_on = _returned_on(qr)
        deadline = figures.resubmission_due_on(qr.due_on, returned_on)
        subject = f"Overdue: please resubmit your quarterly return for {qr.period.label}"
        opening = (
            f"Your group's quarterly monitoring return for {period} was sent back to you on "
            f"{returned_on:%-d %B %Y} with the authority's comments. It was due to be resubmitted by "
            f"{deadline:%-d %B %Y} and has not been resubmitted yet."
        )
        ask = "Please read the comments on the return, make the changes asked for and submit it again."
    else:
        if kind == ReminderKind.OVERDUE:
            subject = f"Overdue: your quarterly return for {qr.period.label}"
            opening = (
                f"Your group's quarterly monitoring return for {period} was due on {qr.due_on:%-d %B %Y} "
                "and has not been submitted yet."
            )
        else:
            subject = f"Reminder: your quarterly return for {qr.period.label} is due on {qr.due_on:%-d %B %Y}"
            opening = f"Your group's quarterly monitoring return for {period} is due on {qr.due_on:%-d %B %Y}."
        ask = (
            "The return is already filled in with your activity figures. Please give a RAG status and a note on "
            "progress for each SLA output, with any barriers to delivery and support you would like from the "
            "authority, then submit it."
        )
    body = (
        f"Dear {qr.group.name},\n\n{opening}\n\n{ask}\n\n"
        f"Return: {site_url(qr.get_absolute_url())}\n\n{settings.SERVICE_NAME}\n"
    )
    return subject, body


def _reminder_not_sent(*, reminder: ReturnReminder, error: Exception) -> None:
    """Undo the record of a reminder the mail server refused, so the next
    run tries again, and say so in the return's timeline."""
    qr = reminder.quarterly_return
    logger.error("%s reminder for %s could not be emailed: %s", reminder.get_kind_display(), qr, error)
    with transaction.atomic():
        ReturnReminder.objects.filter(pk=reminder.pk).delete()
        audit_record(
            actor=None,
            event_type=AuditEventType.RETURN_REMINDER_FAILED,
            target=qr,
            group=qr.group,
            summary=f"{reminder.get_kind_display()} reminder could not be emailed ({error.__class__.__name__}); "
            "it will be tried again on the next run",
        )


def _send_reminder(*, reminder: ReturnReminder, subject: str, body: str, recipients: list[str]) -> None:
    """Email one reminder (after its record is committed). A mail server or
    network error is logged and stops only this reminder."""
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    except (smtplib.SMTPException, OSError) as error:
        _reminder_not_sent(reminder=reminder, error=error)


def reminders_send(*, today: dt.date) -> list[ReturnReminder]:
    """Email reminders for draft returns due soon or overdue, and for
    returned returns not resubmitted in time (idempotent per return, kind
    and day: a second run the same day sends nothing).

    Each reminder is recorded in its own transaction and emailed once that
    commits; a mail server error is logged and the record undone (so the
    next run tries again) without stopping the other reminders. Returns the
    reminders recorded.
    """
    config = MonitoringSettings.load()
    chased = list(
        QuarterlyReturn.objects.filter(status__in=EDITABLE_RETURN_STATUSES, archived_at__isnull=True)
        .select_related("group")
        .order_by("due_on", "pk")
    )
    sent: dict = {}
    for qr_id, kind, sent_on in (
        ReturnReminder.objects.filter(quarterly_return__in=[qr.pk for qr in chased])
        .order_by("sent_on")
        .values_list("quarterly_return_id", "kind", "sent_on")
    ):
        sent[(qr_id, kind)] = sent_on
    done = []
    for qr in chased:
        kind = _reminder_kind_due(qr, today, config, sent)
        if kind is None:
            continue
        recipients = reminder_recipients(qr.group)
        if not recipients:
            logger.warning("No email address for %s: reminder not sent", qr.group)
            continue
        try:
            with transaction.atomic():
                reminder = ReturnReminder(
                    quarterly_return=qr, kind=kind, sent_on=today, recipients="\n".join(recipients)
                )
                reminder.full_clean()
                reminder.save()
                audit_record(
                    actor=None,
                    event_type=AuditEventType.RETURN_REMINDER_SENT,
                    target=qr,
                    group=qr.group,
                    summary=f"{reminder.get_kind_display()} reminder emailed to {', '.join(recipients)}",
                )
                subject, body = _reminder_message(qr, kind, today)
                transaction.on_commit(
                    partial(_send_reminder, reminder=reminder, subject=subject, body=body, recipients=recipients)
                )
        except (IntegrityError, ValidationError):
            continue  # already sent today (another run got there first)
        done.append(reminder)
    return done
