"""Create an authority manager's account: the first one on a new install.

    python manage.py create_manager --username jsmith --email j.smith@authority.example \
        [--first-name Jo --last-name Smith]

Asks for the password twice; for automation, set it in the environment
variable CPEG_MANAGER_PASSWORD instead. Either way it must pass the password
validators in settings.

A manager is an ordinary account with the manager role and staff status
(for the back-office admin at /admin/), never a superuser: superusers are
refused by a database constraint, as every permission comes from role
assignments (``accounts.access``). ``createsuperuser`` therefore cannot be
used. Later accounts are made by a manager in the admin.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from cpeg.accounts.roles import Role
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType

PASSWORD_ENV = "CPEG_MANAGER_PASSWORD"
MANAGER_CREATED = AuditEventType.MANAGER_CREATED


class Command(BaseCommand):
    help = "Create an authority manager account (staff, with the manager role; never a superuser)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, email, first_name, last_name, **options):
        User = get_user_model()  # noqa: N806
        user = User(
            username=username.strip(),
            email=email.strip(),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_staff=True,
        )
        try:
            User._meta.get_field("username").clean(user.username, user)
            validate_email(user.email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        existing = User.objects.filter(username__iexact=user.username).first()
        if existing is not None:
            raise CommandError(
                f"There is already an account with the username '{existing.username}'. "
                "Choose another username, or give that account the manager role in the admin."
            )
        user.set_password(self._password(user))
        try:
            with transaction.atomic():
                user.save()
                user.role_assignments.create(role=Role.MANAGER)
                audit_record(
                    actor=None,
                    event_type=MANAGER_CREATED,
                    target=user,
                    summary=f"Created the manager account {user.username} (manage.py create_manager)",
                )
        except IntegrityError as error:  # made by someone else meanwhile
            raise CommandError(f"Could not create '{user.username}': {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the manager account '{user.username}'. "
                "Sign in at /accounts/sign-in/; the back-office admin is at /admin/."
            )
        )

    def _password(self, user) -> str:
        """The password from the environment, or asked for twice until it is valid."""
        password = os.environ.get(PASSWORD_ENV)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                problems = " ".join(error.messages)
                raise CommandError(f"{PASSWORD_ENV} is not an acceptable password: {problems}") from error
            return password
        while True:
            try:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            except (EOFError, KeyboardInterrupt) as error:
                raise CommandError(f"No password given (type it when asked, or set {PASSWORD_ENV}).") from error
            if not password:
                self.stderr.write("The password cannot be blank.")
                continue
            if password != again:
                self.stderr.write("The passwords did not match. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
