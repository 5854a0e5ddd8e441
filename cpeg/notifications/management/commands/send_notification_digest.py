from django.core.management.base import BaseCommand

from cpeg.notifications.services import digest_send


class Command(BaseCommand):
    help = (
        "Email each person who chose a daily digest one email listing what is waiting for them "
        "(run once a day; a second run the same day sends nothing more)."
    )

    def handle(self, *args, **options):
        sent = digest_send()
        self.stdout.write(f"{sent} digest email{'s' if sent != 1 else ''} sent.")
