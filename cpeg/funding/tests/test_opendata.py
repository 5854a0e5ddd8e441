"""The 360Giving export validates against the official schema kept in the repo."""

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cpeg.funding import opendata
from cpeg.funding.choices import PaymentStatus
from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory, PaymentFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_round():
    funding_round = FundingRoundFactory(decided=True)
    for slug, amount in (("camden", "40000.00"), ("hackney", "25000.50")):
        award = AwardFactory(
            funding_round=funding_round, group=EngagementGroupFactory(borough=borough(slug)), amount=Decimal(amount)
        )
        BudgetLineFactory(application=award.application, amount=Decimal(amount) + 1000)
        PaymentFactory(award=award, amount=Decimal("10000.00"), status=PaymentStatus.PAID, paid_on=award.awarded_on)
    return funding_round


def test_the_years_awards_validate_against_the_360giving_package_schema(decided_round, settings):
    settings.THREESIXTYGIVING_PREFIX = "360G-testauthority"
    package = opendata.grants_package(decided_round)
    assert opendata.validate_package(package) == []
    # And as published: the JSON text, read back, still validates.
    text = opendata.package_json(package)
    assert opendata.validate_package(json.loads(text)) == []
    grant = json.loads(text)["grants"][0]
    assert grant["id"] == f"360G-testauthority-{decided_round.financial_year}-E09000007"
    assert grant["amountAwarded"] == 40000.00
    assert '"amountAwarded": 25000.50' in text  # written exactly, from the Decimal
    assert grant["amountDisbursed"] == 10000
    assert grant["beneficiaryLocation"] == [
        {"name": "Camden", "countryCode": "GB", "geoCode": "E09000007", "geoCodeType": "LAD"}
    ]
    assert grant["recipientOrganization"][0]["id"] == "360G-testauthority-ORG-E09000007"


def test_the_validator_catches_what_the_standard_forbids(decided_round):
    package = opendata.grants_package(decided_round)
    package["grants"][0]["amountAwarded"] = "40000"
    package["grants"][1]["awardDate"] = "1 April 2025"
    del package["grants"][1]["fundingOrganization"]
    errors = opendata.validate_package(package)
    assert any("'40000' is not of type 'number'" in e for e in errors)
    assert len(errors) >= 2
    assert opendata.validate_package({"grants": []}) == ["grants: [] should be non-empty"]


def test_the_spreadsheet_uses_the_standards_column_titles(decided_round):
    workbook = load_workbook(io.BytesIO(opendata.grants_workbook(opendata.grants_package(decided_round))))
    grants = workbook["grants"]
    titles = [c.value for c in grants[1]]
    assert titles == opendata.GRANT_COLUMNS
    assert len(titles) == 46
    row = dict(zip(titles, [c.value for c in grants[2]], strict=True))
    assert row["Recipient Org:Name"] == "Camden Community and Police Engagement Group"
    assert row["Amount Awarded"] == 40000
    assert row["Beneficiary Location:Geographic Code Type"] == "LAD"
    assert workbook["Meta"]["A1"].value == "Version"


def test_the_column_titles_match_the_official_2023_template():
    """The official template is kept in the repository (funding/schema, with
    its source and licence), so this never depends on another machine."""
    template = load_workbook(opendata.SCHEMA_DIR / "360-giving-schema-titles-with-meta-tab-2023.xlsx")
    official = [c.value for c in template["grants"][1]]
    assert len(official) == 46
    assert official == opendata.GRANT_COLUMNS
    assert [row[0].value for row in template["Meta"].iter_rows()] == opendata.META_ROWS
    # And the workbook the export writes uses exactly those titles.
    package = opendata.grants_package(FundingRoundFactory(decided=True))
    written = load_workbook(io.BytesIO(opendata.grants_workbook(package)))
    assert [c.value for c in written["grants"][1]] == official
    assert [row[0].value for row in written["Meta"].iter_rows()] == opendata.META_ROWS


def test_a_rename_after_the_award_changes_neither_open_data_nor_the_award_letter(decided_round, client):
    """Issue 14, finding 4: a past year names the recipient as it was awarded."""
    import shutil
    import subprocess

    from django.urls import reverse

    from cpeg.accounts.tests.factories import OfficerFactory

    award = decided_round.awards.get(group__borough__slug="camden")
    old = award.group.name
    group = award.group
    group.name = "Camden Safer Neighbourhoods Board"
    group.save()
    grant = next(g for g in opendata.grants_package(decided_round)["grants"] if g["id"].endswith("E09000007"))
    assert grant["recipientOrganization"][0]["name"] == old
    assert grant["title"].startswith(f"{old}:")
    assert "Safer Neighbourhoods" not in json.dumps(grant, default=str)
    book = load_workbook(io.BytesIO(opendata.grants_workbook(opendata.grants_package(decided_round))))
    sheet = book["grants"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("Recipient Org:Name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert old in names
    assert group.name not in names
    client.force_login(OfficerFactory())
    response = client.get(reverse("funding:award-letter", kwargs={"pk": award.pk}))
    assert response.status_code == 200
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert " ".join(old.split()) in " ".join(text.split())
        assert "Safer Neighbourhoods" not in text
