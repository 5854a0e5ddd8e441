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
