import datetime as dt

import factory

from cpeg.consultations.choices import ConsultationKind, ConsultationStatus, ResponseDecision, ResponseStatus
from cpeg.consultations.models import Consultation, ConsultationResponse
from cpeg.groups.tests.factories import EngagementGroupFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation; ``status=OPEN`` by default. Its responses are made
    by ``ResponseFactory`` (or ``open_for``)."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    kind = ConsultationKind.POLICING_PLAN
    title = factory.Sequence(lambda n: f"Policing plan consultation {n}")
    questions = "What should the policing priorities be?"
    opens_on = dt.date(2026, 11, 2)
    closes_on = dt.date(2027, 1, 29)
    status = ConsultationStatus.OPEN


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationResponse

    consultation = factory.SubFactory(ConsultationFactory)
    group = factory.SubFactory(EngagementGroupFactory)
    status = ResponseStatus.AWAITING


class SentResponseFactory(ResponseFactory):
    """A response sent and counted, on behalf of organisations and individuals."""

    status = ResponseStatus.SUBMITTED
    decision = ResponseDecision.RESPONDING
    response_text = "Our members want visible neighbourhood policing."
    organisations_count = 10
    individuals_count = 1
    submitted_at = factory.LazyFunction(lambda: dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))


def open_for(consultation, groups):
    """Ask ``groups`` and give each a response not yet started (as opening does)."""
    consultation.groups_asked.add(*groups)
    return [ResponseFactory(consultation=consultation, group=g) for g in groups]
