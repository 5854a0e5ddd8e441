"""A quarterly return's status, who moves it on, and what each status allows.

draft -> submitted (the group) -> accepted (an officer), or submitted ->
returned (an officer, with comments) -> submitted again (the group) ->
accepted. The group's people change a draft or returned return
(``EDITABLE_RETURN_STATUSES``); a submitted or accepted one is frozen as
submitted (``FROZEN_RETURN_STATUSES``). Officers open missing returns
(the ``open_quarterly_returns`` command does it every day) and mark the
support they gave for a submitted request.

Services enforce ``RETURN_WORKFLOW`` and raise ``InvalidTransition`` for a
refused step; views and templates ask the ``can_<verb>`` functions below
(state and permission together), never the status.
"""

from __future__ import annotations

from cpeg.core.workflow import Workflow
from cpeg.monitoring.choices import (
    EDITABLE_RETURN_STATUSES,
    FROZEN_RETURN_STATUSES,
    REPORTED_RETURN_STATUSES,
    ReturnStatus,
)

RETURN_WORKFLOW = Workflow(
    name="return",
    transitions={
        ReturnStatus.DRAFT: frozenset({ReturnStatus.SUBMITTED}),
        ReturnStatus.SUBMITTED: frozenset({ReturnStatus.ACCEPTED, ReturnStatus.RETURNED}),
        ReturnStatus.RETURNED: frozenset({ReturnStatus.SUBMITTED}),
        ReturnStatus.ACCEPTED: frozenset(),
    },
)

NOT_EDITABLE_MESSAGE = "This return has been submitted, so it cannot be changed."
NOT_IN_REVIEW_MESSAGE = "This return is not waiting for review."
SUPPORT_ALREADY_PROVIDED_MESSAGE = "This request for support is already marked as provided."


def is_editable(quarterly_return) -> bool:
    """The group may still change the return (draft or returned)."""
    return quarterly_return.status in EDITABLE_RETURN_STATUSES


def is_frozen(quarterly_return) -> bool:
    """The return's figures are frozen as submitted (submitted or accepted)."""
    return quarterly_return.status in FROZEN_RETURN_STATUSES


def is_returned(quarterly_return) -> bool:
    """An officer sent the return back to the group with comments."""
    return quarterly_return.status == ReturnStatus.RETURNED


def is_reported(quarterly_return) -> bool:
    """The authority has seen the return at least once (not a first draft)."""
    return quarterly_return.status in REPORTED_RETURN_STATUSES


# Not yet submitted: a draft, or a return not opened (dashboard only).
UNSUBMITTED_STATUSES = frozenset({ReturnStatus.DRAFT, "not_opened"})


def is_late(*, status: str, due_on, first_submitted_on, today) -> bool:
    """THE meaning of "late" (the dashboard's summary, its filter and its
    tag, the return list and the scorecard): not submitted by the due date.
    Either first submitted after it, or still not submitted (a draft, or a
    return not opened) once it has passed. A return sent back keeps the
    answer its first submission gave."""
    if due_on is None:
        return False
    if first_submitted_on is not None:
        return first_submitted_on > due_on
    return status in UNSUBMITTED_STATUSES and today > due_on


def is_overdue(status: str, due_on, today) -> bool:
    """Late and still not submitted: a draft past its due date (a return
    sent back is chased by the reminders instead)."""
    return status == ReturnStatus.DRAFT and is_late(status=status, due_on=due_on, first_submitted_on=None, today=today)


def ensure_editable(quarterly_return) -> None:
    """Raise InvalidTransition unless the group may change the return."""
    RETURN_WORKFLOW.ensure_in(quarterly_return, EDITABLE_RETURN_STATUSES, message=NOT_EDITABLE_MESSAGE)


def can_edit(user, quarterly_return) -> bool:
    """The user may answer the return's lines now."""
    return is_editable(quarterly_return) and user.has_perm("monitoring.change_quarterlyreturn", quarterly_return)


def can_refresh_figures(user, quarterly_return) -> bool:
    """The user may bring the return's figures up to date with the activity record."""
    return can_edit(user, quarterly_return)


def can_submit(user, quarterly_return) -> bool:
    """The user may submit (or resubmit) the return to the authority now."""
    return RETURN_WORKFLOW.allows(quarterly_return, to=ReturnStatus.SUBMITTED) and user.has_perm(
        "monitoring.submit_quarterlyreturn", quarterly_return
    )


def can_accept(user, quarterly_return) -> bool:
    """The user may accept the return now."""
    return RETURN_WORKFLOW.allows(quarterly_return, to=ReturnStatus.ACCEPTED) and user.has_perm(
        "monitoring.review_quarterlyreturn", quarterly_return
    )


def can_return(user, quarterly_return) -> bool:
    """The user may send the return back to the group with comments now."""
    return RETURN_WORKFLOW.allows(quarterly_return, to=ReturnStatus.RETURNED) and user.has_perm(
        "monitoring.review_quarterlyreturn", quarterly_return
    )


def can_review(user, quarterly_return) -> bool:
    """The user may decide on the return now (accept it or send it back)."""
    return can_accept(user, quarterly_return) or can_return(user, quarterly_return)


def can_provide_support(user, line) -> bool:
    """The user may record the support given for the line's open request
    (asked for in a return the authority has seen)."""
    return (
        line.has_open_support_request
        and is_reported(line.quarterly_return)
        and user.has_perm("monitoring.review_quarterlyreturn", line.quarterly_return)
    )


FIGURES_NOT_FROZEN_MESSAGE = (
    "This return has not been submitted, so its figures are not frozen: "
    "the group updates them from the activity record."
)


def ensure_frozen(quarterly_return) -> None:
    """Raise InvalidTransition unless the return's figures are frozen."""
    RETURN_WORKFLOW.ensure_in(quarterly_return, FROZEN_RETURN_STATUSES, message=FIGURES_NOT_FROZEN_MESSAGE)


def can_decide_counts(user, quarterly_return) -> bool:
    """The user may update a submitted or accepted return's counts to the
    activity record, or keep them as submitted (an officer's decision)."""
    return is_frozen(quarterly_return) and user.has_perm("monitoring.review_quarterlyreturn", quarterly_return)


def can_open_returns(user, group) -> bool:
    """The user may open the group's missing returns for quarters that have ended."""
    return user.has_perm("monitoring.open_quarterlyreturn", group)
