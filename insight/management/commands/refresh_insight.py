"""Bring the insight rollups up to date now (beat does it every INSIGHT_REFRESH_SECONDS)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insight import rollups


class Command(BaseCommand):
    help = "Recompute the insight rollups for the weeks whose cases changed (--full: all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild every week.")

    def handle(self, *args: Any, full: bool, **options: Any) -> None:
        weeks = rollups.refresh(full=full)
        self.stdout.write(self.style.SUCCESS(f"Insight rollups: {weeks} week(s) recomputed."))
