"""Figures that only change on a write, kept between requests.

Every write through a service records a core ``AuditEvent`` (the house
rule), so the latest event's id moves with every change to any record: a
key that holds it is never stale, and an old key is simply never asked for
again (the entry expires). The cache is ``settings.CACHES["shared"]``: one
for every app server (a database table in production, none in tests).
Use it for a whole-table computation that many people read between writes
(the monitoring dashboard's index); never for anything a person's
permissions narrow unless the key says whose. Keep plain values in it
(numbers, ids, dicts): model instances take about 0.15 ms each to unpickle,
so 6,000 of them cost as much as the query they replace.
"""

from __future__ import annotations

from django.db.models import Max

from cpeg.core.models import AuditEvent

SHARED_CACHE = "shared"


def write_stamp() -> int | None:
    """The latest business event's id: it moves with every audited write. One query."""
    return AuditEvent.objects.aggregate(latest=Max("pk"))["latest"]
