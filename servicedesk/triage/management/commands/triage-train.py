"""``servicedesk triage-train``: train a model version on the ticket history now, and say how it did.

servicedesk triage-train [--json]
"""

import json

from django.core.management.base import BaseCommand

from servicedesk.triage.learning import model_version_train
from servicedesk.triage.models import ModelVersion, Trigger


class Command(BaseCommand):
    help = (
        "Train the triage model on the desk's ticket history (as the nightly job does), store "
        "the version with its cross-validated figures and activate it when it learnt enough. "
        "Prints one line per field, or one JSON object with --json."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )

    def handle(self, *args, as_json: bool = False, **options):
        version = model_version_train(trigger=Trigger.ON_DEMAND)
        summary = version_summary(version)
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        state = "active" if version.is_active else f"not activated: {version.inactive_reason}"
        self.stdout.write(
            f"model version {version.pk}: {version.training_size} tickets in "
            f"{version.seconds:.1f} s; {state}"
        )
        for field in summary["fields"]:
            if field["trained"]:
                self.stdout.write(
                    f"  {field['field']}: {field['size']} tickets, {len(field['classes'])} "
                    f"values, accuracy {field['accuracy']:.3f}, threshold {field['threshold']:.3f}"
                    f" applies to {field['coverage']:.1%} at precision {field['precision']:.3f}"
                )
            else:
                self.stdout.write(f"  {field['field']}: {field['note']}")


def version_summary(version: ModelVersion) -> dict:
    return {
        "version": version.pk,
        "trained_at": version.trained_at.isoformat(),
        "training_size": version.training_size,
        "seconds": version.seconds,
        "active": version.is_active,
        "inactive_reason": version.inactive_reason,
        "fields": [
            {
                "field": f.field,
                "trained": f.trained,
                "note": f.note,
                "size": f.size,
                "classes": f.classes,
                "accuracy": f.accuracy,
                "macro_f1": f.macro_f1,
                "threshold": f.threshold,
                "coverage": f.coverage,
                "precision": f.precision,
            }  # fmt: skip
            for f in version.fields.order_by("field")
        ],
    }
