from django.core.management.base import BaseCommand, CommandError

from steward.core import tokens
from steward.core.models import User


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (replacing any earlier one)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        self.stdout.write(tokens.token_rotate(user=user))
