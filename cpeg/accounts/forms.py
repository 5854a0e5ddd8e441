from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts

from cpeg.core.forms import GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget = forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )


def _new_password_hint() -> str:
    """The rules the configured password validators apply, as one hint."""
    return " ".join(str(text) for text in password_validators_help_texts())


class _NewPasswordMixin:
    """GOV.UK labels and messages for choosing a new password.

    Django's forms put the validators' messages ("This password is too
    short…") on the confirmation box; here they go on the new password,
    which is the box to fix. Saving is a service's job, not the form's.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        new, confirm = self.fields["new_password1"], self.fields["new_password2"]
        new.label = "New password"
        new.help_text = _new_password_hint()
        new.error_messages["required"] = "Enter a new password"
        confirm.label = "Confirm new password"
        confirm.help_text = ""
        confirm.error_messages["required"] = "Enter your new password again"

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)

    def save(self, commit=True):
        raise NotImplementedError("Set passwords through cpeg.accounts.services.")


class PasswordChangeForm(_NewPasswordMixin, GovukFormMixin, auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": "The new passwords do not match",
        "password_incorrect": "Your current password is incorrect",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.fields["old_password"]
        current.label = "Current password"
        current.error_messages["required"] = "Enter your current password"
        # GOV.UK: moving focus on load disorientates screen reader users.
        current.widget.attrs.pop("autofocus", None)


class SetPasswordForm(_NewPasswordMixin, GovukFormMixin, auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": "The new passwords do not match"}


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Ask for the email address on an account.

    Django's form emails every active account with a usable password and
    that address, and nothing else: the page after is the same either way,
    so it does not tell anyone which addresses have accounts.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The email address on your CPEG Manager account"
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
        email.error_messages["max_length"] = "Email address must be 254 characters or fewer"
        email.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})

    def get_users(self, email):
        """Django's matching accounts, less any emailed a link in the last
        RESET_EMAIL_INTERVAL: asking again and again cannot flood a
        person's inbox. The page after is the same either way."""
        from cpeg.accounts import selectors

        for user in super().get_users(email):
            if not selectors.reset_emailed_recently(user=user):
                yield user

    on_send = None

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from cpeg.accounts import services

        services.password_reset_emailed(user=context["user"])
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
        if self.on_send is not None:
            self.on_send(context["user"])


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    """The code from an authenticator app (or, when signing in, a recovery code)."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        if recovery:
            code.help_text = "The 6-digit code your authenticator app shows, or one of your recovery codes"
        else:
            code.help_text = "The 6-digit code your authenticator app shows"
            code.widget.attrs["inputmode"] = "numeric"
            code.error_messages["required"] = "Enter the 6-digit code"
        code.widget.attrs["class"] = "govuk-input--width-10"


class ConfirmForm(GovukFormMixin, forms.Form):
    """A form with no questions: the button is the answer."""


# --- Accounts and roles (issue 9.11) ------------------------------------------


class RoleForm(GovukFormMixin, forms.Form):
    """A role, and the group or borough it is for: only the roles the person
    filling it in may give are offered."""

    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"})
    group = forms.ModelChoiceField(
        label="Group (for a group administrator or executive member)",
        queryset=None,
        required=False,
        empty_label="Choose a group",
        error_messages={"invalid_choice": "Select a group from the list"},
    )
    borough = forms.ModelChoiceField(
        label="Borough (for a link member)",
        queryset=None,
        required=False,
        empty_label="Choose a borough",
        error_messages={"invalid_choice": "Select a borough from the list"},
    )

    def __init__(self, *args, roles, groups, boroughs, fixed_group=None, **kwargs):
        from cpeg.accounts.roles import BOROUGH_ROLES, GROUP_ROLES, Role

        super().__init__(*args, **kwargs)
        self.fixed_group = fixed_group
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        if fixed_group is not None:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups
        if any(r in BOROUGH_ROLES for r in roles):
            self.fields["borough"].queryset = boroughs
        else:
            del self.fields["borough"]
        if "group" in self.fields and not any(r in GROUP_ROLES for r in roles):
            del self.fields["group"]

    def clean(self):
        from cpeg.accounts.roles import BOROUGH_ROLES, GROUP_ROLES

        data = super().clean()
        role = data.get("role")
        if role in GROUP_ROLES and "group" in self.fields and not data.get("group") and "group" not in self.errors:
            self.add_error("group", "Select the group")
        if role in BOROUGH_ROLES and not data.get("borough") and "borough" not in self.errors:
            self.add_error("borough", "Select the borough")
        return data

    def role_data(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "group": self.fixed_group if self.fixed_group is not None else data.get("group"),
            "borough": data.get("borough"),
        }


class InviteForm(RoleForm):
    """A new person's name, email address and first role."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email them a link to choose a password",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = ["first_name", "last_name", "email", "role", "group", "borough"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class RoleEndForm(GovukFormMixin, forms.Form):
    """Confirm ending one role; the form names the role it was loaded for,
    so a stale or empty submission ends nothing."""

    assignment = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assignment_pk: int, **kwargs):
        super().__init__(*args, initial={"assignment": assignment_pk}, **kwargs)
        self.assignment_pk = assignment_pk

    def clean(self):
        data = super().clean()
        if data.get("assignment") != self.assignment_pk:
            self.errors.pop("assignment", None)
            raise forms.ValidationError("This page is out of date. Reload it and try again.")
        return data
