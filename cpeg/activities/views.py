"""Pages for a group's activity record: list, detail, add/edit, documents,
spreadsheet import and its templates."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.activities import checked_files, selectors, services, workflow
from cpeg.activities.choices import PUBLIC_BY_DEFAULT_TYPES, ActivityType, public_by_default
from cpeg.activities.forms import (
    ActivityCreateForm,
    ActivityForm,
    DocumentDeleteForm,
    DocumentForm,
    ImportForm,
    ImportUndoForm,
    RestoreForm,
    WithdrawForm,
)
from cpeg.activities.imports import COLUMNS, template_csv, template_xlsx
from cpeg.activities.outputs import OUTPUT_CHOICES, OutputCatalogue
from cpeg.core.fiscal import FinancialYear, financial_year_choices
from cpeg.core.views_helpers import handle_form
from cpeg.groups.selectors import group_get_for

PAGE_SIZE = 25
SUMMARY_PAGE_SIZE = 50


def _list_url(group) -> str:
    return reverse("activities:activity-list", kwargs={"pk": group.pk})


def _detail_url(activity) -> str:
    return reverse("activities:activity-detail", kwargs={"pk": activity.pk})


def _filter_tags(filters, labels) -> list[tuple[str, str]]:
    """(words, link that removes this filter) for each filter applied."""
    query = filters.as_query()
    tags = []
    for key, words in filters.tags(labels):
        rest = {k: v for k, v in query.items() if k != key}
        tags.append((words, "?" + urlencode(rest) if rest else "?"))
    return tags


@login_required
def activity_summary(request):
    """London-wide: every group's activities in a year, by type, with totals."""
    require_perm(request.user, "activities.view_activity_summary")
    today = timezone.localdate()
    try:
        year = FinancialYear(int(request.GET.get("year", "")))
        if not 1990 <= year.start_year <= today.year:
            raise ValueError
    except ValueError:
        year = FinancialYear.current(today)
    summary = selectors.activity_summary(user=request.user, year=year, today=today)
    # Nobody reads 2,000 rows at once: the groups come SUMMARY_PAGE_SIZE at a
    # time; the London-wide totals above them count every group.
    page = Paginator(summary.rows, SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_summary.html",
        {
            "summary": summary,
            "page": page,
            "query": f"year={year.start_year}",
            "years": financial_year_choices(FinancialYear.current(today), before=5, after=0),
            "types": ActivityType.choices,
        },
    )


@login_required
def activity_list(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="activities.view_activity")
    filters = selectors.ActivityFilters.from_querydict(request.GET)
    page = Paginator(selectors.activity_list_for(group=group, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = filters.as_query()
    today = timezone.localdate()
    year = filters.year or FinancialYear.current(today)
    totals = selectors.activity_totals(group_ids=[group.pk], starts_on=year.starts_on, ends_on=year.ends_on)[group.pk]
    catalogue = OutputCatalogue(group)
    output_choices = catalogue.choices_for(year.starts_on)
    labels = catalogue.labels(year.starts_on)
    return render(
        request,
        "activities/activity_list.html",
        {
            "group": group,
            "page": page,
            "filters": filters,
            "filter_tags": _filter_tags(filters, labels),
            "page_title": filters.title(labels),
            "query": urlencode(query),
            "years": selectors.year_options(group=group),
            "types": ActivityType.choices,
            "when_choices": selectors.When.choices,
            "output_choices": output_choices,
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
            "can_change": workflow.can_edit(request.user, activity),
            "can_withdraw": workflow.can_withdraw(request.user, activity),
            "can_restore": workflow.can_restore(request.user, activity),
            "can_undo_import": activity.import_batch is not None
            and workflow.can_undo_import(request.user, activity.import_batch),
        },
    )


def _form_context(group, title, cancel_url, *, public_follows_type=False):
    return {
        "group": group,
        "title": title,
        "cancel_url": cancel_url,
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
    form = ActivityCreateForm(request.POST if request.method == "POST" else None, group=group, initial=initial)
    if request.method == "POST":
        # The same form posted again (Back then Save, a double click): go
        # to the activity it recorded, without checking the form again.
        already = selectors.activity_for_form_token(group=group, token=form.form_token)
        if already is not None:
            messages.info(request, "This activity was already recorded")
            return redirect(_detail_url(already))
    return handle_form(
        request,
        form=form,
        template="activities/activity_form.html",
        context=_form_context(
            group, "Record an activity", _list_url(group), public_follows_type=request.method == "GET"
        ),
        save=lambda f: services.activity_create(
            group=group, actor=request.user, data=f.service_data(), form_token=f.form_token
        ),
        success_message="Activity recorded",
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    if not workflow.can_edit(request.user, activity):
        messages.info(request, "This activity has been withdrawn: an officer must restore it before it can change")
        return redirect(_detail_url(activity))
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        group=activity.group,
        initial=ActivityForm.initial_for(activity),
    )
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
def activity_withdraw(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.withdraw_activity")
    if not workflow.can_withdraw(request.user, activity):
        messages.info(request, "This activity has already been withdrawn")
        return redirect(_detail_url(activity))
    form = WithdrawForm(request.POST if request.method == "POST" else None, initial={"version": activity.version})
    return handle_form(
        request,
        form=form,
        template="activities/simple_form.html",
        context={
            "group": activity.group,
            "title": f"Withdraw {activity.title}",
            "cancel_url": _detail_url(activity),
            "submit_label": "Withdraw activity",
        },
        save=lambda f: services.activity_withdraw(
            activity=activity,
            actor=request.user,
            reason=f.cleaned_data["reason"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message=f"{activity.title} withdrawn: it is no longer counted",
        success_url=_detail_url(activity),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_restore(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.restore_activity")
    if not workflow.can_restore(request.user, activity):
        messages.info(request, "This activity is not withdrawn")
        return redirect(_detail_url(activity))
    form = RestoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"] == "no":
        return redirect(_detail_url(activity))
    return handle_form(
        request,
        form=form,
        template="activities/simple_form.html",
        context={
            "group": activity.group,
            "title": f"Restore {activity.title}",
            "cancel_url": _detail_url(activity),
            "submit_label": "Continue",
        },
        save=lambda f: services.activity_restore(activity=activity, actor=request.user),
        success_message=f"{activity.title} restored: it is counted again",
        success_url=_detail_url(activity),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request, pk):
    batch = selectors.import_batch_get_for(user=request.user, pk=pk, perm="activities.undo_activityimportbatch")
    if not workflow.can_undo_import(request.user, batch):
        messages.info(request, "This import has already been undone")
        return redirect(_list_url(batch.group))
    form = ImportUndoForm(request.POST if request.method == "POST" else None)
    count = selectors.import_batch_live_count(batch=batch)
    return handle_form(
        request,
        form=form,
        template="activities/simple_form.html",
        context={
            "group": batch.group,
            "title": f"Undo the import of {batch.file_name}",
            "lead": f"Imported on {batch.created_at:%-d %B %Y}. "
            f"{count} activit{'y' if count == 1 else 'ies'} from it will be withdrawn.",
            "cancel_url": _list_url(batch.group),
            "submit_label": "Undo import",
        },
        save=lambda f: services.activity_import_undo(batch=batch, actor=request.user, reason=f.cleaned_data["reason"]),
        success_message=f"Import of {batch.file_name} undone",
        success_url=_list_url(batch.group),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    activity = selectors.activity_get_for(user=request.user, pk=pk, perm="activities.change_activity")
    form = DocumentForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
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
    form = DocumentDeleteForm(request.POST if request.method == "POST" else None)
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


def _import_catalogue_choices(group) -> list[tuple[str, str]]:
    """The outputs to list for an import: the group's for this year, or the
    standard ones when there is no one group."""
    if group is None:
        return OUTPUT_CHOICES
    return OutputCatalogue(group).choices_for(timezone.localdate())


@login_required
@require_http_methods(["GET", "POST"])
def activity_import(request):
    groups = _importable_groups(request)
    initial = {}
    if request.GET.get("group", "").isdigit():
        initial["group"] = int(request.GET["group"])
    checked_key = request.POST.get("checked_file", "") if request.method == "POST" else ""
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        groups=groups,
        initial=initial,
        checked=bool(checked_key),
    )
    result, group, status, kept_key = None, None, 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            group = form.chosen_group()
            dry_run = request.POST.get("action") == "check"
            upload = form.cleaned_data.get("file")
            if upload is None:
                # "Import these activities" after a check: the file kept then.
                upload = checked_files.take(request.session, key=checked_key, group=group)
            if upload is None:
                form.add_error("file", "Select the file again: the file you checked is no longer kept")
            else:
                result = _run_import(request, form, group, upload, dry_run)
                status = 200 if result is not None and result.is_valid else 400
                if result is not None and result.is_valid and dry_run and result.new_rows:
                    kept_key = checked_files.keep(request.session, group=group, file=upload)
                elif result is not None and result.is_valid and not dry_run:
                    checked_files.forget(request.session)
                    # A fresh form (and token) for the next file.
                    form = ImportForm(groups=groups, initial={"group": group.pk})
    if group is None and form.fixed_group is not None:
        group = form.fixed_group
    batch = getattr(result, "batch", None)
    return render(
        request,
        "activities/activity_import.html",
        {
            "form": form,
            "result": result,
            "group": group,
            "columns": COLUMNS,
            "types": ActivityType.choices,
            "output_choices": _import_catalogue_choices(group),
            "can_undo_import": batch is not None and workflow.can_undo_import(request.user, batch),
            # After a clean check: the key of the kept file, so "Import these
            # activities" needs no second upload.
            "checked_file": kept_key,
            # The base template starts the page title with "Error: " for
            # row errors too, not only form errors.
            "page_has_errors": bool(form.errors or (result and result.errors)),
        },
        status=status,
    )


def _run_import(request, form, group, upload, dry_run):
    """Check (or check and import) ``upload``; None if the service refused it."""
    try:
        result = services.activity_import(
            group=group, actor=request.user, file=upload, dry_run=dry_run, form_token=form.form_token
        )
    except ValidationError as error:
        form.add_service_error(error)
        return None
    if result.repeated:
        messages.info(request, f"{result.file_name} was already imported from this page")
    elif result.is_valid and not dry_run:
        messages.success(
            request,
            f"{result.imported} activit{'y' if result.imported == 1 else 'ies'} imported"
            + (f", {result.already_recorded} already recorded" if result.already_recorded else ""),
        )
    return result


def _template_group(request, groups):
    """The group named by ``?group=`` if the person imports for it (or their
    only group), else None: its outputs go in the template's guide."""
    raw = request.GET.get("group", "")
    if raw.isdigit():
        return groups.filter(pk=int(raw)).first()
    return groups[0] if len(groups) == 1 else None


@login_required
def import_template_csv(request):
    _importable_groups(request)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activities-template.csv"'
    return response


@login_required
def import_template_xlsx(request):
    groups = _importable_groups(request)
    group = _template_group(request, groups)
    if group is None:
        content = template_xlsx()
    else:
        year = FinancialYear.current(timezone.localdate())
        content = template_xlsx(
            outputs=OutputCatalogue(group).choices_for_year(year.start_year),
            outputs_heading=f"SLA output ({group.name}, {year.label})",
        )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="activities-template.xlsx"'
    return response
