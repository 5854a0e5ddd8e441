"""Pages for consultations: the list, a consultation with its figures, the
responses behind each figure and their downloads, and a group's response."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import group_ids_of, require_perm
from cpeg.activities.outputs import output_label
from cpeg.activities.selectors import activity_get_for
from cpeg.consultations import (
    cdrp,
    exports,
    figures,
    partnerships,
    pledge,
    programmes,
    selectors,
    services,
    workflow,
)
from cpeg.consultations.forms import (
    CdrpMeetingForm,
    ChairsForumMeetingForm,
    ConfirmForm,
    ConsultationForm,
    EngagementForm,
    MechanismForm,
    PledgeReportForm,
    ProgrammeForm,
    ResponseForm,
    WardPanelForm,
)
from cpeg.consultations.models import PartnerProgramme
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import Borough, EngagementGroup
from cpeg.groups.selectors import group_get_for

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 100


def _detail_url(consultation) -> str:
    return reverse("consultations:consultation-detail", kwargs={"pk": consultation.pk})


def _response_url(response) -> str:
    return reverse("consultations:response-detail", kwargs={"pk": response.pk})


def _askable_groups():
    return EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED).order_by("name")


@login_required
def consultation_list(request):
    require_perm(request.user, "consultations.view_consultation_list")
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "rows": selectors.consultation_list_for(user=request.user),
            "can_create": request.user.has_perm("consultations.manage_consultation"),
            "shows_figures": request.user.has_perm("consultations.view_participation_list"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    require_perm(request.user, "consultations.manage_consultation")
    groups = _askable_groups()
    initial = {"groups_asked": list(groups.filter(status=GroupStatus.ACTIVE).values_list("pk", flat=True))}
    form = ConsultationForm(request.POST or None, groups=groups, initial=initial)
    return handle_form(
        request,
        form=form,
        template="consultations/consultation_form.html",
        context={"title": "Prepare a consultation", "cancel_url": reverse("consultations:consultation-list")},
        save=lambda f: services.consultation_create(
            actor=request.user, data=f.service_data(), groups=list(f.cleaned_data["groups_asked"])
        ),
        success_message="Consultation prepared: check it, then open it to the groups",
        success_url=_detail_url,
    )


@login_required
def consultation_detail(request, pk):
    consultation = selectors.consultation_get_for(user=request.user, pk=pk)
    page = selectors.consultation_page(consultation=consultation, user=request.user)
    links = {
        key: reverse("consultations:response-list", kwargs={"pk": consultation.pk}) + f"?show={key}"
        for key in figures.SHOW
    }
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "page": page,
            "links": links,
            "output": output_label(page.output_code) if page.output_code else "",
            "can_change": workflow.can_change_consultation(request.user, consultation),
            "can_open": workflow.can_open(request.user, consultation),
            "can_close": workflow.can_close(request.user, consultation),
            "can_publish": workflow.can_publish(request.user, consultation),
            "is_published": workflow.is_published(consultation),
            "responses": [(r, workflow.can_respond(request.user, r)) for r in page.own_responses],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = selectors.consultation_get_for(user=request.user, pk=pk, perm="consultations.manage_consultation")
    if not workflow.can_change_consultation(request.user, consultation):
        messages.info(request, "This consultation is closed, so it can no longer change")
        return redirect(_detail_url(consultation))
    ask_groups = workflow.is_draft(consultation)
    form = ConsultationForm(
        request.POST or None,
        groups=_askable_groups(),
        ask_groups=ask_groups,
        initial=ConsultationForm.initial_for(consultation),
    )
    return handle_form(
        request,
        form=form,
        template="consultations/consultation_form.html",
        context={"title": f"Change {consultation.title}", "cancel_url": _detail_url(consultation)},
        save=lambda f: services.consultation_update(
            consultation=consultation,
            actor=request.user,
            data=f.service_data(),
            groups=list(f.cleaned_data["groups_asked"]) if ask_groups else None,
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Consultation saved",
        success_url=_detail_url(consultation),
    )


def _confirm(request, *, context, save, success_message, success_url, initial=None):
    form = ConfirmForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="consultations/confirm.html",
        context=context,
        save=save,
        success_message=success_message,
        success_url=success_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_open(request, pk):
    consultation = selectors.consultation_get_for(user=request.user, pk=pk, perm="consultations.manage_consultation")
    if not workflow.can_open(request.user, consultation):
        messages.info(request, "This consultation is already open")
        return redirect(_detail_url(consultation))
    asked = consultation.groups_asked.count()
    return _confirm(
        request,
        context={
            "consultation": consultation,
            "title": f"Open {consultation.title}",
            "lead": f"The {asked} group{'s' if asked != 1 else ''} asked will see it and can respond until "
            f"{consultation.closes_on:%-d %B %Y}.",
            "submit_label": "Open the consultation",
            "cancel_url": _detail_url(consultation),
        },
        save=lambda f: services.consultation_open(consultation=consultation, actor=request.user),
        success_message=f"{consultation.title} is open",
        success_url=_detail_url(consultation),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_close(request, pk):
    consultation = selectors.consultation_get_for(user=request.user, pk=pk, perm="consultations.manage_consultation")
    if not workflow.can_close(request.user, consultation):
        messages.info(request, "This consultation is not open")
        return redirect(_detail_url(consultation))
    return _confirm(
        request,
        context={
            "consultation": consultation,
            "title": f"Close {consultation.title}",
            "lead": "No more responses can be sent. Responses sent late and not yet accepted stay uncounted.",
            "submit_label": "Close the consultation",
            "cancel_url": _detail_url(consultation),
        },
        save=lambda f: services.consultation_close(consultation=consultation, actor=request.user),
        success_message=f"{consultation.title} is closed",
        success_url=_detail_url(consultation),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_publish(request, pk):
    consultation = selectors.consultation_get_for(user=request.user, pk=pk, perm="consultations.manage_consultation")
    if not workflow.can_publish(request.user, consultation):
        messages.info(request, "Only a closed consultation's responses can be published, and only once")
        return redirect(_detail_url(consultation))
    return _confirm(
        request,
        context={
            "consultation": consultation,
            "title": f"Publish the responses to {consultation.title}",
            "lead": "Every group and link member will be able to read every group's response, and the public "
            "will be able to read the groups' collective responses (without anyone's name or the documents). "
            "This cannot be undone.",
            "submit_label": "Publish the responses",
            "cancel_url": _detail_url(consultation),
        },
        save=lambda f: services.consultation_publish(consultation=consultation, actor=request.user),
        success_message=f"The responses to {consultation.title} are published",
        success_url=_detail_url(consultation),
    )


def published_list(request):
    """The public's list of consultations whose responses are published."""
    return render(
        request,
        "consultations/published_list.html",
        {"consultations": selectors.published_consultations()},
    )


def published_detail(request, pk):
    """A published consultation's collective responses, for the public: each
    group's response and the numbers it speaks for, no one's name."""
    consultation = selectors.published_consultation_get(pk=pk)
    responses = selectors.published_responses(consultation=consultation)
    return render(
        request,
        "consultations/published_detail.html",
        {
            "consultation": consultation,
            "responses": responses,
            "organisations": sum(r.organisations_count or 0 for r in responses),
            "individuals": sum(r.individuals_count or 0 for r in responses),
        },
    )


def _participation_consultation(request, pk):
    return selectors.consultation_get_for(user=request.user, pk=pk, perm="consultations.view_participation")


@login_required
def response_list(request, pk):
    consultation = _participation_consultation(request, pk)
    show = request.GET.get("show", "asked")
    if show not in figures.SHOW:
        show = "asked"
    responses = selectors.response_list(consultation=consultation, user=request.user, show=show)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/response_list.html",
        {
            "consultation": consultation,
            "page": page,
            "show": show,
            "show_label": figures.SHOW_LABELS[show],
            "query": f"show={show}",
            "shows": [
                (key, label, reverse("consultations:response-list", kwargs={"pk": pk}) + f"?show={key}")
                for key, label in figures.SHOW_LABELS.items()
            ],
        },
    )


def _download_name(consultation, suffix: str) -> str:
    return f"{slugify(consultation.title) or 'consultation'}-{suffix}"


@login_required
def responses_xlsx(request, pk):
    consultation = _participation_consultation(request, pk)
    responses = selectors.response_list(consultation=consultation, user=request.user).prefetch_related("organisations")
    response = HttpResponse(
        exports.responses_xlsx(consultation, responses),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(consultation, "responses.xlsx")}"'
    return response


@login_required
def responses_zip(request, pk):
    consultation = _participation_consultation(request, pk)
    responses = selectors.response_list(consultation=consultation, user=request.user).exclude(document="")
    response = HttpResponse(exports.responses_zip(responses), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(consultation, "documents.zip")}"'
    return response


@login_required
def response_detail(request, pk):
    response = selectors.response_get_for(user=request.user, pk=pk)
    return render(
        request,
        "consultations/response_detail.html",
        {
            "response": response,
            "consultation": response.consultation,
            "group": response.group,
            "can_respond": workflow.can_respond(request.user, response),
            "can_submit": workflow.can_submit(request.user, response),
            "can_accept": workflow.can_accept_late(request.user, response),
            "counted": workflow.is_counted(response),
            "organisations": selectors.response_organisations(response=response),
            "can_read_consultation": request.user.has_perm("consultations.view_consultation", response.consultation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request, pk):
    response = selectors.response_get_for(user=request.user, pk=pk, perm="consultations.change_consultationresponse")
    if not workflow.can_respond(request.user, response):
        messages.info(request, "This response can no longer change: it has been sent, or the consultation is not open")
        return redirect(_response_url(response))
    form = ResponseForm(
        request.POST or None, request.FILES or None, response=response, initial=ResponseForm.initial_for(response)
    )
    return handle_form(
        request,
        form=form,
        template="consultations/response_form.html",
        context={
            "response": response,
            "consultation": response.consultation,
            "group": response.group,
            "title": f"Respond to {response.consultation.title}",
            "cancel_url": _response_url(response),
            "submit_label": "Save and continue",
        },
        save=lambda f: services.response_save(
            response=response,
            actor=request.user,
            data=f.service_data(),
            document=f.cleaned_data.get("document"),
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Response saved: check it, then send it to the authority",
        success_url=_response_url(response),
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_submit(request, pk):
    response = selectors.response_get_for(user=request.user, pk=pk, perm="consultations.change_consultationresponse")
    if not workflow.can_submit(request.user, response):
        messages.info(request, "Save the group's response before sending it, or it has already been sent")
        return redirect(_response_url(response))
    closes_on = response.consultation.closes_on
    return _confirm(
        request,
        context={
            "consultation": response.consultation,
            "group": response.group,
            "title": f"Send the response to {response.consultation.title}",
            "lead": f"Once sent, the response cannot be changed. The consultation closes on {closes_on:%-d %B %Y}; "
            "a response sent after that is marked late and counted once an officer accepts it.",
            "submit_label": "Send the response",
            "cancel_url": _response_url(response),
        },
        initial={"version": response.version},
        save=lambda f: services.response_submit(
            response=response, actor=request.user, loaded_version=f.cleaned_data.get("version")
        ),
        success_message="Response sent to the authority",
        success_url=_response_url(response),
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_accept(request, pk):
    response = selectors.response_get_for(
        user=request.user, pk=pk, perm="consultations.accept_late_consultationresponse"
    )
    if not workflow.can_accept_late(request.user, response):
        messages.info(request, "This response is not waiting for acceptance")
        return redirect(_response_url(response))
    return _confirm(
        request,
        context={
            "consultation": response.consultation,
            "group": response.group,
            "title": f"Accept {response.group.name}'s late response",
            "lead": f"It was sent after the closing date ({response.consultation.closes_on:%-d %B %Y}). "
            "Once accepted it is counted, and stays marked late.",
            "submit_label": "Accept the response",
            "cancel_url": _response_url(response),
        },
        save=lambda f: services.response_accept_late(response=response, actor=request.user),
        success_message="Late response accepted: it is now counted",
        success_url=_response_url(response),
    )


@login_required
def response_document(request, pk):
    response = selectors.response_get_for(user=request.user, pk=pk)
    if not response.document:
        raise Http404
    try:
        handle = response.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=response.document_name or "response")


@login_required
def group_responses(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="consultations.view_consultationresponse")
    return render(
        request,
        "consultations/group_responses.html",
        {"group": group, "responses": selectors.group_responses(group=group)},
    )


# --- Partner programmes and two-way mechanisms ---------------------------------


def _programme_year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
        if not 1990 <= year <= today.year + 1:
            raise ValueError
    except ValueError:
        years = programmes.programme_years()
        current = FinancialYear.current(today).start_year
        year = current if current in years or not years else years[0]
    return year


def _year_links() -> list[tuple[int, str]]:
    return [(y, FinancialYear(y).label) for y in programmes.programme_years()]


@login_required
def programme_list(request):
    require_perm(request.user, "consultations.view_partnerprogramme")
    year = _programme_year(request)
    return render(
        request,
        "consultations/programme_list.html",
        {
            "year": FinancialYear(year),
            "years": _year_links(),
            "programmes": [(p, programmes.output_text(p)) for p in programmes.programmes_for_year(year)],
            "can_see_matrix": request.user.has_perm("consultations.view_programme_matrix"),
            "can_manage": request.user.has_perm("consultations.manage_partnerprogramme"),
            "own_groups": EngagementGroup.objects.filter(pk__in=group_ids_of(request.user)).order_by("name"),
        },
    )


@login_required
def programme_matrix(request):
    require_perm(request.user, "consultations.view_programme_matrix")
    year = _programme_year(request)
    matrix = programmes.programme_matrix(user=request.user, year=year)
    return render(
        request,
        "consultations/programme_matrix.html",
        {
            "matrix": matrix,
            "page": Paginator(matrix.rows, MATRIX_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"year={year}",
            "years": _year_links(),
        },
    )


@login_required
def group_programmes(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="consultations.view_programmeengagement")
    return render(
        request,
        "consultations/group_programmes.html",
        {
            "group": group,
            "engagements": programmes.group_engagements(group=group),
            "mechanisms": programmes.group_mechanisms(group=group),
            "can_change": request.user.has_perm("consultations.change_programmeengagement", group),
        },
    )


def _group_programmes_url(group) -> str:
    return reverse("consultations:group-programmes", kwargs={"pk": group.pk})


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="consultations.change_programmeengagement")
    current = FinancialYear.current(timezone.localdate()).start_year
    choices = PartnerProgramme.objects.filter(financial_year__in=[current - 1, current]).order_by(
        "-financial_year", "name"
    )
    form = EngagementForm(
        request.POST or None, group=group, programmes=choices, activities=programmes.activities_for(group)
    )
    return handle_form(
        request,
        form=form,
        template="consultations/group_form.html",
        context={
            "group": group,
            "title": "Record engagement with a programme",
            "cancel_url": _group_programmes_url(group),
        },
        save=lambda f: programmes.engagement_record(group=group, actor=request.user, data=f.cleaned_data),
        success_message="Engagement recorded",
        success_url=_group_programmes_url(group),
    )


@login_required
@require_http_methods(["GET", "POST"])
def mechanism_create(request, pk):
    group = group_get_for(user=request.user, pk=pk, perm="consultations.change_programmeengagement")
    form = MechanismForm(request.POST or None, group=group, activities=programmes.activities_for(group))
    return handle_form(
        request,
        form=form,
        template="consultations/group_form.html",
        context={"group": group, "title": "Record a two-way mechanism", "cancel_url": _group_programmes_url(group)},
        save=lambda f: programmes.mechanism_record(group=group, actor=request.user, data=f.cleaned_data),
        success_message="Two-way mechanism recorded",
        success_url=_group_programmes_url(group),
    )


def _programme_form(request, programme=None):
    current = FinancialYear.current(timezone.localdate()).start_year
    years = {current - 1, current, current + 1}
    if programme is not None:
        years.add(programme.financial_year)
    return ProgrammeForm(
        request.POST or None,
        years=[(y, FinancialYear(y).label) for y in sorted(years, reverse=True)],
        boroughs=Borough.objects.order_by("name"),
        outputs=[(code, output_label(code)) for code in programmes.PROGRAMME_OUTPUTS],
        programme=programme,
        initial=ProgrammeForm.initial_for(programme) if programme is not None else {"financial_year": current},
    )


def _programmes_url(programme) -> str:
    return reverse("consultations:programme-list") + f"?year={programme.financial_year}#programme-{programme.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    require_perm(request.user, "consultations.manage_partnerprogramme")
    form = _programme_form(request)
    return handle_form(
        request,
        form=form,
        template="consultations/programme_form.html",
        context={"title": "Set up a partner programme", "cancel_url": reverse("consultations:programme-list")},
        save=lambda f: programmes.programme_save(actor=request.user, data=f.cleaned_data),
        success_message="Programme set up",
        success_url=_programmes_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    require_perm(request.user, "consultations.manage_partnerprogramme")
    programme = programmes.programme_get(pk=pk)
    form = _programme_form(request, programme)
    return handle_form(
        request,
        form=form,
        template="consultations/programme_form.html",
        context={"title": f"Change {programme.name}", "cancel_url": _programmes_url(programme)},
        save=lambda f: programmes.programme_save(
            actor=request.user, data=f.cleaned_data, programme=programme, loaded_version=f.cleaned_data["version"]
        ),
        success_message="Programme saved",
        success_url=_programmes_url,
    )


# --- Policing Pledge and confidence at public meetings -------------------------


def _pledge_year(request) -> FinancialYear:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
        if not 2000 <= year <= today.year + 1:
            raise ValueError
    except ValueError:
        return FinancialYear.current(today)
    return FinancialYear(year)


def _year_choices(year: FinancialYear) -> list[FinancialYear]:
    current = FinancialYear.current(timezone.localdate())
    return [current, current.previous(), current.previous().previous()] + (
        [year] if year.start_year < current.start_year - 2 else []
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_report_edit(request, pk):
    """The form reached from a public meeting: what the borough commander reported."""
    activity = activity_get_for(user=request.user, pk=pk, perm="consultations.change_pledgereport")
    activity_url = reverse("activities:activity-detail", kwargs={"pk": activity.pk})
    if not pledge.is_pledge_meeting(activity):
        messages.info(request, "A Policing Pledge report can only be recorded on a public meeting")
        return redirect(activity_url)
    report = pledge.pledge_report_for(activity)
    form = PledgeReportForm(request.POST or None, initial=PledgeReportForm.initial_for(report))
    return handle_form(
        request,
        form=form,
        template="consultations/pledge_form.html",
        context={"activity": activity, "group": activity.group, "cancel_url": activity_url, "report": report},
        save=lambda f: pledge.pledge_report_save(
            activity=activity,
            actor=request.user,
            data=f.cleaned_data,
            today=timezone.localdate(),
            loaded_version=f.cleaned_data.get("version"),
        ),
        success_message="Policing Pledge report saved",
        success_url=activity_url,
    )


@login_required
def group_pledge(request, pk):
    """A group's public meetings with a Policing Pledge report in a year,
    filtered by one of the counts shown above them."""
    group = group_get_for(user=request.user, pk=pk, perm="consultations.view_programmeengagement")
    year = _pledge_year(request)
    show = request.GET.get("show", "recorded")
    if show not in pledge.SHOW:
        show = "recorded"
    counts = pledge.pledge_counts(group_ids=[group.pk], year=year).get(group.pk, pledge.PledgeCounts())
    reports = pledge.pledge_reports(group=group, year=year, show=show)
    base = reverse("consultations:group-pledge", kwargs={"pk": group.pk})
    return render(
        request,
        "consultations/group_pledge.html",
        {
            "group": group,
            "year": year,
            "years": _year_choices(year),
            "show": show,
            "show_label": pledge.SHOW_LABELS[show],
            "figures": [
                (key, label, getattr(counts, key), f"{base}?year={year.start_year}&show={key}")
                for key, label in pledge.SHOW_LABELS.items()
            ],
            "page": Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": f"year={year.start_year}&show={show}",
        },
    )


@login_required
def pledge_summary(request):
    """Every group's Policing Pledge counts for a year (officers; link members
    their boroughs' groups), each linked to the group's meetings behind it."""
    require_perm(request.user, "consultations.view_programme_matrix")
    year = _pledge_year(request)
    rows, totals = pledge.pledge_summary(user=request.user, year=year)
    return render(
        request,
        "consultations/pledge_summary.html",
        {
            "year": year,
            "years": _year_choices(year),
            "keys": list(pledge.SHOW_LABELS.items()),
            "rows": [(row.group, [(key, getattr(row.counts, key)) for key in pledge.SHOW]) for row in rows],
            "totals": [getattr(totals, key) for key in pledge.SHOW],
        },
    )


# --- Local partnership structures: ward panels and the chairs' forum ------------


def _borough_for(request, pk, perm):
    from cpeg.accounts.access import get_for_user_or_404

    return get_for_user_or_404(request.user, Borough.objects.all(), perm, pk=pk)


def _partnerships_url(borough) -> str:
    return reverse("consultations:borough-partnerships", kwargs={"pk": borough.pk})


@login_required
def borough_partnerships(request, pk):
    """A borough's ward panels by cluster, who from the CPEG chairs or attends
    them, and where its groups' CDRP two-way mechanisms are recorded."""
    borough = _borough_for(request, pk, "consultations.view_wardpanel")
    year = FinancialYear.current(timezone.localdate())
    page = partnerships.borough_partnerships(borough=borough)
    counts = cdrp.cdrp_attendance(group_ids=[g.pk for g in page.groups], year=year)
    return render(
        request,
        "consultations/borough_partnerships.html",
        {
            "page": page,
            "can_change": request.user.has_perm("consultations.change_wardpanel", borough),
            "year": year,
            "cdrp_rows": [
                (group, counts.get(group.pk), f"{_cdrp_url(borough)}?year={year.start_year}&group={group.pk}")
                for group in page.groups
            ],
        },
    )


def _panel_form(request, borough, panel=None):
    return WardPanelForm(
        request.POST or None,
        borough=borough,
        executives=partnerships.executives_of(borough, timezone.localdate()),
        panel=panel,
        initial=WardPanelForm.initial_for(panel) if panel is not None else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_create(request, pk):
    borough = _borough_for(request, pk, "consultations.change_wardpanel")
    return handle_form(
        request,
        form=_panel_form(request, borough),
        template="consultations/partnership_form.html",
        context={"caption": borough.name, "title": "Record a ward panel", "cancel_url": _partnerships_url(borough)},
        save=lambda f: partnerships.panel_save(borough=borough, actor=request.user, data=f.cleaned_data),
        success_message="Ward panel recorded",
        success_url=_partnerships_url(borough),
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_edit(request, pk):
    panel = partnerships.panel_get(pk=pk)
    borough = panel.borough
    if not request.user.has_perm("consultations.change_wardpanel", borough):
        raise Http404
    return handle_form(
        request,
        form=_panel_form(request, borough, panel),
        template="consultations/partnership_form.html",
        context={
            "caption": borough.name,
            "title": f"Change the {panel.ward} ward panel",
            "cancel_url": _partnerships_url(borough),
        },
        save=lambda f: partnerships.panel_save(
            borough=borough,
            actor=request.user,
            data=f.cleaned_data,
            panel=panel,
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Ward panel saved",
        success_url=_partnerships_url(borough),
    )


@login_required
def forum_list(request):
    """The chairs' forum (LCP2): the year's meetings with their minutes, and
    how many each group attended (each number links to those meetings)."""
    require_perm(request.user, "consultations.view_chairsforum")
    year = _pledge_year(request)
    try:
        group_id = int(request.GET.get("group", ""))
    except ValueError:
        group_id = None
    return render(
        request,
        "consultations/forum_list.html",
        {
            "page": partnerships.forum_page(user=request.user, year=year, group_id=group_id),
            "years": _year_choices(year),
            "can_manage": request.user.has_perm("consultations.manage_chairsforum"),
        },
    )


def _forum_url(meeting) -> str:
    year = FinancialYear.containing(meeting.held_on).start_year
    return reverse("consultations:forum-list") + f"?year={year}#meeting-{meeting.pk}"


def _forum_form(request, meeting=None):
    return ChairsForumMeetingForm(
        request.POST or None,
        request.FILES or None,
        groups=_askable_groups(),
        initial=ChairsForumMeetingForm.initial_for(meeting) if meeting is not None else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forum_create(request):
    require_perm(request.user, "consultations.manage_chairsforum")
    return handle_form(
        request,
        form=_forum_form(request),
        template="consultations/partnership_form.html",
        context={
            "caption": "Chairs' forum (LCP2)",
            "title": "Record a chairs' forum meeting",
            "cancel_url": reverse("consultations:forum-list"),
        },
        save=lambda f: partnerships.meeting_save(
            actor=request.user,
            data=f.cleaned_data,
            groups=list(f.cleaned_data["groups_attended"]),
            minutes=f.cleaned_data.get("minutes"),
            form_token=f.form_token,
        ),
        success_message="Chairs' forum meeting recorded",
        success_url=_forum_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forum_edit(request, pk):
    require_perm(request.user, "consultations.manage_chairsforum")
    meeting = partnerships.meeting_get(pk=pk)
    return handle_form(
        request,
        form=_forum_form(request, meeting),
        template="consultations/partnership_form.html",
        context={
            "caption": "Chairs' forum (LCP2)",
            "title": f"Change {meeting.title}",
            "cancel_url": _forum_url(meeting),
        },
        save=lambda f: partnerships.meeting_save(
            actor=request.user,
            data=f.cleaned_data,
            groups=list(f.cleaned_data["groups_attended"]),
            minutes=f.cleaned_data.get("minutes"),
            meeting=meeting,
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Chairs' forum meeting saved",
        success_url=_forum_url,
    )


@login_required
def forum_minutes(request, pk):
    require_perm(request.user, "consultations.view_chairsforum")
    meeting = partnerships.meeting_get(pk=pk)
    if not meeting.minutes:
        raise Http404
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=meeting.minutes_name or "minutes")


# --- CDRP meetings: the CPEG's seat, who attended, the minutes ------------------


def _cdrp_url(borough, held_on=None) -> str:
    url = reverse("consultations:cdrp-list", kwargs={"pk": borough.pk})
    if held_on is not None:
        url += f"?year={FinancialYear.containing(held_on).start_year}"
    return url


@login_required
def cdrp_list(request, pk):
    """A borough's CDRP meetings in a year (those one of the counts above
    them selects), and each group's attendance rate."""
    borough = _borough_for(request, pk, "consultations.view_cdrpmeeting")
    year = _pledge_year(request)
    try:
        group_id = int(request.GET.get("group", ""))
    except ValueError:
        group_id = None
    page = cdrp.cdrp_page(borough=borough, year=year, show=request.GET.get("show", "meetings"), group_id=group_id)
    base = reverse("consultations:cdrp-list", kwargs={"pk": borough.pk}) + f"?year={year.start_year}"
    return render(
        request,
        "consultations/cdrp_list.html",
        {
            "page": page,
            "years": _year_choices(year),
            "show_label": cdrp.SHOW_LABELS[page.show],
            "rows": [
                (
                    group,
                    counts,
                    [(key, getattr(counts, key), f"{base}&group={group.pk}&show={key}") for key in cdrp.SHOW],
                )
                for group, counts in page.groups
            ],
            "all_url": base,
            "can_change": request.user.has_perm("consultations.change_cdrpmeeting", borough),
        },
    )


def _cdrp_form(request, borough, meeting=None):
    today = timezone.localdate()
    return CdrpMeetingForm(
        request.POST or None,
        request.FILES or None,
        borough=borough,
        today=today,
        executives=cdrp.cdrp_executives(borough=borough, today=today, meeting=meeting),
        initial=CdrpMeetingForm.initial_for(meeting) if meeting is not None else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cdrp_create(request, pk):
    borough = _borough_for(request, pk, "consultations.change_cdrpmeeting")
    return handle_form(
        request,
        form=_cdrp_form(request, borough),
        template="consultations/partnership_form.html",
        context={"caption": borough.name, "title": "Record a CDRP meeting", "cancel_url": _cdrp_url(borough)},
        save=lambda f: cdrp.cdrp_meeting_save(
            borough=borough,
            actor=request.user,
            data=f.cleaned_data,
            today=timezone.localdate(),
            minutes=f.cleaned_data.get("minutes"),
            form_token=f.form_token,
        ),
        success_message="CDRP meeting recorded",
        success_url=lambda meeting: _cdrp_url(borough, meeting.held_on),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cdrp_edit(request, pk):
    meeting = cdrp.cdrp_meeting_get(pk=pk)
    borough = meeting.borough
    if not request.user.has_perm("consultations.change_cdrpmeeting", borough):
        raise Http404
    return handle_form(
        request,
        form=_cdrp_form(request, borough, meeting),
        template="consultations/partnership_form.html",
        context={
            "caption": borough.name,
            "title": f"Change the CDRP meeting of {meeting.held_on:%-d %B %Y}",
            "cancel_url": _cdrp_url(borough, meeting.held_on),
        },
        save=lambda f: cdrp.cdrp_meeting_save(
            borough=borough,
            actor=request.user,
            data=f.cleaned_data,
            today=timezone.localdate(),
            minutes=f.cleaned_data.get("minutes"),
            meeting=meeting,
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="CDRP meeting saved",
        success_url=lambda saved: _cdrp_url(borough, saved.held_on),
    )


@login_required
def cdrp_minutes(request, pk):
    meeting = cdrp.cdrp_meeting_get(pk=pk)
    if not request.user.has_perm("consultations.view_cdrpmeeting", meeting.borough) or not meeting.minutes:
        raise Http404
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=meeting.minutes_name or "minutes")
