"""Writes for a decided round's 360Giving files: build them and store them.

The task worker runs ``open_data_refresh`` after every change to what the
files publish (``funding.receivers`` queues it once the change commits);
``manage.py build_open_data`` runs it by hand (after a deploy that changes
the builder or the settings the files name). It rebuilds only a file whose
stamp (``opendata.source_stamp``) no longer matches, so running it twice
does nothing the second time. Derived data: no permission (nobody asks for
it), no audit event.

Reads: ``funding.selectors.open_data_file``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cpeg.funding import opendata
from cpeg.funding.choices import DECIDED_ROUND_STATUSES, OpenDataFormat
from cpeg.funding.models import FundingRound, OpenDataFile


def open_data_refresh(*, funding_round_id: int | None = None) -> list[FundingRound]:
    """Build the files of every decided round (or one) whose files are stale."""
    rounds = FundingRound.objects.filter(status__in=DECIDED_ROUND_STATUSES).order_by("financial_year")
    if funding_round_id is not None:
        rounds = rounds.filter(pk=funding_round_id)
    built = []
    for pk in rounds.values_list("pk", flat=True):
        if _refresh_one(pk):
            built.append(pk)
    return list(FundingRound.objects.filter(pk__in=built).order_by("financial_year"))


@transaction.atomic
def _refresh_one(pk: int) -> bool:
    # Two workers never build the same round at once: the second waits
    # here, then finds the files current.
    funding_round = FundingRound.objects.select_for_update().filter(pk=pk).first()
    if funding_round is None or not funding_round.is_decided:
        return False
    stamp = opendata.source_stamp(funding_round)
    stored = set(
        OpenDataFile.objects.filter(funding_round=funding_round, source_stamp=stamp).values_list(
            "file_format", flat=True
        )
    )
    if stored == set(OpenDataFormat.values):
        return False
    # The stamp is read before the records: a change that commits while
    # this builds makes the stored stamp old, never the file newer than it.
    now = timezone.now()
    for file_format, content in opendata.build_files(funding_round).items():
        OpenDataFile.objects.update_or_create(
            funding_round=funding_round,
            file_format=file_format,
            defaults={"content": content, "source_stamp": stamp, "built_at": now},
        )
    return True
