"""Downloads and uploads: a decided round as 360Giving open data (JSON and
spreadsheet, built by the task worker and served as stored) and the import
of a past year's budgets and awards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.funding import importer, selectors
from cpeg.funding.choices import BudgetCategory, OpenDataFormat
from cpeg.funding.forms import HistoryImportForm


def _open_data_download(request, pk, file_format: str, content_type: str):
    require_perm(request.user, "core.view_officer_pages")
    funding_round = selectors.round_get(pk=pk)
    if not funding_round.is_decided:
        raise Http404
    stored = selectors.open_data_file(funding_round=funding_round, file_format=file_format)
    if stored is None:
        # Built by the task worker after the change that made it stale; a
        # GET never writes, so it only says so (202: accepted, not ready).
        label = OpenDataFormat(file_format).label
        return render(request, "funding/open_data_preparing.html", {"round": funding_round, "label": label}, status=202)
    response = HttpResponse(bytes(stored.content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="360giving-{funding_round.financial_year}.{file_format}"'
    return response


@login_required
def export_json(request, pk):
    return _open_data_download(request, pk, OpenDataFormat.JSON, "application/json; charset=utf-8")


@login_required
def export_xlsx(request, pk):
    return _open_data_download(
        request, pk, OpenDataFormat.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request):
    require_perm(request.user, "funding.import_history")
    form = HistoryImportForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    issues = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importer.read_table(form.cleaned_data["file"])
            funding_round = importer.history_import(actor=request.user, rows=rows)
        except importer.HistoryImportError as error:
            issues = error.issues
            form.add_error(
                "file",
                f"The file has {len(issues)} problem{'s' if len(issues) != 1 else ''}. "
                "Nothing has been imported. Correct them and upload it again",
            )
        else:
            messages.success(request, f"Imported {funding_round}")
            return redirect(funding_round.get_absolute_url())
    return render(
        request,
        "funding/history_import.html",
        {"form": form, "issues": issues, "columns": importer.COLUMNS, "categories": BudgetCategory.choices},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_template(request):
    require_perm(request.user, "funding.import_history")
    rows = [
        ",".join(importer.COLUMNS),
        "2008/09,E09000007,Budget,Staffing,Administrator (37.5 hours),30000.00,Salary and on-costs",
        "2008/09,E09000007,Budget,Venue and facilities,Hire of the town hall,2400.00,",
        "2008/09,E09000007,Award,,,32400.00,",
    ]
    response = HttpResponse("\n".join(rows) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="funding-history-template.csv"'
    return response
