"""The figures pages: numbers against hand computation, each linking to
exactly its searches; bounded queries; the import page and meetings."""

import datetime as dt
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.models import BoroughPopulation, MonitoringMeeting, StopSearch, StopSearchImport
from cpeg.scrutiny.tests.factories import ANGEL, CAMDEN_TOWN, import_rows, police_csv, stop_row

pytestmark = pytest.mark.django_db

BLACK = "Black/African/Caribbean/Black British - Caribbean"
MIXED_WB = "Mixed/Multiple ethnic groups - White and Black African"
WHITE = "White - Irish"


def _camden_month():
    """In Camden: 12 White searches (3 arrests), 20 Black (one of them mixed
    White and Black), 4 not stated; one in Islington; one with no location."""
    rows = [stop_row(where=CAMDEN_TOWN, self_defined=WHITE, officer="White") for _ in range(9)]
    rows += [stop_row(where=CAMDEN_TOWN, self_defined=WHITE, officer="White", outcome="Arrest") for _ in range(3)]
    rows += [stop_row(where=CAMDEN_TOWN, self_defined=BLACK, officer="Black") for _ in range(19)]
    rows += [stop_row(where=CAMDEN_TOWN, self_defined=MIXED_WB, officer="Black")]
    rows += [stop_row(where=CAMDEN_TOWN, self_defined="Other ethnic group - Not stated", officer="") for _ in range(4)]
    rows += [stop_row(where=ANGEL), stop_row(where=None)]
    return import_rows(rows)


@pytest.fixture
def camden_admin():
    group = EngagementGroupFactory(borough=borough("camden"))
    return GroupAdminFactory(group=group)


def _count_in(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', html)
    return match.group(1).strip()


def test_a_group_admin_reads_their_borough_figures(client, camden_admin):
    _camden_month()
    client.force_login(camden_admin)
    camden = borough("camden")
    response = client.get(reverse("scrutiny:borough-figures", kwargs={"pk": camden.pk}) + "?period=2018-Q3")
    assert response.status_code == 200
    html = response.content.decode()
    figures = response.context["figures"]
    assert figures.total == 36
    assert _count_in(html, "total-searches") == "36"
    # Arrests: 3 of 36, shown as 8.3%.
    assert figures.arrests.count == 3
    assert figures.arrests.share == Fraction(3, 36)
    assert _count_in(html, "arrest-rate") == "8.3%"
    # Only October is imported: the quarter is "to date".
    assert figures.to_date
    assert "Q3 2018/19" in html
    assert "to date" in html
    # Disproportionality, self-defined, against the census file by hand.
    pop = dict(BoroughPopulation.objects.filter(borough=camden).values_list("ethnic_group", "residents"))
    black_row = next(r for r in figures.self_defined.rows if r.group == "black")
    assert black_row.searches == 20  # the mixed White and Black search counts as Black here
    assert black_row.rate == Fraction(20 * 1000, pop["black"])
    expected = (20 / pop["black"]) / (12 / pop["white"])
    assert black_row.ratio.ratio == pytest.approx(expected)
    assert figures.self_defined.not_stated == 4
    officer_black = next(r for r in figures.officer_defined.rows if r.group == "black")
    assert officer_black.searches == 20
    # The force-wide searches with no location are said, in no borough.
    assert figures.force_no_location == 1


def test_each_figure_links_to_exactly_its_searches(client, camden_admin):
    _camden_month()
    client.force_login(camden_admin)
    camden = borough("camden")
    figures = client.get(reverse("scrutiny:borough-figures", kwargs={"pk": camden.pk}) + "?period=2018-10").context[
        "figures"
    ]
    cells = [figures.arrests, *figures.breakdowns["outcome"].cells, *figures.breakdowns["officer"].cells]
    cells += [type("R", (), {"url": r.url, "count": r.searches}) for r in figures.self_defined.rows]
    for cell in cells:
        response = client.get(cell.url)
        assert response.status_code == 200, cell.url
        assert response.context["page"].paginator.count == cell.count, cell.url
    total = client.get(figures.total_url)
    assert total.context["page"].paginator.count == 36


def test_another_borough_is_not_found_for_a_group_admin(client, camden_admin):
    _camden_month()
    client.force_login(camden_admin)
    response = client.get(reverse("scrutiny:borough-figures", kwargs={"pk": borough("islington").pk}))
    assert response.status_code == 404


@pytest.mark.parametrize("size", [5, 60])
def test_bounded_queries(client, django_assert_max_num_queries, size):
    import_rows([stop_row(where=CAMDEN_TOWN, outcome="Arrest" if i % 3 else "") for i in range(size)])
    client.force_login(OfficerFactory())
    camden = borough("camden")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("scrutiny:borough-figures", kwargs={"pk": camden.pk})).status_code == 200
    with django_assert_max_num_queries(12):
        url = reverse("scrutiny:borough-stops", kwargs={"pk": camden.pk}) + "?period=2018-10&by=outcome&value=arrest"
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scrutiny:import-list")).status_code == 200


def test_an_officer_uploads_a_month_and_it_is_imported(client, django_capture_on_commit_callbacks):
    borough("camden")
    client.force_login(OfficerFactory())
    upload = police_csv([stop_row(where=CAMDEN_TOWN), stop_row(where=None)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scrutiny:import-list"),
            {
                "force": "metropolitan",
                "month": "2018-10",
                "file": SimpleUploadedFile("2018-10-metropolitan-stop-and-search.csv", upload, "text/csv"),
            },
        )
    record = StopSearchImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scrutiny:import-detail", kwargs={"pk": record.pk})
    # The test settings run tasks at once (the worker in production).
    assert record.status == ImportStatus.DONE
    assert StopSearch.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert _count_in(page, "no-location").startswith("1")


def test_an_upload_with_bad_rows_lists_them(client, django_capture_on_commit_callbacks):
    borough("camden")
    client.force_login(OfficerFactory())
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = police_csv([stop_row(), stop_row(outcome="Dunno")])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("scrutiny:import-list"),
            {"force": "metropolitan", "month": "2018-10", "file": SimpleUploadedFile("oct.csv", upload, "text/csv")},
        )
    record = StopSearchImport.objects.get()
    assert record.status == ImportStatus.FAILED
    page = client.get(reverse("scrutiny:import-detail", kwargs={"pk": record.pk})).content.decode()
    assert "Unknown outcome" in page
    assert not StopSearch.objects.exists()


def test_upload_errors_are_shown_all_at_once(client):
    client.force_login(OfficerFactory())
    response = client.post(reverse("scrutiny:import-list"), {"month": "October"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"force", "month", "file"}


def test_a_group_records_a_monitoring_meeting(client, camden_admin):
    group = camden_admin.role_assignments.get().group
    client.force_login(camden_admin)
    url = reverse("scrutiny:meeting-create", kwargs={"pk": group.pk})
    response = client.post(
        url,
        {
            "held_on_0": "20",
            "held_on_1": "11",
            "held_on_2": "2018",
            "period": "2018-10",
            "police_attended": "on",
            "attendance": "12",
            "summary": "October's figures",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = MonitoringMeeting.objects.get()
    assert (meeting.held_on, meeting.period, meeting.attendance) == (dt.date(2018, 11, 20), "2018-10", 12)
    listing = client.get(reverse("scrutiny:meeting-list", kwargs={"pk": group.pk})).content.decode()
    assert "?period=2018-10" in listing


def test_a_meeting_period_must_be_a_period(client, camden_admin):
    group = camden_admin.role_assignments.get().group
    client.force_login(camden_admin)
    response = client.post(
        reverse("scrutiny:meeting-create", kwargs={"pk": group.pk}),
        {"held_on_0": "20", "held_on_1": "11", "held_on_2": "2018", "period": "autumn", "summary": "x"},
    )
    assert response.status_code == 400
    assert "Enter a month (2018-10)" in response.context["form"].errors["period"][0]


def test_the_public_pack_hides_small_counts_and_lists_no_searches(client):
    _camden_month()
    camden = borough("camden")
    response = client.get(reverse("scrutiny:public-pack", kwargs={"pk": camden.pk}) + "?period=2018-10")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="public-total">36 searches' in html
    tables = {table.heading: table.cells for table in response.context["tables"]}
    outcome = {c.label: c.count for c in tables["Outcome"]}
    # 33 no further action and 3 arrests: the 3 is hidden, and (alone) the 33 with it.
    assert outcome == {"No further action": None, "Arrest": None}
    officer = {c.label: c.count for c in tables["Officer-defined ethnic group"]}
    # 4 not stated is hidden; alone, so the next smallest (White, 12) is hidden too.
    assert officer == {"Black": 20, "White": None, "Not stated": None}
    assert "searches/" not in html  # no link to the searches themselves
    assert "fewer than 5" in html


def test_the_group_page_links_to_its_boroughs_public_stop_and_search_figures(client):
    """The link is there before any month is imported (a page saying so) and
    after (the published figures, suppressed as the public version is)."""
    camden = borough("camden")
    group = EngagementGroupFactory(borough=camden, is_published=True)
    page = client.get(reverse("public:group-detail", kwargs={"slug": group.slug})).content.decode()
    figures = reverse("scrutiny:public-pack", kwargs={"pk": camden.pk})
    assert f'href="{figures}"' in page
    before = client.get(figures)
    assert before.status_code == 200
    assert "No stop and search figures have been published here yet" in before.content.decode()

    import_rows([stop_row(where=CAMDEN_TOWN)] * 12)
    after = client.get(figures).content.decode()
    assert "12 searches" in after
    assert "No stop and search figures" not in after
