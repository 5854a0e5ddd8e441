"""The read-only JSON API (django-ninja), described by OpenAPI at /api/v1/openapi.json.

Public endpoints return what the public pages show: published groups, their
coming public meetings, and the 360Giving grants of decided rounds. Partner
endpoints (a token in ``Authorization: Bearer …``, or a signed-in session)
return a borough's activity record to those who may read it on the pages (a
link member: their boroughs; officers: all). Lists are paginated; calls are
rate-limited per address (public) and per token (partners).
"""

import datetime as dt
import re

from django.conf import settings
from django.http import Http404, HttpResponse
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle
from pydantic import Field, field_validator

from cpeg.activities.outputs import output_label
from cpeg.api import selectors, services
from cpeg.reviews import selectors as review_selectors

PAGE_SIZE = 100
# Far past any real list; a bigger page number would overflow the database's
# OFFSET (a server error) rather than return an empty page.
MAX_PAGE = 100_000


class Pages(PageNumberPagination):
    """Numbered pages of up to 100 items, ``page`` 1 to 100,000."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = selectors.token_for(token)
        if found is None:
            return None
        services.token_mark_used(found)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="CPEG Manager open data",
    version="1",
    description=__doc__,
    urls_namespace="api",
    # The docs page would load scripts the Content Security Policy refuses:
    # the OpenAPI description is the documentation.
    docs_url=None,
    throttle=[
        AnonRateThrottle(settings.API_RATES["public"]),
        AuthRateThrottle(settings.API_RATES["partner"]),
    ],
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": "A valid token is needed"}, status=401)


# --- Schemas -------------------------------------------------------------------


class Message(Schema):
    detail: str


class Invalid(Schema):
    detail: list[dict] | str


# The answers every operation may give besides its 200.
PUBLIC_ERRORS = {404: Message, 422: Invalid}
PARTNER_ERRORS = {401: Message, 404: Message, 422: Invalid}


class GroupOut(Schema):
    slug: str
    name: str
    borough: str
    borough_slug: str
    email: str
    phone: str
    website: str
    how_to_join: str
    page: str

    @staticmethod
    def resolve_borough(group):
        return group.borough.name

    @staticmethod
    def resolve_borough_slug(group):
        return group.borough.slug

    @staticmethod
    def resolve_page(group):
        return f"{settings.SITE_URL.rstrip('/')}{group.get_public_url()}"


class MeetingOut(Schema):
    id: int
    title: str
    type: str
    date: dt.date
    start_time: dt.time | None
    venue: str
    group: str
    group_slug: str

    @staticmethod
    def resolve_type(activity):
        return activity.get_activity_type_display()

    @staticmethod
    def resolve_date(activity):
        return activity.held_on

    @staticmethod
    def resolve_start_time(activity):
        return activity.starts_at

    @staticmethod
    def resolve_venue(activity):
        return activity.venue.name if activity.venue_id else activity.venue_text

    @staticmethod
    def resolve_group(activity):
        return activity.group.name

    @staticmethod
    def resolve_group_slug(activity):
        return activity.group.slug


class ActivityOut(MeetingOut):
    public_attendance: int | None
    borough_commander_present: bool
    local_authority_present: bool
    on_public_page: bool
    outputs_evidenced: list[str]

    @staticmethod
    def resolve_on_public_page(activity):
        return activity.is_public

    @staticmethod
    def resolve_outputs_evidenced(activity):
        return sorted(output_label(e.output_code) for e in activity.evidence.all())


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MeetingFilters(Schema):
    borough: str | None = Field(None, description="A borough's slug, e.g. camden", max_length=60)
    starts_on: dt.date | None = Field(None, description="From this date (today if earlier or blank)")
    ends_on: dt.date | None = Field(None, description="Up to and including this date")

    @field_validator("starts_on", "ends_on", mode="before")
    @classmethod
    def iso_date_only(cls, value):
        """YYYY-MM-DD only (pydantic would read "0" as 1 January 1970)."""
        if isinstance(value, str) and not ISO_DATE.fullmatch(value):
            raise ValueError("Give the date as YYYY-MM-DD")
        return value


# A financial year is given by its start year, e.g. 2025 for 2025/26.
YEAR_HELP = "The financial year's start year, e.g. 2025 for 2025/26"


# --- Public endpoints ----------------------------------------------------------


@api.get("/groups", response={200: list[GroupOut], **PUBLIC_ERRORS}, tags=["public"], summary="Published groups")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def list_groups(request, borough: str | None = Query(None, max_length=60)):
    return selectors.public_groups(borough=borough)


@api.get("/groups/{slug}", response={200: GroupOut, **PUBLIC_ERRORS}, tags=["public"], summary="One published group")
def get_group(request, slug: str):
    return selectors.public_group(slug=slug)


@api.get(
    "/meetings", response={200: list[MeetingOut], **PUBLIC_ERRORS}, tags=["public"], summary="Coming public meetings"
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def list_meetings(request, filters: Query[MeetingFilters]):
    return selectors.public_meetings(starts_on=filters.starts_on, ends_on=filters.ends_on, borough=filters.borough)


@api.get(
    "/grants/{year}",
    response={200: dict, 202: Message, **PUBLIC_ERRORS},
    tags=["public"],
    summary="A decided round's grants as 360Giving",
    description="202 while the file is being built after a change to the round's awards: ask again in a minute.",
)
def get_grants(request, year: int = Path(..., ge=2000, le=2100, description=YEAR_HELP)):
    # The file the task worker built with the 360Giving exporter itself, so
    # amounts stay exact numbers.
    content = selectors.grants_json(year=year)
    if content is None:
        return Status(202, {"detail": "The file is being prepared. Ask again in a minute."})
    return HttpResponse(content, content_type="application/json; charset=utf-8")


class ReviewOut(Schema):
    financial_year: int
    year_label: str
    title: str
    version: int
    published_at: dt.datetime


@api.get(
    "/reviews", response={200: list[ReviewOut], **PUBLIC_ERRORS}, tags=["public"], summary="Published annual reviews"
)
def list_reviews(request):
    # Published versions only (the latest per year): never a draft or its narrative.
    return [
        {
            "financial_year": v.review.financial_year,
            "year_label": v.document.get("year_label", ""),
            "title": v.document.get("title", ""),
            "version": v.number,
            "published_at": v.published_at,
        }
        for v in review_selectors.latest_published_per_year()
    ]


@api.get(
    "/reviews/{year}",
    response={200: dict, **PUBLIC_ERRORS},
    tags=["public"],
    summary="A year's latest published annual review, its figures as published",
)
def get_review(request, year: int = Path(..., ge=2000, le=2100, description=YEAR_HELP)):
    version = review_selectors.published_version_get(year=year)
    return {"version": version.number, "published_at": version.published_at.isoformat(), **version.document}


# --- Partner endpoints ---------------------------------------------------------


@api.get(
    "/boroughs/{slug}/activities",
    response={200: list[ActivityOut], **PARTNER_ERRORS},
    auth=[TokenAuth(), django_auth],
    tags=["partners"],
    summary="A borough's activity record",
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def list_borough_activities(
    request, slug: str, year: int | None = Query(None, ge=2000, le=2100, description=YEAR_HELP)
):
    borough = selectors.borough_for(user=request.auth, slug=slug)
    return selectors.borough_activities(user=request.auth, borough=borough, year=year)
