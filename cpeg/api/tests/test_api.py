"""The JSON API: public endpoints, partner tokens, pagination and limits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, ManagerFactory, OfficerFactory
from cpeg.activities.tests.factories import ActivityEvidenceFactory, ActivityFactory
from cpeg.api import services
from cpeg.api.endpoints import api
from cpeg.api.models import ApiToken
from cpeg.core.models import AuditEvent
from cpeg.funding.services import open_data_refresh
from cpeg.funding.tests.factories import AwardFactory, FundingRoundFactory
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"), name="Camden CPEG")


@pytest.fixture
def hackney():
    return EngagementGroupFactory(borough=borough("hackney"), name="Hackney CPEG")


@pytest.fixture
def link_member():
    return LinkMemberFactory(boroughs=[borough("camden")])


def bearer(text):
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_published_groups_are_listed_by_page_with_their_public_page(client, camden, settings):
    settings.SITE_URL = "https://cpeg.example.org"
    EngagementGroupFactory(borough=borough("hackney"), is_published=False)
    body = client.get("/api/v1/groups").json()
    assert body["count"] == 1
    [group] = body["items"]
    assert group["name"] == "Camden CPEG"
    assert group["borough_slug"] == "camden"
    assert group["page"] == f"https://cpeg.example.org{camden.get_public_url()}"
    assert client.get("/api/v1/groups?borough=hackney").json()["count"] == 0
    assert client.get(f"/api/v1/groups/{camden.slug}").json()["slug"] == camden.slug


def test_coming_public_meetings_are_filtered_by_borough_and_date(client, camden, hackney):
    today = timezone.localdate()
    soon = ActivityFactory(group=camden, held_on=today + dt.timedelta(days=3), public_attendance=None)
    ActivityFactory(group=camden, held_on=today + dt.timedelta(days=40), public_attendance=None)
    ActivityFactory(group=hackney, held_on=today + dt.timedelta(days=3), public_attendance=None)
    ActivityFactory(group=camden, held_on=today - dt.timedelta(days=3))
    ActivityFactory(group=camden, held_on=today + dt.timedelta(days=5), is_public=False, public_attendance=None)
    body = client.get("/api/v1/meetings", {"borough": "camden", "ends_on": str(today + dt.timedelta(days=10))}).json()
    assert [m["id"] for m in body["items"]] == [soon.pk]
    assert body["items"][0]["group_slug"] == camden.slug
    assert client.get("/api/v1/meetings").json()["count"] == 3


def test_grants_are_published_as_360giving_once_the_round_is_decided(client, camden):
    decided = FundingRoundFactory(decided=True)
    AwardFactory(funding_round=decided, group=camden, amount=Decimal("40000.50"))
    FundingRoundFactory(financial_year=decided.financial_year + 1)
    open_data_refresh()  # the task worker's build after the decision
    response = client.get(f"/api/v1/grants/{decided.financial_year}")
    assert response.status_code == 200
    assert b'"amountAwarded": 40000.50' in response.content
    assert client.get(f"/api/v1/grants/{decided.financial_year + 1}").status_code == 404
    assert client.get("/api/v1/grants/1066").status_code == 422


def test_a_link_members_token_reads_their_boroughs_activities_only(client, camden, hackney, link_member):
    meeting = ActivityFactory(group=camden, held_on=dt.date(2025, 6, 12), title="June meeting")
    ActivityEvidenceFactory(activity=meeting, output_code="public-meetings")
    ActivityFactory(group=camden, held_on=dt.date(2024, 6, 12), title="Last year's meeting")
    ActivityFactory(group=hackney, held_on=dt.date(2025, 6, 12))
    token, text = services.token_create(actor=link_member, name="Borough dashboard")
    url = "/api/v1/boroughs/camden/activities"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer("cpeg_nonsense")).status_code == 401
    body = client.get(url, {"year": 2025}, **bearer(text)).json()
    assert [a["title"] for a in body["items"]] == ["June meeting"]
    assert body["items"][0]["outputs_evidenced"]
    assert client.get(url, **bearer(text)).json()["count"] == 2
    assert client.get("/api/v1/boroughs/hackney/activities", **bearer(text)).status_code == 404
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_is_stored_hashed_shown_once_and_refused_once_revoked(client, camden, link_member):
    token, text = services.token_create(actor=link_member, name="Borough dashboard")
    assert text.startswith(f"cpeg_{token.prefix}_")
    secret = text.removeprefix(f"cpeg_{token.prefix}_")  # may itself hold "_" (URL-safe base64)
    assert len(secret) == 43
    assert not ApiToken.objects.filter(key_hash__contains=secret).exists()
    assert text not in str(list(ApiToken.objects.values()))
    url = "/api/v1/boroughs/camden/activities"
    assert client.get(url, **bearer(text)).status_code == 200
    services.token_revoke(actor=link_member, token=token)
    assert client.get(url, **bearer(text)).status_code == 401
    assert list(AuditEvent.objects.values_list("event_type", flat=True).order_by("id")) == [
        "API_TOKEN_CREATED",
        "API_TOKEN_REVOKED",
    ]


def test_a_deactivated_persons_token_stops_working(client, camden, link_member):
    _, text = services.token_create(actor=link_member, name="Tool")
    link_member.is_active = False
    link_member.save()
    assert client.get("/api/v1/boroughs/camden/activities", **bearer(text)).status_code == 401


def test_only_link_members_and_officers_make_tokens_and_a_manager_may_revoke_any(camden, link_member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.token_create(actor=GroupAdminFactory(group=camden), name="Tool")
    token, _ = services.token_create(actor=OfficerFactory(), name="Tool")
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=link_member, token=token)
    services.token_revoke(actor=ManagerFactory(), token=token)


def test_the_token_page_shows_a_new_token_once(client, link_member):
    client.force_login(link_member)
    url = reverse("api-tokens:token-list")
    response = client.post(url, {"name": "Borough dashboard"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    token = ApiToken.objects.get()
    assert f"cpeg_{token.prefix}_" in page
    again = client.get(url).content.decode()
    assert f"cpeg_{token.prefix}_" not in again
    assert f"<code>cpeg_{token.prefix}</code>" in again  # in the table, its first characters only
    assert "Your new token" not in again
    assert client.post(url, {"name": ""}).status_code == 400


def test_public_calls_are_rate_limited_per_address(client, camden, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    anon = api.throttle[0]
    monkeypatch.setattr(anon, "num_requests", 2)
    assert client.get("/api/v1/groups").status_code == 200
    assert client.get("/api/v1/groups").status_code == 200
    assert client.get("/api/v1/groups").status_code == 429
    cache.clear()


@pytest.mark.parametrize("boroughs", [1, 8])
def test_a_page_of_activities_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, boroughs):
    officer = OfficerFactory()
    _, text = services.token_create(actor=officer, name="Tool")
    group = EngagementGroupFactory(borough=borough("camden"))
    for index, place in enumerate(Borough.objects.order_by("name")[:boroughs]):
        owner = group if place.slug == "camden" else EngagementGroupFactory(borough=place)
        for day in range(1 + index):
            activity = ActivityFactory(group=owner, held_on=dt.date(2025, 6, 1 + day))
            ActivityEvidenceFactory(activity=activity)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/boroughs/camden/activities", **bearer(text)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/meetings").status_code == 200
