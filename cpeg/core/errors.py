"""Errors raised by services, shown to users by views."""

from django.core.exceptions import ValidationError


class InvalidTransition(Exception):  # noqa: N818 - a domain name, as in the style guide
    """A workflow step that the record's current status does not allow."""


class EditConflict(ValidationError):  # noqa: N818
    """Someone else saved the record after this person loaded it."""

    def __init__(self, message=None):
        super().__init__(
            message
            or "Someone else changed this record while you were editing it. "
            "Your changes have not been saved. Reload the page to see their "
            "changes, then make yours again.",
            code="edit_conflict",
        )
