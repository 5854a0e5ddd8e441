"""Reads for the API: tokens, and the records each endpoint returns.

Every endpoint reads through the apps' own selectors and the access
rulebook's scopers, so the API shows what the pages show and no more.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cpeg.accounts.access import scope_groups
from cpeg.activities.models import Activity
from cpeg.activities.selectors import public_meetings_queryset
from cpeg.api.models import ApiToken
from cpeg.api.services import TOKEN_START, hash_token
from cpeg.core.fiscal import FinancialYear
from cpeg.funding import selectors as funding_selectors
from cpeg.funding.choices import OpenDataFormat
from cpeg.funding.models import FundingRound
from cpeg.groups.models import Borough, EngagementGroup
from cpeg.groups.selectors import public_group_list


def token_list(*, user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def token_get_for(*, user, pk) -> ApiToken:
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not user.has_perm("api.revoke_apitoken", token):
        raise Http404
    return token


def token_for(text: str) -> ApiToken | None:
    """The live token ``text`` is, with its active user, or None."""
    if not text.startswith(TOKEN_START):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(text), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


# --- Public endpoints ----------------------------------------------------------


def public_groups(*, borough: str | None = None) -> QuerySet:
    groups = public_group_list()
    if borough:
        groups = groups.filter(borough__slug=borough)
    return groups


def public_group(*, slug: str) -> EngagementGroup:
    group = public_group_list().filter(slug=slug).first()
    if group is None:
        raise Http404
    return group


def public_meetings(*, starts_on: dt.date | None, ends_on: dt.date | None, borough: str | None) -> QuerySet:
    today = timezone.localdate()
    meetings = public_meetings_queryset(groups=public_groups(borough=borough), starts_on=max(starts_on or today, today))
    if ends_on is not None:
        meetings = meetings.filter(held_on__lte=ends_on)
    return meetings


def grants_json(*, year: int) -> bytes | None:
    """The stored 360Giving JSON of the round decided for financial year
    ``year`` (the officers' download's bytes); None while it is being built."""
    funding_round = FundingRound.objects.filter(financial_year=year).first()
    if funding_round is None or not funding_round.is_decided:
        raise Http404
    stored = funding_selectors.open_data_file(funding_round=funding_round, file_format=OpenDataFormat.JSON)
    return None if stored is None else bytes(stored.content)


# --- Partner endpoints ---------------------------------------------------------


def borough_for(*, user, slug: str) -> Borough:
    """A borough whose groups ``user`` may read (404 otherwise)."""
    borough = Borough.objects.filter(slug=slug).first()
    if borough is None or not user.has_perm("groups.view_borough", borough):
        raise Http404
    return borough


def borough_activities(*, user, borough: Borough, year: int | None) -> QuerySet:
    """The activities of the borough's groups that ``user`` may read,
    withdrawn ones left out, for one financial year if given."""
    groups = scope_groups(user, EngagementGroup.objects.filter(borough=borough))
    activities = Activity.objects.filter(group__in=groups, withdrawn_at__isnull=True)
    if year is not None:
        fy = FinancialYear(year)
        activities = activities.filter(held_on__gte=fy.starts_on, held_on__lte=fy.ends_on)
    return activities.select_related("group", "venue").prefetch_related("evidence").order_by("held_on", "id")
