"""Reset a person's two-factor sign-in after they lost their phone and codes.

    python manage.py two_factor_reset --username jsmith --by mmanager \
        --reason "Lost phone, identity checked by phone call"

Removes their authenticator app and recovery codes; at their next sign-in
they set up a new app (officers and managers must). Recorded in the audit
log with the manager who asked (``--by``) and the reason.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cpeg.accounts import services


class Command(BaseCommand):
    help = "Remove a person's authenticator app and recovery codes (audited)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--by", required=True, help="The username of the manager who asked for the reset")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, username, by, reason, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username}")
        actor = users.filter(username=by).first()
        if actor is None or not actor.has_perm("core.use_admin"):
            raise CommandError(f"{by} is not an authority manager")
        services.two_factor_reset(user=user, actor=actor, reason=reason)
        self.stdout.write(f"Two-factor sign-in reset for {username}. They set it up again at their next sign-in.")
