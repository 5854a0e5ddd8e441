"""The custody visiting summary as the national association's return file
(CSV and XLSX): the page's figures, hand-counted, safe to open."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.exports import COLUMNS
from cpeg.scrutiny.periods import Period
from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, visitor_account

pytestmark = pytest.mark.django_db
JUNE = timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30))
HEADINGS = [
    "Panel",
    "Period",
    "Visits attempted",
    "Access not gained",
    "Valid visits",
    "Persons in custody",
    "Not available",
    "Not offered",
    "Offered",
    "Accepted/seen",
    "Declined",
    "Observed only",
    "Issues outstanding",
]
ZERO = [0] * 11


def _fixture():
    """Two panels in April to June 2025: Camden has two valid visits (one
    with an issue outstanding) and one where access was refused; Islington
    one valid visit. A Camden visit in October is outside the quarter."""
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    custody_visit(camden, visited_at=JUNE)  # 6 in custody: 1, 1, 4 offered (3 seen, 1 declined), 0 observed
    custody_visit(
        camden,
        visited_at=JUNE + dt.timedelta(days=7),
        issues_raised="Cell 4 was cold",
        in_custody=3,
        not_available=0,
        not_offered=0,
        offered=2,
        accepted=1,
        declined=1,
        observed_only=1,
    )
    custody_visit(
        camden,
        visited_at=JUNE + dt.timedelta(days=14),
        access_refused=True,
        in_custody=0,
        not_available=0,
        not_offered=0,
        offered=0,
        accepted=0,
        declined=0,
    )
    custody_visit(camden, visited_at=JUNE + dt.timedelta(days=120))  # October
    custody_visit(
        islington,
        visited_at=JUNE,
        in_custody=2,
        not_available=0,
        not_offered=1,
        offered=1,
        accepted=1,
        declined=0,
        observed_only=0,
    )
    return camden, islington


# By hand: panel, period, attempted, not gained, valid, in custody, not
# available, not offered, offered, accepted/seen, declined, observed only,
# issues outstanding.
Q1 = Period.parse("2025-Q1").label
CAMDEN = ["Camden", Q1, 3, 1, 2, 9, 1, 1, 6, 4, 2, 1, 1]
ISLINGTON = ["Islington", Q1, 1, 0, 1, 2, 0, 1, 1, 1, 0, 0, 0]
TOTAL = ["London-wide total", Q1, 4, 1, 3, 11, 1, 2, 7, 5, 2, 1, 1]


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _as_text(row):
    return [str(value) for value in row]


def test_the_return_matches_a_hand_count_and_the_page(client):
    _fixture()
    client.force_login(OfficerFactory())
    query = "?period=2025-Q1"
    assert Q1.startswith("Q1 2025/26")
    rows = _csv_rows(client.get(reverse("scrutiny:custody-return-csv") + query))
    assert rows[0] == HEADINGS == COLUMNS
    by_panel = {row[0]: row for row in rows[1:]}
    assert len(rows) == 1 + 23 + 1  # the heading, every London panel, the total
    assert by_panel["Camden"] == _as_text(CAMDEN)
    assert by_panel["Islington"] == _as_text(ISLINGTON)
    assert by_panel["Hackney and Tower Hamlets"][2:] == _as_text(ZERO)
    assert rows[-1] == _as_text(TOTAL)
    # The figures are the page's, cell for cell.
    page = client.get(reverse("scrutiny:custody-summary") + query)
    html = page.content.decode()
    assert f'href="{reverse("scrutiny:custody-return-csv")}?period=2025-Q1"' in html
    assert f'href="{reverse("scrutiny:custody-return-xlsx")}?period=2025-Q1"' in html
    assert "Download this return (CSV)" in html
    assert "Download this return (XLSX)" in html
    page_rows = {row.panel.name: row for row in page.context["rows"]}
    for name, expected in (("Camden", CAMDEN), ("Islington", ISLINGTON)):
        row = page_rows[name]
        figures = [row.attempted, row.access_not_gained, row.valid, *row.counts.values(), row.outstanding]
        assert figures == expected[2:]
    total = page.context["total"]
    assert [total.attempted, total.access_not_gained, total.valid, *total.counts.values(), total.outstanding] == (
        TOTAL[2:]
    )


def test_the_xlsx_opens_with_the_same_figures_as_numbers(client):
    _fixture()
    client.force_login(OfficerFactory())
    response = client.get(reverse("scrutiny:custody-return-xlsx") + "?period=2025-Q1")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="custody-visiting-return-2025-Q1.xlsx"'
    rows = _xlsx_rows(response)
    assert rows[0] == HEADINGS
    by_panel = {row[0]: row for row in rows[1:]}
    assert by_panel["Camden"] == CAMDEN
    assert by_panel["Islington"] == ISLINGTON
    assert rows[-1] == TOTAL
    assert len(rows) == 25


def test_a_visitor_gets_their_own_panel_and_a_part_period_says_to_date(client):
    camden, _ = _fixture()
    user, _ = visitor_account(camden)
    client.force_login(user)
    year = FinancialYear.current()
    response = client.get(reverse("scrutiny:custody-return-csv") + f"?period={year.label}")
    assert response["Content-Disposition"] == (
        f'attachment; filename="custody-visiting-return-{year.label.replace("/", "-")}.csv"'
    )
    rows = _csv_rows(response)
    assert [row[0] for row in rows[1:]] == ["Camden", "All panels shown"]
    assert {row[1] for row in rows[1:]} == {f"Financial year {year.label} to date"}
    # A period that has ended is not "to date".
    rows = _csv_rows(client.get(reverse("scrutiny:custody-return-csv") + "?period=2025-Q1"))
    assert rows[1] == _as_text(CAMDEN)
    assert rows[2] == _as_text(["All panels shown", *CAMDEN[1:]])
    # A group's administrator: their borough's panel only, as on the page.
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("islington")))
    client.force_login(admin)
    rows = _xlsx_rows(client.get(reverse("scrutiny:custody-return-xlsx") + "?period=2025-Q1"))
    assert rows[1:] == [ISLINGTON, ["All panels shown", *ISLINGTON[1:]]]


def test_a_panel_named_like_a_formula_is_written_as_text(client):
    camden, _ = _fixture()
    camden.name = '=HYPERLINK("http://example.com/steal","Camden")'
    camden.save()
    client.force_login(OfficerFactory())
    rows = _csv_rows(client.get(reverse("scrutiny:custody-return-csv") + "?period=2025-Q1"))
    assert ["'" + camden.name, *_as_text(CAMDEN[1:])] in rows
    rows = _xlsx_rows(client.get(reverse("scrutiny:custody-return-xlsx") + "?period=2025-Q1"))
    assert ["'" + camden.name, *CAMDEN[1:]] in rows
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("scrutiny:custody-return-xlsx") + "?period=2025-Q1").content)
    ).active
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_bad_period_is_not_found_and_queries_are_bounded(client, django_assert_max_num_queries):
    _fixture()
    client.force_login(OfficerFactory())
    assert client.get(reverse("scrutiny:custody-return-csv") + "?period=nonsense").status_code == 404
    for name in ("scrutiny:custody-return-csv", "scrutiny:custody-return-xlsx"):
        with django_assert_max_num_queries(8):
            assert client.get(reverse(name) + "?period=2025-Q1").status_code == 200
