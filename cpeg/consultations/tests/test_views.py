"""Consultation pages: figures link to exactly their responses, forms show
every error, downloads hold the responses, and queries stay bounded."""

import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.consultations.choices import ConsultationStatus, ResponseDecision, ResponseStatus
from cpeg.consultations.models import Consultation, ConsultationResponse
from cpeg.consultations.tests.factories import ConsultationFactory, ResponseFactory, SentResponseFactory, open_for
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SLUGS = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham", "croydon", "sutton", "barnet",
         "brent", "ealing", "enfield"]  # fmt: skip


def _groups(n):
    return [EngagementGroupFactory(borough=borough(slug)) for slug in SLUGS[:n]]


def _figure(html: str, name: str) -> tuple[str, str]:
    match = re.search(rf'href="([^"]+)" data-figure="{name}">(\d+)<', html)
    assert match, name
    return match.group(1).replace("&amp;", "&"), match.group(2)


def _listed(client, url) -> int:
    html = client.get(url).content.decode()
    return html.count('href="/consultations/response/')


def test_each_figure_links_to_exactly_the_responses_it_counts(client):
    groups = _groups(6)
    consultation = ConsultationFactory()
    consultation.groups_asked.add(*groups)
    SentResponseFactory(consultation=consultation, group=groups[0], organisations_count=40, individuals_count=3)
    SentResponseFactory(consultation=consultation, group=groups[1], organisations_count=25, individuals_count=0)
    ResponseFactory(
        consultation=consultation,
        group=groups[2],
        status=ResponseStatus.SUBMITTED,
        decision=ResponseDecision.NOT_RESPONDING,
        not_responding_reason="No meeting",
    )
    SentResponseFactory(consultation=consultation, group=groups[3], status=ResponseStatus.LATE, is_late=True)
    ResponseFactory(consultation=consultation, group=groups[4], status=ResponseStatus.DRAFT)
    ResponseFactory(consultation=consultation, group=groups[5])
    client.force_login(OfficerFactory())
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "2 groups responded, representing 65 member organisations and 3 individuals" in html
    expected = {"asked": 6, "responded": 2, "not_responding": 1, "late": 1, "not_sent": 2}
    for name, count in expected.items():
        url, shown = _figure(html, name)
        assert int(shown) == count
        assert _listed(client, url) == count, name
    assert _figure(html, "organisations")[1] == "65"
    assert "33.3%" in html  # 2 of 6


def test_a_link_member_sees_the_figures_of_their_boroughs_only(client):
    camden, hackney = _groups(2)
    consultation = ConsultationFactory()
    consultation.groups_asked.add(camden, hackney)
    SentResponseFactory(consultation=consultation, group=camden, organisations_count=11)
    SentResponseFactory(consultation=consultation, group=hackney, organisations_count=22)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert "1 group responded, representing 11 member organisations" in html
    assert _figure(html, "asked")[1] == "1"


def test_a_group_sees_its_own_response_not_the_figures(client):
    camden, hackney = _groups(2)
    consultation = ConsultationFactory()
    open_for(consultation, [camden, hackney])
    client.force_login(GroupAdminFactory(group=camden))
    html = client.get(reverse("consultations:consultation-detail", args=[consultation.pk])).content.decode()
    assert 'id="participation"' not in html
    assert "Your group&#x27;s response" in html or "Your group's response" in html
    own = consultation.responses.get(group=camden)
    assert reverse("consultations:response-edit", args=[own.pk]) in html
    other = consultation.responses.get(group=hackney)
    assert client.get(reverse("consultations:response-detail", args=[other.pk])).status_code == 404
    # A draft consultation is the authority's alone.
    draft = ConsultationFactory(status=ConsultationStatus.DRAFT)
    draft.groups_asked.add(camden)
    assert client.get(reverse("consultations:consultation-detail", args=[draft.pk])).status_code == 404
    listing = client.get(reverse("consultations:consultation-list")).content.decode()
    assert consultation.title in listing
    assert draft.title not in listing


def test_the_response_form_shows_every_error_and_keeps_what_was_typed(client):
    (camden,) = _groups(1)
    consultation = ConsultationFactory()
    (response,) = open_for(consultation, [camden])
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("consultations:response-edit", args=[response.pk])
    page = client.post(
        url,
        {"version": response.version, "decision": "responding", "organisations_count": "lots", "individuals_count": ""},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Enter the group&#x27;s response, or upload a response document" in html
    assert "Member organisations must be a whole number, 0 or more" in html
    assert "Enter how many individuals responded through the group, 0 or more" in html
    assert 'value="lots"' in html


def test_a_group_responds_and_sends_through_the_pages(client):
    (camden,) = _groups(1)
    consultation = ConsultationFactory()
    (response,) = open_for(consultation, [camden])
    client.force_login(GroupAdminFactory(group=camden))
    page = client.post(
        reverse("consultations:response-edit", args=[response.pk]),
        {
            "version": response.version,
            "decision": "responding",
            "response_text": "Visible policing",
            "organisations_count": "17",
            "individuals_count": "2",
        },
    )
    assert page.status_code == 302
    response.refresh_from_db()
    page = client.post(reverse("consultations:response-submit", args=[response.pk]), {"version": response.version})
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.status in (ResponseStatus.SUBMITTED, ResponseStatus.LATE)
    assert response.organisations_count == 17


def test_downloads_hold_the_readable_responses(client):
    camden, hackney = _groups(2)
    consultation = ConsultationFactory(title="Policing plan consultation 2026/27")
    consultation.groups_asked.add(camden, hackney)
    sent = SentResponseFactory(consultation=consultation, group=camden, response_text="=cmd|' /C calc'!A0")
    sent.document.save("camden.pdf", ContentFile(b"%PDF-1.4 camden"), save=False)
    sent.document_name = "camden.pdf"
    sent.save()
    SentResponseFactory(consultation=consultation, group=hackney)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    xlsx = client.get(reverse("consultations:responses-xlsx", args=[consultation.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [camden.name]  # the link member's borough only
    assert rows[0][6].startswith("'=")  # a formula is kept as text
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("consultations:responses-zip", args=[consultation.pk])).content)
    )
    assert len(archive.namelist()) == 1
    assert archive.read(archive.namelist()[0]) == b"%PDF-1.4 camden"


def test_the_responses_download_names_the_organisations_picked_from_the_register(client, django_assert_max_num_queries):
    camden, hackney, lambeth = _groups(3)
    consultation = ConsultationFactory(title="Policing plan consultation 2026/27")
    consultation.groups_asked.add(camden, hackney, lambeth)
    picked = SentResponseFactory(consultation=consultation, group=camden, organisations_count=2)
    picked.organisations.set(
        [MemberFactory(group=camden, name=name, organisation=True) for name in ("Youth Forum", "Age UK Camden")]
    )
    SentResponseFactory(consultation=consultation, group=hackney, organisations_count=5)  # a number, no register
    other = SentResponseFactory(consultation=consultation, group=lambeth, organisations_count=1)
    other.organisations.set([MemberFactory(group=lambeth, name="Brixton Traders", organisation=True)])
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(6):  # the names are prefetched: not one query per response
        xlsx = client.get(reverse("consultations:responses-xlsx", args=[consultation.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [cell.value for cell in sheet[2]]
    assert header[-1] == "Member organisations by name"
    names = {row[0]: row[-1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {camden.name: "Age UK Camden; Youth Forum", hackney.name: None, lambeth.name: "Brixton Traders"}


def test_an_officer_prepares_and_opens_a_consultation_through_the_pages(client):
    groups = _groups(3)
    client.force_login(OfficerFactory())
    page = client.post(
        reverse("consultations:consultation-create"),
        {
            "kind": "stop_and_search",
            "title": "Stop and search 2026/27",
            "questions": "How is it experienced?",
            "opens_on_0": "1",
            "opens_on_1": "12",
            "opens_on_2": "2026",
            "closes_on_0": "31",
            "closes_on_1": "1",
            "closes_on_2": "2027",
            "groups_asked": [g.pk for g in groups[:2]],
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    consultation = Consultation.objects.get(title="Stop and search 2026/27")
    assert client.post(reverse("consultations:consultation-open", args=[consultation.pk])).status_code == 302
    assert ConsultationResponse.objects.filter(consultation=consultation).count() == 2


def test_gets_write_nothing(client):
    (camden,) = _groups(1)
    consultation = ConsultationFactory()
    (response,) = open_for(consultation, [camden])
    officer = OfficerFactory()
    before = (AuditEvent.objects.count(), ConsultationResponse.history.count(), Consultation.history.count())
    client.force_login(officer)
    for name, pk in [
        ("consultations:consultation-detail", consultation.pk),
        ("consultations:consultation-open", consultation.pk),
        ("consultations:consultation-close", consultation.pk),
        ("consultations:response-list", consultation.pk),
        ("consultations:response-detail", response.pk),
        ("consultations:group-responses", camden.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code in (200, 302)
    client.force_login(GroupAdminFactory(group=camden))
    for name in ("consultations:response-edit", "consultations:response-submit"):
        assert client.get(reverse(name, args=[response.pk])).status_code in (200, 302)
    after = (AuditEvent.objects.count(), ConsultationResponse.history.count(), Consultation.history.count())
    assert before == after


@pytest.mark.parametrize(
    "name", ["consultations:consultation-list", "consultations:consultation-detail", "consultations:response-list"]
)
def test_pages_read_the_same_number_of_queries_for_more_groups(client, django_assert_max_num_queries, name):
    client.force_login(OfficerFactory())
    consultation = ConsultationFactory()
    previous = ConsultationFactory(opens_on=consultation.opens_on.replace(year=consultation.opens_on.year - 1))
    groups = _groups(len(SLUGS))
    for c in (consultation, previous):
        for group in groups[:2]:
            SentResponseFactory(consultation=c, group=group)
    args = [] if name.endswith("list") and "response" not in name else [consultation.pk]
    url = reverse(name, args=args)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for c in (consultation, previous):
        for group in groups[2:]:
            SentResponseFactory(consultation=c, group=group)
    ConsultationFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
