from cpeg.consultations.choices import ConsultationStatus, ResponseStatus
from cpeg.consultations.tests.factories import ConsultationFactory, ResponseFactory, SentResponseFactory
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, EVERYONE, SIGNED_IN, AccessCase

# Everyone signed in who may see some consultation: the authority, link
# members, and any group's administrator or executive.
LIST_READERS = AUTHORITY | CAMDEN_GROUP | {"hackney_admin", "link_member"}
# The figures and responses of a consultation: the authority, and link
# members (narrowed to their boroughs' groups).
PARTICIPATION = AUTHORITY | {"link_member"}


def _open_consultation(w):
    def build(w):
        consultation = ConsultationFactory()
        consultation.groups_asked.add(w.camden)
        ResponseFactory(consultation=consultation, group=w.camden)
        return consultation

    return w.make("open_consultation", build)


def closed_consultation(w):
    return {"pk": w.make("closed_consultation", lambda w: ConsultationFactory(status=ConsultationStatus.CLOSED)).pk}


def published_consultation(w):
    def build(w):
        consultation = ConsultationFactory(status=ConsultationStatus.PUBLISHED)
        consultation.groups_asked.add(w.camden)
        SentResponseFactory(consultation=consultation, group=w.camden)
        return consultation

    return {"pk": w.make("published_consultation", build).pk}


def hackney_published_response(w):
    """Another borough's response to a published consultation: every group
    and link member reads it once published."""

    def build(w):
        consultation = ConsultationFactory(status=ConsultationStatus.PUBLISHED)
        consultation.groups_asked.add(w.hackney)
        return SentResponseFactory(consultation=consultation, group=w.hackney)

    return {"pk": w.make("hackney_published_response", build).pk}


def consultation(w):
    return {"pk": _open_consultation(w).pk}


def draft_consultation(w):
    return {"pk": w.make("draft_consultation", lambda w: ConsultationFactory(status=ConsultationStatus.DRAFT)).pk}


def response(w):
    return {"pk": _open_consultation(w).responses.get(group=w.camden).pk}


def draft_response(w):
    def build(w):
        r = ResponseFactory(consultation=ConsultationFactory(), group=w.camden, status=ResponseStatus.DRAFT)
        r.consultation.groups_asked.add(w.camden)
        return r

    return {"pk": w.make("draft_response", build).pk}


def late_response(w):
    def build(w):
        return SentResponseFactory(group=w.camden, status=ResponseStatus.LATE, is_late=True)

    return {"pk": w.make("late_response", build).pk}


def sent_with_document(w):
    def build(w):
        from django.core.files.base import ContentFile

        r = SentResponseFactory(group=w.camden)
        r.document.save("response.pdf", ContentFile(b"%PDF-1.4 response"), save=False)
        r.document_name = "response.pdf"
        r.save()
        return r

    return {"pk": w.make("sent_with_document", build).pk}


def programme(w):
    from cpeg.consultations.models import PartnerProgramme

    return {"pk": w.make("programme", lambda w: PartnerProgramme.objects.create(financial_year=2026, name="CT")).pk}


def camden_meeting(w):
    from cpeg.activities.tests.factories import ActivityFactory

    return {"pk": w.make("camden_meeting", lambda w: ActivityFactory(group=w.camden)).pk}


def camden_borough(w):
    return {"pk": w.camden.borough_id}


def camden_panel(w):
    from cpeg.consultations.models import WardPanel

    return {
        "pk": w.make("camden_panel", lambda w: WardPanel.objects.create(borough=w.camden.borough, ward="Belsize")).pk
    }


def forum_meeting(w):
    def build(w):
        import datetime as dt

        from django.core.files.base import ContentFile

        from cpeg.consultations.models import ChairsForumMeeting

        meeting = ChairsForumMeeting(held_on=dt.date(2026, 5, 12), title="LCP2", minutes_name="minutes.pdf")
        meeting.minutes.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=False)
        meeting.save()
        meeting.groups_attended.add(w.camden)
        return meeting

    return {"pk": w.make("forum_meeting", build).pk}


def cdrp_meeting(w):
    def build(w):
        import datetime as dt

        from django.core.files.base import ContentFile

        from cpeg.consultations.models import CdrpMeeting

        meeting = CdrpMeeting(
            borough=w.camden.borough, group=w.camden, held_on=dt.date(2026, 5, 12), seat_filled=True,
            minutes_name="minutes.pdf",
        )  # fmt: skip
        meeting.minutes.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=False)
        meeting.save()
        return meeting

    return {"pk": w.make("cdrp_meeting", build).pk}


def camden(w):
    return {"pk": w.camden.pk}


CASES = [
    AccessCase("consultations:consultation-list", LIST_READERS),
    AccessCase("consultations:consultation-create", AUTHORITY, post=True),
    # An open consultation asking Camden: Camden's people read it; Hackney's do not.
    AccessCase("consultations:consultation-detail", AUTHORITY | CAMDEN_GROUP | {"link_member"}, consultation),
    AccessCase("consultations:consultation-edit", AUTHORITY, consultation, post=True),
    # A draft: officers open it (an empty POST opens it: the form has no field).
    AccessCase("consultations:consultation-open", AUTHORITY, draft_consultation, post=True, allowed_status=(200, 302)),
    AccessCase("consultations:consultation-close", AUTHORITY, consultation, post=True, allowed_status=(200, 302)),
    # A closed one: officers publish its responses (an empty POST publishes).
    AccessCase(
        "consultations:consultation-publish", AUTHORITY, closed_consultation, post=True, allowed_status=(200, 302)
    ),
    # Published: every group's people and link members read every response.
    AccessCase("consultations:consultation-detail", SIGNED_IN, published_consultation),
    AccessCase("consultations:response-list", SIGNED_IN, published_consultation),
    AccessCase("consultations:responses-xlsx", SIGNED_IN, published_consultation),
    AccessCase("consultations:response-detail", SIGNED_IN, hackney_published_response),
    AccessCase("consultations:published-list", EVERYONE),
    AccessCase("consultations:published-detail", EVERYONE, published_consultation),
    AccessCase("consultations:response-list", PARTICIPATION, consultation),
    AccessCase("consultations:responses-xlsx", PARTICIPATION, consultation),
    AccessCase("consultations:responses-zip", PARTICIPATION, consultation),
    AccessCase("consultations:response-detail", CAMDEN_READERS, response),
    AccessCase("consultations:response-edit", CAMDEN_GROUP, response, post=True),
    AccessCase("consultations:response-submit", CAMDEN_GROUP, draft_response, post=True),
    AccessCase("consultations:response-accept", AUTHORITY, late_response, post=True, allowed_status=(200, 302)),
    AccessCase("consultations:response-document", CAMDEN_READERS, sent_with_document),
    AccessCase("consultations:group-responses", CAMDEN_READERS, camden),
    AccessCase("consultations:programme-list", LIST_READERS),
    AccessCase("consultations:programme-matrix", PARTICIPATION),
    AccessCase("consultations:programme-create", {"manager"}, post=True),
    AccessCase("consultations:programme-edit", {"manager"}, programme, post=True),
    AccessCase("consultations:group-programmes", CAMDEN_READERS, camden),
    AccessCase("consultations:engagement-create", AUTHORITY | CAMDEN_GROUP, camden, post=True),
    AccessCase("consultations:mechanism-create", AUTHORITY | CAMDEN_GROUP, camden, post=True),
    AccessCase("consultations:pledge-summary", PARTICIPATION),
    AccessCase("consultations:group-pledge", CAMDEN_READERS, camden),
    AccessCase("consultations:pledge-report", AUTHORITY | CAMDEN_GROUP, camden_meeting, post=True),
    AccessCase("consultations:borough-partnerships", CAMDEN_READERS, camden_borough),
    AccessCase("consultations:panel-create", AUTHORITY | CAMDEN_GROUP, camden_borough, post=True),
    AccessCase("consultations:panel-edit", AUTHORITY | CAMDEN_GROUP, camden_panel, post=True),
    AccessCase("consultations:cdrp-list", CAMDEN_READERS, camden_borough),
    AccessCase("consultations:cdrp-create", AUTHORITY | CAMDEN_GROUP, camden_borough, post=True),
    AccessCase("consultations:cdrp-edit", AUTHORITY | CAMDEN_GROUP, cdrp_meeting, post=True),
    AccessCase("consultations:cdrp-minutes", CAMDEN_READERS, cdrp_meeting),
    AccessCase("consultations:forum-list", LIST_READERS),
    AccessCase("consultations:forum-create", AUTHORITY, post=True),
    AccessCase("consultations:forum-edit", AUTHORITY, forum_meeting, post=True),
    AccessCase("consultations:forum-minutes", LIST_READERS, forum_meeting),
]
