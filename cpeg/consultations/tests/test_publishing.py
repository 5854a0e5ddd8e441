"""Publishing a consultation's responses: a group reads only its own
response until an officer publishes them; then every group and link member
reads them all (pages and downloads), and the public reads the collective
responses without anyone's name."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.consultations import services
from cpeg.consultations.choices import ConsultationStatus
from cpeg.consultations.tests.factories import ConsultationFactory, SentResponseFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    consultation = ConsultationFactory(title="Policing plan 2026/27", status=ConsultationStatus.CLOSED)
    consultation.groups_asked.add(camden, hackney)
    submitter = GroupAdminFactory(group=hackney, first_name="Harriet", last_name="Sender")
    mine = SentResponseFactory(consultation=consultation, group=camden, response_text="Camden wants more patrols")
    theirs = SentResponseFactory(
        consultation=consultation,
        group=hackney,
        response_text="Hackney wants youth work",
        organisations_count=12,
        individuals_count=4,
        submitted_by=submitter,
    )
    theirs.document.save("hackney.pdf", ContentFile(b"%PDF-1.4 hackney"), save=False)
    theirs.document_name = "hackney.pdf"
    theirs.save()
    return consultation, camden, hackney, mine, theirs


def _pages(client, consultation, theirs):
    """(status of Hackney's response page, XLSX group names, zip members, response list text)."""
    detail = client.get(reverse("consultations:response-detail", args=[theirs.pk])).status_code
    xlsx = client.get(reverse("consultations:responses-xlsx", args=[consultation.pk]))
    names = (
        [r[0] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True)]
        if xlsx.status_code == 200
        else None
    )
    archive = client.get(reverse("consultations:responses-zip", args=[consultation.pk]))
    members = zipfile.ZipFile(io.BytesIO(archive.content)).namelist() if archive.status_code == 200 else None
    listed = client.get(reverse("consultations:response-list", args=[consultation.pk]))
    return detail, names, members, listed.status_code


def test_before_publishing_a_group_reads_only_its_own_response(client, closed):
    consultation, camden, hackney, mine, theirs = closed
    client.force_login(GroupAdminFactory(group=camden))
    assert client.get(reverse("consultations:response-detail", args=[mine.pk])).status_code == 200
    assert _pages(client, consultation, theirs) == (404, None, None, 404)
    assert client.get(reverse("consultations:response-document", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("consultations:published-detail", args=[consultation.pk])).status_code == 404


def test_after_publishing_every_group_and_link_member_reads_them_all(client, closed):
    consultation, camden, hackney, mine, theirs = closed
    services.consultation_publish(consultation=consultation, actor=OfficerFactory())
    client.force_login(GroupAdminFactory(group=camden))
    detail, names, members, listed = _pages(client, consultation, theirs)
    assert (detail, listed) == (200, 200)
    assert names == sorted([camden.name, hackney.name])
    assert len(members) == 1
    assert client.get(reverse("consultations:response-document", args=[theirs.pk])).status_code == 200
    # A group not asked reads them too, and the consultation's page shows the London figures.
    client.force_login(GroupAdminFactory(group=EngagementGroupFactory(borough=borough("islington"))))
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "2 groups responded, representing 22 member organisations and 5 individuals" in html
    # A link member for Camden now reads Hackney's too.
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    detail, names, _members, _listed = _pages(client, consultation, theirs)
    assert detail == 200
    assert len(names) == 2


def test_a_link_member_reads_only_their_boroughs_until_published(client, closed):
    consultation, camden, hackney, mine, theirs = closed
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    detail, names, _members, listed = _pages(client, consultation, theirs)
    assert detail == 404
    assert names == [camden.name]
    assert listed == 200


def test_the_public_reads_the_collective_responses_without_names(client, closed):
    consultation, camden, hackney, mine, theirs = closed
    assert consultation.title not in client.get(reverse("consultations:published-list")).content.decode()
    services.consultation_publish(consultation=consultation, actor=OfficerFactory())
    assert consultation.title in client.get(reverse("consultations:published-list")).content.decode()
    html = client.get(reverse("consultations:published-detail", args=[consultation.pk])).content.decode()
    assert "Hackney wants youth work" in html
    assert "Camden wants more patrols" in html
    assert "On behalf of 12 member organisations and 4 individuals" in html
    assert "Harriet" not in html
    assert "Sender" not in html
    assert "hackney.pdf" not in html
    # The responses' own pages stay for those who work with the groups.
    assert client.get(reverse("consultations:response-detail", args=[theirs.pk])).status_code == 302


def test_only_an_officer_publishes_only_a_closed_consultation_once(closed):
    consultation, camden, hackney, mine, theirs = closed
    with pytest.raises(PermissionDenied):
        services.consultation_publish(consultation=consultation, actor=GroupAdminFactory(group=camden))
    open_one = ConsultationFactory(status=ConsultationStatus.OPEN)
    with pytest.raises(InvalidTransition, match="Only a closed consultation"):
        services.consultation_publish(consultation=open_one, actor=OfficerFactory())
    officer = OfficerFactory()
    published = services.consultation_publish(consultation=consultation, actor=officer)
    assert published.status == ConsultationStatus.PUBLISHED
    assert published.published_by == officer
    event = AuditEvent.objects.get(event_type=AuditEventType.CONSULTATION_RESPONSES_PUBLISHED)
    assert event.summary == "Published the responses to Policing plan 2026/27"
    with pytest.raises(InvalidTransition, match="only once"):
        services.consultation_publish(consultation=published, actor=officer)


def test_an_officer_publishes_through_a_confirmation_page(client, closed):
    consultation, *_ = closed
    client.force_login(OfficerFactory())
    url = reverse("consultations:consultation-publish", args=[consultation.pk])
    detail = reverse("consultations:consultation-detail", args=[consultation.pk])
    assert url in client.get(detail).content.decode()
    assert "This cannot be undone" in client.get(url).content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED  # a GET writes nothing
    assert client.post(url).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert url not in client.get(detail).content.decode()
