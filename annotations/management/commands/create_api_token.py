"""``manage.py create_api_token USER [--rotate]``: print a user's API token."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.services.accounts import api_token_issue


class Command(BaseCommand):
    help = (
        "Print the API token of USER, creating it if needed (--rotate for a new one)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the existing token."
        )

    def handle(self, *args, username: str, rotate: bool, **options) -> None:
        try:
            token = api_token_issue(username=username, rotate=rotate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(token.key)
