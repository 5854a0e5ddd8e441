"""Errors raised by services, shown to users by views."""

from django.core.exceptions import ValidationError


class InvalidTransition(Exception):  # noqa: N818 - a domain name, as in the style guide
    """A workflow step that the record's current status does not allow."""


class EditConflict(ValidationError):  # noqa: N818
    """Someone else saved the record after this person loaded it.

    ``record`` (the row as it is now) and ``loaded_version`` (the version the
    person's form was built from), when the service gives them, let
    ``handle_form`` show the other person's changes field by field
    (``core.conflicts``).
    """

    def __init__(self, message=None, *, record=None, loaded_version=None):
        self.record = record
        self.loaded_version = loaded_version
        super().__init__(
            message
            or "Someone else changed this record while you were editing it. "
            "Your changes have not been saved. Reload the page to see their "
            "changes, then make yours again.",
            code="edit_conflict",
        )
