"""Enumerations of triage: what a rule condition reads, how it compares, how a group assigns."""

from django.db import models


class ConditionField(models.TextChoices):
    TITLE = "title", "Title"
    DESCRIPTION = "description", "Description"
    TEXT = "text", "Title or description"
    CHANNEL = "channel", "Channel"
    KIND = "kind", "Kind"
    REQUESTER = "requester", "Requester (user name or email)"
    ORGANISATION = "organisation", "Requester's organisation"
    SENDER = "sender", "Sender address or domain"
    LOCATION = "location", "Requester's location"
    VIP = "vip", "Requester is a VIP"
    AFFECTED_SERVICE = "affected_service", "Affected service"
    CATEGORY = "category", "Category"
    GROUP = "group", "Assignment group"


# Fields whose condition is yes or no: they take "is set" (yes) or "is empty" (no) only.
FLAG_FIELDS = frozenset({ConditionField.VIP})


class Operator(models.TextChoices):
    CONTAINS = "contains", "contains any of (words or phrases, comma-separated)"
    NOT_CONTAINS = "not_contains", "contains none of"
    IS = "is", "is one of (comma-separated)"
    IS_NOT = "is_not", "is none of"
    MATCHES = "matches", "matches the regular expression"
    IS_EMPTY = "is_empty", "is empty (or: is not a VIP)"
    IS_SET = "is_set", "is set (or: is a VIP)"


VALUELESS_OPERATORS = frozenset({Operator.IS_EMPTY, Operator.IS_SET})


class Strategy(models.TextChoices):
    NONE = "none", "None: the ticket waits in the group's queue"
    ROUND_ROBIN = "round_robin", "Round robin"
    LEAST_OPEN = "least_open", "Least open tickets"
    SKILLS = "skills", "Skills match, then least open tickets"


class Source(models.TextChoices):
    """Where a field's value came from."""

    PERSON = "person", "Given at creation"
    RULE = "rule", "Rule"
    MODEL = "model", "Model"
    CATEGORY = "category", "Category's default group"
    FALLBACK = "fallback", "Service desk (no rule matched)"
    STRATEGY = "strategy", "Group's assignment strategy"
    NO_AGENT = "no_agent", "No eligible agent"


class SuggestionState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


# The ticket fields a rule or the model can decide, as Ticket names them.
DECIDED_FIELDS = (
    "category", "subcategory", "kind", "impact", "urgency", "assignment_group", "assignee", "tags",
)  # fmt: skip
FIELD_LABELS = {
    "category": "category", "subcategory": "subcategory", "kind": "kind", "impact": "impact",
    "urgency": "urgency", "assignment_group": "group", "assignee": "agent", "tags": "tags",
    "priority": "priority",
}  # fmt: skip
