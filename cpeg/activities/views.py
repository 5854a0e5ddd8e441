"""Pages for a group's activity record: list, detail, add/edit, documents,
spreadsheet import and its templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.activities import selectors, services
from cpeg.activities.choices import PUBLIC_BY_DEFAULT_TYPES, ActivityType, public_by_default
from cpeg.activities.forms import ActivityForm, DocumentDeleteForm, DocumentForm, ImportForm
from cpeg.activities.imports import COLUMNS, template_csv, template_xlsx
from cpeg.activities.outputs import OUTPUT_CHOICES
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.groups.selectors import group_get_for

PAGE_SIZE = 25


def _list_url(group) -> str:
    return reverse("activities:activity-list", kwargs={"pk": group.pk})


def _detail_url(activity) -> str:
    return reverse("activities:activity-detail", kwargs={"pk": activity.pk})


@login_required
def activity_list(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="activities.view_activity")
    filters = selectors.ActivityFilters.from_querydict(request.GET)
    page = Paginator(selectors.activity_list_for(group=group, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    year = filters.year or FinancialYear.current(timezone.localdate())
    totals = selectors.activity_totals(group_ids=[group.pk], starts_on=year.starts_on, ends_on=year.ends_on)[group.pk]
    return render(
        request,
        "activities/activity_list.html",
        {
            "group": group,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "years": selectors.year_options(group=group),
            "types": ActivityType.choices,
            "totals": totals,
            "totals_year": year,
            "can_change": request.user.has_perm("activities.change_activity", group),
        },
    )


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "group": activity.group,
            "page": selectors.activity_page(activity=activity),
            "can_change": request.user.has_perm("activities.change_activity", activity),
        },
    )


def _form_context(group, title, cancel_url, *, public_follows_type=False):
    return {
        "group": group,
        "title": title,
        "cancel_url": cancel_url,
        "output_choices": OUTPUT_CHOICES,
        # On a new activity, "show on the public page" follows the chosen
        # type's default (a script) until the person ticks or unticks it.
        "public_by_default_types": sorted(PUBLIC_BY_DEFAULT_TYPES) if public_follows_type else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    initial = {"is_public": False}
    if request.GET.get("type") in ActivityType.values:
        initial["activity_type"] = request.GET["type"]
        initial["is_public"] = public_by_default(request.GET["type"])
    form = ActivityForm(request.POST or None, group=group, initial=initial)
    return handle_form(
        request,
        form=form,
        template="activities/activity_form.html",
        context=_form_context(
            group, "Record an activity", _list_url(group), public_follows_type=request.method == "GET"
        ),
        save=lambda f: services.activity_create(group=group, actor=request.user, data=f.service_data()),
        success_message="Activity recorded",
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    form = ActivityForm(request.POST or None, group=activity.group, initial=ActivityForm.initial_for(activity))
    return handle_form(
        request,
        form=form,
        template="activities/activity_form.html",
        context=_form_context(activity.group, f"Change {activity.title}", _detail_url(activity)),
        save=lambda f: services.activity_update(
            activity=activity, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Activity saved",
        success_url=_detail_url(activity),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    form = DocumentForm(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form=form,
        template="activities/simple_form.html",
        context={
            "group": activity.group,
            "title": f"Add a document to {activity.title}",
            "cancel_url": _detail_url(activity),
            "submit_label": "Upload",
        },
        save=lambda f: services.activity_document_add(
            activity=activity,
            actor=request.user,
            document_type=f.cleaned_data["document_type"],
            file=f.cleaned_data["file"],
        ),
        success_message="Document uploaded",
        success_url=_detail_url(activity),
    )


@login_required
def document_download(request, pk, document_pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk)
    document = selectors.document_get_for(user=request.user, activity=activity, pk=document_pk)
    if not document.file or not document.file.storage.exists(document.file.name):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk, document_pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    document = selectors.document_get_for(
        user=request.user, activity=activity, pk=document_pk, perm="activities.change_activity"
    )
    form = DocumentDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"] == "no":
        return redirect(_detail_url(activity))
    return handle_form(
        request,
        form=form,
        template="activities/simple_form.html",
        context={
            "group": activity.group,
            "title": f"Delete {document.original_name}",
            "cancel_url": _detail_url(activity),
            "submit_label": "Continue",
        },
        save=lambda f: services.activity_document_delete(document=document, actor=request.user),
        success_message=f"{document.original_name} deleted",
        success_url=_detail_url(activity),
    )


def _importable_groups(request):
    groups = selectors.importable_groups(user=request.user)
    if not groups.exists():
        raise PermissionDenied("You cannot import activities.")
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def activity_import(request):
    groups = _importable_groups(request)
    initial = {}
    if request.GET.get("group", "").isdigit():
        initial["group"] = int(request.GET["group"])
    form = ImportForm(request.POST or None, request.FILES or None, groups=groups, initial=initial)
    result, group, status = None, None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            group = form.chosen_group()
            dry_run = request.POST.get("action") == "check"
            try:
                result = services.activity_import(
                    group=group, actor=request.user, file=form.cleaned_data["file"], dry_run=dry_run
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                status = 200 if result.is_valid else 400
                if result.is_valid and not dry_run:
                    messages.success(
                        request,
                        f"{result.imported} activit{'y' if result.imported == 1 else 'ies'} imported"
                        + (f", {result.already_recorded} already recorded" if result.already_recorded else ""),
                    )
    if group is None and form.fixed_group is not None:
        group = form.fixed_group
    return render(
        request,
        "activities/activity_import.html",
        {
            "form": form,
            "result": result,
            "group": group,
            "columns": COLUMNS,
            "types": ActivityType.choices,
            "output_choices": OUTPUT_CHOICES,
            # The base template starts the page title with "Error: " for
            # row errors too, not only form errors.
            "page_has_errors": bool(form.errors or (result and result.errors)),
        },
        status=status,
    )


@login_required
def import_template_csv(request):
    _importable_groups(request)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activities-template.csv"'
    return response


@login_required
def import_template_xlsx(request):
    _importable_groups(request)
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="activities-template.xlsx"'
    return response
