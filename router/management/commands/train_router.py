"""manage.py train_router: train, evaluate on the newest cases, activate only if no worse."""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from router import evaluation, training
from router.classifier import TextClassifier
from router.models import RouterModel


class Command(BaseCommand):
    help = (
        "Train a new router model on finished cases, imported history and the service catalogue; "
        "print its evaluation; activate it only if at least as good as the active one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Activate whatever the result.")
        parser.add_argument("--rollback", action="store_true", help="Go back one model.")
        parser.add_argument(
            "--evaluate",
            type=Path,
            help="Only evaluate the active model on a labelled CSV (columns text, service).",
        )
        parser.add_argument("--report", type=Path, help="Also write the report to this file.")

    def handle(self, *args, **options):
        for name in ("evaluate", "report"):  # call_command passes options untyped
            options[name] = Path(options[name]) if options[name] else None
        if options["rollback"]:
            try:
                model = training.rollback()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Router model v{model.version} is active again.")
            return
        if options["evaluate"]:
            self._evaluate(options["evaluate"], options["report"])
            return
        try:
            model = training.train_router(force=options["force"])
        except ValueError as exc:  # e.g. fewer than two active services
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Router model v{model.version}: {model.get_state_display()}. {model.decision}\n"
            f"Trained on {model.trained_on} examples in {model.seconds_to_train:.1f} s.\n\n"
            f"{model.report_text}"
        )
        if options["report"]:
            options["report"].write_text(model.report_text + "\n", encoding="utf-8")

    def _evaluate(self, path: Path, report_path: Path | None) -> None:
        active = RouterModel.objects.filter(state=RouterModel.State.ACTIVE).first()
        if active is None:
            raise CommandError("No router model is active: run train_router first.")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("text") and r.get("service")]
        if not rows:
            raise CommandError("The CSV needs columns text and service, with rows.")
        examples = [training.Example(r["text"], r["service"]) for r in rows]
        predictions = training.predict(TextClassifier.from_bytes(active.weights), examples)
        report = evaluation.evaluate(
            predictions, active.thresholds, default_threshold=settings.ROUTER_DEFAULT_THRESHOLD
        )
        text = evaluation.as_text(report, thresholds=active.thresholds)
        self.stdout.write(f"Router model v{active.version} on {path.name}:\n{text}")
        if report_path:
            report_path.write_text(text + "\n", encoding="utf-8")
