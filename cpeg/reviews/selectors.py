"""Reads for annual reviews. Drafts and narrative are for officers only;
published versions are public (``published_versions``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cpeg.accounts.access import require_perm
from cpeg.core.fiscal import FinancialYear
from cpeg.reviews.document import Document
from cpeg.reviews.models import AnnualReview, ReviewVersion, SectionNarrative


def review_list_for(*, user) -> QuerySet:
    require_perm(user, "reviews.view_annualreview")
    return AnnualReview.objects.prefetch_related("versions").order_by("-financial_year")


def review_get_for(*, user, year: int, perm: str = "reviews.view_annualreview") -> AnnualReview:
    review = AnnualReview.objects.filter(financial_year=year).first()
    if review is None:
        raise Http404("No annual review for that year")
    require_perm(user, perm, review)
    return review


def narrative_for(*, review: AnnualReview) -> dict[str, str]:
    return dict(SectionNarrative.objects.filter(review=review).values_list("section_key", "text"))


def narratives_with_versions(*, review: AnnualReview) -> dict[str, SectionNarrative]:
    return {n.section_key: n for n in SectionNarrative.objects.filter(review=review)}


def published_versions() -> QuerySet:
    """Every published version, newest year and version first: what the
    public and the API may read (never a draft, never unpublished text)."""
    return ReviewVersion.objects.select_related("review").order_by("-review__financial_year", "-number")


def published_version_get(*, year: int, number: int | None = None) -> ReviewVersion:
    """A published version of a year's review (the latest without
    ``number``); 404 if there is none."""
    versions = published_versions().filter(review__financial_year=year)
    if number is not None:
        versions = versions.filter(number=number)
    version = versions.first()
    if version is None:
        raise Http404("No published annual review")
    return version


def version_document(version: ReviewVersion) -> Document:
    return Document.from_dict(version.document)


def latest_published_per_year() -> list[ReviewVersion]:
    latest: dict[int, ReviewVersion] = {}
    for version in published_versions():
        latest.setdefault(version.review.financial_year, version)
    return list(latest.values())


def year_options(*, today) -> list[FinancialYear]:
    current = FinancialYear.current(today)
    return [FinancialYear(current.start_year - n) for n in range(0, 6)]


def review_document(*, user, year: int, version: int | None) -> Document:
    """The document to draw or download: a published version as it was
    published (anyone may have it), or without ``version`` the draft as the
    records stand today, with its narrative (officers only). 404 for a year
    or version that does not exist; refused for anyone else's draft."""
    if version is not None:
        return version_document(published_version_get(year=year, number=version))
    from cpeg.reviews.sections import build_document

    review = review_get_for(user=user, year=year)
    return build_document(FinancialYear(year), narrative=narrative_for(review=review))
