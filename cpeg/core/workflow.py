"""The shape of every app's state machine.

Each domain app with a status keeps one ``workflow.py``: a ``Workflow``
holding its transition table, and ``can_<verb>(user, obj)`` functions that
combine the state with the permission (``accounts.access``). Services call
``WORKFLOW.ensure(obj, to=...)`` before they change a status; views and
templates ask the ``can_<verb>`` functions; nobody compares status strings
anywhere else. A refused step raises ``core.errors.InvalidTransition``, the
one exception every app uses for it, which ``core.views_helpers`` shows to
the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cpeg.core.errors import InvalidTransition


@dataclass(frozen=True)
class Workflow:
    """A status field's allowed moves: ``transitions[from] = {to, ...}``.

    ``field`` names the model attribute holding the status; ``refusal``
    builds the message for a refused move from the record, its current
    status label and the target status label.
    """

    name: str
    transitions: Mapping[str, frozenset[str]]
    field: str = "status"

    def allows(self, obj, *, to: str) -> bool:
        """True when ``obj`` may move from its current status to ``to``."""
        return to in self.transitions.get(getattr(obj, self.field), frozenset())

    def ensure(self, obj, *, to: str, message: str | None = None) -> None:
        """Raise InvalidTransition unless ``obj`` may move to ``to``."""
        if not self.allows(obj, to=to):
            raise InvalidTransition(message or self.refusal(obj, to))

    def ensure_in(self, obj, statuses, *, message: str) -> None:
        """Raise InvalidTransition unless ``obj``'s status is one of ``statuses``
        (for changes that keep the status, such as editing a draft)."""
        if getattr(obj, self.field) not in statuses:
            raise InvalidTransition(message)

    def refusal(self, obj, to: str) -> str:
        current = _label(obj, self.field)
        target = _choice_label(obj, self.field, to)
        return f"This {self.name} is {current.lower()}, so it cannot be made {target.lower()}"


def _label(obj, field: str) -> str:
    display = getattr(obj, f"get_{field}_display", None)
    return str(display()) if callable(display) else str(getattr(obj, field))


def _choice_label(obj, field: str, value: str) -> str:
    try:
        choices = dict(type(obj)._meta.get_field(field).flatchoices)
    except Exception:  # noqa: BLE001 - a plain object in a unit test
        return str(value)
    return str(choices.get(value, value))
