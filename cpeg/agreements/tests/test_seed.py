"""The standard SLA seeded by the data migration, checked against the source."""

import pytest

from cpeg.agreements.choices import MeasureType
from cpeg.agreements.selectors import template_for_year
from cpeg.core.fiscal import FinancialYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    seeded = template_for_year(FinancialYear.current().start_year)
    assert seeded is not None, "the data migration seeds this financial year's template"
    return seeded


def _outputs(template):
    return {o.code: o for o in template.outputs.select_related("heading")}


def test_the_seeded_template_holds_all_18_outputs_of_the_source(template):
    assert template.outputs.count() == 18
    assert template.introduction.startswith("The information below, which has been provided to support")


def test_the_headings_are_the_source_headings_in_order(template):
    assert list(template.headings.order_by("position").values_list("title", flat=True)) == [
        "Publicise the group's role, functions and achievements",
        "Deliver community engagement on core MPA activities",
        "Engage with the wider crime and disorder reduction and community safety agenda",
        "Ensuring the CPEG is fit for purpose",
    ]


def test_the_first_two_outputs_stand_before_any_heading(template):
    ordered = list(template.outputs.order_by("position"))
    assert [o.code for o in ordered[:2]] == ["public-meetings", "sla-monitoring"]
    assert ordered[0].heading is None
    assert ordered[1].heading is None
    assert all(o.heading is not None for o in ordered[2:])


def test_outputs_sit_under_their_source_headings(template):
    per_heading = {}
    for o in template.outputs.select_related("heading"):
        if o.heading:
            per_heading[o.heading.key] = per_heading.get(o.heading.key, 0) + 1
    assert per_heading == {"publicise": 2, "core-activities": 9, "wider-agenda": 1, "fit-for-purpose": 4}


def test_the_wording_is_the_source_wording(template):
    outputs = _outputs(template)
    assert outputs["public-meetings"].output == "Hold at least 4 public meetings/events per annum"
    assert outputs["sla-monitoring"].outcomes == (
        "Clarity on expected deliverables/outcomes; early identification of barriers to delivery and "
        "appropriate support from MPA"
    )
    assert "Newsletters are a key mechanism for keeping in touch with those who do not/cannot attend meetings" in (
        outputs["newsletters"].in_practice
    )
    assert outputs["stop-and-search"].output == "Develop/Maintain Stop & Search Monitoring Group"
    assert outputs["olympics"].in_practice.startswith(
        "The Olympics engagement team will be engaging with CPEGs on three levels (i) through an LCP2 Chair's Meeting"
    )
    assert outputs["dsvb-hate-crime"].output == "Domestic & Sexual Violence Board & Hate Crime Forum"
    assert outputs["finances"].output == (
        "Develop The CPEG's Ability To Manage Its Financial Resources Effectively And To Access Alternative "
        "Funding Streams And Support"
    )
    assert outputs["two-way-engagement"].in_practice == "See service standards guidance (Activity 14 & 15)"


def test_activity_references_are_those_the_source_cites(template):
    refs = {code: o.activity_refs for code, o in _outputs(template).items() if o.activity_refs}
    assert refs == {
        "policing-plan-consultation": "1",
        "budget-consultation": "2",
        "public-meetings": "3",
        "sla-monitoring": "5",
        "stop-and-search": "11",
        "custody-visiting": "12",
        "two-way-engagement": "14, 15",
    }


def test_counted_outputs_carry_the_source_targets(template):
    counted = {code: o.annual_target for code, o in _outputs(template).items() if o.measure == MeasureType.COUNT}
    assert counted == {"public-meetings": 4, "newsletters": 4, "annual-report": 1, "membership-review": 1}


def test_other_outputs_are_yes_no_or_narrative_without_a_target(template):
    outputs = _outputs(template).values()
    assert {o.measure for o in outputs} == {MeasureType.COUNT, MeasureType.YES_NO, MeasureType.NARRATIVE}
    assert all(o.annual_target is None for o in outputs if o.measure != MeasureType.COUNT)
    assert _outputs(template)["policing-plan-consultation"].measure == MeasureType.YES_NO
    assert _outputs(template)["met-forward"].measure == MeasureType.NARRATIVE
