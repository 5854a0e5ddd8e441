from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.tests.factories import QuarterlyReturnFactory, ReturnLineFactory
from tests.access import AUTHORITY, CAMDEN_GROUP, CAMDEN_READERS, AccessCase


def camden(w):
    return {"pk": w.camden.pk}


def _draft(w):
    qr = QuarterlyReturnFactory(group=w.camden, financial_year=2025, quarter=1, status=ReturnStatus.DRAFT)
    ReturnLineFactory(quarterly_return=qr, output_code="public-meetings")
    return qr


def _submitted(w):
    qr = QuarterlyReturnFactory(group=w.camden, financial_year=2025, quarter=2, status=ReturnStatus.SUBMITTED)
    ReturnLineFactory(quarterly_return=qr, output_code="public-meetings", progress="Done", support_requested="Help")
    return qr


def draft(w):
    return {"pk": w.make("draft_return", _draft).pk}


def draft_section(w):
    return {"pk": w.make("draft_return", _draft).pk, "number": 1}


def submitted(w):
    return {"pk": w.make("submitted_return", _submitted).pk}


def support_line(w):
    return {"pk": w.make("submitted_return", _submitted).lines.get().pk}


CASES = [
    # The dashboard and the scorecard are reporting's pages, built on monitoring.
    AccessCase("reporting:monitoring-dashboard", AUTHORITY | {"link_member"}),
    AccessCase("reporting:monitoring-scorecard", CAMDEN_READERS, camden),
    AccessCase("monitoring:settings", frozenset({"manager"}), post=True),
    AccessCase("monitoring:return-list", CAMDEN_READERS, camden),
    AccessCase("monitoring:returns-open", AUTHORITY, camden, post_only=True, allowed_status=(302,)),
    AccessCase("monitoring:return-detail", CAMDEN_READERS, draft),
    AccessCase("monitoring:return-refresh", CAMDEN_GROUP, draft, post_only=True, allowed_status=(302,)),
    # The task list (a GET only: each section is saved on its own page).
    AccessCase("monitoring:return-edit", CAMDEN_GROUP, draft),
    AccessCase("monitoring:return-section", CAMDEN_GROUP, draft_section, post=True),
    AccessCase("monitoring:return-check", CAMDEN_READERS, draft),
    # An empty draft cannot be submitted: allowed roles get the page back with the errors.
    AccessCase("monitoring:return-submit", CAMDEN_GROUP, draft, post_only=True, allowed_status=(302, 400)),
    AccessCase("monitoring:return-review", AUTHORITY, submitted, post=True),
    AccessCase("monitoring:support-provided", AUTHORITY, support_line, post=True),
    AccessCase("monitoring:return-counts", AUTHORITY, submitted, post_only=True, allowed_status=(302,)),
]
