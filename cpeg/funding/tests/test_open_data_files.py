"""A decided round's 360Giving files are built once by the task worker and
served as stored: the same bytes the exporter writes, rebuilt after every
change to what they publish, and never built (or queued) by a GET."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cpeg.funding import opendata, selectors, services
from cpeg.funding.choices import OpenDataFormat, PaymentStatus
from cpeg.funding.models import OpenDataFile
from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory, PaymentFactory
from cpeg.funding.tests.test_services import _moderated
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db
BUILT_AT = dt.datetime(2026, 5, 4, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def decided_round():
    funding_round = FundingRoundFactory(decided=True)
    for slug, amount in (("camden", "40000.00"), ("hackney", "25000.50")):
        award = AwardFactory(
            funding_round=funding_round, group=EngagementGroupFactory(borough=borough(slug)), amount=D(amount)
        )
        BudgetLineFactory(application=award.application, amount=D(amount) + 1000)
        PaymentFactory(award=award, amount=D("10000.00"), status=PaymentStatus.PAID, paid_on=award.awarded_on)
        PaymentFactory(award=award, amount=D("5000.00"), instalment=2, due_on=award.awarded_on)
    return funding_round


def _download(client, funding_round, file_format):
    name = "funding:export-360giving-json" if file_format == "json" else "funding:export-360giving-xlsx"
    return client.get(reverse(name, kwargs={"pk": funding_round.pk}))


def test_the_stored_files_are_byte_for_byte_what_the_exporter_builds(decided_round):
    with time_machine.travel(BUILT_AT, tick=False):
        assert services.open_data_refresh() == [decided_round]
        package = opendata.grants_package(decided_round)
        expected = {
            OpenDataFormat.JSON: opendata.package_json(package).encode("utf-8"),
            OpenDataFormat.XLSX: opendata.grants_workbook(package),
        }
    stored = {f.file_format: bytes(f.content) for f in OpenDataFile.objects.filter(funding_round=decided_round)}
    assert stored == expected
    assert json.loads(stored[OpenDataFormat.JSON])["modified"] == "2026-05-04T11:30:00+01:00"


def test_a_download_serves_the_stored_file_with_todays_headers(client, officer, decided_round):
    services.open_data_refresh()
    client.force_login(officer)
    response = _download(client, decided_round, "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    year = decided_round.financial_year
    assert response["Content-Disposition"] == f'attachment; filename="360giving-{year}.json"'
    assert response.content == bytes(OpenDataFile.objects.get(file_format="json").content)
    assert opendata.validate_package(json.loads(response.content)) == []
    response = _download(client, decided_round, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="360giving-{year}.xlsx"'
    assert response.content[:2] == b"PK"


def test_running_the_build_again_with_nothing_changed_builds_nothing(decided_round):
    services.open_data_refresh()
    built_at = set(OpenDataFile.objects.values_list("built_at", flat=True))
    assert services.open_data_refresh() == []
    assert set(OpenDataFile.objects.values_list("built_at", flat=True)) == built_at
    assert OpenDataFile.objects.count() == 2


def test_before_the_file_is_built_the_download_says_it_is_being_prepared_and_writes_nothing(
    client, officer, decided_round, django_assert_max_num_queries
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = _download(client, decided_round, "xlsx")
    assert response.status_code == 202
    assert "The 360Giving spreadsheet is being prepared" in response.content.decode()
    assert OpenDataFile.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_payment_marked_paid_makes_the_file_stale_until_its_commit_rebuilds_it(
    client, officer, decided_round, django_capture_on_commit_callbacks
):
    services.open_data_refresh()
    client.force_login(officer)
    payment = decided_round.awards.get(group__borough__slug="camden").payments.get(instalment=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.payment_mark_paid(payment=payment, actor=officer, paid_on=payment.due_on)
    # The change has not been built yet: the old file is not served as current.
    assert _download(client, decided_round, "json").status_code == 202
    for callback in callbacks:
        callback()  # the commit queues the task; tests run it at once
    response = _download(client, decided_round, "json")
    assert response.status_code == 200
    camden = next(g for g in json.loads(response.content)["grants"] if g["id"].endswith("E09000007"))
    assert camden["amountDisbursed"] == 15000


def test_deciding_a_round_builds_its_files(
    client, open_round, camden, camden_admin, officer, manager, django_capture_on_commit_callbacks
):
    application = _moderated(open_round, camden, camden_admin, officer, manager)
    services.allocation_save(funding_round=open_round, actor=manager, awards={application.pk: D("30000")})
    with django_capture_on_commit_callbacks(execute=True):
        services.allocation_decide(
            funding_round=open_round, actor=manager, today=open_round.closes_on + dt.timedelta(days=1)
        )
    open_round.refresh_from_db()
    stored = selectors.open_data_file(funding_round=open_round, file_format=OpenDataFormat.JSON)
    assert stored is not None
    assert [g["amountAwarded"] for g in json.loads(bytes(stored.content))["grants"]] == [30000]


def test_a_groups_new_website_is_published_after_its_edit_commits(
    decided_round, officer, django_capture_on_commit_callbacks
):
    from cpeg.groups import services as group_services
    from cpeg.groups.models import EngagementGroup

    services.open_data_refresh()
    group = EngagementGroup.objects.get(borough__slug="camden")
    with django_capture_on_commit_callbacks(execute=True):
        group_services.group_update(
            group=group, actor=officer, data={"website": "https://camden-cpeg.example.org/"}, loaded_version=None
        )
    stored = selectors.open_data_file(funding_round=decided_round, file_format=OpenDataFormat.JSON)
    assert stored is not None
    grants = json.loads(bytes(stored.content))["grants"]
    camden = next(g for g in grants if g["id"].endswith("E09000007"))
    assert camden["recipientOrganization"][0]["url"] == "https://camden-cpeg.example.org/"


def test_an_open_round_has_no_files_and_no_download(client, officer, open_round):
    assert services.open_data_refresh() == []
    client.force_login(officer)
    assert _download(client, open_round, "json").status_code == 404


def test_the_api_serves_the_stored_json_and_202_before_it_is_built(client, decided_round):
    url = f"/api/v1/grants/{decided_round.financial_year}"
    response = client.get(url)
    assert response.status_code == 202
    assert response.json() == {"detail": "The file is being prepared. Ask again in a minute."}
    services.open_data_refresh()
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == bytes(OpenDataFile.objects.get(file_format="json").content)


def test_a_download_runs_the_same_queries_with_more_awards(
    client, officer, decided_round, django_assert_max_num_queries
):
    services.open_data_refresh()
    client.force_login(officer)
    with django_assert_max_num_queries(12) as few:
        assert _download(client, decided_round, "json").status_code == 200
    for slug in ("islington", "lambeth", "lewisham"):
        award = AwardFactory(funding_round=decided_round, group=EngagementGroupFactory(borough=borough(slug)))
        PaymentFactory(award=award, amount=D("1000.00"), status=PaymentStatus.PAID, paid_on=award.awarded_on)
    services.open_data_refresh()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _download(client, decided_round, "json")
    assert response.status_code == 200
    assert len(json.loads(response.content)["grants"]) == 5
