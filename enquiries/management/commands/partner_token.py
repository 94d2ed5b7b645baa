from django.core.management.base import BaseCommand, CommandError

from enquiries.api.partners import issue_token


class Command(BaseCommand):
    help = "Issue (or with --rotate, replace) a partner organisation's API token. Shown once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner organisation's name")
        parser.add_argument("--email", default="", help="A contact address at the partner")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token")

    def handle(self, *args, name: str, email: str, rotate: bool, **options):
        try:
            partner, token = issue_token(name=name, contact_email=email, rotate=rotate)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Partner: {partner.name}\nToken (shown once, store it safely): {token}")
