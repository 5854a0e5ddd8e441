"""A save in the back office is an edit like any other: versioned, stamped, audited."""

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db


def test_an_admin_save_moves_the_version_on_stamps_the_editor_and_is_audited(client):
    venue = VenueFactory(group=EngagementGroupFactory(borough=borough("camden")), name="Old Hall")
    version = venue.version
    manager = ManagerFactory()
    client.force_login(manager)

    response = client.post(
        reverse("admin:groups_venue_change", args=[venue.pk]),
        {
            "group": venue.group_id,
            "name": "Camden Town Hall",
            "address": venue.address,
            "postcode": "",
            "accessibility": "",
            "is_active": "on",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    venue.refresh_from_db()
    assert venue.name == "Camden Town Hall"
    assert venue.version == version + 1
    assert venue.updated_by == manager
    (event,) = AuditEvent.objects.filter(event_type="ADMIN_CHANGED", target_id=venue.pk)
    assert event.actor == manager
    assert event.payload == {"fields": ["name"]}
    assert venue.history.first().history_user == manager
