"""``manage.py create_api_token USER``: issue a new API token and print it once.

Only a hash of the key is stored, so the key cannot be shown again: each run
replaces the user's token (``--rotate`` is accepted for old scripts; it is what
every run does).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.services.accounts import api_token_issue


class Command(BaseCommand):
    help = (
        "Issue a new API token for USER (replacing the old one) and print its key "
        "once; it expires after API_TOKEN_TTL_DAYS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Accepted for old scripts: every run replaces the token.",
        )

    def handle(self, *args, username: str, rotate: bool, **options) -> None:
        try:
            issued = api_token_issue(username=username)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(issued.key)
