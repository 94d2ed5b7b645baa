"""manage.py apply_retention [--dry-run]: the retention schedule, now."""

from django.core.management.base import BaseCommand

from enquiries import retention


class Command(BaseCommand):
    help = "Remove the personal data of cases past their service's retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; change nothing."
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=0.0,
            help="Seconds to wait between cases, to spread a large first run.",
        )

    def handle(self, *args, dry_run: bool = False, pause: float = 0.0, **options):
        report = retention.apply_retention(dry_run=dry_run, pause=pause)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} personal data from {report.cases} cases ({report.contacts} contacts, "
            f"{report.files} files, {report.residents} resident records); "
            f"{report.held} cases on legal hold skipped."
        )
        if dry_run:
            for reference in report.references:
                self.stdout.write(f"  would go: {reference}")
            for reference in report.held_references:
                self.stdout.write(f"  held: {reference}")
