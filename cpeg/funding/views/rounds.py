"""Pages for setting up a funding round and its assessment criteria."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.funding import selectors, services, workflow
from cpeg.funding.forms import CriterionForm, RoundForm
from cpeg.funding.models import AssessmentCriterion


def _with_stage(funding_round, today):
    """Label the round's stage: "Opens on 1 November 2026" until applications
    open, then its status ("Open", "Decided")."""
    funding_round.not_yet_open = not funding_round.is_decided and today < funding_round.opens_on
    if funding_round.not_yet_open:
        funding_round.stage_label = f"Opens on {funding_round.opens_on:%-d %B %Y}"
    else:
        funding_round.stage_label = funding_round.get_status_display()
    return funding_round


@login_required
def round_list(request):
    require_perm(request.user, "core.view_officer_pages")
    today = timezone.localdate()
    return render(
        request,
        "funding/round_list.html",
        {
            "rounds": [_with_stage(r, today) for r in selectors.round_list()],
            "can_manage": request.user.has_perm("funding.manage_fundinground"),
            "can_import": request.user.has_perm("funding.import_history"),
            "can_analyse": request.user.has_perm("funding.view_cost_analysis"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    require_perm(request.user, "funding.manage_fundinground")
    next_year = FinancialYear.current().next()
    form = RoundForm(
        request.POST or None,
        initial={
            "financial_year": next_year.start_year,
            "title": f"CPEG funding {next_year.label}",
            "pot_amount": "1600000.00",
            "cap_amount": "50000.00",
            "floor_amount": "20000.00",
            "show_scores_to_groups": True,
        },
    )
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": "Set up a funding round", "cancel_url": reverse("funding:round-list")},
        save=lambda f: services.round_create(actor=request.user, data=f.service_data()),
        success_message="Funding round set up",
        success_url=lambda r: r.get_absolute_url(),
    )


# Applications a page on a round's page (2,000 bids were a 1 MB page).
APPLICATIONS_PAGE_SIZE = 50


@login_required
def round_detail(request, pk):
    require_perm(request.user, "core.view_officer_pages")
    funding_round = _with_stage(selectors.round_get(pk=pk), timezone.localdate())
    page = Paginator(selectors.round_applications(funding_round=funding_round), APPLICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "funding/round_detail.html",
        {
            "round": funding_round,
            "can_view_allocation": request.user.has_perm("funding.view_allocation", funding_round),
            "applications": page.object_list,
            "page": page,
            "criteria": list(funding_round.criteria.all()),
            "can_change": workflow.can_change_round(request.user, funding_round),
            "can_decide": request.user.has_perm("funding.decide_allocation"),
            "can_assess": request.user.has_perm("funding.assess_fundingapplication"),
            "history": selectors.round_history(funding_round=funding_round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    funding_round = selectors.round_get(pk=pk)
    initial = {name: getattr(funding_round, name) for name in services.ROUND_FIELDS}
    initial["version"] = funding_round.version
    form = RoundForm(request.POST or None, initial=initial, editing=True)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": f"Change {funding_round}", "cancel_url": funding_round.get_absolute_url()},
        save=lambda f: services.round_update(
            funding_round=funding_round,
            actor=request.user,
            data=f.service_data(),
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Funding round saved",
        success_url=funding_round.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    funding_round = selectors.round_get(pk=pk)
    form = CriterionForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": "Add an assessment criterion", "cancel_url": funding_round.get_absolute_url()},
        save=lambda f: services.criterion_add(funding_round=funding_round, actor=request.user, data=f.cleaned_data),
        success_message="Criterion added",
        success_url=funding_round.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk, criterion_pk):
    require_perm(request.user, "funding.manage_fundinground")
    # The round is looked up by its own primary key first: an id too large
    # for the database is then a 404, not an OverflowError.
    funding_round = selectors.round_get(pk=pk)
    criterion = get_object_or_404(AssessmentCriterion.objects.select_related("funding_round"), pk=criterion_pk)
    if criterion.funding_round_id != funding_round.pk:
        raise Http404("No such criterion in this round")
    form = CriterionForm(
        request.POST or None,
        initial={
            "title": criterion.title,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "version": criterion.version,
        },
    )
    url = criterion.funding_round.get_absolute_url()
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": f"Change criterion: {criterion.title}", "cancel_url": url},
        save=lambda f: services.criterion_update(
            criterion=criterion, actor=request.user, data=f.cleaned_data, loaded_version=f.cleaned_data["version"]
        ),
        success_message="Criterion saved",
        success_url=url,
    )
