"""Import police.uk stop and search files (safe to rerun: a month is replaced).

    python manage.py import_stop_and_search FILE [FILE ...] [--force metropolitan] [--month 2018-10]

Each file is a police.uk monthly CSV (``2018-10-metropolitan-stop-and-search.csv``:
the month and force are read from the name) or a ``stops-force`` API answer
saved as JSON (give --force and --month). Where a network exists, fetch the
API answer first, e.g. ``curl 'https://data.police.uk/api/stops-force?force=metropolitan&date=2018-10'``.
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpeg.scrutiny.choices import Force, ImportStatus
from cpeg.scrutiny.importer import month_and_force_from_name
from cpeg.scrutiny.services import stop_search_import_file


class Command(BaseCommand):
    help = "Import police.uk stop and search files; each month replaces that month's earlier import."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--force", choices=Force.values)
        parser.add_argument("--month", help="YYYY-MM, when the file name does not say.")

    def handle(self, *args, files, force=None, month=None, **options):
        failed = 0
        for name in files:
            path = Path(name)
            named = month_and_force_from_name(path.name)
            file_month = dt.date.fromisoformat(f"{month}-01") if month else (named[0] if named else None)
            file_force = force or (named[1] if named else None)
            if file_month is None or file_force is None:
                raise CommandError(f"{path.name}: give --force and --month (the file name does not say).")
            try:
                record = stop_search_import_file(
                    force=file_force, month=file_month, file_name=path.name, data=path.read_bytes()
                )
            except ValidationError as error:
                raise CommandError(f"{path.name}: {'; '.join(error.messages)}") from None
            if record.status == ImportStatus.DONE:
                self.stdout.write(
                    f"{path.name}: {record.rows_total} searches imported for {record}: {record.in_borough} in a "
                    f"borough, {record.outside_boroughs} outside every borough, {record.no_location} with no location"
                )
            else:
                failed += 1
                self.stdout.write(f"{path.name}: not imported.")
                for error in record.errors:
                    where = f"row {error['row']}: " if error["row"] else ""
                    self.stdout.write(f"  {where}{error['message']}")
        if failed:
            raise CommandError(f"{failed} file{'s' if failed != 1 else ''} not imported; nothing saved for them.")
