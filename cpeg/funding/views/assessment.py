"""Pages for assessing, moderating and allocating: the assessment form
(with last year's delivery beside it, from ``reporting``: the one import of
reporting a funding view makes, see the ADR), moderation, the allocation
page with its what-if panel, and deciding the round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.core.errors import InvalidTransition
from cpeg.core.views_helpers import handle_form
from cpeg.funding import allocation as allocation_rule
from cpeg.funding import selectors, services, workflow
from cpeg.funding.choices import ApplicationStatus, WhatIfRule
from cpeg.funding.forms import AllocationForm, AssessmentForm, ModerationForm, WhatIfForm
from cpeg.reporting.funding.selectors import previous_year_delivery


@login_required
@require_http_methods(["GET", "POST"])
def application_assess(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.assess_fundingapplication")
    url = application.get_absolute_url()
    if not workflow.can_assess_application(request.user, application):
        messages.error(request, f"You cannot assess an application that is {application.get_status_display().lower()}")
        return redirect(url)
    criteria = list(application.funding_round.criteria.all())
    page = selectors.application_page(application=application, show_scores=True)
    initial = {"version": application.version}
    if page.assessment:
        initial.update(comments=page.assessment.comments, recommended_amount=page.assessment.recommended_amount)
        initial.update({f"score_{s.criterion_id}": s.score for s in page.scores})
    else:
        initial["recommended_amount"] = min(page.total, application.funding_round.cap_amount)
    form = AssessmentForm(request.POST if request.method == "POST" else None, initial=initial, criteria=criteria)
    delivery = previous_year_delivery(group=application.group, year=application.funding_round.year.previous())
    return handle_form(
        request,
        form=form,
        template="funding/application_assess.html",
        context={
            "title": f"Assess {application.group.name}",
            "application": application,
            "group": application.group,
            "page": page,
            "delivery": delivery,
            "criteria": criteria,
            "cancel_url": url,
            "submit_label": "Save assessment",
        },
        save=lambda f: services.application_assess(
            application=application,
            actor=request.user,
            scores=f.scores(),
            comments=f.cleaned_data["comments"],
            recommended_amount=f.cleaned_data["recommended_amount"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Assessment saved",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_moderate(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.moderate_fundingapplication")
    url = application.get_absolute_url()
    if not workflow.APPLICATION_WORKFLOW.allows(application, to=ApplicationStatus.MODERATED):
        messages.error(request, "Only an assessed application can be moderated")
        return redirect(url)
    page = selectors.application_page(application=application, show_scores=True)
    if workflow.is_assessor(request.user, application):
        messages.error(request, "Someone other than the assessor must moderate: you assessed this application.")
        return redirect(url)
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": application.version,
            "moderated_amount": page.assessment.final_recommendation,
            "moderation_comments": page.assessment.moderation_comments,
        },
    )
    return handle_form(
        request,
        form=form,
        template="funding/application_moderate.html",
        context={
            "title": f"Moderate the assessment of {application.group.name}",
            "application": application,
            "group": application.group,
            "page": page,
            "cancel_url": url,
            "submit_label": "Save moderation",
        },
        save=lambda f: services.application_moderate(
            application=application,
            actor=request.user,
            comments=f.cleaned_data["moderation_comments"],
            moderated_amount=f.cleaned_data["moderated_amount"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Moderation saved",
        success_url=url,
    )


def _what_if(request, page):
    """The what-if panel's form (from the query string) and, once a rule is
    chosen, its scenario (``allocation.what_if``); nothing is saved."""
    form = WhatIfForm(request.GET or None)
    if not form.is_valid() or not form.cleaned_data.get("rule"):
        return form, None
    unit = form.cleaned_data.get("unit") or ""
    scenario = allocation_rule.what_if(page, rule=form.cleaned_data["rule"], unit=unit)
    scenario["unit"] = dict(form.fields["unit"].choices).get(unit)
    return form, scenario


@login_required
@require_http_methods(["GET", "POST"])
def allocation(request, pk):
    # Managers while the round is open; every officer reads a decided one.
    funding_round = selectors.round_get(pk=pk)
    require_perm(request.user, "funding.view_allocation", funding_round)
    if request.method == "POST":
        require_perm(request.user, "funding.decide_allocation")
    # 50 bids a page: the award boxes of one page are saved at a time, the
    # figures above the table cover every bid.
    page = allocation_rule.allocation_page(funding_round=funding_round, page_number=request.GET.get("page") or 1)
    what_if_form, scenario = _what_if(request, page)
    here = reverse("funding:allocation", kwargs={"pk": pk}) + (f"?{request.GET.urlencode()}" if request.GET else "")
    if request.method == "POST" and not workflow.can_decide_round(request.user, funding_round):
        messages.error(request, f"{funding_round} has been decided; the awards can no longer change")
        return redirect("funding:allocation", pk=pk)
    if request.method == "POST" and request.POST.get("save_what_if") and scenario:
        return _save_what_if(request, funding_round, scenario, here)
    initial = {f"award_{r.application.pk}": r.award for r in page.rows}
    if scenario and request.GET.get("fill") == "1":
        initial.update({f"award_{r.application.pk}": scenario["amounts"].get(r.application.pk) for r in page.rows})
    initial["version"] = funding_round.version
    form = AllocationForm(request.POST if request.method == "POST" else None, initial=initial, rows=page.rows)
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return handle_form(
        request,
        form=form,
        template="funding/allocation.html",
        context={
            "round": funding_round,
            "can_decide": workflow.can_decide_round(request.user, funding_round),
            "page": page,
            "bids": page.bids_page,
            "what_if_form": what_if_form,
            "scenario": scenario,
            "rules": WhatIfRule.choices,
            "units": what_if_form.fields["unit"].choices,
            "query": request.GET.urlencode(),
            "page_query": page_query.urlencode(),
        },
        save=lambda f: services.allocation_save(
            funding_round=funding_round, actor=request.user, awards=f.awards(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Awards saved (not yet decided)",
        success_url=here,
    )


def _save_what_if(request, funding_round, scenario, here):
    """Save the what-if's amounts as every bid's award (one form for all
    2,000 bids instead of a page of boxes at a time); a bid with no
    recommendation keeps its award."""
    try:
        services.allocation_save(
            funding_round=funding_round,
            actor=request.user,
            awards=scenario["amounts"],
            loaded_version=request.POST.get("version") or None,
        )
    except ValidationError as error:
        messages.error(request, "The awards were not saved: " + " ".join(error.messages))
    else:
        messages.success(
            request, f"Awards saved for every bid from the what-if ({scenario['rule'].lower()}); not yet decided"
        )
    return redirect(here)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_decide(request, pk):
    require_perm(request.user, "funding.decide_allocation")
    funding_round = selectors.round_get(pk=pk)
    page = allocation_rule.allocation_page(funding_round=funding_round)
    errors = []
    if request.method == "POST":
        try:
            awards = services.allocation_decide(
                funding_round=funding_round, actor=request.user, loaded_version=request.POST.get("version") or None
            )
        except ValidationError as error:
            errors = error.messages
        except InvalidTransition as error:
            errors = [str(error)]
        else:
            messages.success(
                request,
                f"{funding_round} decided: {len(awards)} award{pluralize(len(awards))}. Award letters are ready.",
            )
            return redirect("funding:round-payments", pk=pk)
    return render(
        request,
        "funding/allocation_decide.html",
        {
            "round": funding_round,
            "can_decide": workflow.can_decide_round(request.user, funding_round),
            "can_decide_now": workflow.can_decide_now(request.user, funding_round),
            "too_early": workflow.decide_too_early_reason(funding_round),
            "page": page,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
