"""A group's administrator reads their borough's stop and search figures
and follows a figure to the searches behind it; axe checks every page."""

import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.tests.factories import CAMDEN_TOWN, import_rows, stop_row
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden Community and Police Engagement Group")
    GroupAdminFactory(username="camden-admin", group=group)
    rows = [stop_row(where=CAMDEN_TOWN) for _ in range(7)]
    rows += [
        stop_row(
            where=CAMDEN_TOWN,
            outcome="Arrest",
            self_defined="Black/African/Caribbean/Black British - African",
            officer="Black",
        )
        for _ in range(3)
    ]
    import_rows(rows)
    return group


def test_a_group_admin_follows_a_figure_to_its_searches(page, live_server, camden):
    sign_in(page, live_server, "camden-admin")
    visit(page, live_server.url + "/")
    page.get_by_role("link", name="Stop and search").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Camden").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#total-searches").inner_text() == "10"
    assert page.locator("#arrest-rate").inner_text() == "30.0%"
    assert page.locator("#rates-self [data-group=black] [data-judgement]").get_attribute("data-judgement") == "too_few"

    page.locator("#by-outcome").get_by_role("link", name="3 searches, Arrest").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome: Arrest"
    assert page.locator("#search-count").inner_text().startswith("3 searches")
    assert page.locator("#searches tbody tr").count() == 3

    # The public version of the figures: small counts hidden, axe clean.
    page.go_back()
    page.wait_for_load_state()
    page.get_by_role("link", name="Public version of these figures").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#public-total").inner_text() == "10 searches"
    assert page.get_by_text("fewer than 5").count() >= 1
