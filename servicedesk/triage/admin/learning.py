"""Trained model versions: their figures, why one is not active, activate and train now."""

from django.contrib import admin, messages

from servicedesk.triage.learning import ActivationError, model_version_activate
from servicedesk.triage.models import FieldModel, ModelVersion, TriageField
from servicedesk.triage.tasks import triage_train_task


class FieldModelInline(admin.TabularInline):
    model = FieldModel
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "field", "trained", "size", "accuracy", "macro_f1", "threshold", "coverage", "precision",
        "note", "classes",
    )  # fmt: skip
    verbose_name = "field (cross-validated on the training tickets)"
    verbose_name_plural = "fields (cross-validated on the training tickets)"

    def has_add_permission(self, request, obj=None):
        return False


def _field_column(field: str):
    def column(version: ModelVersion) -> str:
        part = next((f for f in version.fields.all() if f.field == field), None)
        if part is None or not part.trained:
            return "not trained"
        return f"{part.accuracy:.1%} · {part.coverage:.0%} at {part.precision:.0%} precision"

    column.short_description = f"{TriageField(field).label} (accuracy · applied)"
    return column


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Versions with their figures: what each learnt, how well, and why one is not active."""

    list_display = (
        "__str__", "is_active", "training_size", "trigger", "seconds",
        _field_column(TriageField.CATEGORY), _field_column(TriageField.KIND),
        _field_column(TriageField.ASSIGNMENT_GROUP), "inactive_reason",
    )  # fmt: skip
    list_filter = ("is_active", "trigger")
    readonly_fields = (
        "trained_at", "trigger", "training_size", "min_per_class", "seconds", "is_active",
        "activated_at", "inactive_reason",
    )  # fmt: skip
    inlines = [FieldModelInline]
    actions = ["activate", "train_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fields")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Activate the selected version")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one version to activate.", messages.ERROR)
            return
        try:
            version = model_version_activate(version=queryset.get())
        except ActivationError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"{version} is now active.", messages.SUCCESS)

    @admin.action(description="Train a new version now (in the background)")
    def train_now(self, request, queryset):
        triage_train_task(trigger="on_demand")
        self.message_user(
            request, "Training queued: the new version appears here when it is done.",
            messages.SUCCESS,
        )  # fmt: skip
