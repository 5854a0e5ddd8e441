import pytest
from django.urls import reverse

from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

PAUSED = "This group's activities are paused at the moment."


@pytest.mark.parametrize(("status", "paused"), [(GroupStatus.ACTIVE, False), (GroupStatus.SUSPENDED, True)])
def test_a_suspended_groups_public_page_says_its_activities_are_paused(client, status, paused):
    group = EngagementGroupFactory(borough=borough("camden"), status=status, is_published=True)
    response = client.get(reverse("public:group-detail", kwargs={"slug": group.slug}))
    assert response.status_code == 200
    assert (PAUSED in response.content.decode()) is paused


def test_a_disbanded_group_leaves_the_public_directory(client):
    group = EngagementGroupFactory(borough=borough("camden"), status=GroupStatus.DISBANDED, is_published=True)
    assert client.get(reverse("public:group-detail", kwargs={"slug": group.slug})).status_code == 404


def test_the_group_page_links_to_its_boroughs_public_stop_and_search_figures(client):
    """The link is there before any month is imported (a page saying so) and
    after (the published figures, suppressed as the public version is)."""
    from cpeg.scrutiny.tests.factories import import_rows, stop_row

    camden = borough("camden")
    group = EngagementGroupFactory(borough=camden, is_published=True)
    page = client.get(reverse("public:group-detail", kwargs={"slug": group.slug})).content.decode()
    figures = reverse("scrutiny:public-pack", kwargs={"pk": camden.pk})
    assert f'href="{figures}"' in page
    before = client.get(figures)
    assert before.status_code == 200
    assert "No stop and search figures have been published here yet" in before.content.decode()

    import_rows([stop_row(where=("51.5390", "-0.1426"))] * 12)  # Camden Town
    after = client.get(figures).content.decode()
    assert "12 searches" in after
    assert "No stop and search figures" not in after
