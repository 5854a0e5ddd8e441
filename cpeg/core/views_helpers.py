"""The one shape every editing view follows: form -> service -> redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from cpeg.core.errors import InvalidTransition


def handle_form(request, *, form, template: str, context: dict, save, success_message: str, success_url):
    """Validate ``form``; on success call ``save(form)`` (a service call).

    A ValidationError from the service (including an edit conflict) or an
    InvalidTransition (a refused workflow step) is shown on the form's
    fields and in its error summary; nothing is saved, because each service
    runs in one transaction. This is the one place that catches
    InvalidTransition for forms.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except ValidationError as error:
            form.add_service_error(error)
        except InvalidTransition as error:
            # A workflow step the record's status no longer allows (someone
            # else moved it on): shown on the form, nothing saved.
            form.add_service_error(ValidationError(str(error)))
        else:
            messages.success(request, success_message)
            url = success_url(result) if callable(success_url) else success_url
            return redirect(url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)
