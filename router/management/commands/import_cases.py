"""manage.py import_cases FILE.csv --mapping MAP.csv [--text-column …]: legacy CRM history."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from router.importing import Columns, import_cases, read_mapping


class Command(BaseCommand):
    help = (
        "Import a legacy CRM export for training the router and the insight figures. "
        "Categories map to services by a mapping file (category,service_slug); rows whose "
        "category has no mapping are reported, never guessed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", type=Path, required=True)
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--category-column", default="category")
        parser.add_argument("--date-column", default="date")
        parser.add_argument("--channel-column", default="")
        parser.add_argument("--postcode-column", default="")
        parser.add_argument("--batch", default=None, help="Name of this import (default: file).")

    def handle(self, *args, **options):
        for name in ("file", "mapping"):
            options[name] = Path(options[name])  # call_command passes options untyped
            if not options[name].is_file():
                raise CommandError(f"No such file: {options[name]}")
        mapping = read_mapping(options["mapping"])
        if not mapping:
            raise CommandError("The mapping file has no category,service rows.")
        report = import_cases(
            options["file"],
            mapping,
            columns=Columns(
                text=options["text_column"],
                category=options["category_column"],
                date=options["date_column"],
                channel=options["channel_column"],
                postcode=options["postcode_column"],
            ),
            batch=options["batch"],
        )
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems and not report.imported and not report.unmapped:
            raise CommandError("Nothing imported.")
        self.stdout.write(
            f"Imported {report.imported} rows"
            + (f" ({report.already_imported} already imported)" if report.already_imported else "")
            + "."
        )
        if report.unmapped:
            self.stdout.write(
                f"{sum(report.unmapped.values())} rows not imported: their category has no "
                "mapping (add it to the mapping file and run again):"
            )
            for category, count in report.unmapped.most_common():
                self.stdout.write(f"  {category}: {count}")
