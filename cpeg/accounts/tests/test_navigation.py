import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, ManagerFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def _nav(client, user, path=None):
    if user is not None:
        client.force_login(user)
    response = client.get(path or reverse("public:group-list"))
    return [item["label"] for item in response.context["nav_items"]], response


def test_the_navigation_shows_each_person_only_their_own_sections(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    assert _nav(client, None)[0] == ["Public directory"]
    client.logout()
    assert _nav(client, GroupAdminFactory(group=camden))[0] == [
        "Your group",
        "Consultations",
        "Stop and search",
        "Accounts",
        "Public directory",
    ]
    client.logout()
    assert _nav(client, LinkMemberFactory(boroughs=[borough("camden")]))[0][:3] == ["Groups", "Monitoring", "Funding"]
    client.logout()
    labels = _nav(client, ManagerFactory())[0]
    assert labels[:4] == ["Groups", "SLAs", "Monitoring", "Funding"]
    assert labels[-4:] == ["People", "Accounts", "Admin", "Public directory"]


def test_only_the_longest_matching_link_is_marked_current(client):
    officer = OfficerFactory()
    _, response = _nav(client, officer, reverse("groups:person-list"))
    current = [item["label"] for item in response.context["nav_items"] if item["active"]]
    assert current == ["People"]


@pytest.mark.parametrize("role", ["anonymous", "officer", "group_admin"])
def test_home_links_each_person_to_where_they_start(client, role):
    """Signed in, the home page is the to-do list, linking on to where the
    person starts; anyone else goes on to the public directory."""
    camden = EngagementGroupFactory(borough=borough("camden"))
    users = {"anonymous": None, "officer": OfficerFactory(), "group_admin": GroupAdminFactory(group=camden)}
    expected = {
        "anonymous": reverse("public:group-list"),
        "officer": reverse("groups:group-list"),
        "group_admin": camden.get_absolute_url(),
    }
    if users[role] is None:
        assert client.get(reverse("core:home")).url == expected[role]
        return
    client.force_login(users[role])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert f'href="{expected[role]}"' in response.content.decode()
