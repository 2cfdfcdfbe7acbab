"""The states of a chat conversation and who wrote a message."""

from django.db import models


class Step(models.TextChoices):
    """Where a conversation stands: what the bot asked last and waits an answer to.

    The flow: describe -> (articles offered) articles -> affected -> since -> people -> urgency
    -> screenshot -> confirm -> raised. "That helped" at ``articles`` ends in ``helped``.
    ``comment`` waits for the text of a comment the user asked to add. ``raised`` and
    ``helped`` are ends: the conversation takes no more messages (a new one starts).
    """

    DESCRIBE = "describe", "Waiting for the problem"
    ARTICLES = "articles", "Articles offered"
    AFFECTED = "affected", "Asking what is affected"
    SINCE = "since", "Asking since when"
    PEOPLE = "people", "Asking how many people"
    URGENCY = "urgency", "Asking how urgent"
    SCREENSHOT = "screenshot", "Asking for a screenshot"
    CONFIRM = "confirm", "Confirming the ticket"
    COMMENT = "comment", "Waiting for a comment's text"
    RAISED = "raised", "Ticket raised"
    HELPED = "helped", "An article helped"


ENDED = frozenset({Step.RAISED, Step.HELPED})


class Author(models.TextChoices):
    USER = "user", "User"
    BOT = "bot", "Bot"


class Source(models.TextChoices):
    """The surface a conversation was started from."""

    PORTAL = "portal", "Portal"
    API = "api", "API"
