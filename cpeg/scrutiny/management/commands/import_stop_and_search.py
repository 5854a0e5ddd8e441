"""Import police.uk stop and search files (safe to rerun: a month is replaced).

    python manage.py import_stop_and_search FILE [FILE ...] [--force metropolitan] [--month 2018-10]
    python manage.py import_stop_and_search --fetch --force metropolitan --month 2018-10

Each file is a police.uk monthly CSV (``2018-10-metropolitan-stop-and-search.csv``:
the month and force are read from the name) or a ``stops-force`` API answer
saved as JSON (give --force and --month). Where a network exists, ``--fetch``
asks the police.uk API for the force's month (``police_api``) and imports
the answer; without a network it says so and saves nothing.
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpeg.scrutiny.choices import Force, ImportStatus
from cpeg.scrutiny.importer import month_and_force_from_name
from cpeg.scrutiny.police_api import FetchError, fetch_stops_force, stops_force_url
from cpeg.scrutiny.services import StopSearchFile, stop_search_import_file, stop_search_import_files


class Command(BaseCommand):
    help = "Import police.uk stop and search files; each month replaces that month's earlier import."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")
        parser.add_argument("--force", choices=Force.values)
        parser.add_argument("--month", help="YYYY-MM, when the file name does not say (required with --fetch).")
        parser.add_argument(
            "--fetch", action="store_true", help="Fetch the force's month from the police.uk API instead of a file."
        )

    def handle(self, *args, files, force=None, month=None, fetch=False, **options):
        if month:
            try:
                dt.date.fromisoformat(f"{month}-01")
            except ValueError:
                raise CommandError(f"--month {month!r}: give a month as YYYY-MM, e.g. 2018-10.") from None
        if fetch:
            if files:
                raise CommandError("Give either files or --fetch, not both.")
            if not force or not month:
                raise CommandError("--fetch needs --force and --month (e.g. --force metropolitan --month 2018-10).")
            self._fetch(force, dt.date.fromisoformat(f"{month}-01"))
            return
        if not files:
            raise CommandError("Give one or more police.uk files, or --fetch with --force and --month.")
        named = []  # every file's force and month, before any is imported
        for path in map(Path, files):
            from_name = month_and_force_from_name(path.name)
            file_month = dt.date.fromisoformat(f"{month}-01") if month else (from_name[0] if from_name else None)
            file_force = force or (from_name[1] if from_name else None)
            if file_month is None or file_force is None:
                raise CommandError(f"{path.name}: give --force and --month (the file name does not say).")
            named.append((path, file_force, file_month))
        # Each file is read while the one before is stored
        # (``stop_search_import_files``); a file's bytes are read when reached.
        to_import = (StopSearchFile(of, on, path.name, path.read_bytes()) for path, of, on in named)
        failed = 0
        try:
            for record in stop_search_import_files(to_import):
                failed += not self._report(record.file_name, record)
        except ValidationError as error:  # a file named for another force or month
            raise CommandError("; ".join(error.messages)) from None
        if failed:
            raise CommandError(f"{failed} file{'s' if failed != 1 else ''} not imported; nothing saved for them.")

    def _report(self, name: str, record, item: str = "row") -> bool:
        """Say how the import went (each error at its ``item``: a file's row,
        an API answer's record); whether it was done."""
        if record.status == ImportStatus.DONE:
            self.stdout.write(
                f"{name}: {record.rows_total} searches imported for {record}: {record.in_borough} in a "
                f"borough, {record.outside_boroughs} outside every borough, {record.no_location} with no location"
            )
            return True
        self.stdout.write(f"{name}: not imported.")
        for error in record.errors:
            where = f"{item} {error['row']}: " if error["row"] else ""
            self.stdout.write(f"  {where}{error['message']}")
        return False

    def _fetch(self, force: str, month: dt.date) -> None:
        self.stdout.write(f"Fetching {stops_force_url(force, month)} …")
        try:
            data = fetch_stops_force(force, month)
        except FetchError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        name = f"stops-force-{force}-{month:%Y-%m}.json"
        record = stop_search_import_file(force=force, month=month, file_name=name, data=data)
        if not self._report(name, record, item="record"):
            raise CommandError("The fetched month was not imported; nothing saved.")
