"""Access cases for the review's downloads (``reviews/urls_downloads.py``).

``access_cases.py`` adds these to the app's ``CASES``. The draft is the generator's draft of an empty year
(officers and managers only); the published version holds the hand-built
review (``fixtures.review_document``, one group), so its tables exist.
"""

from tests.access import AUTHORITY, EVERYONE, AccessCase

YEAR = 2017


def _draft(w):
    from cpeg.reviews.tests.access_cases import draft

    return draft(w)


def _published(w):
    def build(w):
        from django.utils import timezone

        from cpeg.reviews.choices import ReviewStatus
        from cpeg.reviews.models import AnnualReview, ReviewVersion
        from cpeg.reviews.tests.fixtures import review_document

        document = review_document(groups=1)
        document.financial_year, document.year_label = YEAR, "2017/18"
        review = AnnualReview.objects.create(financial_year=YEAR, status=ReviewStatus.PUBLISHED)
        ReviewVersion.objects.create(
            review=review,
            number=1,
            document=document.to_dict(),
            published_at=timezone.now(),
            published_by=w.users["manager"],
        )
        return review

    review = w.make("review_downloads_published", build)
    return {"year": review.financial_year, "number": 1}


def _draft_table(w):
    # The generator's collective delivery section always has its table by group.
    return {**_draft(w), "key": "delivery.by_group"}


def _published_table(w):
    return {**_published(w), "key": "funding.by_model"}


DOWNLOAD_CASES = [
    AccessCase("reviews:draft-pdf", AUTHORITY, _draft),
    AccessCase("reviews:draft-docx", AUTHORITY, _draft),
    AccessCase("reviews:draft-xlsx", AUTHORITY, _draft),
    AccessCase("reviews:draft-table-csv", AUTHORITY, _draft_table),
    AccessCase("reviews:published-pdf", EVERYONE, _published),
    AccessCase("reviews:published-docx", EVERYONE, _published),
    AccessCase("reviews:published-xlsx", EVERYONE, _published),
    AccessCase("reviews:published-table-csv", EVERYONE, _published_table),
]
