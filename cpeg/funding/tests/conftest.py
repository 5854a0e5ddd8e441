import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory, ManagerFactory, OfficerFactory
from cpeg.funding.tests.factories import CriterionFactory, FundingRoundFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def officer(db):
    return OfficerFactory()


@pytest.fixture
def second_officer(db):
    return OfficerFactory()


@pytest.fixture
def camden(db):
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def hackney(db):
    return EngagementGroupFactory(borough=borough("hackney"))


@pytest.fixture
def camden_admin(camden):
    return GroupAdminFactory(group=camden)


@pytest.fixture
def hackney_admin(hackney):
    return GroupAdminFactory(group=hackney)


@pytest.fixture
def open_round(db):
    funding_round = FundingRoundFactory()
    CriterionFactory(funding_round=funding_round, title="Delivery last year", weight=30, position=1)
    CriterionFactory(funding_round=funding_round, title="Work programme", weight=10, position=2)
    return funding_round
