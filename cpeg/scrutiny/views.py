"""Pages for scrutiny: stop and search figures by borough, the searches
behind each figure, imports of police.uk files, monitoring meetings."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import custody_visitor_records_of, require_perm
from cpeg.activities.selectors import activity_queryset
from cpeg.core.fiscal import FinancialYear, london_today
from cpeg.core.views_helpers import handle_form
from cpeg.groups.selectors import group_get_for
from cpeg.scrutiny import exports, selectors, services
from cpeg.scrutiny.forms import ImportUploadForm, IssueResolutionForm, MeetingForm, VisitChangeForm, VisitForm
from cpeg.scrutiny.periods import Period

PAGE_SIZE = 50


def _period(request, months) -> Period | None:
    raw = request.GET.get("period")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError as error:
            raise Http404("No such period") from error
    return selectors.latest_period(months)


def _period_options(months) -> list[Period]:
    """Each imported month, and the quarters and years they fall in."""
    options, seen = [], set()
    for month in sorted(months):
        for period in Period.month(month).covering():
            if period.key not in seen:
                seen.add(period.key)
                options.append(period)
    order = {"year": 0, "quarter": 1, "month": 2}
    return sorted(options, key=lambda p: (order[p.kind], p.starts_on))


@login_required
def index(request):
    """The boroughs whose stop and search figures the user may read."""
    require_perm(request.user, "scrutiny.view_stopsearch_index")
    months = selectors.imported_months()
    return render(
        request,
        "scrutiny/index.html",
        {
            "boroughs": list(selectors.boroughs_for(user=request.user)),
            "period": selectors.latest_period(months),
            "months": months,
            "can_import": request.user.has_perm("scrutiny.import_stopsearch"),
        },
    )


@login_required
def borough_figures(request, pk):
    borough = selectors.borough_get_for(user=request.user, pk=pk)
    months = selectors.imported_months()
    period = _period(request, months)
    figures = selectors.borough_figures(borough=borough, period=period) if period else None
    groups = list(borough.groups.all())
    return render(
        request,
        "scrutiny/borough_figures.html",
        {
            "borough": borough,
            "figures": figures,
            "period": period,
            "options": _period_options(months),
            "groups": [g for g in groups if request.user.has_perm("scrutiny.view_monitoringmeeting", g)],
        },
    )


@login_required
def borough_stops(request, pk):
    """Exactly the searches behind one figure (period, breakdown and value)."""
    borough = selectors.borough_get_for(user=request.user, pk=pk)
    period = _period(request, selectors.imported_months())
    if period is None:
        raise Http404("No stop and search data")
    by = request.GET.get("by") or None
    value, label = None, ""
    if by is not None:
        if by not in selectors.BREAKDOWNS:
            raise Http404("No such breakdown")
        try:
            value = selectors.parse_value(by, request.GET.get("value", ""))
        except ValueError as error:
            raise Http404("No such value") from error
        label = f"{selectors.BREAKDOWNS[by][1]}: {selectors.value_label(by, value)}"
    stops = selectors.stops_for(borough=borough, period=period, by=by, value=value)
    page = Paginator(stops, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"period": period.key}
    if by:
        query.update(by=by, value=request.GET.get("value", ""))
    return render(
        request,
        "scrutiny/borough_stops.html",
        {
            "borough": borough,
            "period": period,
            "label": label,
            "page": page,
            "query": urlencode(query),
            "back_url": reverse("scrutiny:borough-figures", kwargs={"pk": borough.pk}) + f"?period={period.key}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    """Officers: upload a police.uk month; the imports so far."""
    require_perm(request.user, "scrutiny.import_stopsearch")
    form = ImportUploadForm(request.POST or None, request.FILES or None)

    def save(form):
        upload = form.cleaned_data["file"]
        return services.stop_search_import_queue(
            force=form.cleaned_data["force"],
            month=form.cleaned_data["month"],
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
        )

    return handle_form(
        request,
        form=form,
        template="scrutiny/import_list.html",
        context={"imports": list(selectors.import_list())},
        save=save,
        success_message="File uploaded: the import has started",
        success_url=lambda record: reverse("scrutiny:import-detail", kwargs={"pk": record.pk}),
    )


@login_required
def import_detail(request, pk):
    require_perm(request.user, "scrutiny.import_stopsearch")
    try:
        record = selectors.import_get(pk=pk)
    except selectors.StopSearchImport.DoesNotExist as error:
        raise Http404 from error
    return render(request, "scrutiny/import_detail.html", {"record": record})


@login_required
def meeting_list(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="scrutiny.view_monitoringmeeting")
    return render(
        request,
        "scrutiny/meeting_list.html",
        {
            "group": group,
            "meetings": list(selectors.meetings_for(user=request.user, group=group)),
            "can_record": request.user.has_perm("scrutiny.change_monitoringmeeting", group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="scrutiny.change_monitoringmeeting")
    activities = activity_queryset(group_ids=[group.pk]).order_by("-held_on", "-id")
    form = MeetingForm(request.POST or None, activities=activities)
    list_url = reverse("scrutiny:meeting-list", kwargs={"pk": group.pk})
    return handle_form(
        request,
        form=form,
        template="scrutiny/meeting_form.html",
        context={"group": group, "title": "Record a stop and search monitoring meeting", "cancel_url": list_url},
        save=lambda form: services.meeting_record(group=group, actor=request.user, **form.cleaned_data),
        success_message="Meeting recorded",
        success_url=list_url,
    )


# --- Independent custody visiting ------------------------------------------------


def _custody_period(request) -> Period:
    raw = request.GET.get("period")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError as error:
            raise Http404("No such period") from error
    return Period.year(FinancialYear.current())


def _to_date(period: Period) -> bool:
    """The period is still running (its figures are "to date")."""
    return period.ends_on >= london_today() >= period.starts_on


@login_required
def custody_summary(request):
    """Visits per panel and London-wide for a quarter or financial year."""
    require_perm(request.user, "scrutiny.view_custody_summary")
    period = _custody_period(request)
    rows, total = selectors.custody_summary(user=request.user, period=period)
    year = FinancialYear.current()
    options = []
    for fy in (year, year.previous()):
        options.append(Period.year(fy))
        options.extend(Period.quarter(q) for q in fy.quarters)
    return render(
        request,
        "scrutiny/custody_summary.html",
        {
            "period": period,
            "rows": rows,
            "total": total,
            "options": options,
            "to_date": _to_date(period),
        },
    )


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _custody_return(request, fmt: str) -> HttpResponse:
    """The summary page's figures as the national association's return: the
    same period, the same panels, the same selector."""
    require_perm(request.user, "scrutiny.view_custody_summary")
    period = _custody_period(request)
    rows, total = selectors.custody_summary(user=request.user, period=period)
    period_label = f"{period.label} to date" if _to_date(period) else period.label
    lines = exports.return_rows(
        rows, total, period_label=period_label, total_label=selectors.custody_total_label(rows=rows)
    )
    if fmt == "csv":
        body = exports.return_csv(lines)
    else:
        body = exports.return_xlsx(lines, title=f"Independent custody visiting: {period_label}")
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    name = "custody-visiting-return-" + period.key.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def custody_return_csv(request):
    return _custody_return(request, "csv")


@login_required
def custody_return_xlsx(request):
    return _custody_return(request, "xlsx")


@login_required
def panel_visits(request, pk):
    panel = selectors.panel_get_for(user=request.user, pk=pk)
    period = _custody_period(request)
    outstanding = request.GET.get("outstanding") == "1"
    visits = selectors.visits_for(panel=panel, period=period, outstanding=outstanding)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"period": period.key, **({"outstanding": "1"} if outstanding else {})}
    return render(
        request,
        "scrutiny/panel_visits.html",
        {
            "panel": panel,
            "period": period,
            "page": page,
            "outstanding": outstanding,
            "query": urlencode(query),
            "can_record": request.user.has_perm("scrutiny.record_custodyvisit", panel),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    panel = selectors.panel_get_for(user=request.user, pk=pk)
    require_perm(request.user, "scrutiny.record_custodyvisit", panel)
    # A visitor recording their own visit starts as the first of the pair.
    own = [pk for pk, panel_id in custody_visitor_records_of(request.user).items() if panel_id == panel.pk]
    form = VisitForm(request.POST or None, panel=panel, initial={"first_visitor": own[0]} if own else None)
    return handle_form(
        request,
        form=form,
        template="scrutiny/visit_form.html",
        context={"panel": panel, "cancel_url": reverse("scrutiny:panel-visits", kwargs={"pk": panel.pk})},
        save=lambda form: services.custody_visit_record(panel=panel, actor=request.user, **form.visit_fields()),
        success_message="Visit recorded",
        success_url=lambda visit: reverse("scrutiny:visit-detail", kwargs={"pk": visit.pk}),
    )


def _visit_for(request, pk):
    visit = get_object_or_404(
        selectors.CustodyVisit.objects.select_related("panel", "suite", "first_visitor", "second_visitor"), pk=pk
    )
    if not request.user.has_perm("scrutiny.view_custodypanel", visit.panel):
        raise Http404
    return visit


@login_required
def visit_detail(request, pk):
    visit = _visit_for(request, pk)
    can_resolve = bool(visit.issues_raised.strip()) and request.user.has_perm(
        "scrutiny.resolve_custody_issue", visit.panel
    )
    return render(
        request,
        "scrutiny/visit_detail.html",
        {
            "visit": visit,
            "can_resolve": can_resolve,
            "can_change": request.user.has_perm("scrutiny.change_custodyvisit", visit),
            "history": selectors.visit_history(visit=visit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    """Correct a saved visit's report (an officer, or one of the pair)."""
    visit = _visit_for(request, pk)
    require_perm(request.user, "scrutiny.change_custodyvisit", visit)
    form = VisitChangeForm(request.POST or None, visit=visit)
    detail_url = reverse("scrutiny:visit-detail", kwargs={"pk": visit.pk})
    return handle_form(
        request,
        form=form,
        template="scrutiny/visit_form.html",
        context={"panel": visit.panel, "visit": visit, "cancel_url": detail_url},
        save=lambda form: services.custody_visit_change(visit=visit, actor=request.user, **form.visit_fields()),
        success_message=lambda saved: (
            "Visit report changed" if saved.version != visit.version else "No changes: the report is as it was"
        ),
        success_url=detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_resolve(request, pk):
    """Record (or correct) when and how a visit's issues were resolved."""
    visit = _visit_for(request, pk)
    require_perm(request.user, "scrutiny.resolve_custody_issue", visit.panel)
    if not visit.issues_raised.strip():
        raise Http404("This visit raised no issues")
    form = IssueResolutionForm(
        request.POST or None,
        initial={
            "issues_resolved_on": visit.issues_resolved_on,
            "resolution": visit.resolution,
            "version": visit.version,
        },
    )
    return handle_form(
        request,
        form=form,
        template="scrutiny/visit_resolve.html",
        context={"visit": visit, "cancel_url": reverse("scrutiny:panel-issues", kwargs={"pk": visit.panel_id})},
        save=lambda form: services.custody_issue_resolve(visit=visit, actor=request.user, **form.cleaned_data),
        success_message="Resolution recorded",
        success_url=lambda visit: reverse("scrutiny:panel-issues", kwargs={"pk": visit.panel_id}),
    )


def _issues_page(request, visits):
    """A page of outstanding issues, each marked with whether the user may
    record its resolution (decided once per panel on the page)."""
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    allowed = {}
    for visit in page:
        if visit.panel_id not in allowed:
            allowed[visit.panel_id] = request.user.has_perm("scrutiny.resolve_custody_issue", visit.panel)
        visit.can_resolve = allowed[visit.panel_id]
    return page


@login_required
def outstanding_issues(request):
    """Issues raised on visits and not yet resolved: every panel the user may
    see (London-wide for officers), counted per panel, oldest first."""
    require_perm(request.user, "scrutiny.view_custody_summary")
    rows = selectors.outstanding_by_panel(user=request.user)
    page = _issues_page(request, selectors.outstanding_issues(user=request.user))
    return render(
        request,
        "scrutiny/outstanding_issues.html",
        {"rows": rows, "total": sum(r.count for r in rows), "page": page, "panel": None},
    )


@login_required
def panel_issues(request, pk):
    """One panel's visits with issues outstanding, oldest first."""
    panel = selectors.panel_get_for(user=request.user, pk=pk)
    page = _issues_page(request, selectors.outstanding_issues(user=request.user, panel=panel))
    return render(request, "scrutiny/outstanding_issues.html", {"rows": None, "page": page, "panel": panel})


def public_pack(request, pk):
    """The published version of a borough's pack: anyone may read it."""
    borough = get_object_or_404(selectors.Borough, pk=pk)
    months = selectors.imported_months()
    period = _period(request, months)
    if period is None:  # nothing imported yet: the public group page links here all the same
        return render(request, "scrutiny/public_pack_none.html", {"borough": borough})
    return render(
        request,
        "scrutiny/public_pack.html",
        {"borough": borough, "period": period, **selectors.public_pack(borough=borough, period=period)},
    )


def _pack_pdf(request, borough, period, pack: dict, name: str) -> HttpResponse:
    """A pack as a tagged PDF (PDF/UA-1: structure tree, reading order, table
    headers, title and language), drawn by WeasyPrint from the same figures,
    charts and tables as the pages."""
    from weasyprint import HTML

    html = render_to_string(
        "scrutiny/pack_pdf.html",
        {
            "borough": borough,
            "period": period,
            "authority_name": settings.AUTHORITY_NAME,
            "today": london_today(),
            **pack,
        },
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{borough.slug}-{period.key.replace("/", "-")}.pdf"'
    return response


@login_required
def borough_pack_pdf(request, pk):
    """The monitoring group's pack for a borough and period, as a PDF."""
    borough = selectors.borough_get_for(user=request.user, pk=pk)
    period = _period(request, selectors.imported_months())
    if period is None:
        raise Http404("No stop and search data")
    pack = selectors.monitoring_pack(borough=borough, period=period)
    return _pack_pdf(request, borough, period, pack, "stop-and-search-pack")


def public_pack_pdf(request, pk):
    """The published version of a borough's pack, as a PDF: anyone may read it."""
    borough = get_object_or_404(selectors.Borough, pk=pk)
    period = _period(request, selectors.imported_months())
    if period is None:
        raise Http404("No stop and search data")
    pack = selectors.public_pack(borough=borough, period=period)
    return _pack_pdf(request, borough, period, pack, "stop-and-search-public")
