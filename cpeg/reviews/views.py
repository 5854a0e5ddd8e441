"""The annual review's pages: officers' list and draft (figures from the
records, narrative per section, publish for managers), the records
behind a figure, what changed since publication, and the public's
published versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cpeg.accounts.access import require_perm
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.core.views_helpers import handle_form
from cpeg.reviews import sections, selectors, services, workflow
from cpeg.reviews.document import Document, figure_differences
from cpeg.reviews.forms import ConfirmForm, NarrativeForm, StartForm

DOCUMENT_TEMPLATE = "reviews/document/document.html"
APPENDICES_PER_PAGE = 50


def _draft_url(year: int) -> str:
    return reverse("reviews:review-draft", kwargs={"year": year})


@login_required
def review_list(request):
    reviews = list(selectors.review_list_for(user=request.user))
    today = timezone.localdate()
    form = StartForm(
        years=selectors.year_options(today=today), initial={"year": FinancialYear.current(today).previous().start_year}
    )
    return render(
        request,
        "reviews/review_list.html",
        {"reviews": reviews, "form": form, "can_start": request.user.has_perm("reviews.add_annualreview")},
    )


@login_required
@require_POST
def review_start(request):
    require_perm(request.user, "reviews.add_annualreview")
    form = StartForm(request.POST, years=selectors.year_options(today=timezone.localdate()))
    if not form.is_valid():
        messages.error(request, "Choose a financial year from the list")
        return redirect("reviews:review-list")
    review = services.review_start(financial_year=form.cleaned_data["year"], actor=request.user)
    return redirect(_draft_url(review.financial_year))


@login_required
def review_draft(request, year):
    review = selectors.review_get_for(user=request.user, year=year)
    narratives = selectors.narratives_with_versions(review=review)
    # The appendices (one per group: 2,000 at an authority of that size) are on
    # pages of their own (review_appendices); the downloads hold them all.
    document = sections.build_document(
        FinancialYear(year), narrative={k: n.text for k, n in narratives.items()}, appendices=False
    )
    versions = list(review.versions.order_by("-number"))
    return render(
        request,
        "reviews/review_draft.html",
        {
            "review": review,
            "document": document,
            "links": True,
            "versions": versions,
            "errors": document.errors(),
            "can_write": workflow.can_write_narrative(request.user, review),
            "can_publish": workflow.can_publish(request.user, review),
            "can_new_draft": workflow.can_start_new_draft(request.user, review),
            "narrative_keys": sections.SECTION_KEYS,
        },
    )


@login_required
def review_appendices(request, year):
    """The draft's appendices, one per group, listed 50 to a page."""
    review = selectors.review_get_for(user=request.user, year=year)
    groups = sections.appendix_groups()
    page = Paginator(groups, APPENDICES_PER_PAGE).get_page(request.GET.get("page"))
    first = page.start_index() if groups else 1
    return render(
        request,
        "reviews/appendix_list.html",
        {
            "review": review,
            "year": FinancialYear(year),
            "page": page,
            "appendices": [(first + i, g) for i, g in enumerate(page.object_list)],
        },
    )


@login_required
def review_appendix(request, year, pk):
    """One group's appendix to the draft, from today's records."""
    review = selectors.review_get_for(user=request.user, year=year)
    found = sections.build_appendix(FinancialYear(year), pk)
    if found is None:
        raise Http404("No such group")
    number, section = found
    document = Document(
        financial_year=year,
        year_label=FinancialYear(year).label,
        title=f"Appendix {number}: {section.title}",
        sections=[section],
        to_date=timezone.localdate() < FinancialYear(year).ends_on,
        generated_on=timezone.localdate().isoformat(),
    )
    return render(
        request,
        "reviews/appendix.html",
        {
            "review": review,
            "year": FinancialYear(year),
            "number": number,
            "document": document,
            "links": True,
            "first_appendix": number,
            "unnumbered": True,
            "list_page": (number - 1) // APPENDICES_PER_PAGE + 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request, year, section):
    review = selectors.review_get_for(user=request.user, year=year, perm="reviews.change_annualreview")
    if section not in sections.SECTION_KEYS:
        raise Http404("No such section")
    if not workflow.can_write_narrative(request.user, review):
        messages.info(request, services.NOT_A_DRAFT)
        return redirect(_draft_url(year))
    current = selectors.narratives_with_versions(review=review).get(section)
    form = NarrativeForm(
        request.POST or None,
        initial={"text": current.text if current else "", "version": current.version if current else 0},
    )
    title = dict(SECTION_TITLES).get(section, section)
    return handle_form(
        request,
        form=form,
        template="reviews/narrative_form.html",
        context={"review": review, "title": f"Narrative: {title}", "cancel_url": _draft_url(year)},
        save=lambda f: services.narrative_save(
            review=review,
            section_key=section,
            text=f.cleaned_data["text"],
            version=f.cleaned_data["version"],
            actor=request.user,
        ),
        success_message="Narrative saved",
        success_url=_draft_url(year) + f"#section-{section}",
    )


SECTION_TITLES = [
    ("delivery", "Collective delivery"),
    ("sla", "Delivery against the service level agreement"),
    ("monitoring", "Quarterly monitoring"),
    ("funding", "Funding and staffing"),
    ("consultations", "Consultation participation"),
    ("partnerships", "Partner programmes and local partnerships"),
    ("representation", "Representativeness"),
]


@login_required
@require_http_methods(["GET", "POST"])
def review_publish(request, year):
    review = selectors.review_get_for(user=request.user, year=year, perm="reviews.publish_annualreview")
    if not workflow.can_publish(request.user, review):
        messages.info(request, "This annual review is already published")
        return redirect(_draft_url(year))
    form = ConfirmForm(request.POST if request.method == "POST" else None, initial={"version": review.version})
    return handle_form(
        request,
        form=form,
        template="reviews/confirm.html",
        context={
            "review": review,
            "title": f"Publish the annual review {FinancialYear(year).label}",
            "lead": "Its figures, as computed now, and the narrative will be frozen as the next published version. "
            "Anyone, signed in or not, will be able to read it.",
            "submit_label": "Publish the review",
            "cancel_url": _draft_url(year),
        },
        save=lambda f: services.review_publish(review=review, actor=request.user),
        success_message="Annual review published",
        success_url=lambda v: reverse("reviews:published-version", kwargs={"year": year, "number": v.number}),
    )


@login_required
@require_POST
def review_new_draft(request, year):
    review = selectors.review_get_for(user=request.user, year=year, perm="reviews.publish_annualreview")
    try:
        services.review_new_draft(review=review, actor=request.user)
    except (InvalidTransition, ValidationError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "New draft started")
    return redirect(_draft_url(year))


@login_required
def figure_records(request, year, key):
    require_perm(request.user, "reviews.view_annualreview")
    records = sections.figure_records(FinancialYear(year), key)
    if records is None:
        raise Http404("No records for that figure")
    return render(request, "reviews/figure_records.html", {"records": records, "year": FinancialYear(year), "key": key})


@login_required
def version_changes(request, year, number):
    require_perm(request.user, "reviews.view_annualreview")
    version = selectors.published_version_get(year=year, number=number)
    published = selectors.version_document(version)
    current = sections.build_document(FinancialYear(year))
    return render(
        request,
        "reviews/version_changes.html",
        {"version": version, "document": published, "differences": figure_differences(published, current)},
    )


# --- Public: published versions only ---------------------------------------------


def published_list(request):
    return render(request, "reviews/published_list.html", {"versions": selectors.latest_published_per_year()})


def published_latest(request, year):
    version = selectors.published_version_get(year=year)
    return redirect("reviews:published-version", year=year, number=version.number)


def published_version(request, year, number):
    version = selectors.published_version_get(year=year, number=number)
    others = list(selectors.published_versions().filter(review__financial_year=year))
    officer = request.user.has_perm("reviews.view_annualreview")
    return render(
        request,
        "reviews/published_version.html",
        {
            "version": version,
            "document": selectors.version_document(version),
            "links": officer,
            "officer": officer,
            "others": others,
        },
    )
