"""Demo quarterly returns, built through the services (after the SLAs and activities).

- Last financial year: every quarter's return for every active group,
  submitted and accepted; two were submitted after the deadline.
- This year's ended quarters: earlier ones accepted; the latest quarter in
  every state: draft (overdue once its deadline has passed), submitted,
  accepted and returned with comments. Camden's latest is a draft, so
  ``camden-admin`` has a return to fill in.
- Haringey and Croydon report barriers on public meetings quarter after
  quarter; several groups ask for support in their latest return; one
  request is already marked as provided.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpeg.core.demo import DemoContext
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import GroupStatus
from cpeg.monitoring import figures, services
from cpeg.monitoring.choices import Rag, ReturnStatus

# The latest quarter's state for named groups; the rest cycle through STATE_CYCLE.
LATEST_STATE = {
    "camden": ReturnStatus.DRAFT,
    "hackney": ReturnStatus.RETURNED,
    "islington": ReturnStatus.SUBMITTED,
    "haringey": ReturnStatus.SUBMITTED,
    "croydon": ReturnStatus.ACCEPTED,
    "lambeth": ReturnStatus.ACCEPTED,
    "newham": ReturnStatus.DRAFT,
}
STATE_CYCLE = [
    ReturnStatus.ACCEPTED,
    ReturnStatus.SUBMITTED,
    ReturnStatus.ACCEPTED,
    ReturnStatus.DRAFT,
    ReturnStatus.RETURNED,
    ReturnStatus.ACCEPTED,
]
# Submitted after the deadline last year: (borough slug, quarter number).
LATE_LAST_YEAR = {("barnet", 3), ("ealing", 2)}
BARRIER_GROUPS = {
    "haringey": "The usual venue, the civic centre, is closed for refurbishment; the nearest hall seats only 40.",
    "croydon": "Attendance has fallen since the meeting moved to weekday afternoons at the council's request.",
}
SUPPORT_GROUPS = {
    "haringey": "Help to find a larger venue, or funding towards hall hire.",
    "islington": "Training for two new executive members on chairing public meetings.",
    "lambeth": "An officer to attend the next meeting to explain the budget consultation.",
    "hackney": "Advice on reaching young people for the stop and search monitoring group.",
}
PROGRESS = [
    "Delivered as planned; minutes and attendance are on the activity record.",
    "On course. The next meeting is booked and publicised in the newsletter.",
    "Some slippage over the summer; two events are planned for the coming quarter.",
    "Discussed with the borough commander at the last executive meeting; follow-up agreed.",
    "Work continues with the community safety partnership; a joint event is being planned.",
]
COMMENTS = "Please say more about how the group will make up the missing newsletters, and give dates."


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _answers(ctx: DemoContext, qr, slug: str, reported_barrier: bool, support: str) -> dict:
    answers = {}
    for index, line in enumerate(qr.lines.all()):
        rag = line.suggested_rag or (Rag.AMBER if ctx.rng.random() < 0.08 else Rag.GREEN)
        data = {"rag": rag, "progress": PROGRESS[(index + qr.quarter) % len(PROGRESS)], "barriers": ""}
        if line.suggested_rag == Rag.RED and ctx.rng.random() < 0.3:
            data["rag"] = Rag.AMBER
            data["rag_override_reason"] = "Two events are already booked for next month, so we expect to catch up."
        if reported_barrier and line.output_code == "public-meetings":
            data["barriers"] = BARRIER_GROUPS[slug]
        if support and index == 0:
            data["support_requested"] = support
        answers[line.pk] = data
    return answers


def _complete(ctx, qr, slug, *, state, barrier: bool, support: str, submit_on: dt.date, review_on: dt.date):
    admin = ctx.admins[slug]
    answers = _answers(ctx, qr, slug, barrier, support)
    if state == ReturnStatus.DRAFT:
        # Started, not finished: progress on the first three lines only.
        answers = {pk: {"progress": a["progress"]} for pk, a in list(answers.items())[:3]}
    qr = services.return_save(quarterly_return=qr, actor=admin, answers=answers, loaded_version=qr.version)
    if state == ReturnStatus.DRAFT:
        return qr
    qr = services.return_submit(quarterly_return=qr, actor=admin, loaded_version=qr.version, at=_at(submit_on))
    if state == ReturnStatus.ACCEPTED:
        qr = services.return_accept(
            quarterly_return=qr, actor=ctx.officer, loaded_version=qr.version, at=_at(review_on, 15)
        )
    elif state == ReturnStatus.RETURNED:
        qr = services.return_send_back(
            quarterly_return=qr, actor=ctx.officer, comments=COMMENTS, loaded_version=qr.version, at=_at(review_on, 15)
        )
    return qr


def load(ctx: DemoContext) -> None:
    today = ctx.today
    current = FinancialYear.containing(today)
    past = current.previous()
    quarters = list(past.quarters) + [q for q in current.quarters if q.ends_on < today]
    latest = quarters[-1]
    active = {slug: g for slug, g in sorted(ctx.groups.items()) if g.status == GroupStatus.ACTIVE}
    opened = 0
    for index, (slug, group) in enumerate(active.items()):
        latest_state = LATEST_STATE.get(slug, STATE_CYCLE[index % len(STATE_CYCLE)])
        for quarter in quarters:
            qr = services.return_open(group=group, quarter=quarter, today=today)
            if qr is None:
                continue
            opened += 1
            is_latest = quarter == latest
            state = latest_state if is_latest else ReturnStatus.ACCEPTED
            late = (slug, quarter.number) in LATE_LAST_YEAR and quarter.financial_year == past
            submit_on = qr.due_on + dt.timedelta(days=3) if late else figures.working_days_before(qr.due_on, 2)
            if is_latest and state == ReturnStatus.SUBMITTED:
                submit_on = min(submit_on, today)
            review_on = min(submit_on + dt.timedelta(days=6), today)
            barrier = slug in BARRIER_GROUPS and quarter >= quarters[-3]
            support = SUPPORT_GROUPS.get(slug, "") if quarter in (latest, quarters[-2]) else ""
            _complete(
                ctx,
                qr,
                slug,
                state=state,
                barrier=barrier,
                support=support,
                submit_on=max(submit_on, quarter.ends_on + dt.timedelta(days=1)),
                review_on=review_on,
            )
    # One request from an earlier quarter has already been dealt with.
    lambeth = active.get("lambeth")
    if lambeth is not None and len(quarters) >= 2:
        line = (
            lambeth.quarterly_returns.get(financial_year=quarters[-2].start_year, quarter=quarters[-2].number)
            .lines.exclude(support_requested="")
            .first()
        )
        if line is not None:
            services.support_mark_provided(
                line=line,
                actor=ctx.officer,
                support_given="An engagement officer attended the October meeting and presented the budget.",
                loaded_version=line.version,
            )
    ctx.log.append(f"{opened} quarterly returns ({latest.label} in every state)")
