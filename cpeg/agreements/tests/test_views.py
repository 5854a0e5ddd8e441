import itertools
import re

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, LinkMemberFactory, OfficerFactory
from cpeg.agreements import services
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.models import GroupSla, SlaTemplate
from cpeg.agreements.tests.factories import chair_user, executive_user, group_sla, standard_template
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

BOROUGHS = ["barnet", "bexley", "brent", "bromley", "croydon", "ealing", "enfield", "greenwich"]


@pytest.fixture
def year():
    return FinancialYear.current().start_year


@pytest.fixture
def officer():
    return OfficerFactory(first_name="Olivia", last_name="Officer")


@pytest.fixture
def camden(year):
    standard_template(year)
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def sla(camden, year, officer):
    return group_sla(group=camden, year=year, officer=officer)


def _sla_url(group, year=None):
    url = reverse("agreements:group-sla", kwargs={"pk": group.pk})
    return url + (f"?year={year}" if year else "")


def _vary_url(group, year, code="public-meetings"):
    return reverse("agreements:sla-output-vary", kwargs={"pk": group.pk, "year": year, "code": code})


def _vary(sla, officer, code="public-meetings", target=6, reason="Bi-monthly meetings agreed with the commander"):
    return services.group_sla_output_vary(
        sla=sla,
        code=code,
        actor=officer,
        data={"measure": "count", "annual_target": target, "reason": reason},
        loaded_version=sla.version,
    )


# --- The group's SLA page -----------------------------------------------------------------


def test_the_sla_page_shows_outputs_under_headings_with_variations_and_reasons(client, sla, camden, officer):
    _vary(sla, officer)
    client.force_login(GroupAdminFactory(group=camden))
    response = client.get(_sla_url(camden))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hold at least 4 public meetings/events per annum" in html
    assert "Publicise the group&#x27;s role, functions and achievements" in html
    assert "Varied locally" in html
    assert "Reason: Bi-monthly meetings agreed with the commander" in html
    assert "6 a year" in html
    assert "Not signed yet" in html
    assert "Vary<span" not in html  # group people do not vary their SLA


def test_the_chair_sees_the_sign_button_and_the_administrator_does_not(client, sla, camden):
    client.force_login(chair_user(group=camden))
    assert "Sign the SLA for the group" in client.get(_sla_url(camden)).content.decode()
    client.force_login(GroupAdminFactory(group=camden))
    assert "Sign the SLA for the group" not in client.get(_sla_url(camden)).content.decode()


def test_another_groups_people_get_404_on_every_sla_page(client, sla, camden, year):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    client.force_login(GroupExecutiveFactory(group=hackney))
    urls = [
        _sla_url(camden),
        reverse("agreements:group-sla-version", kwargs={"pk": camden.pk, "year": year, "number": 1}),
        reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year}),
        _vary_url(camden, year),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_a_year_without_an_sla_says_so_and_offers_officers_to_make_it(client, camden, officer, year):
    client.force_login(officer)
    response = client.get(_sla_url(camden, year))
    html = response.content.decode()
    assert "has no SLA for" in html
    assert reverse("agreements:group-sla-create", kwargs={"pk": camden.pk, "year": year}) in html


def test_an_unreadable_year_falls_back_to_this_year(client, sla, camden, officer):
    client.force_login(officer)
    response = client.get(_sla_url(camden) + "?year=nonsense")
    assert response.status_code == 200
    assert response.context["page"].year == FinancialYear.current()


def test_history_lists_every_version_with_links(client, camden, officer, year):
    v1 = group_sla(group=camden, year=year, status=SlaStatus.SIGNED, officer=officer)
    _vary(v1, officer)
    client.force_login(officer)
    html = client.get(_sla_url(camden)).content.decode()
    old_url = reverse("agreements:group-sla-version", kwargs={"pk": camden.pk, "year": year, "number": 1})
    assert old_url in html
    assert "Version 2 (shown)" in html
    old = client.get(old_url)
    assert old.status_code == 200
    assert "This version was replaced on" in old.content.decode()
    assert old.context["sla"].status == SlaStatus.SIGNED
    missing = reverse("agreements:group-sla-version", kwargs={"pk": camden.pk, "year": year, "number": 9})
    assert client.get(missing).status_code == 404


def test_the_sla_page_runs_the_same_number_of_queries_for_more_versions_and_outputs(
    client, camden, officer, year, django_assert_max_num_queries
):
    sla = group_sla(group=camden, year=year, officer=officer)
    client.force_login(officer)
    client.get(_sla_url(camden))  # warm the session and role caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(_sla_url(camden))
    sla = services.group_sla_countersign(
        sla=services.group_sla_sign(sla=sla, actor=chair_user(group=camden), loaded_version=sla.version),
        actor=officer,
        countersignatory_name="O",
        loaded_version=sla.version + 1,
    )
    sla = _vary(sla, officer)
    for n in range(5):
        sla = services.group_sla_output_add(
            sla=sla,
            actor=officer,
            data={"output": f"Local output {n}", "measure": "yes_no", "annual_target": None, "reason": "Local"},
            loaded_version=sla.version,
        )
    with django_assert_max_num_queries(len(small)):
        response = client.get(_sla_url(camden))
    assert len(response.context["page"].versions) == 2
    assert len(small) <= 12


# --- Bad input on the variation forms ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"measure": "count", "annual_target": "lots", "reason": "x"}, "annual_target", "whole number, like 4"),
        ({"measure": "count", "annual_target": "-2", "reason": "x"}, "annual_target", "must be 1 or more"),
        ({"measure": "count", "annual_target": "", "reason": "x"}, "annual_target", "Enter the yearly target"),
        ({"measure": "count", "annual_target": "6", "reason": ""}, "reason", "Enter the reason for this variation"),
        ({"annual_target": "6", "reason": "x"}, "measure", "Select how the output is measured"),
    ],
)
def test_bad_variation_input_shows_an_error_on_the_field_and_saves_nothing(
    client, sla, camden, officer, year, data, field, message
):
    client.force_login(officer)
    response = client.post(_vary_url(camden, year), {**data, "version": sla.version})
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "There is a problem" in response.content.decode()
    sla.refresh_from_db()
    assert sla.version == 1
    assert sla.outputs.get(code="public-meetings").annual_target == 4


def test_a_variation_through_the_page_is_saved_and_shown(client, sla, camden, officer, year):
    client.force_login(officer)
    response = client.post(
        _vary_url(camden, year),
        {"measure": "count", "annual_target": "6", "reason": "Bi-monthly meetings", "version": sla.version},
    )
    assert response.status_code == 302
    assert sla.outputs.get(code="public-meetings").annual_target == 6


def test_a_stale_variation_form_shows_the_edit_conflict(client, sla, camden, officer, year):
    loaded = sla.version
    _vary(sla, officer, code="newsletters", target=5)
    client.force_login(officer)
    response = client.post(
        _vary_url(camden, year),
        {"measure": "count", "annual_target": "6", "reason": "Bi-monthly meetings", "version": loaded},
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert sla.outputs.get(code="public-meetings").annual_target == 4


def test_adding_and_removing_outputs_through_the_pages(client, sla, camden, officer, year):
    client.force_login(officer)
    add = reverse("agreements:sla-output-add", kwargs={"pk": camden.pk, "year": year})
    response = client.post(add, {"output": "Youth forum", "measure": "count", "annual_target": "", "reason": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["annual_target"] == ["Enter the yearly target for a counted output"]
    response = client.post(
        add,
        {"output": "Youth forum", "measure": "count", "annual_target": "4", "reason": "Agreed", "version": "1"},
    )
    assert response.status_code == 302
    remove = reverse("agreements:sla-output-remove", kwargs={"pk": camden.pk, "year": year, "code": "olympics"})
    assert client.post(remove, {"reason": "", "version": "2"}).status_code == 400
    assert client.post(remove, {"reason": "Not a host borough", "version": "2"}).status_code == 302
    html = client.get(_sla_url(camden)).content.decode()
    assert "Added locally" in html
    assert "Removed locally" in html
    assert "Reason: Not a host borough" in html


# --- Signing through the pages ----------------------------------------------------------


def test_the_chair_signs_and_an_officer_countersigns_through_the_pages(client, sla, camden, officer, year):
    chair = chair_user(group=camden)
    name = chair.person.full_name
    sign = reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year})
    client.force_login(chair)
    response = client.get(sign)
    assert response.context["seat"].person == chair.person
    html = response.content.decode()
    assert f'<dd class="govuk-summary-list__value">{name}</dd>' in html
    assert '<dd class="govuk-summary-list__value">Chair</dd>' in html
    response = client.post(sign, {"version": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"] == [
        "Confirm that you are authorised to sign this SLA for the group"
    ]
    # A name or role typed into the request is ignored: both come from the seat.
    response = client.post(
        sign, {"signatory_name": "Someone Else", "signatory_role": "Treasurer", "confirm": "on", "version": "1"}
    )
    assert response.status_code == 302
    assert "nothing to sign" in client.get(sign).content.decode()

    countersign = reverse("agreements:sla-countersign", kwargs={"pk": camden.pk, "year": year})
    assert client.get(countersign).status_code == 403  # the chair may not countersign
    client.force_login(officer)
    response = client.post(countersign, {"countersignatory_name": "Olivia Officer", "confirm": "on", "version": "2"})
    assert response.status_code == 302
    sla.refresh_from_db()
    assert sla.status == SlaStatus.SIGNED
    html = client.get(_sla_url(camden)).content.decode()
    assert f"{name}, Chair, on" in html
    assert "Olivia Officer, on" in html
    assert "cannot change" in html


def test_an_executive_member_not_authorised_to_sign_is_told_who_can(client, sla, camden, year):
    secretary = executive_user(group=camden, role="secretary")
    sign = reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year})
    client.force_login(secretary)
    response = client.get(sign)
    assert response.status_code == 200
    html = response.content.decode()
    message = "Only the chair, or an executive member authorised to sign, can sign the SLA for the group"
    assert message in html
    assert 'name="confirm"' not in html
    # A POST anyway (the page has no form) is refused outright, not answered
    # with an error summary for a form the page does not show.
    response = client.post(sign, {"confirm": "on", "version": "1"})
    assert response.status_code == 403
    sla.refresh_from_db()
    assert sla.status == SlaStatus.DRAFT


def test_an_executive_member_authorised_to_sign_signs_through_the_page(client, sla, camden, year):
    treasurer = executive_user(group=camden, role="treasurer", authorised_to_sign=True)
    sign = reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year})
    client.force_login(treasurer)
    assert client.post(sign, {"confirm": "on", "version": "1"}).status_code == 302
    sla.refresh_from_db()
    assert (sla.group_signatory_name, sla.group_signatory_role) == (treasurer.person.full_name, "Treasurer")


def test_signing_twice_from_two_open_pages_shows_a_clear_error(client, sla, camden, year):
    chair = chair_user(group=camden)
    sign = reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year})
    client.force_login(chair)
    data = {"confirm": "on", "version": "1"}
    assert client.post(sign, data).status_code == 302
    response = client.post(sign, data)
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    response = client.post(sign, {**data, "version": "2"})
    assert response.status_code == 400
    assert "Only a draft SLA can be signed for the group" in response.content.decode()


def _heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def _assert_no_skipped_heading_level(html: str) -> None:
    levels = _heading_levels(html)
    assert levels, html
    assert levels[0] == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_the_template_page_puts_outputs_before_the_first_heading_under_core_requirements(client, camden, year):
    client.force_login(OfficerFactory())
    response = client.get(reverse("agreements:template-detail", kwargs={"year": year}))
    html = response.content.decode()
    _assert_no_skipped_heading_level(html)
    core = html.index(">Core requirements</h2>")
    assert (
        core
        < html.index("Hold at least 4 public meetings/events per annum")
        < html.index(">Publicise the group&#x27;s role, functions and achievements</h2>")
    )


def test_the_sign_page_and_the_sla_page_never_skip_a_heading_level(client, sla, camden, year, officer):
    client.force_login(chair_user(group=camden))
    sign = client.get(reverse("agreements:sla-sign", kwargs={"pk": camden.pk, "year": year})).content.decode()
    _assert_no_skipped_heading_level(sign)
    assert ">Core requirements</h2>" in sign
    page = client.get(_sla_url(camden)).content.decode()
    _assert_no_skipped_heading_level(page)
    assert ">Core requirements</h3>" in page


# --- Making SLAs ------------------------------------------------------------------------


def test_an_officer_makes_a_groups_sla_and_then_every_active_groups(client, camden, officer, year):
    others = [EngagementGroupFactory(borough=borough(slug)) for slug in ("hackney", "brent")]
    client.force_login(officer)
    make = reverse("agreements:group-sla-create", kwargs={"pk": camden.pk, "year": year})
    assert client.post(make, {}).status_code == 302
    response = client.post(make, {})
    assert response.status_code == 400
    assert "already has an SLA" in response.content.decode()
    make_all = reverse("agreements:sla-create-all", kwargs={"year": year})
    assert client.post(make_all, {}).status_code == 302
    assert set(GroupSla.objects.filter(financial_year=year).values_list("group_id", flat=True)) == {
        camden.pk,
        *(g.pk for g in others),
    }


# --- The overview -----------------------------------------------------------------------


def test_the_overview_counts_statuses_and_runs_a_fixed_number_of_queries(
    client, officer, year, django_assert_max_num_queries
):
    standard_template(year)
    client.force_login(officer)
    url = reverse("agreements:sla-overview") + f"?year={year}"
    for slug, status in zip(BOROUGHS[:2], [SlaStatus.SIGNED, SlaStatus.DRAFT], strict=True):
        group_sla(group=EngagementGroupFactory(borough=borough(slug)), year=year, status=status, officer=officer)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    statuses = [SlaStatus.SIGNED, SlaStatus.GROUP_SIGNED, SlaStatus.DRAFT, SlaStatus.SIGNED]
    for slug, status in zip(BOROUGHS[2:6], statuses, strict=True):
        group_sla(group=EngagementGroupFactory(borough=borough(slug)), year=year, status=status, officer=officer)
    EngagementGroupFactory(borough=borough("islington"))
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    overview = response.context["overview"]
    assert overview.counts == {"signed": 3, "group_signed": 1, "draft": 2, "none": 1}
    assert len(overview.rows) == 7
    assert "Make SLAs for every active group for this year" in response.content.decode()
    assert len(small) <= 8


def test_the_overview_table_comes_a_page_at_a_time_and_the_counts_cover_every_group(client, officer, year, monkeypatch):
    """Issue 14.3: 2,000 rows were a 1 MB page; the table is paginated, the
    counts above it cover every group."""
    from cpeg.agreements import views

    monkeypatch.setattr(views, "OVERVIEW_PAGE_SIZE", 2)
    standard_template(year)
    for slug in BOROUGHS[:3]:
        group_sla(
            group=EngagementGroupFactory(borough=borough(slug)), year=year, status=SlaStatus.DRAFT, officer=officer
        )
    client.force_login(officer)
    url = reverse("agreements:sla-overview")
    first = client.get(url, {"year": year}).content.decode()
    second = client.get(url, {"year": year, "page": "2"})
    assert ": 1 to 2 of 3 groups" in first
    assert f'href="?year={year}&amp;page=2"' in first
    assert len(second.context["page"].object_list) == 1
    assert second.context["overview"].counts["draft"] == 3


def test_the_overview_is_for_officers_only(client, camden):
    client.force_login(GroupAdminFactory(group=camden))
    assert client.get(reverse("agreements:sla-overview")).status_code == 403


# --- Templates --------------------------------------------------------------------------


def test_link_members_read_the_template_but_cannot_change_it(client, year):
    template = standard_template(year)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    response = client.get(template.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Keep Membership Under Regular Review" in html
    assert "Activity 14, 15" in html
    assert "Add an output" not in html


def test_an_officer_starts_the_next_years_template(client, officer):
    latest = SlaTemplate.objects.order_by("-financial_year").first()
    client.force_login(officer)
    page = client.get(reverse("agreements:template-list"))
    assert f"Start the {latest.year.next().label} template" in page.content.decode()
    response = client.post(reverse("agreements:template-start"), {})
    assert response.status_code == 302
    assert SlaTemplate.objects.get(financial_year=latest.financial_year + 1).outputs.count() == 18


def _edit_newsletters_output(client, officer, year):
    """The standard SLA's newsletters output, its edit URL (signed in as
    ``officer``) and the form data that keeps it as it is."""
    output = standard_template(year).outputs.get(code="newsletters")
    client.force_login(officer)
    url = reverse("agreements:template-output-edit", kwargs={"year": year, "output_pk": output.pk})
    data = {"output": output.output, "outcomes": output.outcomes, "measure": "count", "version": output.version}
    return output, url, data


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("four", "Enter the yearly target as a whole number, like 4"),
        ("-1", "The yearly target must be 1 or more"),
        ("", "Enter the yearly target for a counted output"),
    ],
)
def test_bad_template_targets_are_refused_on_the_field(client, officer, year, target, message):
    output, url, data = _edit_newsletters_output(client, officer, year)
    response = client.post(url, {**data, "annual_target": target})
    assert response.status_code == 400
    assert response.context["form"].errors["annual_target"] == [message]
    output.refresh_from_db()
    assert (output.annual_target, output.version) == (4, 1)


def test_an_officer_edits_a_template_output_and_a_stale_copy_conflicts(client, officer, year):
    output, url, data = _edit_newsletters_output(client, officer, year)
    template = output.template
    data = {**data, "annual_target": "6", "activity_refs": "14 ,15", "version": "1"}
    assert client.post(url, data).status_code == 302
    output.refresh_from_db()
    assert (output.annual_target, output.activity_refs) == (6, "14, 15")
    response = client.post(url, {**data, "annual_target": "8"})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    output.refresh_from_db()
    assert output.annual_target == 6
    history = client.get(template.get_absolute_url()).content.decode()
    assert "Recent changes to this template" in history


def test_an_officer_sets_when_a_yearly_template_output_falls_due(client, officer, year):
    """Issue 8.15: a due quarter is set on the form, kept, and shown again."""
    output, url, data = _edit_newsletters_output(client, officer, year)
    assert output.due_quarter is None
    response = client.post(url, {**data, "annual_target": "4", "due_quarter": "9"})
    assert response.status_code == 400
    assert response.context["form"].errors["due_quarter"] == ["Select a quarter from the list"]
    assert client.post(url, {**data, "annual_target": "4", "due_quarter": "2"}).status_code == 302
    output.refresh_from_db()
    assert output.due_quarter == 2
    form = client.get(url).context["form"]
    assert form["due_quarter"].value() == 2
    assert client.post(url, {**data, "annual_target": "4", "due_quarter": "", "version": "2"}).status_code == 302
    output.refresh_from_db()
    assert output.due_quarter is None


def test_a_local_output_can_fall_due_in_one_quarter(client, sla, camden, officer, year):
    client.force_login(officer)
    add = reverse("agreements:sla-output-add", kwargs={"pk": camden.pk, "year": year})
    response = client.post(
        add,
        {
            "output": "Youth conference",
            "measure": "count",
            "annual_target": "1",
            "due_quarter": "3",
            "reason": "Agreed with the borough",
            "version": "1",
        },
    )
    assert response.status_code == 302
    local = GroupSla.objects.get(group=camden, financial_year=year).outputs.get(output="Youth conference")
    assert local.due_quarter == 3


def test_template_years_are_the_years_with_a_standard_sla_newest_first(year):
    from cpeg.agreements import selectors

    standard_template(year)
    standard_template(year - 2)
    assert selectors.template_years() == [year, year - 2]
    assert selectors.template_years() == [t.financial_year for t in selectors.template_list()]
