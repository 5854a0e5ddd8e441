"""A GET of any monitoring page writes nothing: no return opened, no figure
refreshed, no setting created, no audit event and no history."""

import datetime as dt

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, ManagerFactory, OfficerFactory
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.models import QuarterlyReturn
from cpeg.monitoring.tests.factories import activity, group_sla, groups_with_returns, standard_template

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    for module in ("cpeg.monitoring.views", "cpeg.reporting.monitoring.views"):
        monkeypatch.setattr(f"{module}._today", lambda: TODAY)


def _snapshot() -> dict:
    """Every table's row count, and the latest change to each record that
    keeps one (so an update shows as well as an insert)."""
    state = {}
    for model in apps.get_models():
        if model._meta.label in ("sessions.Session",):
            continue  # signing in is not the page's doing
        queryset = model._default_manager.all()
        state[model._meta.label] = queryset.count()
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            state[f"{model._meta.label} updated"] = queryset.aggregate(latest=Max("updated_at"))["latest"]
    return state


def _world():
    """Camden and Hackney with returns in every state; Islington with a
    quarter still to open and a draft whose figures are out of date."""
    camden, hackney = groups_with_returns(2)
    q2 = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    services.return_send_back(quarterly_return=q2, actor=OfficerFactory(), comments="More please")
    islington = EngagementGroupFactory(borough=borough("islington"))
    group_sla(islington, 2025)
    standard_template(2024)
    draft = services.return_open(group=islington, quarter=Quarter(2025, 2), today=TODAY)
    activity(islington, dt.date(2025, 9, 1), "newsletters")  # not yet in the draft's figures
    return camden, hackney, islington, draft


def _urls(camden, hackney, islington, draft) -> list[str]:
    submitted = QuarterlyReturn.objects.get(group=camden, financial_year=2025, quarter=2)
    accepted = QuarterlyReturn.objects.get(group=camden, financial_year=2025, quarter=1)
    returned = QuarterlyReturn.objects.get(group=hackney, financial_year=2025, quarter=2)
    line = submitted.lines.order_by("pk").first()
    urls = [
        reverse("reporting:monitoring-dashboard"),
        reverse("reporting:monitoring-dashboard") + "?year=2024&show=attention",
        reverse("monitoring:settings"),
        reverse("monitoring:support-provided", kwargs={"pk": line.pk}),
    ]
    for group in (camden, hackney, islington):
        urls += [
            reverse("monitoring:return-list", kwargs={"pk": group.pk}),
            reverse("reporting:monitoring-scorecard", kwargs={"pk": group.pk}),
        ]
    for qr in (draft, submitted, accepted, returned):
        urls += [
            qr.get_absolute_url(),
            reverse("monitoring:return-edit", kwargs={"pk": qr.pk}),
            reverse("monitoring:return-review", kwargs={"pk": qr.pk}),
        ]
    return urls


def test_a_get_of_every_monitoring_page_leaves_the_database_unchanged(client):
    camden, hackney, islington, draft = _world()
    urls = _urls(camden, hackney, islington, draft)
    users = [
        OfficerFactory(),
        ManagerFactory(),
        GroupAdminFactory(group=islington),
        GroupAdminFactory(group=hackney),
        LinkMemberFactory(boroughs=[borough("camden")]),
    ]
    for user in users:
        client.force_login(user)
        before = _snapshot()
        statuses = {url: client.get(url).status_code for url in urls}
        assert _snapshot() == before, user
        assert set(statuses.values()) <= {200, 302, 403, 404}, statuses
    # Nothing opened or refreshed on the way: Islington's Q1 is still missing
    # and its draft still counts no newsletter.
    assert not QuarterlyReturn.objects.filter(group=islington, quarter=1).exists()
    assert draft.lines.get(output_code="newsletters").count_to_date == 0
