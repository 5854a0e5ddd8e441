"""Schemathesis calls every API operation with data generated from the
OpenAPI description and checks each answer against it: no server error, the
documented status codes and response shapes, for anyone and for a partner."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """Calls go straight to the WSGI application, whose request signals
    close the database connection (on PostgreSQL, the one holding the test's
    transaction); Django's own test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_description_says(case):
    case.call_and_validate()


@pytest.fixture
def officers_token(db):
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.activities.tests.factories import ActivityFactory
    from cpeg.api import services
    from cpeg.groups.tests.factories import EngagementGroupFactory, borough

    ActivityFactory(group=EngagementGroupFactory(borough=borough("camden")))
    return services.token_create(actor=OfficerFactory(), name="Fuzzing")[1]


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/boroughs/").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_partner_operations_answer_a_signed_in_tool_as_described(case, officers_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {officers_token}"})
