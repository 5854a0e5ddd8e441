"""The participation figures of a consultation, computed in one place.

For each consultation: the groups asked, how many responded (sent, on
behalf of member organisations and individuals), how many said they are
not responding, how many sent a response late that still waits for an
officer's acceptance, how many have sent nothing, and the member
organisations and individuals the responses represent. The response rate
is responded ÷ asked, kept exact (``Fraction``) and shown to one decimal
place. Each figure has a ``SHOW`` filter: the responses list with that
filter shows exactly the responses counted (``selectors.response_list``).

The annual review's sentence ("6 groups responded, representing 289
member organisations and 14 individuals") is ``Participation.sentence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum

from cpeg.consultations.choices import ResponseDecision, ResponseStatus

# Which responses each figure counts; the responses list filters by the
# same conditions, so a figure and its list always agree.
SHOW = {
    "asked": Q(),
    "responded": Q(status=ResponseStatus.SUBMITTED, decision=ResponseDecision.RESPONDING),
    "not_responding": Q(status=ResponseStatus.SUBMITTED, decision=ResponseDecision.NOT_RESPONDING),
    "late": Q(status=ResponseStatus.LATE),
    "not_sent": Q(status__in=[ResponseStatus.AWAITING, ResponseStatus.DRAFT]),
}
SHOW_LABELS = {
    "asked": "Groups asked",
    "responded": "Groups that responded",
    "not_responding": "Groups not responding",
    "late": "Sent late, waiting for acceptance",
    "not_sent": "Groups that have sent nothing yet",
}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def percent_text(rate: Fraction | None) -> str:
    """12.5% (one decimal place, halves rounded up); "–" with nobody asked."""
    if rate is None:
        return "–"
    value = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%" if value == value.to_integral() else f"{value}%"


@dataclass(frozen=True)
class Participation:
    consultation_id: int
    asked: int = 0
    responded: int = 0
    not_responding: int = 0
    late: int = 0
    not_sent: int = 0
    organisations: int = 0
    individuals: int = 0

    @property
    def response_rate(self) -> Fraction | None:
        return Fraction(self.responded, self.asked) if self.asked else None

    @property
    def rate_text(self) -> str:
        return percent_text(self.response_rate)

    @property
    def sentence(self) -> str:
        """ "6 groups responded, representing 289 member organisations and 14 individuals" """
        groups = _plural(self.responded, "group", "groups")
        organisations = _plural(self.organisations, "member organisation", "member organisations")
        individuals = _plural(self.individuals, "individual", "individuals")
        return f"{groups} responded, representing {organisations} and {individuals}"


def participation(responses: QuerySet, consultation_ids) -> dict[int, Participation]:
    """Participation per consultation, from ``responses`` (already narrowed
    to what the user may read). One query, whatever the number of groups."""
    ids = list(consultation_ids)
    rows = (
        responses.filter(consultation_id__in=ids)
        .order_by()
        .values("consultation_id")
        .annotate(
            asked=Count("id"),
            responded=Count("id", filter=SHOW["responded"]),
            not_responding=Count("id", filter=SHOW["not_responding"]),
            late=Count("id", filter=SHOW["late"]),
            not_sent=Count("id", filter=SHOW["not_sent"]),
            organisations=Sum("organisations_count", filter=SHOW["responded"], default=0),
            individuals=Sum("individuals_count", filter=SHOW["responded"], default=0),
        )
    )
    found = {row["consultation_id"]: Participation(**row) for row in rows}
    return {cid: found.get(cid, Participation(consultation_id=cid)) for cid in ids}


@dataclass(frozen=True)
class RateChange:
    """This consultation's response rate against the same kind's last year."""

    previous_title: str
    previous_year_label: str
    previous: Participation
    current: Participation

    @property
    def points(self) -> Fraction | None:
        """Percentage points (exact); None if either was asked of nobody."""
        if self.current.response_rate is None or self.previous.response_rate is None:
            return None
        return (self.current.response_rate - self.previous.response_rate) * 100

    @property
    def text(self) -> str:
        points = self.points
        base = f"{self.previous.rate_text} in {self.previous_year_label} ({self.previous_title})"
        if points is None:
            return f"Last year: {base}"
        if points == 0:
            return f"The same response rate as {base}"
        size = percent_text(abs(points) / 100).rstrip("%")
        return f"{'Up' if points > 0 else 'Down'} {size} percentage points from {base}"
