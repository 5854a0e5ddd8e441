"""Participation figures against hand computation."""

from fractions import Fraction

import pytest

from cpeg.consultations import figures
from cpeg.consultations.choices import ResponseDecision, ResponseStatus
from cpeg.consultations.models import ConsultationResponse
from cpeg.consultations.tests.factories import ConsultationFactory, ResponseFactory, SentResponseFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

SLUGS = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham", "croydon", "sutton"]


def test_the_sentence_and_rate_follow_the_counts():
    p = figures.Participation(consultation_id=1, asked=32, responded=6, organisations=289, individuals=14)
    assert p.sentence == "6 groups responded, representing 289 member organisations and 14 individuals"
    assert p.response_rate == Fraction(6, 32)
    assert p.rate_text == "18.8%"
    one = figures.Participation(consultation_id=1, asked=4, responded=1, organisations=1, individuals=1)
    assert one.sentence == "1 group responded, representing 1 member organisation and 1 individual"
    assert one.rate_text == "25%"
    assert figures.Participation(consultation_id=1).rate_text == "–"


def test_percent_text_rounds_halves_up_and_keeps_whole_numbers_plain():
    assert figures.percent_text(Fraction(1, 8)) == "12.5%"
    assert figures.percent_text(Fraction(1, 3)) == "33.3%"
    assert figures.percent_text(Fraction(2, 3)) == "66.7%"
    assert figures.percent_text(Fraction(1, 10)) == "10%"
    assert figures.percent_text(Fraction(1, 1)) == "100%"


def test_the_rate_change_is_exact_percentage_points():
    before = figures.Participation(consultation_id=1, asked=32, responded=4)
    now = figures.Participation(consultation_id=2, asked=32, responded=6)
    change = figures.RateChange("Plan 2024/25", "2024/25", before, now)
    assert change.points == Fraction(25, 4)  # 18.75 - 12.5
    assert change.text == "Up 6.3 percentage points from 12.5% in 2024/25 (Plan 2024/25)"
    down = figures.RateChange("Plan", "2024/25", now, before)
    assert down.text.startswith("Down 6.3 percentage points from 18.8%")
    same = figures.RateChange("Plan", "2024/25", now, now)
    assert same.text.startswith("The same response rate as 18.8%")


@pytest.mark.django_db
def test_participation_counts_only_sent_responses_against_hand_computation():
    consultation = ConsultationFactory()
    groups = [EngagementGroupFactory(borough=borough(slug)) for slug in SLUGS]
    spec = [
        # (status, decision, organisations, individuals)
        (ResponseStatus.SUBMITTED, ResponseDecision.RESPONDING, 40, 3),
        (ResponseStatus.SUBMITTED, ResponseDecision.RESPONDING, 25, 0),
        (ResponseStatus.SUBMITTED, ResponseDecision.RESPONDING, 7, 2),
        (ResponseStatus.SUBMITTED, ResponseDecision.NOT_RESPONDING, None, None),
        (ResponseStatus.LATE, ResponseDecision.RESPONDING, 100, 9),  # not accepted: not counted
        (ResponseStatus.DRAFT, ResponseDecision.RESPONDING, 50, 5),  # not sent: not counted
        (ResponseStatus.AWAITING, "", None, None),
        (ResponseStatus.AWAITING, "", None, None),
    ]
    for group, (status, decision, organisations, individuals) in zip(groups, spec, strict=True):
        ResponseFactory(
            consultation=consultation,
            group=group,
            status=status,
            decision=decision,
            organisations_count=organisations,
            individuals_count=individuals,
        )
    other = ConsultationFactory()
    SentResponseFactory(consultation=other, group=groups[0], organisations_count=999)

    result = figures.participation(ConsultationResponse.objects.all(), [consultation.pk, other.pk])[consultation.pk]

    assert (result.asked, result.responded, result.not_responding, result.late, result.not_sent) == (8, 3, 1, 1, 3)
    assert result.organisations == 40 + 25 + 7
    assert result.individuals == 3 + 0 + 2
    assert result.response_rate == Fraction(3, 8)
    assert result.rate_text == "37.5%"
    # Each figure's filter finds exactly the responses it counted.
    for key, expected in {"asked": 8, "responded": 3, "not_responding": 1, "late": 1, "not_sent": 3}.items():
        assert ConsultationResponse.objects.filter(consultation=consultation).filter(figures.SHOW[key]).count() == (
            expected
        )


@pytest.mark.django_db
def test_a_consultation_with_no_readable_responses_has_zero_figures():
    consultation = ConsultationFactory()
    result = figures.participation(ConsultationResponse.objects.none(), [consultation.pk])[consultation.pk]
    assert result.asked == 0
    assert result.response_rate is None
