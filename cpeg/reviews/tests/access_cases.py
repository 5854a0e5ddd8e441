from cpeg.reviews.tests.access_cases_downloads import DOWNLOAD_CASES
from tests.access import AUTHORITY, EVERYONE, AccessCase

MANAGER = frozenset({"manager"})


def _review(w, *, published: bool):
    def build(w):
        from django.utils import timezone

        from cpeg.reviews.choices import ReviewStatus
        from cpeg.reviews.models import AnnualReview, ReviewVersion

        review = AnnualReview.objects.create(
            financial_year=2019 if published else 2018,
            status=ReviewStatus.PUBLISHED if published else ReviewStatus.DRAFT,
        )
        if published:
            ReviewVersion.objects.create(
                review=review,
                number=1,
                document={
                    "financial_year": 2019,
                    "year_label": "2019/20",
                    "title": "Annual review 2019/20",
                    "sections": [],
                },
                published_at=timezone.now(),
                published_by=w.users["manager"],
            )
        return review

    return w.make(f"review_{published}", build)


def draft(w):
    return {"year": _review(w, published=False).financial_year}


def published(w):
    return {"year": _review(w, published=True).financial_year}


def published_v1(w):
    return {"year": _review(w, published=True).financial_year, "number": 1}


def draft_section(w):
    return {**draft(w), "section": "delivery"}


def draft_appendix(w):
    return {**draft(w), "pk": w.camden.pk}


def draft_records(w):
    return {**draft(w), "key": "delivery.public_meeting"}


CASES = [
    AccessCase("reviews:review-list", AUTHORITY),
    AccessCase("reviews:review-start", AUTHORITY, post=True, post_only=True, allowed_status=(302,)),
    AccessCase("reviews:review-draft", AUTHORITY, draft),
    AccessCase("reviews:review-appendices", AUTHORITY, draft),
    AccessCase("reviews:review-appendix", AUTHORITY, draft_appendix),
    AccessCase("reviews:narrative-edit", AUTHORITY, draft_section, post=True, allowed_status=(200, 302)),
    # A draft with no section in error publishes on an empty POST.
    AccessCase("reviews:review-publish", MANAGER, draft, post=True, allowed_status=(200, 302)),
    AccessCase("reviews:review-new-draft", MANAGER, published, post=True, post_only=True, allowed_status=(302,)),
    AccessCase("reviews:figure-records", AUTHORITY, draft_records),
    AccessCase("reviews:version-changes", AUTHORITY, published_v1),
    # Published versions are public.
    AccessCase("reviews:published-list", EVERYONE),
    AccessCase("reviews:published-latest", EVERYONE, published, allowed_status=(302,)),
    AccessCase("reviews:published-version", EVERYONE, published_v1),
    *DOWNLOAD_CASES,
]
