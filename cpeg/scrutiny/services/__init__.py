"""Writes for scrutiny: importing police.uk stop and search months
(``imports``, storing their rows: ``storing``), the group's stop and search
monitoring meetings (``meetings``), and independent custody visiting
(``custody``).

Reads: ``scrutiny.selectors``. Who may do what: ``accounts.access``.
"""

from cpeg.scrutiny.services.custody import (
    VISIT_COUNTS,
    VISIT_FIELDS,
    VISIT_TEXTS,
    custody_issue_resolve,
    custody_visit_change,
    custody_visit_record,
    issue_resolution_errors,
    visit_rule_errors,
)
from cpeg.scrutiny.services.imports import (
    StopSearchFile,
    stop_search_import_file,
    stop_search_import_files,
    stop_search_import_queue,
    stop_search_import_run,
)
from cpeg.scrutiny.services.meetings import MEETING_FIELDS, meeting_record, meeting_update

__all__ = [
    "MEETING_FIELDS",
    "VISIT_COUNTS",
    "VISIT_FIELDS",
    "VISIT_TEXTS",
    "StopSearchFile",
    "custody_issue_resolve",
    "custody_visit_change",
    "custody_visit_record",
    "issue_resolution_errors",
    "meeting_record",
    "meeting_update",
    "stop_search_import_file",
    "stop_search_import_files",
    "stop_search_import_queue",
    "stop_search_import_run",
    "visit_rule_errors",
]
