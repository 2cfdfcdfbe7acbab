"""What tickets are classified by: categories, configuration items, the priority matrix."""

from django.db import models

from servicedesk.accounts.models import SupportGroup
from servicedesk.tickets.choices import CIKind, Impact, Kind, Priority


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
