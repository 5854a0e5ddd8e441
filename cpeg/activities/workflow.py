"""Whether an activity or an import may be withdrawn, restored or undone.

An activity is recorded, or withdrawn (recorded in error: kept, but left
out of every list and count) until an officer restores it. An import
batch is imported, or undone once (which withdraws all its activities).
Each ``can_<verb>`` joins the state to the permission in
``accounts.access``; services call the ``ensure_*`` functions, views and
templates ask the ``can_*`` ones.
"""

from __future__ import annotations

from cpeg.core.errors import InvalidTransition


def can_withdraw(user, activity) -> bool:
    """Not withdrawn yet, and the user records the group's activities."""
    return not activity.is_withdrawn and user.has_perm("activities.withdraw_activity", activity)


def can_restore(user, activity) -> bool:
    """Withdrawn, and the user is an officer."""
    return activity.is_withdrawn and user.has_perm("activities.restore_activity", activity)


def can_edit(user, activity) -> bool:
    """Not withdrawn (restore it first), and the user records the group's activities."""
    return not activity.is_withdrawn and user.has_perm("activities.change_activity", activity)


def can_undo_import(user, batch) -> bool:
    """Not undone yet, and the user records the group's activities."""
    return not batch.is_undone and user.has_perm("activities.undo_activityimportbatch", batch)


def ensure_not_withdrawn(activity) -> None:
    if activity.is_withdrawn:
        raise InvalidTransition("This activity has been withdrawn: an officer must restore it before it can change")


def ensure_withdrawn(activity) -> None:
    if not activity.is_withdrawn:
        raise InvalidTransition("This activity is not withdrawn, so it cannot be restored")


def ensure_not_undone(batch) -> None:
    if batch.is_undone:
        raise InvalidTransition("This import has already been undone")
