import datetime as dt
from decimal import Decimal

from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.tests import factories
from cpeg.funding.tests.factories import (
    AssessmentFactory,
    AwardFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingApplicationFactory,
    FundingRoundFactory,
    PaymentFactory,
)
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase

MANAGER = frozenset({"manager"})
ANALYSTS = AUTHORITY | {"link_member"}


def open_round(w):
    return w.make("round", lambda w: FundingRoundFactory())


def draft(w):
    return w.make("draft", lambda w: FundingApplicationFactory(funding_round=open_round(w), group=w.camden))


def submitted(w):
    return w.make(
        "submitted",
        lambda w: FundingApplicationFactory(group=w.camden, status=ApplicationStatus.SUBMITTED),
    )


def assessed(w):
    return w.make("assessed", lambda w: AssessmentFactory(application__group=w.camden).application)


def award(w):
    def build(w):
        year = FinancialYear.current()
        a = AwardFactory(
            group=w.camden,
            funding_round=FundingRoundFactory(
                decided=True,
                financial_year=year.start_year,
                opens_on=year.starts_on - dt.timedelta(days=90),
                closes_on=year.starts_on - dt.timedelta(days=60),
                assessment_ends_on=year.starts_on - dt.timedelta(days=30),
                decisions_on=year.starts_on - dt.timedelta(days=10),
            ),
        )
        BudgetLineFactory(application=a.application, amount=Decimal("40000.00"))
        PaymentFactory(award=a)
        return a

    return w.make("award", build)


def ended_award(w):
    """Camden's award for 2024/25, a year that has ended: it may be reconciled."""
    return w.make("ended_award", lambda w: AwardFactory(group=w.camden, funding_round=factories.decided_round(2024)))


def round_kwargs(w):
    return {"pk": open_round(w).pk}


def decided_round(w):
    return {"pk": award(w).funding_round_id}


def criterion(w):
    c = w.make("criterion", lambda w: CriterionFactory(funding_round=open_round(w)))
    return {"pk": c.funding_round_id, "criterion_pk": c.pk}


def camden(w):
    return {"pk": w.camden.pk}


def line(w):
    b = w.make("line", lambda w: BudgetLineFactory(application=draft(w)))
    return {"pk": b.application_id, "line_pk": b.pk}


def support(w):
    from cpeg.funding.models import OtherSupport

    s = w.make(
        "support",
        lambda w: OtherSupport.objects.create(
            application=draft(w), kind="in_kind", provider="Council", description="Subsidised rent"
        ),
    )
    return {"pk": s.application_id, "support_pk": s.pk}


def spend(w):
    a = award(w)
    return {"pk": w.camden.pk, "year": a.funding_round.financial_year, "quarter": 1}


def payment(w):
    return {"pk": award(w).payments.first().pk}


CASES = [
    AccessCase("funding:round-list", AUTHORITY),
    AccessCase("funding:round-create", MANAGER, post=True),
    AccessCase("funding:round-detail", AUTHORITY, round_kwargs),
    AccessCase("funding:round-edit", MANAGER, round_kwargs, post=True),
    AccessCase("funding:criterion-add", MANAGER, round_kwargs, post=True),
    AccessCase("funding:criterion-edit", MANAGER, criterion, post=True),
    AccessCase("funding:allocation", MANAGER, round_kwargs, post=True),
    # A decided round's allocation: every officer reads it (issue 9.12).
    AccessCase("funding:allocation", AUTHORITY, decided_round),
    AccessCase("funding:allocation-decide", MANAGER, round_kwargs, post=True),
    AccessCase("funding:round-payments", AUTHORITY, decided_round),
    # 202 until the task worker has built the file.
    AccessCase("funding:export-360giving-json", AUTHORITY, decided_round, allowed_status=(200, 202)),
    AccessCase("funding:export-360giving-xlsx", AUTHORITY, decided_round, allowed_status=(200, 202)),
    AccessCase("funding:group-applications", CAMDEN_READERS, camden),
    AccessCase(
        "funding:application-start",
        CAMDEN_GROUP,
        lambda w: {"pk": w.camden.pk, "round_pk": FundingRoundFactory().pk},
        post_only=True,
        allowed_status=(302,),
    ),
    AccessCase("funding:spend-report", CAMDEN_READERS, spend),
    # The group only; with no saved draft it redirects to the spend form.
    AccessCase("funding:spend-report-check", CAMDEN_GROUP, spend, post=True, allowed_status=(200, 302)),
    # Officers only; a quarter that is not frozen redirects back with a message.
    AccessCase("funding:spend-report-reopen", AUTHORITY, spend, post=True, allowed_status=(200, 302)),
    AccessCase("funding:application-detail", CAMDEN_READERS, lambda w: {"pk": draft(w).pk}),
    AccessCase("funding:application-edit", CAMDEN_GROUP, lambda w: {"pk": draft(w).pk}, post=True),
    AccessCase("funding:budget-line-add", CAMDEN_GROUP, lambda w: {"pk": draft(w).pk}, post=True),
    AccessCase("funding:budget-line-edit", CAMDEN_GROUP, line, post=True),
    AccessCase("funding:budget-line-delete", CAMDEN_GROUP, line, post_only=True, allowed_status=(302,)),
    AccessCase("funding:other-support-add", CAMDEN_GROUP, lambda w: {"pk": draft(w).pk}, post=True),
    AccessCase("funding:other-support-delete", CAMDEN_GROUP, support, post_only=True, allowed_status=(302,)),
    AccessCase("funding:application-submit", CAMDEN_GROUP, lambda w: {"pk": draft(w).pk}, post=True),
    AccessCase(
        "funding:application-reopen", MANAGER, lambda w: {"pk": draft(w).pk}, post_only=True, allowed_status=(302,)
    ),
    AccessCase("funding:application-assess", AUTHORITY, lambda w: {"pk": submitted(w).pk}, post=True),
    AccessCase("funding:application-moderate", AUTHORITY, lambda w: {"pk": assessed(w).pk}, post=True),
    AccessCase("funding:award-detail", CAMDEN_READERS, lambda w: {"pk": award(w).pk}),
    AccessCase("funding:award-letter", CAMDEN_READERS, lambda w: {"pk": award(w).pk}),
    AccessCase("funding:payment-schedule", AUTHORITY, lambda w: {"pk": award(w).pk}, post=True),
    AccessCase("funding:award-reconcile", AUTHORITY, lambda w: {"pk": ended_award(w).pk}, post=True),
    # An award not yet reconciled redirects back with a message.
    AccessCase(
        "funding:award-reconciliation-reopen",
        AUTHORITY,
        lambda w: {"pk": award(w).pk},
        post=True,
        allowed_status=(200, 302),
    ),
    AccessCase("funding:payment-paid", AUTHORITY, payment, post=True),
    AccessCase("reporting:cost-analysis", ANALYSTS),
    AccessCase(
        "reporting:cost-lines",
        ANALYSTS,
        lambda w: {"year": award(w).funding_round.financial_year, "pk": w.camden.pk},
    ),
    AccessCase("reporting:cost-lines-all", ANALYSTS, lambda w: {"year": award(w).funding_round.financial_year}),
    AccessCase("funding:history-import", MANAGER, post=True),
    AccessCase("funding:import-template", MANAGER),
]
