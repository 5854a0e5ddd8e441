"""The back office (Django admin) for SLAs: a signed SLA stays frozen there too."""

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.tests.factories import group_sla
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def _change_url(sla):
    return reverse("admin:agreements_groupsla_change", args=[sla.pk])


def test_a_manager_reads_a_signed_sla_in_the_admin_but_cannot_change_or_delete_it(client):
    sla = group_sla(group=EngagementGroupFactory(borough=borough("camden")), year=2025, status=SlaStatus.SIGNED)
    client.force_login(ManagerFactory())

    page = client.get(_change_url(sla))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only: no save button
    assert client.post(_change_url(sla), {"status": "draft"}).status_code == 403
    assert client.post(reverse("admin:agreements_groupsla_delete", args=[sla.pk]), {"post": "yes"}).status_code == 403
    sla.refresh_from_db()
    assert sla.status == SlaStatus.SIGNED


def test_a_draft_sla_stays_open_to_a_back_office_fix(client):
    sla = group_sla(group=EngagementGroupFactory(borough=borough("camden")), year=2025)
    client.force_login(ManagerFactory())

    page = client.get(_change_url(sla))
    assert 'name="_save"' in page.content.decode()
    assert client.get(reverse("admin:agreements_groupsla_changelist")).status_code == 200
