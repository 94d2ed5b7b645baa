"""``manage.py routing_report [--days N]``: cases routed per rule and how many staff transferred."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from enquiries.routing_stats import misrouting_by_rule


class Command(BaseCommand):
    help = "Misrouting per routing rule: the share of each rule's cases that staff transferred."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Only cases routed recently.")

    def handle(self, *args, days=None, **options):
        since = timezone.now() - timedelta(days=days) if days else None
        self.stdout.write(
            f"{'Rule':<50} {'Routed':>7} {'Moved':>7} {'Misrouted':>9} {'Chasers':>7}"
        )
        for row in misrouting_by_rule(since=since, include_unmatched=True):
            self.stdout.write(
                f"{row.rule_name[:50]:<50} {row.routed:>7} {row.transferred:>7} {row.rate:>9.1%}"
                f" {row.chasers:>7}"
            )
