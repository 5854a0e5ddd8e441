import datetime as dt

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import ExecutiveRole, GroupStatus, PartnerRole
from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, PartnerContact, Person
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough

pytestmark = pytest.mark.django_db


def _form(group=None, **overrides):
    data = {
        "name": "Camden Community and Police Engagement Group",
        "borough": str(borough("camden").pk),
        "status": "active",
        "staffing_model": "direct",
        "administrator_hours_per_week": "37.5",
        "is_published": "on",
    }
    if group is not None:
        data["version"] = str(group.version)
    return data | overrides


def test_officer_creates_a_group_through_the_form(client):
    client.force_login(OfficerFactory())
    response = client.post(reverse("groups:group-create"), _form())
    group = EngagementGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"borough": "999999"}, "borough", "Select a borough from the list"),
        ({"email": "x" * 250 + "@example.org"}, "email", "Contact email must be 254 characters or fewer"),
        ({"borough": ""}, "borough", "Select the borough"),
        ({"administrator_hours_per_week": "lots"}, "administrator_hours_per_week", "must be a number"),
        ({"administrator_hours_per_week": "-1"}, "administrator_hours_per_week", "must be 0 or more"),
        ({"name": "x" * 151}, "name", "Group name must be 150 characters or fewer"),
        ({"name": ""}, "name", "Enter the group&#x27;s name"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"established_on_0": "31", "established_on_1": "2", "established_on_2": "2020"}, "established_on", ""),
    ],
)
def test_bad_input_gets_an_error_on_the_field_and_nothing_is_saved(client, overrides, field, message):
    client.force_login(OfficerFactory())
    response = client.post(reverse("groups:group-create"), _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in html
    assert EngagementGroup.objects.count() == 0


def test_duplicate_group_for_a_borough_is_reported_on_the_form(client):
    client.force_login(OfficerFactory())
    EngagementGroupFactory(borough=borough("camden"), name="Existing Camden Group", slug="existing")
    response = client.post(reverse("groups:group-create"), _form())
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_borough"' in html
    assert "Camden already has a group that is not disbanded (Existing Camden Group)" in html
    assert 'id="id_borough_1_error"' in html or "govuk-select--error" in html
    assert EngagementGroup.objects.count() == 1


def test_second_editor_is_told_and_does_not_overwrite(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    officer = OfficerFactory()
    client.force_login(officer)
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    first = client.post(url, _form(group, name=group.name, email="first@example.org"))
    assert first.status_code == 302
    second = client.post(url, _form(group, name=group.name, email="second@example.org"))  # stale version 1
    assert second.status_code == 400
    assert "Someone else changed this record while you were editing it" in second.content.decode()
    group.refresh_from_db()
    assert group.email == "first@example.org"


def test_executive_term_ending_before_it_starts_is_refused_on_the_form(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=group))
    response = client.post(
        reverse("groups:executive-add", kwargs={"pk": group.pk}),
        {
            "person_full_name": "Ada Lovelace",
            "role": "secretary",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2025",
            "ends_on_0": "1",
            "ends_on_1": "3",
            "ends_on_2": "2025",
        },
    )
    assert response.status_code == 400
    assert "The term must end on or after the day it starts" in response.content.decode()
    assert ExecutiveMembership.objects.count() == 0
    assert Person.objects.count() == 0


def test_group_page_shows_who_changed_what_and_when(client):
    group = EngagementGroupFactory(borough=borough("camden"), email="old@example.org")
    officer = OfficerFactory(first_name="Olive", last_name="Officer")
    client.force_login(officer)
    client.post(
        reverse("groups:group-edit", kwargs={"pk": group.pk}), _form(group, name=group.name, email="new@example.org")
    )
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Olive Officer" in html
    assert "Contact email: old@example.org &rarr; new@example.org" in html
    assert AuditEvent.objects.filter(event_type="GROUP_UPDATED", actor=officer).exists()


def test_group_page_lists_executive_venues_and_partner_contacts(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    ExecutiveMembershipFactory(group=group, role=ExecutiveRole.CHAIR, person__full_name="Chair Person")
    PartnerContact.objects.create(
        borough=group.borough, person=Person.objects.create(full_name="Cdr Bold"), role=PartnerRole.BOROUGH_COMMANDER
    )
    client.force_login(LinkMemberFactory(boroughs=[group.borough]))
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Chair Person" in html
    assert "Cdr Bold" in html
    assert "Change<span" not in html  # link members read only


def test_dashboard_filters_and_sorts(client):
    EngagementGroupFactory(borough=borough("camden"), name="Alpha Camden", staffing_model="council")
    EngagementGroupFactory(borough=borough("hackney"), name="Beta Hackney", status=GroupStatus.SUSPENDED)
    client.force_login(OfficerFactory())
    url = reverse("groups:group-list")
    assert list(client.get(url, {"status": "suspended"}).context["page"]) == list(
        EngagementGroup.objects.filter(name="Beta Hackney")
    )
    assert [g.name for g in client.get(url, {"staffing_model": "council"}).context["page"]] == ["Alpha Camden"]
    assert [g.name for g in client.get(url, {"sort": "name", "order": "desc"}).context["page"]] == [
        "Beta Hackney",
        "Alpha Camden",
    ]
    assert [g.name for g in client.get(url, {"q": "hackney"}).context["page"]] == ["Beta Hackney"]


def _bulk_groups(count):
    borough("camden")  # reloads the boroughs if a transactional test flushed them
    boroughs = list(Borough.objects.all())
    people = Person.objects.bulk_create([Person(full_name=f"Person {i}") for i in range(count)])
    groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Group {i:05d}",
                slug=f"group-{i:05d}",
                borough=boroughs[i % len(boroughs)],
                status=GroupStatus.DISBANDED,
                staffing_model="direct",
            )
            for i in range(count)
        ]
    )
    ExecutiveMembership.objects.bulk_create(
        [
            ExecutiveMembership(group=g, person=p, role=ExecutiveRole.CHAIR, starts_on=dt.date(2020, 1, 1))
            for g, p in zip(groups, people, strict=True)
        ]
    )
    PartnerContact.objects.bulk_create(
        [PartnerContact(borough=b, person=people[0], role=PartnerRole.LINK_MEMBER) for b in boroughs]
    )


@pytest.mark.parametrize("count", [32, 2000])
def test_dashboard_runs_a_fixed_number_of_queries_whatever_the_number_of_groups(
    client, django_assert_num_queries, count
):
    _bulk_groups(count)
    client.force_login(OfficerFactory())
    # session, user, roles, count, page of groups, chairs, partner contacts, boroughs for the filter
    with django_assert_num_queries(8):
        response = client.get(reverse("groups:group-list"), {"sort": "name"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)


def test_dashboard_can_show_every_group_on_its_own_pages(client):
    _bulk_groups(120)
    client.force_login(OfficerFactory())
    response = client.get(reverse("groups:group-list"), {"page": "3"})
    assert len(response.context["page"].object_list) == 20


def test_public_directory_hides_unpublished_and_disbanded_groups(client):
    shown = EngagementGroupFactory(borough=borough("camden"))
    hidden = EngagementGroupFactory(borough=borough("hackney"), is_published=False)
    gone = EngagementGroupFactory(borough=borough("brent"), status=GroupStatus.DISBANDED)
    html = client.get(reverse("public:group-list")).content.decode()
    assert shown.name in html
    assert hidden.name not in html
    assert gone.name not in html
    assert client.get(reverse("public:group-detail", kwargs={"slug": hidden.slug})).status_code == 404
    assert client.get(reverse("public:group-detail", kwargs={"slug": shown.slug})).status_code == 200


def test_constitution_upload_must_be_a_real_pdf(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    group = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=group))
    fake = SimpleUploadedFile("constitution.pdf", b"MZ this is an exe", content_type="application/pdf")
    response = client.post(
        reverse("groups:group-edit", kwargs={"pk": group.pk}),
        _form(group, name=group.name, constitution_document=fake),
    )
    assert response.status_code == 400
    assert "The selected file is not a real PDF file" in response.content.decode()
    group.refresh_from_db()
    assert not group.constitution_document


def test_group_page_queries_do_not_grow_with_its_history(client, django_assert_max_num_queries):
    group = EngagementGroupFactory(borough=borough("camden"))
    officer = OfficerFactory()
    client.force_login(officer)
    url = group.get_absolute_url()

    def add_member(n):
        from cpeg.groups import services

        services.executive_member_add(
            group=group,
            actor=officer,
            data={
                "person_full_name": f"Member {n}",
                "role": "other",
                "role_title": "Member",
                "starts_on": dt.date(2024, 4, 1),
            },
        )

    add_member(0)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 8):
        add_member(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Member 7" in response.content.decode()


def test_an_edit_form_without_its_version_is_refused_with_a_visible_message(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(OfficerFactory())
    data = _form(group, name=group.name, email="x@example.org")
    del data["version"]
    response = client.post(reverse("groups:group-edit", kwargs={"pk": group.pk}), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This page is out of date. Reload it and make your changes again." in html
    assert "govuk-error-summary__list" in html
    group.refresh_from_db()
    assert group.email != "x@example.org"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("constitution.docx", b"PK\x03\x04 a zip that is not a Word document", "is not a real DOCX file"),
        ("constitution.xlsx", b"PK\x03\x04", "must be a PDF, DOCX, ODT or DOC"),
        ("constitution.pdf", b"", "The selected file is empty"),
    ],
)
def test_constitution_uploads_are_checked_by_type_and_content(client, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    group = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=group))
    response = client.post(
        reverse("groups:group-edit", kwargs={"pk": group.pk}),
        _form(group, name=group.name, constitution_document=SimpleUploadedFile(name, content)),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
