from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enquiries.api.partners import issue_token, rotate_token
from enquiries.models import PartnerOrganisation


class Command(BaseCommand):
    help = "Issue (or with --rotate, replace) a partner organisation's API token. Shown once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner organisation's name")
        parser.add_argument("--email", default="", help="A contact address at the partner")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token")
        parser.add_argument(
            "--overlap-days",
            type=int,
            default=7,
            help="With --rotate: days the old token keeps working (0 stops it now)",
        )
        parser.add_argument(
            "--expires-days", type=int, default=None, help="The new token expires after this"
        )

    def handle(self, *args, name: str, email: str, rotate: bool, **options):
        days = options.get("expires_days")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        partner = PartnerOrganisation.objects.filter(name=name).first()
        try:
            if rotate and partner is not None:
                overlap = timedelta(days=options.get("overlap_days") or 0)
                token = rotate_token(partner=partner, overlap=overlap, expires_at=expires_at)
            else:
                partner, token = issue_token(
                    name=name, contact_email=email, rotate=rotate, expires_at=expires_at
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Partner: {partner.name}\nToken (shown once, store it safely): {token}")
