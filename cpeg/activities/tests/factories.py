import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cpeg.activities.choices import ActivityType, DocumentType, public_by_default
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence
from cpeg.groups.tests.factories import EngagementGroupFactory

# A minimal, real PDF (the magic bytes and a trailer are all the checks need).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    group = factory.SubFactory(EngagementGroupFactory)
    activity_type = ActivityType.PUBLIC_MEETING
    title = factory.Sequence(lambda n: f"Public meeting {n}")
    held_on = dt.date(2025, 6, 12)
    public_attendance = 40
    borough_commander_present = True
    local_authority_present = True
    is_public = factory.LazyAttribute(lambda a: public_by_default(a.activity_type))

    class Params:
        newsletter = factory.Trait(
            activity_type=ActivityType.NEWSLETTER, title="Summer newsletter", public_attendance=None
        )


class ActivityEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityEvidence

    activity = factory.SubFactory(ActivityFactory)
    output_code = "public-meetings"


def stored_pdf(name: str = "activities/tests/minutes.pdf") -> str:
    """A PDF at a fixed storage name, written once (so repeated runs do not
    leave a new file each time)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PDF_BYTES))
    return name


class ActivityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityDocument

    activity = factory.SubFactory(ActivityFactory)
    document_type = DocumentType.MINUTES
    file = factory.LazyFunction(stored_pdf)
    original_name = "minutes.pdf"
    size_bytes = len(PDF_BYTES)
    content_type = "application/pdf"
