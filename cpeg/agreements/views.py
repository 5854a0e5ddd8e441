"""Pages for the standard SLA template, each group's SLA and the overview."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.agreements import selectors, services, workflow
from cpeg.agreements.forms import (
    ConfirmForm,
    SlaCountersignForm,
    SlaOutputAddForm,
    SlaOutputRemoveForm,
    SlaOutputVaryForm,
    SlaSignForm,
    TemplateOutputForm,
)
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.groups.workflow import is_disbanded


def _posted(request):
    """The POST data, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


# --- The standard SLA template ---------------------------------------------------------


@login_required
def template_list(request):
    require_perm(request.user, "agreements.view_slatemplate")
    templates = selectors.template_list()
    latest = templates[0] if templates else None
    return render(
        request,
        "agreements/template_list.html",
        {
            "templates": templates,
            "next_year": latest.year.next() if latest else FinancialYear.current(),
            "can_change": request.user.has_perm("agreements.change_slatemplate"),
            "can_overview": request.user.has_perm("core.view_officer_pages"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_start(request):
    require_perm(request.user, "agreements.change_slatemplate")
    templates = selectors.template_list()
    latest = templates[0] if templates else None
    next_year = latest.year.next() if latest else FinancialYear.current()
    if latest:
        explanation = (
            f"The {next_year.label} standard SLA will start as a copy of the {latest.year.label} one. "
            "You can then change its outputs, measures and targets before making groups' SLAs from it."
        )
    else:
        explanation = f"The {next_year.label} standard SLA will be set up from the authority's source document."
    return handle_form(
        request,
        form=ConfirmForm(_posted(request)),
        template="agreements/confirm.html",
        context={
            "title": f"Start the {next_year.label} standard SLA",
            "explanation": explanation,
            "submit_label": f"Start the {next_year.label} template",
            "cancel_url": reverse("agreements:template-list"),
        },
        save=lambda f: services.sla_template_start_next(actor=request.user),
        success_message=f"Standard SLA {next_year.label} started",
        success_url=lambda t: t.get_absolute_url(),
    )


@login_required
def template_detail(request, year):
    require_perm(request.user, "agreements.view_slatemplate")
    template = selectors.template_get(financial_year=year)
    can_change = request.user.has_perm("agreements.change_slatemplate", template)
    return render(
        request,
        "agreements/template_detail.html",
        {
            "template": template,
            "page": selectors.template_page(template=template),
            "can_change": can_change,
            "history": selectors.template_history(template=template)[:25] if can_change else [],
        },
    )


def _template_for_change(request, year):
    require_perm(request.user, "agreements.change_slatemplate")
    return selectors.template_get(financial_year=year)


@login_required
@require_http_methods(["GET", "POST"])
def template_output_add(request, year):
    template = _template_for_change(request, year)
    form = TemplateOutputForm(_posted(request), template=template)
    return handle_form(
        request,
        form=form,
        template="agreements/form.html",
        context={
            "title": f"Add an output to the {template.year.label} standard SLA",
            "caption": str(template),
            "cancel_url": template.get_absolute_url(),
        },
        save=lambda f: services.sla_template_output_add(template=template, actor=request.user, data=f.service_data()),
        success_message="Output added to the standard SLA",
        success_url=template.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_output_edit(request, year, output_pk):
    template = _template_for_change(request, year)
    output = selectors.template_output_get(template=template, pk=output_pk)
    initial = {name: getattr(output, name) for name in services.TEMPLATE_OUTPUT_FIELDS}
    initial |= {"heading": output.heading_id, "version": output.version}
    form = TemplateOutputForm(_posted(request), template=template, initial=initial)
    return handle_form(
        request,
        form=form,
        template="agreements/form.html",
        context={
            "title": "Change a standard SLA output",
            "caption": str(template),
            "intro": "Groups' SLAs already made from this template keep the wording they were made with.",
            "cancel_url": template.get_absolute_url(),
        },
        save=lambda f: services.sla_template_output_update(
            output=output, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Standard SLA output saved",
        success_url=template.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_output_remove(request, year, output_pk):
    template = _template_for_change(request, year)
    output = selectors.template_output_get(template=template, pk=output_pk)
    return handle_form(
        request,
        form=ConfirmForm(_posted(request), initial={"version": output.version}),
        template="agreements/confirm.html",
        context={
            "title": "Remove this output from the standard SLA?",
            "caption": str(template),
            "quote": output.output,
            "explanation": "Groups' SLAs already made from this template keep it. SLAs made from now on leave it "
            "out. The output stays in the template's history.",
            "submit_label": "Remove the output",
            "warning": True,
            "cancel_url": template.get_absolute_url(),
        },
        save=lambda f: services.sla_template_output_remove(
            output=output, actor=request.user, loaded_version=f.cleaned_data["version"]
        ),
        success_message="Output removed from the standard SLA",
        success_url=template.get_absolute_url(),
    )


# --- A group's SLA ---------------------------------------------------------------------


def _group_sla_url(group, year: int) -> str:
    return reverse("agreements:group-sla", kwargs={"pk": group.pk}) + f"?year={year}"


def _page_context(request, page):
    sla = page.sla
    user = request.user
    return {
        "group": page.group,
        "page": page,
        "sla": sla,
        "is_current": workflow.is_current(sla),
        "can_change": workflow.can_change(user, sla),
        "can_make": workflow.can_make(user, page.group, template=page.template, sla=sla),
        "can_sign": workflow.can_sign(user, sla),
        "can_countersign": workflow.can_countersign(user, sla),
        "can_read_template": user.has_perm("agreements.view_slatemplate"),
        "can_overview": user.has_perm("core.view_officer_pages"),
    }


@login_required
def group_sla(request, pk):
    group = selectors.group_for_sla(user=request.user, pk=pk)
    year = selectors.year_from(request.GET.get("year"))
    page = selectors.group_sla_page(group=group, year=year)
    context = _page_context(request, page)
    context["history"] = selectors.group_sla_history(group=group, year=year, limit=25)
    return render(request, "agreements/group_sla.html", context)


@login_required
def group_sla_version(request, pk, year, number):
    group = selectors.group_for_sla(user=request.user, pk=pk)
    page = selectors.group_sla_page(group=group, year=FinancialYear(year), version_number=number)
    if page.sla is None:
        raise Http404
    context = _page_context(request, page)
    context["history"] = []
    return render(request, "agreements/group_sla.html", context)


def _group_for_change(request, pk):
    group = selectors.group_for_sla(user=request.user, pk=pk)
    require_perm(request.user, "agreements.change_groupsla", group)
    return group


@login_required
@require_http_methods(["GET", "POST"])
def group_sla_create(request, pk, year):
    group = _group_for_change(request, pk)
    fy = FinancialYear(year)
    return handle_form(
        request,
        form=ConfirmForm(_posted(request)),
        template="agreements/confirm.html",
        context={
            "title": f"Make {group.name}'s SLA for {fy.label}",
            "caption": group.borough.name,
            "explanation": f"The SLA starts as a copy of the {fy.label} standard SLA. You can then vary it for the "
            "group before the chair signs it.",
            "submit_label": "Make the SLA",
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_create(group=group, financial_year=year, actor=request.user),
        success_message=f"SLA {fy.label} made for {group.name}",
        success_url=_group_sla_url(group, year),
    )


def _current_for_change(request, pk, year):
    group = _group_for_change(request, pk)
    return group, selectors.current_sla_get(group=group, financial_year=year)


def _frozen_note(sla) -> str:
    if workflow.is_frozen(sla):
        return (
            f"This SLA is {sla.get_status_display().lower()}, so your change will start version "
            f"{sla.version_number + 1}, which the group will need to sign again."
        )
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def sla_output_vary(request, pk, year, code):
    group, sla = _current_for_change(request, pk, year)
    output = selectors.sla_output_get(sla=sla, code=code)
    initial = {"measure": output.measure, "annual_target": output.annual_target, "version": sla.version}
    return handle_form(
        request,
        form=SlaOutputVaryForm(_posted(request), initial=initial),
        template="agreements/form.html",
        context={
            "title": "Vary this output for the group",
            "caption": f"{group.name}, SLA {sla.year.label}",
            "quote": output.output,
            "intro": _frozen_note(sla),
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_output_vary(
            sla=sla, code=code, actor=request.user, data=dict(f.cleaned_data), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Variation saved",
        success_url=_group_sla_url(group, year),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_output_add(request, pk, year):
    group, sla = _current_for_change(request, pk, year)
    form = SlaOutputAddForm(
        _posted(request), headings=selectors.heading_titles_for(sla), initial={"version": sla.version}
    )
    return handle_form(
        request,
        form=form,
        template="agreements/form.html",
        context={
            "title": "Add an output to the group's SLA",
            "caption": f"{group.name}, SLA {sla.year.label}",
            "intro": _frozen_note(sla),
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_output_add(
            sla=sla, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Output added to the group's SLA",
        success_url=_group_sla_url(group, year),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_output_remove(request, pk, year, code):
    group, sla = _current_for_change(request, pk, year)
    output = selectors.sla_output_get(sla=sla, code=code)
    return handle_form(
        request,
        form=SlaOutputRemoveForm(_posted(request), initial={"version": sla.version}),
        template="agreements/form.html",
        context={
            "title": "Remove this output from the group's SLA",
            "caption": f"{group.name}, SLA {sla.year.label}",
            "quote": output.output,
            "intro": _frozen_note(sla),
            "submit_label": "Remove the output",
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_output_remove(
            sla=sla,
            code=code,
            actor=request.user,
            reason=f.cleaned_data["reason"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Output removed from the group's SLA",
        success_url=_group_sla_url(group, year),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_output_restore(request, pk, year, code):
    group, sla = _current_for_change(request, pk, year)
    output = selectors.sla_output_get(sla=sla, code=code)
    return handle_form(
        request,
        form=ConfirmForm(_posted(request), initial={"version": sla.version}),
        template="agreements/confirm.html",
        context={
            "title": "Return this output to the standard SLA?",
            "caption": f"{group.name}, SLA {sla.year.label}",
            "quote": output.output,
            "explanation": " ".join(
                filter(None, ["Its measure and target go back to the standard SLA's.", _frozen_note(sla)])
            ),
            "submit_label": "Return to the standard",
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_output_restore(
            sla=sla, code=code, actor=request.user, loaded_version=f.cleaned_data["version"]
        ),
        success_message="Output returned to the standard SLA",
        success_url=_group_sla_url(group, year),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_sign(request, pk, year):
    group = selectors.group_for_sla(user=request.user, pk=pk)
    sla = selectors.current_sla_get(group=group, financial_year=year)
    require_perm(request.user, "agreements.sign_groupsla", sla)
    seat = selectors.signing_membership_for(user=request.user, group=group, today=timezone.localdate())
    if request.method == "POST" and seat is None:
        # The page tells them why they cannot sign and shows no form to send.
        raise PermissionDenied(services.NOT_A_SIGNATORY_MESSAGE)
    return handle_form(
        request,
        form=SlaSignForm(_posted(request), initial={"version": sla.version}),
        template="agreements/sign.html",
        context={
            "title": f"Sign the SLA {sla.year.label} for the group",
            "group": group,
            "sla": sla,
            "ready": workflow.ready_to_sign(sla),
            "page": selectors.group_sla_page(group=group, year=sla.year),
            "signing": True,
            # Who signs comes from the signer's executive seat, not from the form.
            "seat": seat,
            "not_a_signatory": services.NOT_A_SIGNATORY_MESSAGE,
            "is_disbanded": is_disbanded(group),
            "submit_label": "Sign the SLA",
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_sign(sla=sla, actor=request.user, loaded_version=f.cleaned_data["version"]),
        success_message="SLA signed for the group. An officer will countersign it.",
        success_url=_group_sla_url(group, year),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_countersign(request, pk, year):
    group = selectors.group_for_sla(user=request.user, pk=pk)
    sla = selectors.current_sla_get(group=group, financial_year=year)
    require_perm(request.user, "agreements.countersign_groupsla", sla)
    initial = {"countersignatory_name": request.user.get_full_name(), "version": sla.version}
    return handle_form(
        request,
        form=SlaCountersignForm(_posted(request), initial=initial),
        template="agreements/sign.html",
        context={
            "title": f"Countersign the SLA {sla.year.label}",
            "group": group,
            "sla": sla,
            "ready": workflow.ready_to_countersign(sla),
            "page": selectors.group_sla_page(group=group, year=sla.year),
            "submit_label": "Countersign the SLA",
            "cancel_url": _group_sla_url(group, year),
        },
        save=lambda f: services.group_sla_countersign(
            sla=sla,
            actor=request.user,
            countersignatory_name=f.cleaned_data["countersignatory_name"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="SLA countersigned. It is now signed and frozen.",
        success_url=_group_sla_url(group, year),
    )


# --- The officers' overview -------------------------------------------------------------


# Groups a page on the SLA overview (2,000 rows were a 1 MB page).
OVERVIEW_PAGE_SIZE = 50


@login_required
def sla_overview(request):
    require_perm(request.user, "core.view_officer_pages")
    year = selectors.year_from(request.GET.get("year"))
    # The counts above cover every group (in SQL); the table reads and
    # shows a page of them.
    overview = selectors.sla_overview(
        financial_year=year.start_year, page_number=request.GET.get("page") or 1, page_size=OVERVIEW_PAGE_SIZE
    )
    years = sorted({*selectors.template_years(), year.start_year}, reverse=True)
    return render(
        request,
        "agreements/overview.html",
        {
            "overview": overview,
            "page": overview.page,
            "query": f"year={year.start_year}",
            "years": [FinancialYear(y) for y in years],
            "can_make_all": request.user.has_perm("agreements.change_groupsla")
            and overview.template is not None
            and overview.without_sla_active > 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_create_all(request, year):
    require_perm(request.user, "agreements.change_groupsla")
    fy = FinancialYear(year)
    url = reverse("agreements:sla-overview") + f"?year={year}"
    return handle_form(
        request,
        form=ConfirmForm(_posted(request)),
        template="agreements/confirm.html",
        context={
            "title": f"Make SLAs for every active group for {fy.label}",
            "explanation": f"Every active group without an SLA for {fy.label} gets one, copied from the "
            f"{fy.label} standard SLA. Groups that already have one keep it.",
            "submit_label": "Make the SLAs",
            "cancel_url": url,
        },
        save=lambda f: services.group_sla_create_for_active_groups(financial_year=year, actor=request.user),
        success_message=f"SLAs {fy.label} made for every active group",
        success_url=url,
    )
