from django.db import models


class Audience(models.TextChoices):
    PUBLIC = "public", "Public (end users and agents)"
    INTERNAL = "internal", "Internal (agents only)"


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


# Badge colours live beside the labels, not on the model.
STATE_BADGES = {
    ArticleState.DRAFT: "grey",
    ArticleState.REVIEW: "amber",
    ArticleState.PUBLISHED: "green",
    ArticleState.RETIRED: "red",
}


class Who(models.TextChoices):
    """Who may make a workflow transition (servicedesk.knowledge.workflow)."""

    AGENT = "agent", "Any agent"
    PUBLISHER = "publisher", "A knowledge publisher (the article's owner, a group lead, an admin)"
