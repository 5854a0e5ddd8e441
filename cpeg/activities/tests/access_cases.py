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


def document(w):
    doc = w.make("document", lambda w: ActivityDocumentFactory(activity__group=w.camden))
    return {"pk": doc.activity_id, "document_pk": doc.pk}


CASES = [
    AccessCase("activities:activity-list", CAMDEN_READERS, camden),
    AccessCase("activities:activity-create", CAMDEN_CHANGERS, camden, post=True),
    AccessCase("activities:activity-detail", CAMDEN_READERS, activity),
    AccessCase("activities:activity-edit", CAMDEN_CHANGERS, activity, post=True),
    AccessCase("activities:document-add", CAMDEN_CHANGERS, activity, post=True),
    AccessCase("activities:document-download", CAMDEN_READERS, document),
    # An empty POST asks again; it never deletes.
    AccessCase("activities:document-delete", CAMDEN_CHANGERS, document, post=True),
    AccessCase("activities:activity-import", IMPORTERS, post=True),
    AccessCase("activities:import-template-csv", IMPORTERS),
    AccessCase("activities:import-template-xlsx", IMPORTERS),
]
