"""Trained versions of the triage classifier: what each was trained on, how it did, which is used."""

from django.db import models


class TriageField(models.TextChoices):
    """The ticket fields the model predicts (the names ``predictions.Prediction.field`` uses)."""

    CATEGORY = "category", "Category"
    KIND = "kind", "Kind"
    ASSIGNMENT_GROUP = "assignment_group", "Assignment group"


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "Scheduled"
    ON_DEMAND = "on_demand", "On demand"


class ModelVersion(models.Model):
    """One training of the classifier on the desk's ticket history; at most one is active.

    A version that was not activated keeps the reason (too little history, nothing to learn):
    admins see it beside the figures.
    """

    trained_at = models.DateTimeField()
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    training_size = models.PositiveIntegerField(help_text="Tickets with text read for training.")
    min_per_class = models.PositiveIntegerField(
        help_text="Tickets a value needed to be learnt (SERVICEDESK_TRIAGE_MIN_PER_CLASS)."
    )
    seconds = models.FloatField(help_text="Time the training took.")
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    inactive_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model"
            ),
        ]

    def __str__(self) -> str:
        return f"model version {self.pk} ({self.trained_at:%Y-%m-%d %H:%M})"


class FieldModel(models.Model):
    """One field's part of a version: its cross-validated figures, threshold and the model.

    ``threshold`` is the confidence that gave the target precision in cross-validation; a
    prediction at or above it is applied, below it shown as a suggestion. A field without
    enough history has no model and says why in ``note``.
    """

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(max_length=32, choices=TriageField.choices)
    trained = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    size = models.PositiveIntegerField(default=0, help_text="Tickets this field was trained on.")
    classes = models.JSONField(default=dict, help_text="Tickets per value learnt.")
    accuracy = models.FloatField(null=True, blank=True)
    macro_f1 = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    coverage = models.FloatField(
        null=True, blank=True, help_text="Share of tickets above the threshold (cross-validated)."
    )
    precision = models.FloatField(
        null=True, blank=True, help_text="Precision above the threshold (cross-validated)."
    )
    model = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["version", "field"]
        constraints = [
            models.UniqueConstraint(fields=["version", "field"], name="one_model_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} of {self.version}"
