"""Reads for consultations and responses, scoped through ``accounts.access``.

Each page reads a fixed number of queries whatever the number of groups:
the figures are one aggregate query (``figures.participation``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from cpeg.accounts.access import (
    get_for_user_or_404,
    group_ids_of,
    scope_consultation_responses,
    scope_consultations,
)
from cpeg.consultations import figures
from cpeg.consultations.choices import OUTPUT_FOR_KIND, ConsultationStatus
from cpeg.consultations.models import Consultation, ConsultationResponse
from cpeg.core.fiscal import FinancialYear


def consultation_get_for(*, user, pk: int, perm: str = "consultations.view_consultation") -> Consultation:
    return get_for_user_or_404(user, Consultation.objects.all(), perm, pk=pk)


def response_get_for(*, user, pk: int, perm: str = "consultations.view_consultationresponse") -> ConsultationResponse:
    return get_for_user_or_404(
        user,
        ConsultationResponse.objects.select_related("consultation", "group__borough", "submitted_by"),
        perm,
        pk=pk,
    )


def response_organisations(*, response: ConsultationResponse) -> list:
    """The member organisations the group picked behind its response, by
    name (none when it gave a number). One query."""
    return list(response.organisations.order_by("name", "id"))


def readable_responses(user) -> QuerySet:
    """The responses the user may read (every group's for officers; their
    own groups' and their linked boroughs' groups' otherwise, and every
    group's once the authority publishes a consultation's responses)."""
    return scope_consultation_responses(user, ConsultationResponse.objects.all())


@dataclass
class ConsultationRow:
    consultation: Consultation
    figures: figures.Participation | None
    own_responses: list[ConsultationResponse]


def consultation_list_for(*, user) -> list[ConsultationRow]:
    """Every consultation the user may read, newest first, with its
    participation figures (officers: London; a link member: their
    boroughs' groups) and the user's own groups' responses. Three queries."""
    consultations = list(scope_consultations(user, Consultation.objects.all()))
    ids = [c.pk for c in consultations]
    shows_figures = user.has_perm("consultations.view_participation_list")
    counts = figures.participation(readable_responses(user), ids) if shows_figures else {}
    own = defaultdict(list)
    own_ids = group_ids_of(user)
    if own_ids and ids:
        for response in ConsultationResponse.objects.filter(
            consultation_id__in=ids, group_id__in=own_ids
        ).select_related("group"):
            own[response.consultation_id].append(response)
    return [ConsultationRow(c, counts.get(c.pk), own[c.pk]) for c in consultations]


def previous_consultation(*, consultation: Consultation) -> Consultation | None:
    """The same kind's consultation of the financial year before (the latest
    opened that year), for the year-on-year change in the response rate."""
    previous = FinancialYear.containing(consultation.opens_on).previous()
    return (
        Consultation.objects.filter(
            kind=consultation.kind,
            opens_on__gte=previous.starts_on,
            opens_on__lte=previous.ends_on,
        )
        .exclude(status=ConsultationStatus.DRAFT)
        .exclude(pk=consultation.pk)
        .order_by("-opens_on", "-id")
        .first()
    )


@dataclass
class ConsultationPage:
    consultation: Consultation
    figures: figures.Participation | None
    change: figures.RateChange | None
    own_responses: list[ConsultationResponse]
    output_code: str | None
    groups_asked: list


def consultation_page(*, consultation: Consultation, user) -> ConsultationPage:
    """What a consultation's page shows the user: the figures (with last
    year's rate) if they may see participation, their own groups' responses
    otherwise. A fixed number of queries."""
    counts = change = None
    if user.has_perm("consultations.view_participation", consultation):
        responses = readable_responses(user)
        previous = previous_consultation(consultation=consultation)
        ids = [consultation.pk] + ([previous.pk] if previous else [])
        both = figures.participation(responses, ids)
        counts = both[consultation.pk]
        if previous is not None:
            change = figures.RateChange(
                previous_title=previous.title,
                previous_year_label=FinancialYear.containing(previous.opens_on).label,
                previous=both[previous.pk],
                current=counts,
            )
    own_ids = group_ids_of(user)
    own = (
        list(consultation.responses.filter(group_id__in=own_ids).select_related("group", "consultation"))
        if own_ids
        else []
    )
    groups_asked = (
        list(consultation.groups_asked.select_related("borough").order_by("name"))
        if user.has_perm("consultations.manage_consultation", consultation) and consultation.status == "draft"
        else []
    )
    return ConsultationPage(consultation, counts, change, own, OUTPUT_FOR_KIND.get(consultation.kind), groups_asked)


def response_list(*, consultation: Consultation, user, show: str = "asked") -> QuerySet:
    """The responses behind one of the consultation's figures (``show``, a
    key of ``figures.SHOW``), as the user may read them."""
    condition = figures.SHOW.get(show, figures.SHOW["asked"])
    return (
        readable_responses(user)
        .filter(consultation=consultation)
        .filter(condition)
        .select_related("group__borough")
        .order_by("group__name", "id")
    )


def published_consultations() -> list[Consultation]:
    """Consultations whose responses the authority has published, newest
    first (for the public)."""
    return list(Consultation.objects.filter(status=ConsultationStatus.PUBLISHED).order_by("-closes_on", "-id"))


def published_consultation_get(*, pk: int) -> Consultation:
    """A consultation whose responses are published; 404 otherwise."""
    from django.http import Http404

    try:
        return Consultation.objects.get(pk=pk, status=ConsultationStatus.PUBLISHED)
    except Consultation.DoesNotExist as error:
        raise Http404 from error


def published_responses(*, consultation: Consultation) -> list[ConsultationResponse]:
    """The collective responses counted in a published consultation's
    figures, by group: only what the public page shows is loaded (the
    group, the text and the two numbers; never who sent it)."""
    return list(
        ConsultationResponse.objects.filter(consultation=consultation)
        .filter(figures.SHOW["responded"])
        .select_related("group")
        .only("group__name", "response_text", "organisations_count", "individuals_count", "consultation_id")
        .order_by("group__name", "id")
    )


def group_responses(*, group) -> list[ConsultationResponse]:
    """A group's history of responses, newest consultation first (drafts of
    consultations not yet opened never have a response)."""
    return list(
        ConsultationResponse.objects.filter(group=group)
        .select_related("consultation")
        .order_by("-consultation__opens_on", "-consultation_id")
    )


def output_evidence(*, group_ids, output_code: str, starts_on: dt.date, ends_on: dt.date) -> dict[int, list]:
    """Counted responses that evidence an SLA output, per group: the
    responses sent (and accepted) to consultations of the kind that serves
    ``output_code`` closing in the period. The read monitoring's return
    lines use to show a group's response (monitoring sits above this app).
    """
    kinds = [kind for kind, code in OUTPUT_FOR_KIND.items() if code == output_code]
    found = defaultdict(list)
    if not kinds:
        return found
    rows = (
        ConsultationResponse.objects.filter(
            group_id__in=list(group_ids),
            consultation__kind__in=kinds,
            consultation__closes_on__gte=starts_on,
            consultation__closes_on__lte=ends_on,
        )
        .filter(figures.SHOW["responded"] | figures.SHOW["not_responding"])
        .select_related("consultation")
        .order_by("consultation__closes_on", "id")
    )
    for response in rows:
        found[response.group_id].append(response)
    return found


def evidence_records(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[tuple[int, str], list]:
    """(group id, SLA output code) -> the records that evidence the output in
    the period, oldest first: the group's responses sent to a consultation
    of the output's kind (``OUTPUT_FOR_KIND``; counted or "not responding"),
    its engagements with programmes serving the output, its two-way
    mechanisms, the CDRP meetings where its seat was filled and its
    Policing Pledge reports at public meetings. The one read monitoring's
    return lines use (monitoring sits above this app). Five queries
    whatever the number of records.
    """
    from cpeg.consultations import cdrp, pledge, programmes
    from cpeg.consultations.choices import TWO_WAY_OUTPUT
    from cpeg.consultations.models import ProgrammeEngagement, TwoWayMechanism

    group_ids = list(group_ids)
    found: dict[tuple[int, str], list] = defaultdict(list)
    responses = (
        ConsultationResponse.objects.filter(
            group_id__in=group_ids,
            consultation__kind__in=list(OUTPUT_FOR_KIND),
            submitted_at__date__gte=starts_on,
            submitted_at__date__lte=ends_on,
        )
        .filter(figures.SHOW["responded"] | figures.SHOW["not_responding"])
        .select_related("consultation")
        .order_by("submitted_at", "id")
    )
    for response in responses:
        found[response.group_id, OUTPUT_FOR_KIND[response.consultation.kind]].append(response)
    engagements = (
        ProgrammeEngagement.objects.filter(group_id__in=group_ids, engaged_on__gte=starts_on, engaged_on__lte=ends_on)
        .exclude(programme__output_code="")
        .select_related("programme", "level", "activity")
        .order_by("engaged_on", "id")
    )
    for engagement in engagements:
        found[engagement.group_id, engagement.programme.output_code].append(engagement)
    for mechanism in (
        TwoWayMechanism.objects.filter(group_id__in=group_ids, held_on__gte=starts_on, held_on__lte=ends_on)
        .select_related("activity")
        .order_by("held_on", "id")
    ):
        found[mechanism.group_id, TWO_WAY_OUTPUT].append(mechanism)
    for group_id, meetings in cdrp.cdrp_evidence(group_ids=group_ids, starts_on=starts_on, ends_on=ends_on).items():
        found[group_id, TWO_WAY_OUTPUT].extend(meetings)
    for group_id, reports in pledge.pledge_evidence(group_ids=group_ids, starts_on=starts_on, ends_on=ends_on).items():
        found[group_id, programmes.PLEDGE_OUTPUT].extend(reports)
    return dict(found)
