from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from steward.core import tokens
from steward.core.models import User


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (replacing any earlier one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        self.stdout.write(tokens.token_rotate(user=user))
