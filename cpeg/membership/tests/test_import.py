"""Importing a membership list: checked whole, errors by row and column,
all or nothing."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership import services
from cpeg.membership.imports import MemberImportError
from cpeg.membership.models import Member
from cpeg.membership.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
HEADER = "Type,Name,Kind of organisation,People they speak for,Representative,Deputy,Email,Date joined,Date left\n"


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def csv_file(body: str, name="members.csv"):
    return SimpleUploadedFile(name, (HEADER + body).encode())


def test_a_good_list_is_imported_whole(camden):
    admin = GroupAdminFactory(group=camden)
    body = (
        'Organisation,Kentish Town TRA,Residents\' association,"1,200",Ray Rep,Dee Dep,tra@example.org,01/04/2020,\n'
        "Individual,Ann Person,,,,,,2024-05-01,\n"
        "organisation,Camden Ward Panel,Safer Neighbourhood ward panel,12,,,,1 May 2019,31/03/2026\n"
    )
    assert services.member_import(group=camden, actor=admin, file=csv_file(body), today=TODAY) == 3
    tra = Member.objects.get(name="Kentish Town TRA")
    assert (tra.organisation_kind, tra.people_represented, tra.joined_on) == (
        "residents_association",
        1200,
        dt.date(2020, 4, 1),
    )
    assert Member.objects.get(name="Camden Ward Panel").left_on == dt.date(2026, 3, 31)
    assert AuditEvent.objects.filter(event_type=AuditEventType.MEMBERS_IMPORTED).count() == 1


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_saved(camden):
    MemberFactory(group=camden, name="Already Here")
    admin = GroupAdminFactory(group=camden)
    body = (
        "Individual,Good Person,,,,,,01/04/2024,\n"  # row 2: fine
        "Club,Somebody,,,,,,01/04/2024,\n"  # row 3: unknown type
        "Organisation,Chess Club,Sports club,,,,,01/04/2024,\n"  # row 4: unknown kind
        "Individual,Bad Dates,,,,,,31/02/2024,\n"  # row 5: no such date
        "Individual,Good Person,,,,,,01/04/2024,\n"  # row 6: duplicate of row 2
        "Individual,Already Here,,,,,,01/04/2024,\n"  # row 7: a current member
        "Individual,Leaver,,,,,,01/04/2024,01/01/2024\n"  # row 8: left before joining
        "Organisation,Big TRA,Residents' association,-5,,,not-an-email,01/04/2024,\n"  # row 9
    )
    with pytest.raises(MemberImportError) as caught:
        services.member_import(group=camden, actor=admin, file=csv_file(body), today=TODAY)
    found = {(e.row, e.column) for e in caught.value.result.errors}
    assert found == {
        (3, "Type"),
        (4, "Kind of organisation"),
        (5, "Date joined"),
        (6, "Name"),
        (7, "Name"),
        (8, "Date left"),
        (9, "People they speak for"),
        (9, "Email"),
    }
    assert Member.objects.filter(group=camden).count() == 1


def test_a_file_without_a_required_column_or_of_the_wrong_kind_is_refused(camden):
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(ValidationError, match='no "Date joined" column'):
        services.member_import(
            group=camden, actor=admin, file=SimpleUploadedFile("m.csv", b"Type,Name\nIndividual,A\n"), today=TODAY
        )
    with pytest.raises(ValidationError, match="CSV or XLSX"):
        services.member_import(group=camden, actor=admin, file=SimpleUploadedFile("m.pdf", b"%PDF"), today=TODAY)


def test_an_xlsx_list_with_real_dates_is_read(camden):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Type", "Date joined"])
    sheet.append(["Ann Person", "Individual", dt.datetime(2023, 9, 1)])
    data = io.BytesIO()
    workbook.save(data)
    admin = GroupAdminFactory(group=camden)
    file = SimpleUploadedFile("list.xlsx", data.getvalue())
    assert services.member_import(group=camden, actor=admin, file=file, today=TODAY) == 1
    assert Member.objects.get(name="Ann Person").joined_on == dt.date(2023, 9, 1)


def test_the_import_page_lists_the_problems(client, camden):
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("membership:member-import", kwargs={"pk": camden.pk})
    response = client.post(url, {"file": csv_file("Club,Somebody,,,,,,01/04/2024,\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Problems in the file" in html
    assert "Enter &quot;Organisation&quot; or &quot;Individual&quot;" in html
