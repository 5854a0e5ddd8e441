"""Pages for quarterly returns: a group's returns, one return (its task list,
each section's answers, check your answers and submit, review, update its
figures), support follow-up and the settings.

A GET never writes: returns open through the daily command or an officer's
"Open missing returns" button, and a return's figures change when the group
asks ("Update figures from the activity record") or submits it. The
early-warning dashboard and the scorecard are in ``reporting.monitoring``;
so is a return's spend section, which the return page shows (the one place a
monitoring view reads reporting, as ``docs/adr`` records).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpeg.accounts.access import require_perm
from cpeg.core.errors import InvalidTransition
from cpeg.core.views_helpers import handle_form
from cpeg.groups.selectors import group_get_for
from cpeg.monitoring import sections as sections_module
from cpeg.monitoring import selectors, services, workflow
from cpeg.monitoring.forms import MonitoringSettingsForm, ReturnForm, ReviewForm, SupportProvidedForm
from cpeg.monitoring.models import MonitoringSettings
from cpeg.reporting.monitoring.selectors import return_spend


def _today():
    return timezone.localdate()


@login_required
def return_list(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="monitoring.view_quarterlyreturn")
    returns = list(selectors.return_list_for_group(group=group))
    return render(
        request,
        "monitoring/return_list.html",
        {
            "group": group,
            "returns": returns,
            "today": _today(),
            "can_open_returns": workflow.can_open_returns(request.user, group),
        },
    )


@login_required
@require_POST
def returns_open(request, pk):
    """An officer opens the group's returns still missing for ended quarters."""
    group = group_get_for(user=request.user, pk=pk, perm="monitoring.view_quarterlyreturn")
    require_perm(request.user, "monitoring.open_quarterlyreturn", group)
    opened = services.returns_open_missing(group=group, actor=request.user, today=_today())
    if opened:
        messages.success(request, f"Opened {len(opened)} return{'s' if len(opened) != 1 else ''}")
    else:
        messages.success(request, "No returns were missing")
    return redirect("monitoring:return-list", pk=group.pk)


def _detail_context(request, qr):
    page = selectors.return_page(quarterly_return=qr)
    user = request.user
    selectors.attach_evidence(page.lines, selectors.line_evidence(quarterly_return=qr, user=user))
    return {
        "qr": qr,
        "group": qr.group,
        "page": page,
        "today": _today(),
        "can_change": workflow.can_edit(user, qr),
        "can_refresh": workflow.can_refresh_figures(user, qr),
        "can_submit": workflow.can_submit(user, qr),
        "can_review": workflow.can_review(user, qr),
        "can_decide_counts": workflow.can_decide_counts(user, qr),
        "is_editable": workflow.is_editable(qr),
        "is_frozen": workflow.is_frozen(qr),
        "is_returned": workflow.is_returned(qr),
        "support_line_ids": {line.pk for line in page.lines if workflow.can_provide_support(user, line)},
        "spend": return_spend(quarterly_return=qr),
        "can_report_spend": user.has_perm("funding.change_fundingapplication", qr.group),
    }


@login_required
def return_detail(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk)
    return render(request, "monitoring/return_detail.html", _detail_context(request, qr))


@login_required
@require_POST
def return_refresh(request, pk):
    """The group brings a draft or returned return's figures up to date."""
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.change_quarterlyreturn")
    try:
        changed = services.return_refresh_figures(quarterly_return=qr, actor=request.user)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "Figures updated from the activity record" if changed else "The figures were already up to date"
        )
    return redirect(qr.get_absolute_url())


@login_required
@require_POST
def return_counts(request, pk):
    """An officer updates a frozen return's counts to the activity record, or keeps them."""
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.review_quarterlyreturn")
    update = request.POST.get("decision") == "update"
    try:
        codes = services.return_counts_decide(quarterly_return=qr, actor=request.user, update=update)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        if not codes:
            messages.success(request, "The counts already match the activity record")
        elif update:
            messages.success(request, "Counts updated to the activity record")
        else:
            messages.success(request, "Counts kept as submitted")
    return redirect(qr.get_absolute_url())


def _sections_of(qr):
    return sections_module.return_sections(selectors.return_page(quarterly_return=qr).lines)


def _section_url(qr, number: int) -> str:
    return reverse("monitoring:return-section", kwargs={"pk": qr.pk, "number": number})


def _field_anchor(key: str) -> str:
    """The element an error about a line's field links to: a text box, or a
    radio group's first radio."""
    return f"id_{key}_1" if key.endswith("-rag") else f"id_{key}"


def _not_editable(request, qr):
    messages.error(request, workflow.NOT_EDITABLE_MESSAGE)
    return redirect(qr.get_absolute_url())


@login_required
@require_GET
def return_edit(request, pk):
    """The task list: the return's sections, each with its status worked out
    from what is saved, then "Check your answers and submit"."""
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.change_quarterlyreturn")
    if not workflow.is_editable(qr):
        return _not_editable(request, qr)
    sections = _sections_of(qr)
    spend = return_spend(quarterly_return=qr)
    return render(
        request,
        "monitoring/return_tasks.html",
        {
            "qr": qr,
            "group": qr.group,
            "sections": [(s, _section_url(qr, s.number)) for s in sections],
            "completed": sum(1 for s in sections if s.is_completed),
            "spend": spend,
            "spend_status": _spend_status(spend),
            "is_returned": workflow.is_returned(qr),
            "can_submit": workflow.can_submit(request.user, qr),
        },
    )


def _spend_status(spend) -> str:
    """The spend task's status, from the group's spend report for the quarter."""
    if not spend.award:
        return ""
    report = spend.position.report if spend.position else None
    if report is None:
        return sections_module.STATUS_LABELS[sections_module.NOT_STARTED]
    if report.submitted_at:
        return sections_module.STATUS_LABELS[sections_module.COMPLETED]
    return sections_module.STATUS_LABELS[sections_module.IN_PROGRESS]


@login_required
@require_http_methods(["GET", "POST"])
def return_section(request, pk, number):
    """One section of the return, saved on its own (the return's edit
    version guards it as the whole return did); errors are about this
    section's fields only."""
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.change_quarterlyreturn")
    if not workflow.is_editable(qr):
        return _not_editable(request, qr)
    page = selectors.return_page(quarterly_return=qr)
    sections = sections_module.return_sections(page.lines)
    if not 1 <= number <= len(sections):
        raise Http404("No such section")
    selectors.attach_evidence(page.lines, selectors.line_evidence(quarterly_return=qr, user=request.user))
    section = sections[number - 1]
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        lines=section.lines,
        activity_urls=page.activity_urls,
        initial={"version": qr.version},
    )
    tasks_url = reverse("monitoring:return-edit", kwargs={"pk": qr.pk})
    return handle_form(
        request,
        form=form,
        template="monitoring/return_form.html",
        context={
            "qr": qr,
            "group": qr.group,
            "section": section,
            "section_count": len(sections),
            "cancel_url": tasks_url,
            "is_returned": workflow.is_returned(qr),
        },
        save=lambda f: services.return_save(
            quarterly_return=qr, actor=request.user, answers=f.answers(), loaded_version=f.cleaned_data["version"]
        ),
        success_message=f"{section.title}: saved",
        success_url=tasks_url,
    )


def _check_context(request, qr):
    page = selectors.return_page(quarterly_return=qr)
    sections = sections_module.return_sections(page.lines)
    can_change = workflow.can_edit(request.user, qr)
    return {
        "qr": qr,
        "group": qr.group,
        "page": page,
        "sections": [(s, _section_url(qr, s.number)) for s in sections],
        "missing": [
            {"text": m.message, "href": f"{_section_url(qr, s.number)}#{_field_anchor(m.key)}"}
            for s in sections
            for m in s.missing
        ],
        "can_change": can_change,
        "can_submit": workflow.can_submit(request.user, qr),
        "can_review": workflow.can_review(request.user, qr),
        "is_editable": workflow.is_editable(qr),
        "tasks_url": reverse("monitoring:return-edit", kwargs={"pk": qr.pk}),
    }


@login_required
@require_GET
def return_check(request, pk):
    """Check your answers: every section's answers with a link back to change
    them, what is still missing, and the button that submits the return.
    Officers read it too (and review the return from it)."""
    qr = selectors.return_get_for(user=request.user, pk=pk)
    return render(request, "monitoring/return_check.html", _check_context(request, qr))


@login_required
@require_POST
def return_submit(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.submit_quarterlyreturn")
    try:
        services.return_submit(quarterly_return=qr, actor=request.user, loaded_version=request.POST.get("version"))
    except InvalidTransition as error:
        messages.error(request, str(error))
        return redirect(qr.get_absolute_url())
    except ValidationError as error:
        qr.refresh_from_db()
        context = _check_context(request, qr)
        context["submit_errors"] = _messages_of(error, context["sections"])
        context["page_has_errors"] = True
        return render(request, "monitoring/return_check.html", context, status=400)
    messages.success(request, "Return submitted to the authority")
    return redirect(qr.get_absolute_url())


def _messages_of(error: ValidationError, sections) -> list[dict]:
    """Each message, linking to the field it is about in its section (or to
    the answers on the check page)."""
    section_of = {}
    for section, url in sections:
        for line in section.lines:
            section_of[line.pk] = url
    items = []
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            href = "#answers"
            if key.startswith("line-"):
                line_id = int(key.split("-")[1])
                if line_id in section_of:
                    href = f"{section_of[line_id]}#{_field_anchor(key)}"
            for e in errors:
                text = e.message % e.params if e.params else e.message
                items.append({"text": text, "href": href})
    else:
        for text in error.messages:
            items.append({"text": text, "href": "#answers"})
    return items


@login_required
@require_http_methods(["GET", "POST"])
def return_review(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.review_quarterlyreturn")
    if not workflow.can_review(request.user, qr):
        messages.error(request, workflow.NOT_IN_REVIEW_MESSAGE)
        return redirect(qr.get_absolute_url())
    form = ReviewForm(request.POST or None, initial={"version": qr.version})
    accepting = request.POST.get("decision") == "accept"

    def save(f):
        if f.cleaned_data["decision"] == "accept":
            return services.return_accept(
                quarterly_return=qr, actor=request.user, loaded_version=f.cleaned_data["version"]
            )
        return services.return_send_back(
            quarterly_return=qr,
            actor=request.user,
            comments=f.cleaned_data["officer_comments"],
            loaded_version=f.cleaned_data["version"],
        )

    return handle_form(
        request,
        form=form,
        template="monitoring/return_review.html",
        context={
            "qr": qr,
            "group": qr.group,
            "page": selectors.return_page(quarterly_return=qr),
            "cancel_url": qr.get_absolute_url(),
            "submit_label": "Confirm decision",
        },
        save=save,
        success_message="Return accepted" if accepting else "Return sent back to the group with your comments",
        success_url=qr.get_absolute_url(),
    )


def _safe_next(request, *, fallback: str) -> str:
    """The ``?next=`` address if it stays on this site, else ``fallback``
    (refuses other hosts, schemes and tricks such as ``/\\evil.example``)."""
    next_url = request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def support_provided(request, pk):
    line = selectors.line_get_for(user=request.user, pk=pk)
    qr = line.quarterly_return
    form = SupportProvidedForm(request.POST or None, initial={"version": line.version})
    next_url = _safe_next(request, fallback=qr.get_absolute_url())
    return handle_form(
        request,
        form=form,
        template="monitoring/support_form.html",
        context={"line": line, "qr": qr, "group": qr.group, "cancel_url": next_url, "submit_label": "Mark as provided"},
        save=lambda f: services.support_mark_provided(
            line=line,
            actor=request.user,
            support_given=f.cleaned_data["support_given"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Support marked as provided",
        success_url=next_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    require_perm(request.user, "monitoring.change_settings")
    current = MonitoringSettings.load()
    form = MonitoringSettingsForm(
        request.POST or None,
        initial={
            "deadline_working_days": current.deadline_working_days,
            "reminder_working_days_before": current.reminder_working_days_before,
            "version": current.version,
        },
    )
    url = reverse("reporting:monitoring-dashboard")
    return handle_form(
        request,
        form=form,
        template="monitoring/settings_form.html",
        context={"title": "Quarterly return deadlines and reminders", "cancel_url": url},
        save=lambda f: services.monitoring_settings_update(
            actor=request.user,
            data={k: v for k, v in f.cleaned_data.items() if k != "version"},
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Settings saved",
        success_url=url,
    )
