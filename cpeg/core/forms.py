"""Form pieces shared by every app: GOV.UK rendering and edit versions."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cpeg.core.conflicts import edit_fingerprint


class GovukFormMixin:
    """Render with crispy-forms-gds: error summary on top, no <form> tag.

    Templates supply the <form> element, CSRF token and buttons, so every
    page lays out its actions the same way (see ``components/form.html``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.NumberInput):
                # GOV.UK advise against type=number: a text input with a
                # numeric keyboard instead.
                field.widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
            prepare_length_limit(name, field)
        # An edit form must say which version of the record it was loaded
        # from; without it a stale save could not be detected.
        if "version" in self.fields and self.initial.get("version") is not None:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = (
                "This page is out of date. Reload it and make your changes again."
            )

    def __getitem__(self, name):
        # Fields a subclass adds after __init__ are prepared as they are
        # rendered, so every long text field gets the character count.
        bound = super().__getitem__(name)
        prepare_length_limit(name, bound.field)
        return bound

    def full_clean(self):
        for name, field in self.fields.items():
            prepare_length_limit(name, field)
        super().full_clean()
        # The version travels in a hidden field, which the error summary
        # does not list: show its error for the whole form instead.
        if self._errors and "version" in self._errors and "version" in self.fields:
            errors = self._errors.pop("version")
            self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield")).extend(errors)

    # Set by handle_form when a save conflicts with someone else's
    # (core.conflicts.Conflict); rendered by components/edit_conflict.html.
    edit_conflict = None

    @property
    def edit_fingerprint(self) -> str:
        """The hidden value that tells, on a conflict, which fields someone
        else changed since this form was loaded (``core.conflicts``)."""
        return edit_fingerprint(self)

    # Service error keys that a form shows on a differently named field.
    service_field_map: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = self.service_field_map.get(name, name)
                target = target if target in self.fields else None
                if name == NON_FIELD_ERRORS:
                    target = None
                for e in errors:
                    self.add_error(target, e)
        else:
            self.add_error(None, error)


def prepare_length_limit(name: str, field: forms.Field) -> None:
    """Check a text field's length on the server, never by the browser.

    A ``maxlength`` attribute makes the browser drop whatever is typed or
    pasted past the limit without a word, so it is removed: the server
    refuses the text with "<Label> must be N characters or fewer" and keeps
    it on the page. A textarea also gets GOV.UK's character count, which
    tells the person how many characters they have left as they type
    (``templates/gds/field.html`` reads ``widget.max_characters``).
    """
    max_length = getattr(field, "max_length", None)
    if not max_length:
        return
    widget = field.widget
    widget.attrs.pop("maxlength", None)
    label = str(field.label or name.replace("_", " ").capitalize())
    field.error_messages.setdefault("max_length", f"{label} must be {max_length:,} characters or fewer")
    if isinstance(widget, forms.Textarea) and not getattr(widget, "max_characters", None):
        widget.max_characters = max_length
        classes = widget.attrs.get("class", "").split()
        widget.attrs["class"] = " ".join([*classes, "govuk-js-character-count"])
        # crispy-forms-gds adds the count's "-info" id to this attribute.
        widget.attrs.setdefault("aria-describedby", "")


def gds_date_field(label, *, required=True, help_text=""):
    field = DateInputField(label=label, required=required, help_text=help_text or "For example, 27 3 2025")
    field.require_all_fields = False
    return field
