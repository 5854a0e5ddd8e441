"""The representation report's CSV and XLSX: the same suppression as the
pages, on crafted cases (one person in a category; two categories
differing by one), for a group and for the London-wide roll-up."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership.choices import EthnicGroup
from cpeg.membership.exports import COLUMNS, NOT_SHOWN
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _fill(group, n, ethnic):
    for _ in range(n):
        EqualityProfileFactory(member=MemberFactory(group=group), ethnic_group=ethnic)


def _csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    start = rows.index(COLUMNS)
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[start + 1 :]]


def _xlsx_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    start = values.index(COLUMNS)
    return [dict(zip(COLUMNS, row, strict=True)) for row in values[start + 1 :]]


def _same(rows):
    """Rows with numbers compared as numbers (XLSX stores 0.0 as 0)."""

    def norm(v):
        try:
            return float(v)
        except ValueError:
            return v

    return [{k: norm(v) for k, v in row.items()} for row in rows]


def _tables(rows):
    tables = {}
    for row in rows:
        if row["Table"]:
            tables.setdefault((row["People"], row["Table"]), {})[row["Category"]] = row
    return tables


def _assert_nothing_small_or_derivable(rows):
    """No shown count is 1 to 4, and no table with a shown total hides
    exactly one non-empty cell (which the total minus the rest would give)."""
    for (_people, title), table in _tables(rows).items():
        numbers = [r["Number"] for name, r in table.items() if name != "Total"]
        assert not [n for n in numbers if n in {"1", "2", "3", "4"}], title
        if table["Total"]["Number"] != NOT_SHOWN:
            assert numbers.count(NOT_SHOWN) != 1, title
        for name, r in table.items():
            if r["Number"] == NOT_SHOWN:
                assert r["Share (%)"] == r["95% range from (%)"] == r["Ratio to borough"] == "", (title, name)


def test_one_person_in_a_category_is_hidden_in_the_group_csv_and_xlsx(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    _fill(camden, 9, EthnicGroup.WHITE_BRITISH)
    _fill(camden, 1, EthnicGroup.BLACK_CARIBBEAN)
    client.force_login(OfficerFactory())
    rows = _csv_rows(client, reverse("membership:representation-csv", kwargs={"pk": camden.pk}))
    ethnic = _tables(rows)[("The wider membership (individual members)", "Ethnic group")]
    assert ethnic["Black, Black British, Black Welsh, Caribbean or African"]["Number"] == NOT_SHOWN
    assert ethnic["White"]["Number"] == NOT_SHOWN  # secondary: 10 - 9 would give the 1
    assert ethnic["Asian, Asian British or Asian Welsh"]["Number"] == "0"
    assert ethnic["Total"]["Number"] == "10"
    _assert_nothing_small_or_derivable(rows)
    # Executive: nobody answered, so no figure but zeros.
    assert {r["Number"] for r in rows if r["People"] == "The executive"} <= {"0", NOT_SHOWN}
    xlsx = _xlsx_rows(client, reverse("membership:representation-xlsx", kwargs={"pk": camden.pk}))
    assert _same(xlsx) == _same(rows)


def test_two_categories_differing_by_one_reveal_nothing_in_the_london_export(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    # Camden: 7 White, 6 Asian, 1 Black (Black and the smaller other hidden).
    _fill(camden, 7, EthnicGroup.WHITE_BRITISH)
    _fill(camden, 6, EthnicGroup.ASIAN_INDIAN)
    _fill(camden, 1, EthnicGroup.BLACK_AFRICAN)
    # Hackney: 6 White, 5 Asian: all shown.
    _fill(hackney, 6, EthnicGroup.WHITE_BRITISH)
    _fill(hackney, 5, EthnicGroup.ASIAN_INDIAN)
    client.force_login(OfficerFactory())
    rows = _csv_rows(client, reverse("membership:representation-london-csv"))
    ethnic = _tables(rows)[("Wider memberships (individual members)", "Ethnic group")]
    # Asian (6 + 5) and Black (1 + 0) include a hidden Camden figure: hidden.
    assert ethnic["Asian, Asian British or Asian Welsh"]["Number"] == NOT_SHOWN
    assert ethnic["Black, Black British, Black Welsh, Caribbean or African"]["Number"] == NOT_SHOWN
    assert ethnic["White"]["Number"] == "13"
    assert ethnic["Total"]["Number"] == "25"
    _assert_nothing_small_or_derivable(rows)
    # The page shows exactly the same figures.
    page = client.get(reverse("membership:representation-london"))
    table = next(t for t in page.context["report"].members.tables if t.name == "high_level")
    assert {r.label: r.count for r in table.rows}["White"] == 13
    assert {r.label: r.count for r in table.rows}["Asian, Asian British or Asian Welsh"] is None
    assert _same(_xlsx_rows(client, reverse("membership:representation-london-xlsx"))) == _same(rows)
