"""Writes of triage: an agent accepts or dismisses what the model suggested."""

from django.db import transaction

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.core import clock
from servicedesk.core.errors import NotFound, PermissionDenied, TransitionNotAllowed
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category, Ticket
from servicedesk.tickets.services import ticket_update
from servicedesk.triage.choices import SuggestionState
from servicedesk.triage.models import Suggestion


def _pending(suggestion_id: int, ticket: Ticket, by: User) -> Suggestion:
    if not by.is_agent:
        raise PermissionDenied("Only agents act on triage suggestions.")
    found = (
        Suggestion.objects.select_for_update().filter(pk=suggestion_id, ticket_id=ticket.pk).first()
    )
    if found is None:
        raise NotFound(f"No suggestion {suggestion_id} on {ticket.number}.")
    if found.state != SuggestionState.PENDING:
        raise TransitionNotAllowed(
            f"The suggestion {found.label!r} was already {found.get_state_display().lower()}."
        )
    return found


def _changes(suggestion: Suggestion) -> dict:
    if suggestion.field == "kind":
        return {"kind": suggestion.value}
    if suggestion.field == "assignment_group":
        group = SupportGroup.objects.filter(pk=suggestion.value, is_active=True).first()
        if group is None:
            raise TransitionNotAllowed(f"The group {suggestion.label!r} is no longer active.")
        return {"assignment_group": group}
    category = Category.objects.select_related("parent").filter(pk=suggestion.value).first()
    if category is None or not category.is_active:
        raise TransitionNotAllowed(f"The category {suggestion.label!r} is no longer active.")
    if category.parent_id:
        return {"category": category.parent, "subcategory": category}
    return {"category": category}


@transaction.atomic
def suggestion_accept(
    *, ticket: Ticket, suggestion_id: int, by: User, channel: str = Channel.DESK
) -> Ticket:
    """Apply the model's suggestion to the ticket as the agent's change (one event that names
    the model version and confidence) and mark it accepted."""
    suggestion = _pending(suggestion_id, ticket, by)
    message = (
        f"Accepted the triage model's suggestion (v{suggestion.model_version}, confidence "
        f"{suggestion.confidence:.2f}): {suggestion.label}."
    )
    updated = ticket_update(
        ticket=ticket, by=by, changes=_changes(suggestion), channel=channel, message=message
    )
    suggestion.state = SuggestionState.ACCEPTED
    suggestion.decided_by, suggestion.decided_at = by, clock.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    return updated


@transaction.atomic
def suggestion_dismiss(*, ticket: Ticket, suggestion_id: int, by: User) -> Suggestion:
    """The agent says no: the suggestion leaves the Triage box; the ticket is unchanged."""
    suggestion = _pending(suggestion_id, ticket, by)
    suggestion.state = SuggestionState.DISMISSED
    suggestion.decided_by, suggestion.decided_at = by, clock.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    return suggestion
