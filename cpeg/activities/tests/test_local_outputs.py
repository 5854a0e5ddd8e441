"""A group's own SLA outputs can be evidenced: form, import, template (issue 8.13)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities import services
from cpeg.activities.outputs import OUTPUT_CODES, OutputCatalogue
from cpeg.activities.selectors import output_counts
from cpeg.activities.tests.helpers import csv_upload
from cpeg.activities.tests.test_views import form_data
from cpeg.agreements import services as sla_services
from cpeg.agreements.choices import MeasureType
from cpeg.agreements.tests.factories import group_sla
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

LOCAL = "local-hold-a-youth-forum"


@pytest.fixture
def lambeth():
    return EngagementGroupFactory(borough=borough("lambeth"))


@pytest.fixture
def year():
    return FinancialYear.current()


@pytest.fixture
def local_output(lambeth, year):
    """Lambeth's SLA for this year with an agreed local output."""
    officer = OfficerFactory()
    sla = group_sla(group=lambeth, year=year.start_year, officer=officer)
    sla_services.group_sla_output_add(
        sla=sla,
        actor=officer,
        data={
            "heading_title": "",
            "output": "Hold a youth forum",
            "measure": MeasureType.COUNT,
            "annual_target": 2,
            "reason": "Agreed with the borough commander",
        },
        loaded_version=sla.version,
    )
    assert LOCAL not in OUTPUT_CODES
    return LOCAL


def test_the_catalogue_offers_the_standard_outputs_and_the_groups_own(lambeth, year, local_output):
    choices = OutputCatalogue(lambeth).choices_for_year(year.start_year)
    codes = [code for code, _label in choices]
    assert set(OUTPUT_CODES) <= set(codes)
    assert codes[-1] == LOCAL
    assert ("local-hold-a-youth-forum", "Hold a youth forum") in choices
    # Another year, without the local output.
    assert LOCAL not in {code for code, _ in OutputCatalogue(lambeth).choices_for_year(year.start_year - 3)}


def test_the_form_offers_the_local_output_and_it_counts(client, lambeth, year, local_output):
    admin = GroupAdminFactory(group=lambeth)
    client.force_login(admin)
    url = reverse("activities:activity-create", kwargs={"pk": lambeth.pk})
    assert f'value="{LOCAL}"' in client.get(url).text
    day = year.starts_on
    response = client.post(
        url,
        form_data(
            held_on_0=str(day.day),
            held_on_1=str(day.month),
            held_on_2=str(day.year),
            public_attendance="",
            outputs=[LOCAL],
            title="Youth forum",
        ),
    )
    assert response.status_code == 302, response.content
    counts = output_counts(group_ids=[lambeth.pk], starts_on=year.starts_on, ends_on=year.ends_on)
    assert counts[(lambeth.pk, LOCAL)] == 1
    # Its page names the output in the SLA's words, not by its code.
    assert "Hold a youth forum" in client.get(response["Location"]).text


def test_a_local_output_of_another_group_is_refused(lambeth, year, local_output):
    camden = EngagementGroupFactory(borough=borough("camden"))
    errors = services.activity_rule_errors(
        group=camden,
        values={"activity_type": "other", "title": "Forum", "held_on": year.starts_on},
        outputs=[LOCAL],
    )
    assert errors == {"outputs": "Select SLA outputs from the list"}


def test_the_import_accepts_the_groups_local_output_code(lambeth, year, local_output):
    admin = GroupAdminFactory(group=lambeth)
    day = year.starts_on.isoformat()
    rows = [["Other activity", "Youth forum", day, "", "", "", "", "", "", "", LOCAL, "", ""]]
    result = services.activity_import(group=lambeth, actor=admin, file=csv_upload(rows))
    assert result.errors == []
    assert result.imported == 1
    camden = EngagementGroupFactory(borough=borough("camden"))
    refused = services.activity_import(group=camden, actor=GroupAdminFactory(group=camden), file=csv_upload(rows))
    assert [e.message.split(".")[0] for e in refused.errors] == [
        f"{LOCAL} is not an SLA output code of the group for {year.label}"
    ]


def test_the_template_download_lists_the_groups_own_outputs(client, lambeth, local_output):
    client.force_login(GroupAdminFactory(group=lambeth))
    response = client.get(reverse("activities:import-template-xlsx"))
    guide = load_workbook(io.BytesIO(response.content))["Guide"]
    codes = [row[1] for row in guide.iter_rows(values_only=True)]
    assert LOCAL in codes
    assert "public-meetings" in codes
    page = client.get(reverse("activities:activity-import")).text
    assert LOCAL in page
