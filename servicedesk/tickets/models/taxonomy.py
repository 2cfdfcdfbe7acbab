"""What tickets are classified by: categories, configuration items, the priority matrix."""

from django.core.exceptions import ValidationError
from django.db import models

from servicedesk.accounts.models import SupportGroup
from servicedesk.tickets.choices import CIKind, CustomFieldType, Impact, Kind, Priority


class Category(models.Model):
    """A category (no parent) or a subcategory (with one). The tree is two levels deep."""

    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    default_group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="category_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id else self.name


class ConfigurationItem(models.Model):
    """A business service or a configuration item that tickets can name as affected."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=CIKind.choices, default=CIKind.CI)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriorityMatrixCell(models.Model):
    """One cell of the impact x urgency matrix that gives a ticket its priority."""

    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(choices=Impact.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="matrix_cell_unique")
        ]

    def __str__(self) -> str:
        return f"impact {self.impact} x urgency {self.urgency} -> {self.priority}"


class NumberSequence(models.Model):
    """The last number given to a ticket of one kind; bumped in the creating transaction."""

    kind = models.CharField(max_length=16, choices=Kind.choices, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.last}"


class CustomField(models.Model):
    """A field admins add to tickets; its values live in ``Ticket.custom_fields`` under ``key``.

    Values under a defined key are checked against its type; keys nobody defined (such as the
    facts an import carries over) are kept as plain values.
    """

    key = models.SlugField(max_length=64, unique=True, help_text="Name in the API and in exports.")
    label = models.CharField(max_length=100)
    type = models.CharField(
        max_length=16, choices=CustomFieldType.choices, default=CustomFieldType.TEXT
    )
    choices = models.JSONField(
        default=list, blank=True, help_text='For "choice": a list of values.'
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text="Ticket kinds it applies to; empty means every kind."
    )
    help_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        choices = self.choices
        valid_choices = isinstance(choices, list) and all(
            isinstance(c, str) and c.strip() for c in choices
        )
        if self.type == CustomFieldType.CHOICE and not (valid_choices and choices):
            raise ValidationError({"choices": 'A "choice" field needs a list of text values.'})
        kinds = self.kinds
        if not isinstance(kinds, list) or any(k not in Kind.values for k in kinds):
            raise ValidationError({"kinds": f"Use a list of: {', '.join(Kind.values)}."})
