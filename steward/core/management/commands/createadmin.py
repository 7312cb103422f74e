import getpass
import os
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from steward.core.models import User
from steward.core.permissions import Role


class Command(BaseCommand):
    help = "Create (or reset) an administrator. Password from STEWARD_ADMIN_PASSWORD or a prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, username: str, email: str, **options: Any) -> None:
        password = os.environ.get("STEWARD_ADMIN_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("Set STEWARD_ADMIN_PASSWORD or run in a terminal to be asked.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user.email = email or user.email
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
        self.stdout.write(f"Administrator {username} is ready.")
