"""Pages for quarterly returns: a group's returns, one return (answer, submit,
review), support follow-up, the early-warning dashboard, the scorecard and
the settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from cpeg.accounts.access import require_perm
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.groups.selectors import group_get_for
from cpeg.monitoring import selectors, services, sources
from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.forms import MonitoringSettingsForm, ReturnForm, ReviewForm, SupportProvidedForm
from cpeg.monitoring.models import MonitoringSettings

DASHBOARD_PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _year_from(request, today):
    try:
        return FinancialYear.parse(request.GET.get("year", ""))
    except ValueError:
        return FinancialYear.containing(today)


@login_required
def return_list(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="monitoring.view_quarterlyreturn")
    today = _today()
    # Returns open on their own after each quarter ends (cron); a visit opens any still missing.
    services.returns_open_due(today=today, group_ids=[group.pk])
    returns = list(selectors.return_list_for_group(group=group))
    return render(
        request,
        "monitoring/return_list.html",
        {
            "group": group,
            "returns": returns,
            "today": today,
            "can_change": request.user.has_perm("monitoring.change_quarterlyreturn", group),
            "can_review": request.user.has_perm("monitoring.review_quarterlyreturn", group),
        },
    )


def _detail_context(request, qr):
    page = selectors.return_page(quarterly_return=qr)
    user = request.user
    return {
        "qr": qr,
        "group": qr.group,
        "page": page,
        "today": _today(),
        "can_change": qr.is_editable and user.has_perm("monitoring.change_quarterlyreturn", qr),
        "can_submit": qr.is_editable and user.has_perm("monitoring.submit_quarterlyreturn", qr),
        "can_review": qr.status == ReturnStatus.SUBMITTED and user.has_perm("monitoring.review_quarterlyreturn", qr),
        "is_officer": user.has_perm("monitoring.review_quarterlyreturn", qr),
        "spend": sources.return_spend(group=qr.group, financial_year=qr.financial_year, quarter=qr.quarter),
        "can_report_spend": user.has_perm("funding.change_fundingapplication", qr.group),
    }


@login_required
def return_detail(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk)
    if qr.is_editable:
        services.return_refresh_figures(quarterly_return=qr)
    return render(request, "monitoring/return_detail.html", _detail_context(request, qr))


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.change_quarterlyreturn")
    if not qr.is_editable:
        messages.error(request, services.NOT_EDITABLE_MESSAGE)
        return redirect(qr.get_absolute_url())
    if request.method == "GET":
        services.return_refresh_figures(quarterly_return=qr)
        qr.refresh_from_db()
    page = selectors.return_page(quarterly_return=qr)
    form = ReturnForm(
        request.POST or None, lines=page.lines, activity_urls=page.activity_urls, initial={"version": qr.version}
    )
    submitting = request.POST.get("action") == "submit"

    def save(f):
        if submitting:
            return services.return_save_and_submit(
                quarterly_return=qr, actor=request.user, answers=f.answers(), loaded_version=f.cleaned_data["version"]
            )
        return services.return_save(
            quarterly_return=qr, actor=request.user, answers=f.answers(), loaded_version=f.cleaned_data["version"]
        )

    return handle_form(
        request,
        form=form,
        template="monitoring/return_form.html",
        context={"qr": qr, "group": qr.group, "page": page, "cancel_url": qr.get_absolute_url()},
        save=save,
        success_message="Return submitted to the authority" if submitting else "Return saved as a draft",
        success_url=qr.get_absolute_url(),
    )


@login_required
@require_POST
def return_submit(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.submit_quarterlyreturn")
    try:
        services.return_submit(quarterly_return=qr, actor=request.user, loaded_version=request.POST.get("version"))
    except ValidationError as error:
        qr.refresh_from_db()
        context = _detail_context(request, qr)
        context["submit_errors"] = _messages_of(error)
        context["page_has_errors"] = True
        return render(request, "monitoring/return_detail.html", context, status=400)
    messages.success(request, "Return submitted to the authority")
    return redirect(qr.get_absolute_url())


def _messages_of(error: ValidationError) -> list[dict]:
    """Each message, with the anchor of the line field it is about (if any)."""
    items = []
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            for e in errors:
                text = e.message % e.params if e.params else e.message
                items.append({"text": text, "anchor": f"id_{key}" if key.startswith("line-") else ""})
    else:
        for text in error.messages:
            items.append({"text": text, "anchor": ""})
    return items


@login_required
@require_http_methods(["GET", "POST"])
def return_review(request, pk):
    qr = selectors.return_get_for(user=request.user, pk=pk, perm="monitoring.review_quarterlyreturn")
    if qr.status != ReturnStatus.SUBMITTED:
        messages.error(request, "This return is not waiting for review.")
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
def dashboard(request):
    require_perm(request.user, "monitoring.view_dashboard")
    today = _today()
    year = _year_from(request, today)
    board = selectors.dashboard(
        user=request.user,
        year=year,
        today=today,
        show=request.GET.get("show", ""),
        page=request.GET.get("page"),
        page_size=DASHBOARD_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "board": board,
            "totals": board.totals,
            "page": board.page,
            "query": query.urlencode(),
            "filters": selectors.DASHBOARD_FILTERS,
            "year_choices": selectors.scorecard_year_choices(today=today),
            "can_change_settings": request.user.has_perm("monitoring.change_settings"),
            "can_review": request.user.has_perm("monitoring.review_quarterlyreturn"),
        },
    )


@login_required
def scorecard(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="monitoring.view_quarterlyreturn")
    today = _today()
    card = selectors.scorecard(group=group, year=_year_from(request, today), today=today)
    return render(
        request,
        "monitoring/scorecard.html",
        {"group": group, "card": card, "year_choices": selectors.scorecard_year_choices(today=today)},
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
    url = reverse("monitoring:dashboard")
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
