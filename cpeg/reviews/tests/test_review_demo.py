"""The generated 2025/26 review on the demo: the done-when figures, each
checked by following its link and counting the records on that page;
last year's values against hand computation; publishing, freezing and
the changes since publication; what the public may read; bounded queries."""

import re
from dataclasses import replace
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.models import User
from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.consultations.choices import ConsultationKind
from cpeg.consultations.figures import SHOW
from cpeg.consultations.models import ConsultationResponse
from cpeg.core.fiscal import FinancialYear
from cpeg.reviews import sections, services
from cpeg.reviews.models import AnnualReview

YEAR = FinancialYear(2025)
ROWS = re.compile(r'<tbody class="govuk-table__body">(.*?)</tbody>', re.S)


@pytest.fixture
def officer(demo_data):
    return User.objects.get(username="officer")


@pytest.fixture
def manager(demo_data):
    return User.objects.get(username="manager")


@pytest.fixture
def document(demo_data):
    return sections.build_document(YEAR)


def _count_on_list(client, link: str) -> int:
    """Follow a figure's link and count the records the page lists."""
    response = client.get(link)
    assert response.status_code == 200, link
    context = response.context
    if "records" in context:  # the review's own "records behind this figure"
        body = ROWS.search(response.content.decode())
        shown = body.group(1).count('<tr class="govuk-table__row">') if body else 0
        assert shown == len(context["records"].rows)
        return shown
    if "across" in context:  # the cost analysis's budget lines
        return len(context["across"].lines)
    return context["page"].paginator.count  # a paginated list (responses)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "display"),
    [
        ("delivery.public_meeting", "177"),
        ("delivery.targeted_event", "131"),
        ("delivery.consultation_product", "20"),
        ("funding.over_threshold", "8"),
        ("consultations.policing_plan.responded", "6"),
        ("consultations.stop_and_search.responded", "5"),
    ],
)
def test_counts_equal_the_records_their_links_list(client, officer, document, key, display):
    fig = document.figures()[key]
    assert fig.display == display
    client.force_login(officer)
    assert _count_on_list(client, fig.link) == fig.value == fig.link_count


@pytest.mark.django_db
def test_shares_and_represented_numbers_link_to_the_records_they_sum(client, officer, document):
    figures = document.figures()
    assert figures["funding.staffing_share"].display == "61%"
    assert figures["funding.staff_office_share"].display == "83%"
    assert (figures["funding.lowest_share"].display, figures["funding.highest_share"].display) == ("24%", "96%")
    assert figures["consultations.policing_plan.organisations"].value == 289
    assert figures["consultations.policing_plan.individuals"].value == 14
    assert figures["consultations.stop_and_search.organisations"].value == 170
    client.force_login(officer)
    for key in (
        "funding.staffing_share",
        "funding.staff_office_share",
        "funding.lowest_share",
        "consultations.policing_plan.organisations",
        "consultations.stop_and_search.organisations",
    ):
        fig = figures[key]
        assert _count_on_list(client, fig.link) == fig.link_count, key


@pytest.mark.django_db
def test_each_cost_links_to_the_activities_it_divides_the_awards_by(client, officer, document):
    """Cost per public meeting, targeted event and attendee: the awards over
    the awarded groups' activities held (never a withdrawn one), each linked
    to exactly those activities."""
    from cpeg.funding.money import round_money
    from cpeg.reporting.funding.selectors import cost_analysis

    overall = cost_analysis(year=YEAR).overall
    figures = document.figures()
    client.force_login(officer)
    for key, divisor in (
        ("funding.cost_per_public_meeting", overall.public_meetings),
        ("funding.cost_per_targeted_event", overall.targeted_events),
    ):
        fig = figures[key]
        assert _count_on_list(client, fig.link) == fig.link_count == divisor > 0, key
        assert fig.value == round_money(overall.awarded / divisor), key
    held = Activity.objects.filter(
        group__in=[g.group for g in overall.groups],
        held_on__range=(YEAR.starts_on, YEAR.ends_on),
        withdrawn_at__isnull=True,
    )
    assert overall.public_meetings == held.filter(activity_type=ActivityType.PUBLIC_MEETING).count()
    fig = figures["funding.cost_per_attendee"]
    records = client.get(fig.link).context["records"]
    assert len(records.rows) == fig.link_count
    assert sum(int(row[3].text.replace(",", "")) for row in records.rows) == overall.attendees


@pytest.mark.django_db
def test_every_linked_review_figure_lists_exactly_its_count(client, officer, document):
    """Every figure linking to the review's own records page: the page's rows
    equal link_count, and for counts the value."""
    client.force_login(officer)
    checked = 0
    for fig in document.figures().values():
        if "/records/" in fig.link and not fig.key.startswith("monitoring.rag"):
            assert _count_on_list(client, fig.link) == fig.link_count, fig.key
            if fig.unit == "count" and fig.key != "delivery.attendance":
                assert fig.value == fig.link_count, fig.key
            checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_last_year_and_change_against_hand_computation(document):
    def responded(year):
        return ConsultationResponse.objects.filter(
            SHOW["responded"],
            consultation__kind=ConsultationKind.POLICING_PLAN,
            consultation__closes_on__range=(year.starts_on, year.ends_on),
        )

    now, before = responded(YEAR), responded(YEAR.previous())
    fig = document.figures()["consultations.policing_plan.responded"]
    assert (fig.value, fig.previous) == (now.count(), before.count()) == (6, 4)
    assert fig.change_display == "up 2"
    organisations = sum(r.organisations_count for r in before)
    fig = document.figures()["consultations.policing_plan.organisations"]
    assert fig.previous == organisations
    assert fig.change_display == f"up {289 - organisations}"


def test_change_display_words():
    from decimal import Decimal

    assert sections.change_display(177, 170, "count") == "up 7"
    assert sections.change_display(3, 5, "count") == "down 2"
    assert sections.change_display(4, 4, "count") == "no change"
    assert sections.change_display(Decimal("61.4"), Decimal("59.6"), "percent") == "up 2 points"
    assert sections.change_display(Decimal("100"), None, "money") == ""


@pytest.mark.django_db
def test_publish_is_refused_while_a_section_is_in_error(manager, officer, monkeypatch):
    review = services.review_start(financial_year=2025, actor=officer)

    def broken(ctx):
        raise RuntimeError("the records are unreadable")

    monkeypatch.setitem(sections.BUILDERS, "funding", broken)
    with pytest.raises(ValidationError, match="cannot be published"):
        services.review_publish(review=review, actor=manager)
    review.refresh_from_db()
    assert review.status == "draft"
    assert not review.versions.exists()


@pytest.mark.django_db
def test_published_figures_stay_frozen_and_the_change_is_shown(client, officer, manager):
    review = services.review_start(financial_year=2025, actor=officer)
    services.narrative_save(
        review=review, section_key="delivery", text="Delivery held up well.", version=0, actor=officer
    )
    version = services.review_publish(review=review, actor=manager)
    assert version.number == 1
    meeting = Activity.objects.filter(
        activity_type=ActivityType.PUBLIC_MEETING, held_on__range=(YEAR.starts_on, YEAR.ends_on)
    ).first()
    meeting.withdrawn_at, meeting.withdrawn_by, meeting.withdrawal_reason = timezone.now(), officer, "Entered twice"
    meeting.save()
    page = client.get(reverse("reviews:published-version", kwargs={"year": 2025, "number": 1}))
    assert page.status_code == 200
    assert 'data-figure="delivery.public_meeting">177<' in page.content.decode()
    assert "Delivery held up well." in page.content.decode()
    client.force_login(officer)
    changes = client.get(reverse("reviews:version-changes", kwargs={"year": 2025, "number": 1}))
    rows = {d.key: d for d in changes.context["differences"]}
    assert (rows["delivery.public_meeting"].published, rows["delivery.public_meeting"].now) == ("177", "176")


@pytest.mark.django_db
def test_the_public_never_reads_a_draft_or_its_narrative(client, officer, manager):
    review = services.review_start(financial_year=2025, actor=officer)
    assert client.get(reverse("reviews:published-list")).status_code == 200
    assert client.get(reverse("reviews:published-latest", kwargs={"year": 2025})).status_code == 404
    assert client.get(reverse("reviews:review-draft", kwargs={"year": 2025})).status_code == 302
    services.review_publish(review=review, actor=manager)
    services.review_new_draft(review=AnnualReview.objects.get(pk=review.pk), actor=manager)
    services.narrative_save(
        review=review, section_key="funding", text="UNPUBLISHED DRAFT WORDS", version=0, actor=officer
    )
    page = client.get(reverse("reviews:published-version", kwargs={"year": 2025, "number": 1}))
    assert page.status_code == 200
    assert "UNPUBLISHED DRAFT WORDS" not in page.content.decode()
    assert 'href="/reviews/2025/records/' not in page.content.decode()  # records are not public
    assert client.get(reverse("reviews:published-version", kwargs={"year": 2025, "number": 2})).status_code == 404


@pytest.mark.django_db
def test_stale_narrative_save_is_refused(officer):
    from cpeg.core.errors import EditConflict

    review = services.review_start(financial_year=2025, actor=officer)
    services.narrative_save(review=review, section_key="sla", text="First", version=0, actor=officer)
    with pytest.raises(EditConflict):
        services.narrative_save(review=review, section_key="sla", text="Second", version=0, actor=officer)


@pytest.mark.django_db
def test_queries_do_not_grow_with_groups(officer, monkeypatch):
    """The review for 5 groups runs as many queries as for all 32."""
    full = sections.context_for

    def count(n):
        monkeypatch.setattr(
            sections, "context_for", lambda year, today=None: replace(full(year, today), groups=all_groups[:n])
        )
        with CaptureQueriesContext(connection) as queries:
            sections.build_document(YEAR)
        return len(queries)

    all_groups = full(YEAR).groups
    assert len(all_groups) == 32
    assert count(5) == count(32) < 60


@pytest.mark.django_db
def test_draft_page_draws_each_figure_as_a_link(client, officer, document):
    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    page = client.get(reverse("reviews:review-draft", kwargs={"year": 2025}))
    html = page.content.decode()
    fig = document.figures()["delivery.public_meeting"]
    assert f'href="{fig.link}" data-figure="delivery.public_meeting"' in html
    assert "Write the narrative" in html


@pytest.mark.django_db
@pytest.mark.parametrize("start_year", [2025, 2026])
def test_representativeness_never_shows_a_count_of_one_to_four(demo_data, start_year):
    document = sections.build_document(FinancialYear(start_year))
    section = next(s for s in document.sections if s.key == "representation")
    assert not section.errors
    for fig in section.figures.values():
        assert fig.suppressed or not 1 <= fig.value <= 4
        assert not fig.suppressed or (fig.value is None and not fig.link)
    for table in section.tables:
        for row in table.rows:
            count = row[1].text.replace(",", "")
            assert not count.isdigit() or not 1 <= int(count) <= 4


@pytest.mark.django_db
def test_draft_page_runs_a_bounded_number_of_queries(client, officer, django_assert_max_num_queries):
    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(90):
        assert client.get(reverse("reviews:review-draft", kwargs={"year": 2025})).status_code == 200


@pytest.mark.django_db
def test_the_charts_draw_the_figures_of_their_tables(client, officer, document):
    """Each chart's bars are its data table's rows; the staffing chart has a
    bar per awarded group, highest first, and the 75% line; the draft page
    draws both as SVG with their text alternatives."""
    delivery = next(s for s in document.sections if s.key == "delivery")
    by_type = next(c for c in delivery.charts if c.key == "delivery.by_type_chart")
    table = next(t for t in delivery.tables if t.key == by_type.table_key)
    assert [(b.label, b.display) for b in by_type.bars] == [(r[0].text, r[1].text) for r in table.rows]
    assert {b.label: b.value for b in by_type.bars}[ActivityType.PUBLIC_MEETING.label] == 177

    funding = next(s for s in document.sections if s.key == "funding")
    staffing = next(c for c in funding.charts if c.key == "funding.staffing_chart")
    values = [b.value for b in staffing.bars]
    assert len(values) == document.figures()["funding.groups"].value
    assert values == sorted(values, reverse=True)
    assert (staffing.bars[0].display, staffing.bars[-1].display) == ("96%", "24%")
    assert sum(v > staffing.reference for v in values) == document.figures()["funding.over_threshold"].value == 8

    client.force_login(officer)
    services.review_start(financial_year=YEAR.start_year, actor=officer)
    page = client.get(reverse("reviews:review-draft", kwargs={"year": YEAR.start_year})).content.decode()
    assert page.count("<svg") >= 2
    assert "8 groups are over it" in page


# --- The draft's appendices, on pages of their own --------------------------------


@pytest.mark.django_db
def test_the_draft_page_links_to_the_appendices_instead_of_drawing_them(client, officer):
    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    html = client.get(reverse("reviews:review-draft", kwargs={"year": 2025})).content.decode()
    assert "Appendix 1:" not in html
    assert 'data-figure="group.' not in html
    assert f'href="{reverse("reviews:review-appendices", kwargs={"year": 2025})}"' in html


@pytest.mark.django_db
def test_the_appendices_are_listed_by_group_a_page_at_a_time(client, officer, monkeypatch):
    from cpeg.reviews import views

    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    url = reverse("reviews:review-appendices", kwargs={"year": 2025})
    groups = sections.appendix_groups()
    page = client.get(url)
    assert page.context["page"].paginator.count == len(groups) == 32
    assert [n for n, _g in page.context["appendices"]] == list(range(1, 33))

    monkeypatch.setattr(views, "APPENDICES_PER_PAGE", 10)
    last = client.get(url, {"page": 4})
    assert [(n, g.pk) for n, g in last.context["appendices"]] == [(31, groups[30].pk), (32, groups[31].pk)]
    html = last.content.decode()
    assert f"Appendix 32: {groups[31].name}" in html
    assert reverse("reviews:review-appendix", kwargs={"year": 2025, "pk": groups[31].pk}) in html
    assert client.get(url, {"page": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_a_groups_appendix_page_is_the_whole_reviews_appendix(client, officer, document):
    """The page draws the group's appendix as the whole review has it (the
    same number, figures and links), each count linking to its records."""
    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    groups = sections.appendix_groups()
    index = 5
    group = groups[index]
    whole = next(s for s in document.sections if s.key == f"group.{group.pk}")
    assert [s.key for s in document.sections if s.appendix].index(whole.key) == index
    page = client.get(reverse("reviews:review-appendix", kwargs={"year": 2025, "pk": group.pk}))
    assert page.status_code == 200
    (section,) = page.context["document"].sections
    assert {k: (f.display, f.link) for k, f in section.figures.items()} == {
        k: (f.display, f.link) for k, f in whole.figures.items()
    }
    assert [p.text for p in section.paragraphs] == [p.text for p in whole.paragraphs]
    html = page.content.decode()
    assert f"Appendix {index + 1}: {group.name}" in html
    meetings = section.figures[f"group.{group.pk}.{ActivityType.PUBLIC_MEETING}"]
    assert f'href="{escape(meetings.link)}" data-figure="{meetings.key}"' in html
    assert _count_on_list(client, meetings.link) == meetings.value
    missing = reverse("reviews:review-appendix", kwargs={"year": 2025, "pk": 999999})
    assert client.get(missing).status_code == 404


@pytest.mark.django_db
def test_the_appendix_pages_run_a_bounded_number_of_queries(client, officer, monkeypatch):
    """The list and a group's appendix run as many queries for 5 groups as
    for 32 (and so for 2,000)."""
    services.review_start(financial_year=2025, actor=officer)
    client.force_login(officer)
    all_groups = sections.appendix_groups()
    pk = all_groups[0].pk

    def count(n, url):
        monkeypatch.setattr(sections, "appendix_groups", lambda: all_groups[:n])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    listing = reverse("reviews:review-appendices", kwargs={"year": 2025})
    one = reverse("reviews:review-appendix", kwargs={"year": 2025, "pk": pk})
    assert count(5, listing) == count(32, listing) <= 12
    assert count(5, one) == count(32, one) <= 30
