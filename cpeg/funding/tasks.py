"""Background work for funding, run by the task worker (``db_worker``).

A decided round's 360Giving files take seconds to build at 2,000 groups,
so no request builds them: ``open_data_refresh_task`` does, after each
change that alters them (queued by ``funding.receivers``).
"""

from django.tasks import task

from cpeg.funding import services


@task
def open_data_refresh_task() -> list[int]:
    """Rebuild every decided round's 360Giving files that are out of date."""
    return [funding_round.pk for funding_round in services.open_data_refresh()]
