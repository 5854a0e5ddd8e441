"""The allocation rule, in one place: what a round may award, the what-if
rules that suggest awards, the allocation page's figures, and saving and
deciding the awards.

The rule: no award above the round's cap; no funded award below its floor
(0 means not funded); the awards together no more than the pot. A round is
decided once every bid is moderated and has an award (0 if not funded);
each award above 0 then gets four quarterly instalments.

The what-if rules (pure arithmetic, nothing saved) take the
recommendations (key -> Decimal pounds) and return the amounts they would
award, always within the cap and the pot. They work in whole pence, so
nothing is lost to rounding and no float is ever involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import BID_STATUSES, ApplicationStatus, RoundStatus, WhatIfRule
from cpeg.funding.models import (
    AssessmentCriterion,
    Award,
    CriterionScore,
    FundingApplication,
    FundingRound,
    Payment,
)
from cpeg.funding.money import ZERO, format_money, share, share_in_proportion, to_pence, to_pounds
from cpeg.funding.selectors.rounds import with_totals
from cpeg.funding.workflow import APPLICATION_WORKFLOW, ROUND_WORKFLOW, decide_too_early_reason, ensure_round_open
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup

DEFAULT_INSTALMENTS = 4


# --- What-if rules: pure arithmetic ----------------------------------------


def _share_out(weights: dict, total: int, limits: dict) -> dict:
    """Split ``total`` pence in proportion to ``weights``, each key at most
    ``limits[key]``; what a full key cannot take goes round again. Once
    every share is under a penny, single pence go to the largest
    remainders. Returns key -> pence added."""
    added = {k: 0 for k in weights}
    remaining = total
    while remaining > 0:
        open_keys = [k for k in weights if weights[k] > 0 and added[k] < limits[k]]
        if not open_keys:
            break
        weight_sum = sum(weights[k] for k in open_keys)
        given, remainders = 0, {}
        for k in open_keys:
            whole, remainders[k] = divmod(remaining * weights[k], weight_sum)
            take = min(whole, limits[k] - added[k])
            added[k] += take
            given += take
        if given == 0:
            for k in sorted(open_keys, key=lambda k: (-remainders[k], str(k))):
                if remaining == 0:
                    break
                added[k] += 1
                remaining -= 1
            continue
        remaining -= given
    return added


def scale_to_pot(recommendations: Mapping, *, pot, cap) -> dict:
    """Cap each recommendation, then scale all down pro rata if the total is
    above the pot. Never scales up: an under-spent pot is left as it is."""
    cap_p, pot_p = to_pence(cap), to_pence(pot)
    capped = {k: max(0, min(to_pence(v), cap_p)) for k, v in recommendations.items()}
    total = sum(capped.values())
    if total <= pot_p or total == 0:
        return {k: to_pounds(v) for k, v in capped.items()}
    # Scaling down, a share's extra penny never takes it above its capped
    # recommendation.
    return {k: to_pounds(v) for k, v in share_in_proportion(capped, pot_p).items()}


def cap_and_redistribute(recommendations: Mapping, *, pot, cap, requests: Mapping | None = None) -> dict:
    """Cap each recommendation; share what the cap frees among the others in
    proportion to their recommendations, none beyond the cap or what it asked
    for (``requests``); then scale to the pot if still above it."""
    cap_p = to_pence(cap)
    recs = {k: max(0, to_pence(v)) for k, v in recommendations.items()}
    capped = {k: min(v, cap_p) for k, v in recs.items()}
    freed = sum(recs.values()) - sum(capped.values())
    limits = {}
    for k, v in capped.items():
        ceiling = cap_p
        if requests is not None and k in requests:
            ceiling = min(ceiling, max(0, to_pence(requests[k])))
        limits[k] = max(0, ceiling - v)
    weights = {k: (v if limits[k] > 0 else 0) for k, v in capped.items()}
    added = _share_out(weights, freed, limits) if freed else {k: 0 for k in capped}
    result = {k: to_pounds(capped[k] + added[k]) for k in capped}
    return scale_to_pot(result, pot=pot, cap=cap)


def round_to_unit(amounts: Mapping, *, unit, pot, cap) -> dict:
    """Round each amount to the nearest ``unit`` (e.g. £100), halves up,
    then take units back from those rounded up most until the cap and pot
    hold. Amounts are first brought within the cap and the pot."""
    unit_p = to_pence(unit)
    if unit_p <= 0:
        raise ValueError("The rounding unit must be more than 0")
    cap_p, pot_p = to_pence(cap), to_pence(pot)
    base = {k: to_pence(v) for k, v in scale_to_pot(amounts, pot=pot, cap=cap).items()}
    rounded = {}
    for k, v in base.items():
        down = v // unit_p * unit_p
        up = down + unit_p if v % unit_p else down
        rounded[k] = up if (v - down) * 2 >= unit_p else down
        if rounded[k] > cap_p:
            rounded[k] = down
    by_gain = sorted(rounded, key=lambda k: (-(rounded[k] - base[k]), str(k)))
    for k in by_gain:
        if sum(rounded.values()) <= pot_p:
            break
        if rounded[k] > base[k]:
            rounded[k] -= unit_p
    # Still over (the pot itself is not a whole number of units): floor
    # the largest amounts a unit at a time.
    while sum(rounded.values()) > pot_p:
        k = max(rounded, key=lambda k: (rounded[k], str(k)))
        if rounded[k] == 0:
            break
        rounded[k] = max(0, rounded[k] - unit_p)
    return {k: to_pounds(v) for k, v in rounded.items()}


def _run_rule(rule: str, recommendations: Mapping, *, pot, cap, requests: Mapping | None) -> dict:
    if rule == WhatIfRule.PRO_RATA:
        return scale_to_pot(recommendations, pot=pot, cap=cap)
    if rule == WhatIfRule.CAP_REDISTRIBUTE:
        return cap_and_redistribute(recommendations, pot=pot, cap=cap, requests=requests)
    raise ValueError(f"Unknown what-if rule {rule!r}")


def apply_floor(rule: str, recommendations: Mapping, *, pot, cap, floor, requests: Mapping | None = None) -> dict:
    """Run ``rule`` so that no bid that asked for at least the floor is
    awarded more than 0 but less than the floor.

    Such awards are raised to the floor and the rule is run again on the
    other bids with what is left of the pot, until none falls below it. If
    the floors alone would not fit in the pot, the bid with the smallest
    recommendation among those raised (ties by key) is left unfunded (0)
    and the others are worked out again, until they fit. A bid
    that asked for less than the floor is never raised: its amount stays
    as the rule gives it, and the allocation page shows it as below the
    floor.
    """
    floor_p, pot_p = to_pence(floor), to_pence(pot)
    asked = {
        k: to_pence(requests[k]) if requests is not None and k in requests else to_pence(v)
        for k, v in recommendations.items()
    }
    raised: set = set()
    unfunded: set = set()
    while True:
        left = pot_p - floor_p * len(raised)
        if left < 0:
            # Leave out the smallest, then start again: those still in
            # may now fit without being raised.
            unfunded.add(min(raised, key=lambda k: (to_pence(recommendations[k]), str(k))))
            raised = set()
            continue
        others = {k: v for k, v in recommendations.items() if k not in raised and k not in unfunded}
        amounts = _run_rule(rule, others, pot=to_pounds(left), cap=cap, requests=requests)
        below = {k for k, v in amounts.items() if 0 < to_pence(v) < floor_p and asked[k] >= floor_p}
        if not below:
            break
        raised |= below
    amounts.update({k: to_pounds(floor_p) for k in raised})
    amounts.update({k: to_pounds(0) for k in unfunded})
    return {k: amounts[k] for k in recommendations}


def apply_rule(
    recommendations: Mapping, *, rule: str, pot, cap, unit=None, requests: Mapping | None = None, floor=None
) -> dict:
    """Run one what-if rule (``WhatIfRule``), keeping to the round's floor
    if it has one (``apply_floor``), then, if ``unit`` is given, round."""
    if floor:
        amounts = apply_floor(rule, recommendations, pot=pot, cap=cap, floor=floor, requests=requests)
    else:
        amounts = _run_rule(rule, recommendations, pot=pot, cap=cap, requests=requests)
    if unit:
        amounts = round_to_unit(amounts, unit=unit, pot=pot, cap=cap)
    return amounts


# --- The rule and the allocation page -----------------------------------------


def check_awards(funding_round: FundingRound, awards: dict) -> dict[str, str]:
    """Errors in a set of awards ({application id: Decimal or None}): any
    above the cap or below the floor, and a total above the pot."""
    errors = {}
    total = ZERO
    for pk, amount in awards.items():
        if amount is None:
            continue
        if amount < 0:
            errors[f"award_{pk}"] = "The award must be 0 or more"
            continue
        if amount > funding_round.cap_amount:
            errors[f"award_{pk}"] = (
                f"The award of {format_money(amount)} is more than the cap of {format_money(funding_round.cap_amount)}"
            )
        elif funding_round.floor_amount and 0 < amount < funding_round.floor_amount:
            errors[f"award_{pk}"] = (
                f"The award of {format_money(amount)} is less than the floor of "
                f"{format_money(funding_round.floor_amount)}; award at least the floor, or 0"
            )
        total += amount
    pot = _pot_error(funding_round, total)
    if pot:
        errors["__all__"] = pot
    return errors


def _pot_error(funding_round: FundingRound, total: Decimal) -> str | None:
    if total > funding_round.pot_amount:
        return (
            f"The awards total {format_money(total)}, {format_money(total - funding_round.pot_amount)} more than "
            f"the pot of {format_money(funding_round.pot_amount)}"
        )
    return None


@dataclass
class AllocationRow:
    application: FundingApplication
    requested: Decimal
    recommended: Decimal | None
    award: Decimal | None
    weighted_score: Decimal | None
    what_if: Decimal | None = None


@dataclass
class AllocationPage:
    """The allocation's figures over every bid, and the rows of one page of
    bids (``bids_page``; every bid when no page was asked for)."""

    funding_round: FundingRound
    rows: list[AllocationRow]
    total_requested: Decimal
    total_recommended: Decimal
    total_awarded: Decimal
    remaining: Decimal
    errors: dict
    drafts: int
    bid_count: int = 0
    ready_to_decide: bool = False
    no_bid: list = field(default_factory=list)  # names of groups with no submitted bid
    bids_page: Page | None = None

    @property
    def not_assessed(self) -> list:
        """Submitted bids nobody has assessed yet (among the rows shown)."""
        return [r for r in self.rows if r.application.status == ApplicationStatus.SUBMITTED]


# The columns the allocation page shows: it lists every bid in the round
# (2,000 in the benchmark), so it reads no long texts and no timestamps.
ALLOCATION_COLUMNS = (
    "pk",
    "status",
    "award_amount",
    "group__name",
    "group__borough__name",
    "assessment__recommended_amount",
    "assessment__moderated_amount",
)
# Bids a page on the allocation page (2,000 award boxes were a 2.2 MB page
# taking 3.5 s); the figures above the table still cover every bid.
ALLOCATION_PAGE_SIZE = 50
# The bid statuses a round may be decided from (the workflow's rule).
DECIDABLE_STATUSES = frozenset(
    status
    for status in ApplicationStatus
    if ApplicationStatus.DECIDED in APPLICATION_WORKFLOW.transitions.get(status, ())
)


def _bids(funding_round: FundingRound):
    return FundingApplication.objects.filter(funding_round=funding_round, status__in=BID_STATUSES)


def _final_recommendation():
    # Assessment.final_recommendation, in SQL: the moderator's amount if set.
    return Coalesce("assessment__moderated_amount", "assessment__recommended_amount")


def _saved_award_errors(funding_round: FundingRound, total_awarded: Decimal, breaches: int) -> dict:
    """``check_awards`` over every saved award, reading only the awards that
    break the cap or floor (usually none) and the total from SQL."""
    errors = {}
    if breaches:
        breaking = _bids(funding_round).filter(_breach_filter(funding_round))
        errors = check_awards(funding_round, dict(breaking.values_list("pk", "award_amount")))
        errors.pop("__all__", None)
    pot = _pot_error(funding_round, total_awarded)
    if pot:
        errors["__all__"] = pot
    return errors


def _breach_filter(funding_round: FundingRound) -> Q:
    breaking = Q(award_amount__lt=0) | Q(award_amount__gt=funding_round.cap_amount)
    if funding_round.floor_amount:
        breaking |= Q(award_amount__gt=0, award_amount__lt=funding_round.floor_amount)
    return breaking


def allocation_page(*, funding_round: FundingRound, page_number=None) -> AllocationPage:
    """Every bid's request, recommendation and award added up in SQL, with
    the running total against the pot and any breach of cap, floor or pot;
    the rows of page ``page_number`` (50 bids), or of every bid if None.
    A fixed number of queries whatever the number of bids."""
    bids = _bids(funding_round)
    totals = (
        with_totals(bids)
        .annotate(recommendation=_final_recommendation())
        .aggregate(
            count=Count("pk"),
            requested=Sum("requested_total"),
            recommended=Sum("recommendation"),
            awarded=Sum("award_amount"),
            undecidable=Count("pk", filter=~Q(status__in=DECIDABLE_STATUSES) | Q(award_amount__isnull=True)),
            breaches=Count("pk", filter=_breach_filter(funding_round)),
        )
    )
    listing = (
        with_totals(bids)
        .select_related("group__borough", "assessment")
        .only(*ALLOCATION_COLUMNS)
        .order_by("group__borough__name", "pk")
    )
    bids_page = None
    if page_number is not None:
        bids_page = Paginator(_Counted(listing, totals["count"]), ALLOCATION_PAGE_SIZE).get_page(page_number)
        applications = list(bids_page.object_list)
    else:
        applications = list(listing)
    # Weighted scores added up in the database: score x weight, and the
    # most the same criteria could give (5 x weight), per assessment.
    scores = {
        application_id: share(got, best)
        for application_id, got, best in CriterionScore.objects.filter(
            assessment__application__in=[a.pk for a in applications]
        )
        .values_list("assessment__application_id")
        .annotate(
            got=Sum(F("score") * F("criterion__weight")),
            best=Sum(Value(AssessmentCriterion.MAX_SCORE) * F("criterion__weight")),
        )
    }
    rows = []
    for application in applications:
        assessment = getattr(application, "assessment", None)
        rows.append(
            AllocationRow(
                application=application,
                requested=application.requested_total or ZERO,
                recommended=assessment.final_recommendation if assessment else None,
                award=application.award_amount,
                weighted_score=scores.get(application.pk) if assessment else None,
            )
        )
    awarded = totals["awarded"] or ZERO
    errors = _saved_award_errors(funding_round, awarded, totals["breaches"])
    drafts = FundingApplication.objects.filter(funding_round=funding_round, status=ApplicationStatus.DRAFT).count()
    no_bid = list(
        EngagementGroup.objects.filter(status=GroupStatus.ACTIVE)
        .exclude(pk__in=bids.values("group_id"))
        .order_by("borough__name")
        .values_list("name", flat=True)
    )
    return AllocationPage(
        funding_round=funding_round,
        rows=rows,
        total_requested=totals["requested"] or ZERO,
        total_recommended=totals["recommended"] or ZERO,
        total_awarded=awarded,
        remaining=funding_round.pot_amount - awarded,
        errors=errors,
        drafts=drafts,
        bid_count=totals["count"],
        ready_to_decide=bool(totals["count"]) and not errors and not totals["undecidable"],
        no_bid=no_bid,
        bids_page=bids_page,
    )


class _Counted:
    """A queryset whose length is already known, so the paginator does not
    count it again."""

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def what_if(page: AllocationPage, *, rule: str, unit: str = "") -> dict:
    """Run a what-if rule over every bid's recommendation, keeping to the
    round's cap, floor and pot (and rounding to ``unit`` pounds if given):
    the shown rows' ``what_if`` is set, and the scenario's total and amounts
    (every bid's) returned. Nothing is saved. One query."""
    funding_round = page.funding_round
    recommendations, requests = {}, {}
    for pk, requested, recommended in (
        with_totals(_bids(funding_round))
        .annotate(recommendation=_final_recommendation())
        .values_list("pk", "requested_total", "recommendation")
    ):
        requests[pk] = requested or ZERO
        if recommended is not None:
            recommendations[pk] = recommended
    amounts = apply_rule(
        recommendations,
        rule=rule,
        pot=funding_round.pot_amount,
        cap=funding_round.cap_amount,
        unit=Decimal(unit) if unit else None,
        requests=requests,
        floor=funding_round.floor_amount,
    )
    for row in page.rows:
        row.what_if = amounts.get(row.application.pk)
    return {"total": sum(amounts.values(), ZERO), "rule": WhatIfRule(rule).label, "amounts": amounts}


# --- Saving and deciding the awards -------------------------------------------


@transaction.atomic
def allocation_save(*, funding_round: FundingRound, actor, awards: dict, loaded_version=None) -> FundingRound:
    """Save the manager's awards for a round (not yet decided); all or nothing.

    ``awards`` may hold some bids only (one page of the allocation): the
    others keep their saved award, and the pot is checked against the
    total of both.
    """
    require_perm(actor, "funding.decide_allocation")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    ensure_round_open(current)
    applications = {
        a.pk: a
        for a in FundingApplication.objects.select_for_update()
        .filter(funding_round=current, status__in=BID_STATUSES)
        .select_related("group")
    }
    unknown = set(awards) - set(applications)
    if unknown:
        raise ValidationError("An award was given for an application that is not in this round")
    errors = check_awards(current, awards)
    errors.pop("__all__", None)
    everyone = {pk: application.award_amount for pk, application in applications.items()} | awards
    pot = _pot_error(current, sum((a for a in everyone.values() if a is not None and a > 0), ZERO))
    if pot:
        errors["__all__"] = pot
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, amount in awards.items():
        application = applications[pk]
        if application.award_amount != amount:
            application.award_amount = amount
            save_new_version(application, actor=actor)
            changed.append(application)
    save_new_version(current, actor=actor)
    if changed:
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_ALLOCATION_SAVED,
            target=current,
            summary=f"Set awards for {len(changed)} group{'s' if len(changed) != 1 else ''}",
            payload={str(a.group_id): str(a.award_amount) for a in changed},
        )
    return current


def default_instalments(amount: Decimal, year: FinancialYear, count: int = DEFAULT_INSTALMENTS):
    """Four (or ``count``) instalments due at the start of each quarter; the
    pence that do not divide go in the first."""
    pence = int(amount * 100)
    each, spare = divmod(pence, count)
    quarters = year.quarters
    return [
        (quarters[i % 4].starts_on, (Decimal(each + (spare if i == 0 else 0)) / 100).quantize(Decimal("0.01")))
        for i in range(count)
    ]


def _decidable_bids(funding_round: FundingRound) -> list[FundingApplication]:
    """The round's bids, locked; ValidationError unless every one is
    moderated and has an award within the rule."""
    bids = list(
        FundingApplication.objects.select_for_update()
        .filter(funding_round=funding_round, status__in=BID_STATUSES)
        .select_related("group")
        .order_by("group__borough__name")
    )
    if not bids:
        raise ValidationError("There are no submitted applications to decide")
    errors = {}
    for bid in bids:
        if not APPLICATION_WORKFLOW.allows(bid, to=ApplicationStatus.DECIDED):
            errors[f"award_{bid.pk}"] = f"{bid.group} has not been moderated yet"
        elif bid.award_amount is None:
            errors[f"award_{bid.pk}"] = f"Enter an award for {bid.group} (0 if not funded)"
    errors.update(check_awards(funding_round, {b.pk: b.award_amount for b in bids}))
    if errors:
        raise ValidationError(errors)
    return bids


def _award_bid(bid: FundingApplication, *, funding_round: FundingRound, actor, today: dt.date) -> Award | None:
    """Mark a bid decided; above £0 it becomes an Award with its instalments.

    The award keeps the group's name as it is today (``recipient_name``):
    the award letter and open data name the recipient as it was awarded.
    """
    bid.status = ApplicationStatus.DECIDED
    save_new_version(bid, actor=actor)
    if bid.award_amount <= 0:
        audit_record(
            actor=actor,
            event_type=AuditEventType.FUNDING_APPLICATION_DECLINED,
            target=bid,
            group=bid.group,
            summary=f"Not funded in {funding_round}",
        )
        return None
    award = Award.objects.create(
        application=bid,
        funding_round=funding_round,
        group=bid.group,
        recipient_name=bid.group.name,
        amount=bid.award_amount,
        awarded_on=today,
        created_by=actor,
        updated_by=actor,
    )
    for number, (due_on, amount) in enumerate(default_instalments(award.amount, funding_round.year), start=1):
        Payment.objects.create(
            award=award, instalment=number, due_on=due_on, amount=amount, created_by=actor, updated_by=actor
        )
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_AWARD_DECIDED,
        target=award,
        group=bid.group,
        summary=f"Awarded {format_money(award.amount)} for {funding_round}",
    )
    return award


@transaction.atomic
def allocation_decide(*, funding_round: FundingRound, actor, loaded_version=None, today=None) -> list[Award]:
    """Decide the round: every bid moderated and awarded within cap and pot.

    Creates an Award (with four quarterly instalments) for every award
    above £0, marks every bid decided and records who decided and when.
    """
    require_perm(actor, "funding.decide_allocation")
    current = lock_and_check_version(FundingRound, funding_round.pk, loaded_version)
    ROUND_WORKFLOW.ensure(
        current, to=RoundStatus.DECIDED, message=f"{current} has been decided; it can no longer change"
    )
    today = today or timezone.localdate()
    too_early = decide_too_early_reason(current, today=today)
    if too_early:
        raise InvalidTransition(too_early)
    bids = _decidable_bids(current)
    awards = [_award_bid(bid, funding_round=current, actor=actor, today=today) for bid in bids]
    awards = [award for award in awards if award is not None]
    current.status = RoundStatus.DECIDED
    current.decided_at, current.decided_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    total = sum((a.amount for a in awards), ZERO)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_ROUND_DECIDED,
        target=current,
        summary=f"Decided {current}: {len(awards)} awards totalling {format_money(total)} "
        f"of a pot of {format_money(current.pot_amount)}",
    )
    return awards
