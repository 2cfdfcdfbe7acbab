"""``servicedesk triage-eval``: train the classifier as the desk would on one file, score another.

servicedesk triage-eval --train CSV --test CSV --text-col COL --label-col COL [--no-baseline]
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.commands import one_line_usage_errors
from servicedesk.triage.classifier import TrainingError
from servicedesk.triage.classifier.evaluation import evaluate, read_labelled_csv


class Command(BaseCommand):
    help = (
        "Train the triage classifier on --train, predict --test and print one JSON line: "
        "accuracy, macro_f1, coverage_at_95 (share of test rows whose confidence clears the "
        "threshold chosen by cross-validation on --train for 95%% precision), "
        "precision_at_threshold, train_seconds, predict_ms_p50, and the plain TF-IDF + "
        "LinearSVC baseline's baseline_accuracy and baseline_coverage_at_95 on the same split. "
        "CSV files may be gzipped. Bad input: one line on stderr and exit status 2."
    )
    # No database: the project's checks (and their look-ups) have nothing to say here.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, type=Path, metavar="CSV")
        parser.add_argument("--test", required=True, type=Path, metavar="CSV")
        parser.add_argument("--text-col", required=True, metavar="COL")
        parser.add_argument("--label-col", required=True, metavar="COL")
        parser.add_argument(
            "--no-baseline", action="store_true", help="skip the baseline (half the time)"
        )

    def handle(self, *args, train, test, text_col, label_col, no_baseline, **options):
        try:
            training = read_labelled_csv(train, text_col=text_col, label_col=label_col)
            testing = read_labelled_csv(test, text_col=text_col, label_col=label_col)
            figures = evaluate(training, testing, baseline=not no_baseline)
        except TrainingError as error:
            raise CommandError(f"{train}: {error}", returncode=2) from None
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(json.dumps(figures))
