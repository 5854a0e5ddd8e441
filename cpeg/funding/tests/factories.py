import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import ApplicationStatus, BudgetCategory, PaymentStatus, RoundStatus
from cpeg.funding.models import (
    Assessment,
    AssessmentCriterion,
    Award,
    BudgetLine,
    CriterionScore,
    FundingApplication,
    FundingRound,
    LocalConsultation,
    Payment,
)
from cpeg.groups.choices import PartnerRole
from cpeg.groups.tests.factories import EngagementGroupFactory


def _today():
    return timezone.localdate()


class FundingRoundFactory(factory.django.DjangoModelFactory):
    """An open round for next financial year, applications open now."""

    class Meta:
        model = FundingRound

    # Wrapped so a long test session never reaches a year the URLs refuse
    # (after 2099); a test makes only a few rounds, so they never collide.
    financial_year = factory.Sequence(lambda n: FinancialYear.current().start_year + 1 + n % 50)
    title = factory.LazyAttribute(lambda r: f"CPEG funding {FinancialYear(r.financial_year).label}")
    pot_amount = Decimal("1600000.00")
    cap_amount = Decimal("50000.00")
    floor_amount = Decimal("20000.00")
    opens_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    assessment_ends_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=60))
    decisions_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=90))
    status = RoundStatus.OPEN

    class Params:
        decided = factory.Trait(status=RoundStatus.DECIDED, decided_at=factory.LazyFunction(timezone.now))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCriterion

    funding_round = factory.SubFactory(FundingRoundFactory)
    title = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 10
    position = factory.Sequence(lambda n: n)


class FundingApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingApplication
        skip_postgeneration_save = True

    funding_round = factory.SubFactory(FundingRoundFactory)
    group = factory.SubFactory(EngagementGroupFactory)
    status = ApplicationStatus.DRAFT
    work_programme_summary = "Four public meetings, four newsletters and an annual report."
    priorities = "Youth engagement and stop and search monitoring."

    class Params:
        submitted = factory.Trait(status=ApplicationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def consultations(self, create, extracted, **kwargs):
        if not create:
            return
        for role in PartnerRole.values:
            LocalConsultation.objects.create(
                application=self, partner_role=role, was_consulted=True, consulted_on=_today() - dt.timedelta(days=5)
            )


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(FundingApplicationFactory)
    category = BudgetCategory.VENUE
    description = factory.Sequence(lambda n: f"Budget line {n}")
    amount = Decimal("1000.00")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    application = factory.SubFactory(FundingApplicationFactory, status=ApplicationStatus.ASSESSED)
    assessor = factory.SubFactory("cpeg.accounts.tests.factories.OfficerFactory")
    assessed_at = factory.LazyFunction(timezone.now)
    comments = "Delivered every SLA output last year."
    recommended_amount = Decimal("30000.00")

    @factory.post_generation
    def scores(self, create, extracted, **kwargs):
        if not create:
            return
        for criterion, score in (extracted or {}).items():
            CriterionScore.objects.create(assessment=self, criterion=criterion, score=score)


class AwardFactory(factory.django.DjangoModelFactory):
    """An award in a decided round, with its application marked decided."""

    class Meta:
        model = Award

    funding_round = factory.SubFactory(FundingRoundFactory, decided=True)
    group = factory.SubFactory(EngagementGroupFactory)
    recipient_name = factory.LazyAttribute(lambda a: a.group.name)
    application = factory.LazyAttribute(
        lambda a: FundingApplicationFactory(
            funding_round=a.funding_round, group=a.group, status=ApplicationStatus.DECIDED, award_amount=a.amount
        )
    )
    amount = Decimal("40000.00")
    awarded_on = factory.LazyFunction(_today)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    award = factory.SubFactory(AwardFactory)
    instalment = factory.Sequence(lambda n: n + 1)
    due_on = factory.LazyFunction(_today)
    amount = Decimal("10000.00")
    status = PaymentStatus.SCHEDULED


def decided_round(financial_year: int = 2024, **fields) -> FundingRound:
    """A decided round for ``financial_year`` (default 2024/25, every quarter
    ended), its timetable run in the January before the year began."""
    opens_on = dt.date(financial_year, 1, 1)
    return FundingRoundFactory(
        decided=True,
        financial_year=financial_year,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=1),
        assessment_ends_on=opens_on + dt.timedelta(days=2),
        decisions_on=opens_on + dt.timedelta(days=3),
        **fields,
    )


def past_award(group, amount: str = "40000.00", **fields) -> Award:
    """The group's award in a new decided round for 2024/25."""
    return AwardFactory(group=group, amount=Decimal(amount), funding_round=decided_round(), **fields)
