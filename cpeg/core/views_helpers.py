"""The one shape every editing view follows: form -> service -> redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from cpeg.core import conflicts, signed_out
from cpeg.core.errors import EditConflict, InvalidTransition


def handle_form(request, *, form, template: str, context: dict, save, success_message: str, success_url):
    """Validate ``form``; on success call ``save(form)`` (a service call).

    A ValidationError from the service or an InvalidTransition (a refused
    workflow step) is shown on the form's fields and in its error summary;
    nothing is saved, because each service runs in one transaction. This is
    the one place that catches InvalidTransition for forms.

    An edit conflict (someone else saved the record since this person
    loaded it) re-shows what they typed beside the other person's changes,
    field by field, with the record's current version (``core.conflicts``).
    A form whose POST arrived after the session ended comes back filled in
    with what was typed, once the person has signed in again
    (``core.signed_out``).

    ``success_message`` and ``success_url`` may each be a function of what
    ``save`` returned (say, "No changes" when nothing moved).
    """
    if request.method == "POST":
        conflicts.apply_choices(form)
    elif signed_out.restore_into(request, form):
        messages.info(
            request,
            "You were signed out before your changes were saved. What you typed is below: check it and save again.",
        )
        return render(request, template, {**context, "form": form})
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except EditConflict as error:
            conflict = conflicts.build_conflict(form, error)
            if conflict is None:
                form.add_service_error(error)
            else:
                form.edit_conflict = conflict
                message = conflicts.CONFLICT_MESSAGE if conflict.fields else conflicts.CONFLICT_NO_FIELDS_MESSAGE
                form.add_error(None, ValidationError(message, code="edit_conflict"))
        except ValidationError as error:
            form.add_service_error(error)
        except InvalidTransition as error:
            # A workflow step the record's status no longer allows (someone
            # else moved it on): shown on the form, nothing saved.
            form.add_service_error(ValidationError(str(error)))
        else:
            text = success_message(result) if callable(success_message) else success_message
            messages.success(request, text)
            url = success_url(result) if callable(success_url) else success_url
            return redirect(url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)
