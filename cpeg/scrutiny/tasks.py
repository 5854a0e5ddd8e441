"""Background work for scrutiny, run by the task worker (``db_worker``)."""

from django.tasks import task

from cpeg.scrutiny import services
from cpeg.scrutiny.models import StopSearchImport


@task
def stop_search_import_task(*, import_id: int) -> str:
    """Run an uploaded stop and search import (its page shows the progress)."""
    record = StopSearchImport.objects.filter(pk=import_id).first()
    if record is None:
        return "missing"
    return services.stop_search_import_run(source_import=record, actor=record.created_by).status
