from django.utils import timezone

from cpeg.activities.models import ActivityImportBatch
from cpeg.activities.tests.factories import ActivityDocumentFactory, ActivityFactory
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase

CAMDEN_CHANGERS = AUTHORITY | CAMDEN_GROUP
# Anyone who records activities for some group (Hackney's administrator
# imports Hackney's; the import page itself is not one group's).
IMPORTERS = CAMDEN_CHANGERS | {"hackney_admin"}


def camden(w):
    return {"pk": w.camden.pk}


def activity(w):
    return {"pk": w.make("activity", lambda w: ActivityFactory(group=w.camden)).pk}


def withdrawn_activity(w):
    def build(w):
        activity = ActivityFactory(group=w.camden)
        activity.withdrawn_at, activity.withdrawal_reason = timezone.now(), "Entered twice"
        activity.save()
        return activity

    return {"pk": w.make("withdrawn_activity", build).pk}


def import_batch(w):
    def build(w):
        batch = ActivityImportBatch.objects.create(group=w.camden, file_name="activities.csv", imported_count=1)
        ActivityFactory(group=w.camden, import_batch=batch)
        return batch

    return {"pk": w.make("import_batch", build).pk}


def document(w):
    doc = w.make("document", lambda w: ActivityDocumentFactory(activity__group=w.camden))
    return {"pk": doc.activity_id, "document_pk": doc.pk}


CASES = [
    # London-wide; a link member's rows are their boroughs' groups only.
    AccessCase("activities:activity-summary", AUTHORITY | {"link_member"}),
    AccessCase("activities:activity-list", CAMDEN_READERS, camden),
    AccessCase("activities:activity-create", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("activities:activity-detail", CAMDEN_READERS, activity),
    AccessCase("activities:activity-edit", CAMDEN_CHANGERS, activity, post=True),
    AccessCase("activities:document-add", CAMDEN_CHANGERS, activity, post=True),
    AccessCase("activities:document-download", CAMDEN_READERS, document),
    # An empty POST asks again; it never deletes.
    AccessCase("activities:document-delete", CAMDEN_CHANGERS, document, post=True),
    # An empty POST is refused with "Enter why ..."; it never withdraws.
    AccessCase("activities:activity-withdraw", CAMDEN_CHANGERS, activity, post=True),
    # Only an officer puts a withdrawn activity back in the counts.
    AccessCase("activities:activity-restore", AUTHORITY, withdrawn_activity, post=True),
    AccessCase("activities:import-undo", CAMDEN_CHANGERS, import_batch, post=True),
    AccessCase("activities:activity-import", IMPORTERS, post=True),
    AccessCase("activities:import-template-csv", IMPORTERS),
    AccessCase("activities:import-template-xlsx", IMPORTERS),
]
