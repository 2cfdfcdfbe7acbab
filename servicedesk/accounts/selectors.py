"""Reads on accounts, and the one place that decides which tickets a user may see."""

from django.apps import apps
from django.db.models import Q, QuerySet

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import ApiToken, Membership, User
from servicedesk.core import clock


def ticket_visibility_q(user: User) -> Q | None:
    """The condition on tickets that ``user`` may see; ``None`` means every ticket.

    End users see what they raised or watch, and their organisation's tickets when allowed.
    Agents see their groups' tickets and what is assigned to them, unless they may see all.
    Every list, detail, search, export and API endpoint that shows tickets or their parts
    (comments, attachments, events) filters by this. The condition uses subqueries, never
    joins, so that a ticket appears once and the caller may order and paginate freely.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    if user.is_agent:
        if user.can_see_all_tickets:
            return None
        my_groups = Membership.objects.filter(user_id=user.pk).values("group_id")
        return Q(assignment_group_id__in=my_groups) | Q(assignee_id=user.pk)
    watch_model = apps.get_model("tickets", "Watch")
    watched = watch_model.objects.filter(user_id=user.pk).values("ticket_id")
    q = Q(requester_id=user.pk) | Q(pk__in=watched)
    if user.can_see_organisation_tickets and user.organisation_id:
        q |= Q(organisation_id=user.organisation_id)
    return q


def user_from_api_key(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def agents() -> QuerySet:
    return User.objects.filter(role__in=[Role.AGENT, Role.LEAD, Role.ADMIN], is_active=True)
