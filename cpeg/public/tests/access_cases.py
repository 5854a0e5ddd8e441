from cpeg.activities.choices import DocumentType
from cpeg.activities.tests.factories import ActivityDocumentFactory
from tests.access import EVERYONE, AccessCase


def published_newsletter(w):
    def build(w):
        return ActivityDocumentFactory(
            activity__group=w.camden,
            activity__is_public=True,
            document_type=DocumentType.NEWSLETTER,
            original_name="newsletter.pdf",
        )

    return {"slug": w.camden.slug, "pk": w.make("published_newsletter", build).pk}


CASES = [
    AccessCase("public:group-list", EVERYONE),
    AccessCase("public:group-detail", EVERYONE, lambda w: {"slug": w.camden.slug}),
    AccessCase("public:meeting-calendar", EVERYONE),
    AccessCase("public:meetings-feed", EVERYONE),
    AccessCase("public:group-meetings-feed", EVERYONE, lambda w: {"slug": w.camden.slug}),
    AccessCase("public:group-document", EVERYONE, published_newsletter),
]
