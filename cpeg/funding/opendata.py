"""The year's awards as open data in the 360Giving Data Standard (1.4).

A decided round's files are built once by the task worker
(``funding.tasks.open_data_refresh_task``) and stored as ``OpenDataFile``
rows; ``source_stamp`` fingerprints what they publish, so a download serves
a stored file only while it is still current.

``grants_package`` builds the JSON package (``{"grants": [...], ...}``);
``validate_package`` checks it against the official schema kept in
``funding/schema`` (see its README for source and licence);
``grants_workbook`` writes the same grants as a spreadsheet whose "grants"
sheet uses the standard's column titles.

Identifiers (see docs/funding.md):
- grant: ``<prefix>-<financial year>-<borough ONS code>``, where the prefix
  is the authority's registered 360Giving prefix
  (``settings.THREESIXTYGIVING_PREFIX``, default ``360G-cpeg-demo``);
- recipient: groups have no charity or company number, so, as 360Giving's
  identifier guidance says for organisations without one, the funder's
  prefix plus an internal identifier: ``<prefix>-ORG-<borough ONS code>``;
- funder: ``settings.THREESIXTYGIVING_FUNDER_ID`` if set (a real org-id,
  e.g. ``GB-GOR-…``), else ``<prefix>-FUNDER``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cpeg.core.exports import safe_row
from cpeg.funding.choices import PaymentStatus
from cpeg.funding.models import Award, FundingRound
from cpeg.funding.money import ZERO

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
GRANT_SCHEMA_IDS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
    # The 1.4.3 package schema still points its items at the 1.4.2 URL.
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
)
OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# The "grants" sheet of the official 2023 template, in its order.
GRANT_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "URL",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "To Individuals Details:Primary Grant Reason",
    "To Individuals Details:Secondary Grant Reason",
    "To Individuals Details:Grant Purpose",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Street Address",
    "Recipient Org:City",
    "Recipient Org:County",
    "Recipient Org:Country",
    "Recipient Org:Postal Code",
    "Recipient Org:Description",
    "Recipient Org:Web Address",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Latitude",
    "Beneficiary Location:Longitude",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Department",
    "Location Scope",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Grant Programme:URL",
    "From An Open Call?",
    "Related Activity",
    "Last Modified",
    "Data Source",
    "For Regrant Type",
]
META_ROWS = [
    "Version",
    "Extensions",
    "Title",
    "Description",
    "Issued",
    "Identifier",
    "Publisher:Name",
    "Publisher:Website",
    "Publisher:Logo",
    "Publisher:Identifier",
    "Download URL",
    "Access URL",
    "Modified",
    "License",
]


# Part of every stamp: bump it when what the builder writes changes, so the
# files built by the old code count as stale (then run build_open_data).
BUILDER_VERSION = "1"


def prefix() -> str:
    return getattr(settings, "THREESIXTYGIVING_PREFIX", "360G-cpeg-demo")


def funder_id() -> str:
    return getattr(settings, "THREESIXTYGIVING_FUNDER_ID", None) or f"{prefix()}-FUNDER"


def grant_id(award: Award) -> str:
    return f"{prefix()}-{award.funding_round.financial_year}-{award.group.borough.ons_code}"


def recipient_id(group) -> str:
    return f"{prefix()}-ORG-{group.borough.ons_code}"


def _awards(funding_round: FundingRound):
    from django.db.models import Sum

    return list(
        Award.objects.filter(funding_round=funding_round)
        .select_related("group__borough", "funding_round", "application")
        .prefetch_related("payments")
        .annotate(requested=Sum("application__budget_lines__amount"))
        .order_by("group__borough__name")
    )


def _award_date(award: Award, funding_round: FundingRound) -> str:
    # One date, the decision's, as the award page and letter give it
    # ("Awarded on"): the round's decided_at is when the record was saved,
    # which may be a later day than the decision itself.
    return award.awarded_on.isoformat()


def grant_record(award: Award) -> dict:
    """One grant as a 360Giving object (amounts stay Decimal)."""
    funding_round = award.funding_round
    group = award.group
    year = funding_round.year
    authority = settings.AUTHORITY_NAME
    paid = sum((p.amount for p in award.payments.all() if p.status == PaymentStatus.PAID), ZERO)
    # The recipient as it was called when awarded: a later rename does not
    # rewrite a past year's open data.
    name = award.recipient_name
    recipient = {"id": recipient_id(group), "name": name, "addressLocality": "London", "addressCountry": "GB"}
    if group.website:
        recipient["url"] = group.website
    record = {
        "id": grant_id(award),
        "title": f"{name}: community and police engagement {year.label}",
        "description": (
            f"Annual funding for the {name} to deliver its {year.label} work programme of community "
            f"and police engagement in {group.borough.name}, under its service level agreement with the "
            f"{authority}."
        ),
        "currency": "GBP",
        "amountAwarded": award.amount,
        "amountDisbursed": paid,
        "awardDate": _award_date(award, funding_round),
        "plannedDates": [
            {"startDate": year.starts_on.isoformat(), "endDate": year.ends_on.isoformat(), "duration": 12}
        ],
        "recipientOrganization": [recipient],
        "beneficiaryLocation": [
            {"name": group.borough.name, "countryCode": "GB", "geoCode": group.borough.ons_code, "geoCodeType": "LAD"}
        ],
        "fundingOrganization": [{"id": funder_id(), "name": authority}],
        "grantProgramme": [{"code": f"CPEG-{funding_round.financial_year}", "title": funding_round.title}],
        "fromOpenCall": "No",
        "locationScope": "GLS050",
        "dateModified": timezone.localtime(award.updated_at).replace(microsecond=0).isoformat(),
    }
    requested = getattr(award, "requested", None)
    if requested is not None:
        record["amountAppliedFor"] = requested
    return record


def grants_package(funding_round: FundingRound) -> dict:
    """The round's awards as a 360Giving package (amounts are Decimal)."""
    now = timezone.localtime().replace(microsecond=0)
    return {
        "version": "1.4",
        "title": f"{settings.AUTHORITY_NAME}: community and police engagement group grants {funding_round.year.label}",
        "description": (
            f"Grants the {settings.AUTHORITY_NAME} awarded to community and police engagement groups "
            f"in the {funding_round.year.label} funding round."
        ),
        "identifier": f"{prefix()}-package-{funding_round.financial_year}",
        "issued": now.date().isoformat(),
        "modified": now.isoformat(),
        "publisher": {"name": settings.AUTHORITY_NAME, "identifier": funder_id()},
        "license": OGL_V3,
        "grants": [grant_record(a) for a in _awards(funding_round)],
    }


_DECIMAL_TOKEN = "__decimal__"


def package_json(package: dict) -> str:
    """Serialise with amounts written exactly as their Decimal text."""

    def default(value):
        if isinstance(value, Decimal):
            return f"{_DECIMAL_TOKEN}{value}{_DECIMAL_TOKEN}"
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return default(value) if isinstance(value, (Decimal, dt.date)) else value

    text = json.dumps(walk(package), indent=2, ensure_ascii=False)
    return re.sub(rf'"{_DECIMAL_TOKEN}(-?[0-9.]+){_DECIMAL_TOKEN}"', r"\1", text)


# --- Validation ---------------------------------------------------------------

_RFC3339 = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)


@cache
def _validator():
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources([(uri, resource) for uri in GRANT_SCHEMA_IDS])
    checker = FormatChecker()

    # The schema tells a date from a date-time with oneOf, so "date-time"
    # must really be checked (jsonschema only does so with an optional
    # package); this is RFC 3339, as 360Giving's own validator applies.
    @checker.checks("date-time")
    def is_date_time(value) -> bool:
        return not isinstance(value, str) or bool(_RFC3339.match(value))

    return Draft202012Validator(package, registry=registry, format_checker=checker)


def validate_package(package: dict) -> list[str]:
    """Every way ``package`` breaks the 360Giving package schema (empty if valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(_validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    ]


# --- Spreadsheet --------------------------------------------------------------


def _row(record: dict) -> dict:
    recipient = record["recipientOrganization"][0]
    location = record["beneficiaryLocation"][0]
    funder = record["fundingOrganization"][0]
    programme = record["grantProgramme"][0]
    planned = record["plannedDates"][0]
    return {
        "Identifier": record["id"],
        "Title": record["title"],
        "Description": record["description"],
        "Currency": record["currency"],
        "Amount Applied For": record.get("amountAppliedFor"),
        "Amount Awarded": record["amountAwarded"],
        "Amount Disbursed": record["amountDisbursed"],
        "Award Date": record["awardDate"],
        "Planned Dates:Start Date": planned["startDate"],
        "Planned Dates:End Date": planned["endDate"],
        "Planned Dates:Duration (months)": planned["duration"],
        "Recipient Org:Identifier": recipient["id"],
        "Recipient Org:Name": recipient["name"],
        "Recipient Org:City": recipient.get("addressLocality"),
        "Recipient Org:Country": recipient.get("addressCountry"),
        "Recipient Org:Web Address": recipient.get("url"),
        "Beneficiary Location:Name": location["name"],
        "Beneficiary Location:Country Code": location["countryCode"],
        "Beneficiary Location:Geographic Code": location["geoCode"],
        "Beneficiary Location:Geographic Code Type": location["geoCodeType"],
        "Funding Org:Identifier": funder["id"],
        "Funding Org:Name": funder["name"],
        "Location Scope": record["locationScope"],
        "Grant Programme:Code": programme["code"],
        "Grant Programme:Title": programme["title"],
        "From An Open Call?": record["fromOpenCall"],
        "Last Modified": record["dateModified"],
    }


def grants_workbook(package: dict) -> bytes:
    """The package as an .xlsx in the 360Giving template's layout: a "grants"
    sheet with the standard column titles and a "Meta" sheet."""
    from openpyxl import Workbook

    book = Workbook()
    grants = book.active
    grants.title = "grants"
    grants.append(GRANT_COLUMNS)
    for record in package["grants"]:
        row = _row(record)
        # openpyxl writes Decimal as a number cell; text that a spreadsheet
        # would run as a formula (a group named "=HYPERLINK(...)") is not.
        grants.append(safe_row(row.get(column) for column in GRANT_COLUMNS))
    meta = book.create_sheet("Meta", 0)
    values = {
        "Version": package.get("version"),
        "Title": package.get("title"),
        "Description": package.get("description"),
        "Issued": package.get("issued"),
        "Identifier": package.get("identifier"),
        "Publisher:Name": package["publisher"]["name"],
        "Publisher:Identifier": package["publisher"].get("identifier"),
        "Modified": package.get("modified"),
        "License": package.get("license"),
    }
    for title in META_ROWS:
        meta.append(safe_row([title, values.get(title)]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Stored files -------------------------------------------------------------


def source_stamp(funding_round: FundingRound) -> str:
    """A fingerprint of everything the round's files publish.

    Three aggregate queries (awards with their groups, payments, budget
    lines): counts catch deletions, the latest ``updated_at`` catches edits
    (every save through a service or the admin moves it). The settings the
    files name and ``BUILDER_VERSION`` are part of it too.
    """
    from django.db.models import Count, Max

    from cpeg.funding.models import BudgetLine, Payment

    awards = Award.objects.filter(funding_round=funding_round).aggregate(
        n=Count("pk"), last=Max("updated_at"), groups=Max("group__updated_at")
    )
    payments = Payment.objects.filter(award__funding_round=funding_round).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    lines = BudgetLine.objects.filter(application__award__funding_round=funding_round).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    parts = [
        BUILDER_VERSION,
        prefix(),
        funder_id(),
        settings.AUTHORITY_NAME,
        funding_round.pk,
        funding_round.status,
        funding_round.updated_at,
        *(awards[k] for k in ("n", "last", "groups")),
        *(payments[k] for k in ("n", "last")),
        *(lines[k] for k in ("n", "last")),
    ]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def build_files(funding_round: FundingRound) -> dict[str, bytes]:
    """The round's JSON and spreadsheet, exactly as the downloads publish them."""
    from cpeg.funding.choices import OpenDataFormat

    package = grants_package(funding_round)
    return {
        OpenDataFormat.JSON: package_json(package).encode("utf-8"),
        OpenDataFormat.XLSX: grants_workbook(package),
    }
