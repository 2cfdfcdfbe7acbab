"""Reads on accounts, and the one place that decides which tickets a user may see."""

import re

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import ApiToken, Membership, SupportGroup, User
from servicedesk.core import clock

PHONE_MIN_DIGITS = 4
_PHONE_NOISE = (" ", "-", "(", ")", ".", "/", "+")


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
        # EXISTS rather than IN (subquery): SQLite's planner would read both sides of an OR of
        # two indexed IN terms through their indexes, collect every ticket of the agent's
        # groups and sort them all before the first page; with EXISTS it walks the list's
        # order and stops after one page. PostgreSQL plans both spellings alike.
        my_group = Membership.objects.filter(
            user_id=user.pk, group_id=OuterRef("assignment_group_id")
        )
        return Q(Exists(my_group)) | Q(assignee_id=user.pk)
    watch_model = apps.get_model("tickets", "Watch")
    watched = watch_model.objects.filter(user_id=user.pk).values("ticket_id")
    q = Q(requester_id=user.pk) | Q(pk__in=watched)
    if user.can_see_organisation_tickets and user.organisation_id:
        q |= Q(organisation_id=user.organisation_id)
    return q


def user_from_api_key(key: str) -> User | None:
    # Every API request runs this: get() on the unique hash spares the ordering first() adds.
    tokens = ApiToken.objects.select_related("user")
    try:
        token = tokens.get(key_hash=ApiToken.hash_key(key), revoked=False)
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = clock.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def agents() -> QuerySet:
    return User.objects.filter(role__in=[Role.AGENT, Role.LEAD, Role.ADMIN], is_active=True)


def users_matching(*, users: QuerySet[User], text: str) -> QuerySet[User]:
    """Those of ``users`` whose name, user name, email or phone contains ``text``.

    Phone numbers are stored as typed, so they are compared as digits only, and without the
    national leading 0 that the international form drops (+44 20 ... is 020 ...). Text with
    letters or an @ is a name or an address, never a phone number.
    """
    text = text.strip()
    if not text:
        return users
    match = (
        Q(username__icontains=text)
        | Q(display_name__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(email__icontains=text)
        | Q(phone__icontains=text)
    )
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) >= PHONE_MIN_DIGITS and not re.search(r"[^\W\d_]|@", text):
        users = users.annotate(phone_digits=_digits_only(F("phone")))
        match |= Q(phone_digits__contains=digits.lstrip("0") or digits)
    return users.filter(match)


def _digits_only(expression):
    for noise in _PHONE_NOISE:
        expression = Replace(expression, Value(noise), Value(""))
    return expression


def users_for(user: User, *, q: str = "", role: str = "") -> QuerySet[User]:
    """The directory: agents look people up; an end user only ever finds themselves."""
    qs = User.objects.select_related("organisation").prefetch_related("support_groups")
    if not user.is_agent:
        qs = qs.filter(pk=user.pk)
    if role:
        qs = qs.filter(role=role)
    return users_matching(users=qs, text=q)


def groups_for(user: User) -> QuerySet[SupportGroup]:
    qs = SupportGroup.objects.filter(is_active=True)
    if user.is_agent:
        qs = qs.select_related("lead").prefetch_related("members")
    return qs
