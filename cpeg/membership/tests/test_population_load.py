"""Managers load borough population tables: the whole file checked, every
problem by row and column, all or nothing, a characteristic replaced
whole, audited; the report compares a characteristic only where loaded."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory, OfficerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership import selectors, services
from cpeg.membership.models import PopulationCount, PopulationTable
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory

pytestmark = pytest.mark.django_db

HEADER = "Borough code,Characteristic,Category,Count,Source\n"
CAMDEN, HACKNEY = "E09000007", "E09000012"


def _file(body: str, name="population.csv"):
    return SimpleUploadedFile(name, (HEADER + body).encode(), content_type="text/csv")


def _sex(code, female, male, source="Census 2021 TS008"):
    return f"{code},Sex,Female,{female},{source}\n{code},Sex,Male,{male},{source}\n"


def test_a_manager_loads_a_table_and_it_is_audited():
    loaded = services.population_tables_load(actor=ManagerFactory(), file=_file(_sex(CAMDEN, 108_000, 102_136)))
    assert loaded == {"sex": 2}
    assert dict(PopulationCount.objects.values_list("category", "count")) == {"female": 108_000, "male": 102_136}
    event = AuditEvent.objects.get(event_type=AuditEventType.POPULATION_TABLE_LOADED)
    assert "sex loaded for 1 boroughs" in event.summary


def test_only_managers_load_tables():
    with pytest.raises(PermissionDenied):
        services.population_tables_load(actor=OfficerFactory(), file=_file(_sex(CAMDEN, 1, 1)))


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_loaded():
    body = (
        "E09000999,Sex,Female,10,Census\n"  # row 2: unknown borough
        f"{CAMDEN},Shoe size,Large,10,Census\n"  # row 3: unknown characteristic
        f"{CAMDEN},Sex,Other,10,Census\n"  # row 4: unknown category
        f"{CAMDEN},Sex,Female,ten,Census\n"  # row 5: not a number
        f"{CAMDEN},Sex,Female,-3,Census\n"  # row 6: negative (and a duplicate of row 5's key)
        f"{HACKNEY},Sex,Female,1.5,Census\n"  # row 7: not whole
        f"{HACKNEY},Sex,Female,100,\n"  # row 8: no source
        f"{HACKNEY},Sex,Female,100,Census\n"  # row 9: a borough missing Male
        f"{HACKNEY},Sex,Female,100,Census\n"  # row 10: duplicate of row 7 (and 8, 9)
    )
    with pytest.raises(services.PopulationImportError) as caught:
        services.population_tables_load(actor=ManagerFactory(), file=_file(body))
    found = {(e.row, e.column, e.message.split(":")[0].split(".")[0]) for e in caught.value.result.errors}
    assert (2, "Borough code", "E09000999 is not the ONS code of a borough the authority polices") in found
    assert (3, "Characteristic", "Enter a characteristic") in found
    assert (4, "Category", "Enter a category of sex") in found
    assert (5, "Count", "Count must be a whole number, 0 or more, like 10450") in found
    assert (6, "Count", "Count must be a whole number, 0 or more, like 10450") in found
    assert (7, "Count", "Count must be a whole number, 0 or more, like 10450") in found
    assert (8, "Source", "Enter where the figures come from, like ONS Census 2021 table TS008") in found
    assert (7, "Category", "Hackney has no row for Male") in found  # its first row
    assert (10, "Category", "Row 7 already gives this borough's figure for this category") in found
    assert not PopulationTable.objects.exists()


def test_loading_a_characteristic_again_replaces_its_whole_table():
    manager = ManagerFactory()
    services.population_tables_load(actor=manager, file=_file(_sex(CAMDEN, 5, 5) + _sex(HACKNEY, 6, 6)))
    services.population_tables_load(actor=manager, file=_file(_sex(CAMDEN, 7, 8, source="New")))
    assert sorted(PopulationCount.objects.values_list("borough__ons_code", "category", "count", "source")) == [
        (CAMDEN, "female", 7, "New"),
        (CAMDEN, "male", 8, "New"),
    ]
    assert PopulationTable.objects.get().version == 2


def test_a_refused_reload_leaves_the_old_table_whole():
    manager = ManagerFactory()
    services.population_tables_load(actor=manager, file=_file(_sex(CAMDEN, 5, 5)))
    with pytest.raises(services.PopulationImportError):
        services.population_tables_load(actor=manager, file=_file(_sex(CAMDEN, 7, 8) + f"{HACKNEY},Sex,Male,x,S\n"))
    assert PopulationCount.objects.count() == 2
    assert set(PopulationCount.objects.values_list("count", flat=True)) == {5}


def test_the_shipped_sample_file_loads_the_five_groups_for_every_borough():
    sample = Path(services.__file__).parent / "data" / "sample-population-ethnic-group-2011.csv"
    file = SimpleUploadedFile(sample.name, sample.read_bytes(), content_type="text/csv")
    assert services.population_tables_load(actor=ManagerFactory(), file=file) == {"ethnic_group": 160}
    camden = dict(
        PopulationCount.objects.filter(borough__ons_code=CAMDEN).values_list("category", "count")
    )  # ONS Census 2011 QS201EW, Camden: 220,338 usual residents
    assert sum(camden.values()) == 220_338
    assert set(camden) == {"asian", "black", "mixed", "white", "other"}


def test_the_report_compares_a_characteristic_only_where_its_table_is_loaded():
    camden = EngagementGroupFactory(borough=borough("camden"))
    for _ in range(10):
        EqualityProfileFactory(member=MemberFactory(group=camden), sex="female")
    today = dt.date(2026, 11, 24)
    report = selectors.representation_for_group(group=camden, today=today)
    sex = next(t for t in report.members.tables if t.name == "sex")
    assert not sex.compared
    assert sex.note == "No borough figures loaded"
    services.population_tables_load(actor=ManagerFactory(), file=_file(_sex(CAMDEN, 100, 300)))
    report = selectors.representation_for_group(group=camden, today=today)
    sex = next(t for t in report.members.tables if t.name == "sex")
    female = next(r for r in sex.rows if r.key == "female")
    # 10 of 10 women against 100 of 400 residents: 25.0%, ratio 4.00.
    assert (female.population_share, str(female.ratio)) == (25, "4.00")


def test_the_page_lists_problems_and_keeps_nothing(client):
    client.force_login(ManagerFactory())
    url = reverse("membership:population-load")
    response = client.post(url, {"file": _file(f"{CAMDEN},Sex,Female,10,S\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Camden has no row for Male" in html
    assert "nothing was loaded" in html
    response = client.post(url, {"file": _file(_sex(CAMDEN, 10, 12))}, follow=True)
    assert "Borough population loaded: sex (2 rows)" in response.content.decode()
    assert "Census 2021 TS008" in response.content.decode()
