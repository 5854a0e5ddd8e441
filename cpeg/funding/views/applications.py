"""Pages for a group's funding: its applications, the application form
(work programme, budget, other support, local consultation), submitting and
reopening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cpeg.accounts.access import require_perm
from cpeg.core.errors import InvalidTransition
from cpeg.core.views_helpers import handle_form
from cpeg.funding import selectors, services, workflow
from cpeg.funding.forms import ApplicationForm, BudgetLineForm, OtherSupportForm
from cpeg.funding.models import Award, BudgetLine, FundingRound, OtherSupport
from cpeg.groups.selectors import group_get_for


def _invalid(request, error: InvalidTransition, url):
    messages.error(request, str(error))
    return redirect(url)


@login_required
def group_applications(request, pk):
    group = group_get_for(user=request.user, pk=pk)
    require_perm(request.user, "funding.view_fundinground")
    page = selectors.group_funding_page(group=group)
    for application in page.applications:
        application.shown_status, application.shown_status_label = workflow.status_shown(request.user, application)
    return render(
        request,
        "funding/group_applications.html",
        {
            "group": group,
            "page": page,
            "can_apply": request.user.has_perm("funding.change_fundingapplication", group),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def application_start(request, pk, round_pk):
    group = group_get_for(user=request.user, pk=pk, perm="funding.change_fundingapplication")
    funding_round = get_object_or_404(FundingRound, pk=round_pk)
    try:
        application = services.application_start(funding_round=funding_round, group=group, actor=request.user)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
        return redirect("funding:group-applications", pk=group.pk)
    messages.success(request, "Application started. Your answers are saved as a draft until you submit.")
    return redirect("funding:application-detail", pk=application.pk)


@login_required
def application_detail(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk)
    user = request.user
    show_scores = workflow.can_see_scores(user, application)
    page = selectors.application_page(application=application, show_scores=show_scores)
    can_change = workflow.can_change_application(user, application)
    shown_status, shown_status_label = workflow.status_shown(user, application)
    return render(
        request,
        "funding/application_detail.html",
        {
            "application": application,
            "group": application.group,
            "page": page,
            "show_scores": show_scores,
            "shown_status": shown_status,
            "shown_status_label": shown_status_label,
            "can_change": can_change,
            "problems": services.application_problems(application) if can_change else {},
            "deadline": services.submission_deadline(application),
            "can_assess": workflow.can_assess_application(user, application),
            "can_moderate": workflow.can_moderate_application(user, application),
            "can_reopen": workflow.can_reopen_application(user, application),
            "award": Award.objects.filter(application=application).first(),
            "history": selectors.application_history(application=application, show_scores=show_scores),
        },
    )


def _editable_application(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.change_fundingapplication")
    if not workflow.is_application_editable(application):
        messages.error(request, "This application has been submitted, so it can no longer be changed")
        return application, redirect(application.get_absolute_url())
    return application, None


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    items = list(application.work_programme.all())
    consultations = list(application.consultations.all())
    initial = {
        name: getattr(application, name) for name in ("work_programme_summary", "priorities", "targets", "outcomes")
    }
    initial["version"] = application.version
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, initial=initial, items=items, consultations=consultations
    )
    return handle_form(
        request,
        form=form,
        template="funding/application_form.html",
        context={
            "title": "Work programme, priorities and local consultation",
            "application": application,
            "group": application.group,
            "cancel_url": application.get_absolute_url(),
            "submit_label": "Save draft",
        },
        save=lambda f: services.application_update(
            application=application, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Draft saved",
        success_url=application.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_add(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    form = BudgetLineForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": "Add a budget line",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#budget",
        },
        save=lambda f: services.budget_line_add(application=application, actor=request.user, data=f.service_data()),
        success_message="Budget line added",
        success_url=application.get_absolute_url() + "#budget",
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request, pk, line_pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    line = get_object_or_404(BudgetLine, pk=line_pk, application=application)
    initial = {
        name: getattr(line, name)
        for name in (
            "category",
            "description",
            "post_title",
            "hours_per_week",
            "salary_amount",
            "on_costs_amount",
            "amount",
            "note",
        )
    }
    initial["version"] = line.version
    form = BudgetLineForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": f"Change budget line: {line.description}",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#budget",
        },
        save=lambda f: services.budget_line_update(
            line=line, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Budget line saved",
        success_url=application.get_absolute_url() + "#budget",
    )


def _remove_from_application(request, pk, *, model, item_pk, remove, message, anchor):
    """Remove one of an editable application's rows (a budget line, a support
    entry) through its service; a row already gone (a second click) is fine."""
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    item = model.objects.filter(pk=item_pk, application=application).first()
    if item is not None:
        remove(item)
    messages.success(request, message)
    return redirect(application.get_absolute_url() + anchor)


@login_required
@require_POST
def budget_line_delete(request, pk, line_pk):
    return _remove_from_application(
        request,
        pk,
        model=BudgetLine,
        item_pk=line_pk,
        remove=lambda line: services.budget_line_delete(line=line, actor=request.user),
        message="Budget line removed",
        anchor="#budget",
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_support_add(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    form = OtherSupportForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": "Add in-kind support or other funding",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#support",
        },
        save=lambda f: services.other_support_add(application=application, actor=request.user, data=f.cleaned_data),
        success_message="Support added",
        success_url=application.get_absolute_url() + "#support",
    )


@login_required
@require_POST
def other_support_delete(request, pk, support_pk):
    return _remove_from_application(
        request,
        pk,
        model=OtherSupport,
        item_pk=support_pk,
        remove=lambda support: services.other_support_delete(support=support, actor=request.user),
        message="Support removed",
        anchor="#support",
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.submit_fundingapplication")
    errors = []
    if request.method == "POST":
        try:
            services.application_submit(
                application=application, actor=request.user, loaded_version=request.POST.get("version") or None
            )
        except ValidationError as error:
            errors = error.messages
        except InvalidTransition as error:
            errors = [str(error)]
        else:
            messages.success(request, "Application submitted. The authority will assess it after the deadline.")
            return redirect(application.get_absolute_url())
    page = selectors.application_page(application=application, show_scores=False)
    return render(
        request,
        "funding/application_submit.html",
        {
            "application": application,
            "group": application.group,
            "page": page,
            "errors": errors,
            "awaits_submission": workflow.awaits_submission(application),
            "problems": services.application_problems(application),
            "deadline": services.submission_deadline(application),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def application_reopen(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    application = selectors.application_get_for(user=request.user, pk=pk)
    try:
        application = services.application_reopen(
            application=application, actor=request.user, reason=request.POST.get("reason", "")
        )
    except InvalidTransition as error:
        return _invalid(request, error, application.get_absolute_url())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(application.get_absolute_url())
    messages.success(
        request, f"Application reopened. The group may submit it until {application.late_submission_until:%-d %B %Y}."
    )
    return redirect(application.get_absolute_url())
