"""manage.py find_duplicate_residents: list possible duplicates among existing records."""

from django.core.management.base import BaseCommand

from enquiries import residents


class Command(BaseCommand):
    help = "Record possible matches (same email, same phone, similar name at the same postcode)."

    def handle(self, *args, **options):
        made = residents.scan_for_duplicates()
        self.stdout.write(f"{made} new possible duplicates listed for staff.")
