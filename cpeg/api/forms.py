from django import forms

from cpeg.core.forms import GovukFormMixin


class TokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, the name of the tool that will use it",
        max_length=100,
        error_messages={"required": "Enter what the token is for", "max_length": "Enter 100 characters or fewer"},
    )


class RevokeForm(GovukFormMixin, forms.Form):
    confirm = forms.ChoiceField(
        label="Are you sure you want to revoke this token?",
        choices=[("yes", "Yes, revoke it: tools using it stop working"), ("no", "No, keep it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes to revoke the token, or no to keep it"},
    )
