"""Business calendars and escalation targets created, changed and deleted outside the admin
site (the API does).

The same rules as the admin: ``BusinessCalendar.clean`` checks every value (time zone, hours,
holidays, country and subdivision, one default), and a calendar something runs on is not
deleted from under it; ``EscalationTarget.clean`` that a group escalates to a higher tier.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from servicedesk.accounts.models import SupportGroup
from servicedesk.core import clock
from servicedesk.core.errors import ServiceError, ValidationFailed
from servicedesk.sla.models import (
    BusinessCalendar,
    EscalationTarget,
    GroupCalendar,
    OrganisationCalendar,
    SLAPolicy,
)
from servicedesk.sla.reschedule import ClockReschedule


class CalendarInUse(ServiceError):
    status = 409
    code = "calendar_in_use"


class CalendarUnusable(ServiceError):
    """A calendar saved around the checks (or whose country the holidays package dropped)."""

    status = 409
    code = "calendar_unusable"


class CalendarConflict(ServiceError):
    """Another request saved the same name, or another default, at the same moment."""

    status = 409
    code = "conflict"


def calendar_create(*, values: dict) -> BusinessCalendar:
    """A new calendar from checked-by-type ``values``; ``ValidationFailed`` if it is unusable."""
    return _save(BusinessCalendar(**values))


@transaction.atomic
def calendar_update(*, calendar: BusinessCalendar, changes: dict) -> BusinessCalendar:
    """``changes`` applied to ``calendar``; the whole calendar must still be usable. The
    running clocks it governs move with it (sla.reschedule)."""
    for name, value in changes.items():
        setattr(calendar, name, value)
    _check(calendar)
    reschedule = ClockReschedule(calendar=calendar.pk, now=clock.now())
    reschedule.begin()
    _write(calendar)
    reschedule.finish()
    return calendar


def calendar_delete(*, calendar: BusinessCalendar) -> None:
    """Delete a calendar nothing runs on; ``CalendarInUse`` names what does.

    The admin site would drop a group's or an organisation's link with the calendar after a
    confirmation page; an API call has no such page, so those links refuse it too.
    """
    users = _users_of(calendar)
    if not users:
        try:
            with transaction.atomic():
                calendar.delete()
            return
        except ProtectedError:  # a policy took it up since the look-up above
            users = _users_of(calendar) or ["a policy"]
    raise CalendarInUse(f"{calendar} is in use by {', '.join(users)}; give them another first.")


def _users_of(calendar: BusinessCalendar) -> list[str]:
    policies = SLAPolicy.objects.filter(calendar=calendar).values_list("name", flat=True)
    groups = GroupCalendar.objects.filter(calendar=calendar).values_list("group__name", flat=True)
    organisations = OrganisationCalendar.objects.filter(calendar=calendar).values_list(
        "organisation__name", flat=True
    )
    return [
        *(f"policy {name!r}" for name in policies),
        *(f"group {name!r}" for name in groups),
        *(f"organisation {name!r}" for name in organisations),
    ]


class EscalationTargetTaken(ServiceError):
    """The group has a target already (one per group): change that one instead."""

    status = 409
    code = "conflict"


def escalation_target_create(*, group: SupportGroup, escalate_to: SupportGroup) -> EscalationTarget:
    """Where "escalate to the next tier" sends ``group``'s tickets from now on."""
    target = EscalationTarget(group=group, escalate_to=escalate_to)
    _check(target, exclude=["group"])  # the one-per-group rule is answered below, as a 409
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        existing = EscalationTarget.objects.filter(group=group).select_related("escalate_to")
        found = existing.first()
        where = f"to {found.escalate_to}" if found else "elsewhere"
        raise EscalationTargetTaken(
            f"{group} escalates {where} already; change or delete that target."
        ) from None
    return target


def escalation_target_update(
    *, target: EscalationTarget, escalate_to: SupportGroup
) -> EscalationTarget:
    target.escalate_to = escalate_to
    _check(target, exclude=["group"])
    target.save(update_fields=["escalate_to"])
    return target


def escalation_target_delete(*, target: EscalationTarget) -> None:
    """Back to the fallbacks: the category's group of the next tier, then its only group."""
    target.delete()


def _save(calendar: BusinessCalendar) -> BusinessCalendar:
    _check(calendar)
    return _write(calendar)


def _check(record: BusinessCalendar | EscalationTarget, exclude: list[str] | None = None) -> None:
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        fields = {
            "non_field_errors" if name == "__all__" else name: messages
            for name, messages in error.message_dict.items()
        }
        first, messages = next(iter(fields.items()))
        raise ValidationFailed(f"{first}: {messages[0]}", fields=fields) from None


def _write(calendar: BusinessCalendar) -> BusinessCalendar:
    try:
        with transaction.atomic():
            calendar.save()
    except IntegrityError:
        raise CalendarConflict(
            "Another calendar with this name, or another default, was saved at the same time; "
            "read the calendars again and retry."
        ) from None
    return calendar
