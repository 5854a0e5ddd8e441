from django.core.management.base import BaseCommand

from cpeg.notifications.services import round_deadline_reminders_create


class Command(BaseCommand):
    help = (
        "Tell the people of each active group that has not applied to an open funding round that its "
        "deadline is coming up (run daily; each person is told once per round)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="How many days before the deadline to tell them.")

    def handle(self, *args, days, **options):
        made = round_deadline_reminders_create(days_before=days)
        self.stdout.write(f"{made} deadline reminder{'s' if made != 1 else ''} written.")
