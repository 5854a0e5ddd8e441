"""The API and public pages give published versions only."""

import pytest
from django.utils import timezone

from cpeg.accounts.tests.factories import ManagerFactory
from cpeg.reviews.choices import ReviewStatus
from cpeg.reviews.models import AnnualReview, ReviewVersion


def _document(year, words):
    return {
        "financial_year": year,
        "year_label": f"{year}/{(year + 1) % 100:02d}",
        "title": f"Annual review {year}",
        "sections": [
            {
                "key": "delivery",
                "title": "Collective delivery",
                "paragraphs": [],
                "figures": {},
                "tables": [],
                "charts": [],
                "narrative": words,
            }
        ],
    }


@pytest.mark.django_db
def test_api_lists_and_returns_only_published_versions(client):
    manager = ManagerFactory()
    published = AnnualReview.objects.create(financial_year=2024, status=ReviewStatus.DRAFT)
    ReviewVersion.objects.create(
        review=published,
        number=1,
        document=_document(2024, "As published"),
        published_at=timezone.now(),
        published_by=manager,
    )
    AnnualReview.objects.create(financial_year=2025, status=ReviewStatus.DRAFT)
    listed = client.get("/api/v1/reviews").json()
    assert [(r["financial_year"], r["version"]) for r in listed] == [(2024, 1)]
    body = client.get("/api/v1/reviews/2024").json()
    assert body["sections"][0]["narrative"] == "As published"
    assert client.get("/api/v1/reviews/2025").status_code == 404
    page = client.get("/reviews/published/")
    assert "Annual review 2024/25" in page.content.decode()
    assert "2025/26" not in page.content.decode()
