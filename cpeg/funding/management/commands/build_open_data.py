"""Build every decided round's 360Giving files that are out of date.

The task worker does this after each change; run it by hand after a deploy
that changes the builder (``opendata.BUILDER_VERSION``) or the settings the
files name, or on a database loaded without the services (the scale data).
"""

from django.core.management.base import BaseCommand

from cpeg.funding import services


class Command(BaseCommand):
    help = "Build the 360Giving files of every decided round whose files are out of date."

    def handle(self, *args, **options):
        built = services.open_data_refresh()
        for funding_round in built:
            self.stdout.write(f"Built the 360Giving files of {funding_round}")
        if not built:
            self.stdout.write("Every decided round's 360Giving files are up to date")
