"""Badges and small helpers for the desk's templates."""

from datetime import datetime, timedelta

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.html import format_html

from servicedesk.core import clock
from servicedesk.desk.timeline import field_label
from servicedesk.tickets.choices import PRIORITY_BADGE, STATE_BADGE, Priority, State

register = template.Library()


@register.simple_tag
def state_badge(state: str) -> str:
    try:
        label = State(state).label
    except ValueError:
        return format_html('<span class="badge badge-grey">{}</span>', state)
    return format_html('<span class="badge badge-{}">{}</span>', STATE_BADGE[state], label)


@register.simple_tag
def priority_badge(priority: int) -> str:
    try:
        name = Priority(priority).label.split(" - ", 1)[-1]
    except ValueError:
        return format_html('<span class="badge badge-grey">P{}</span>', priority)
    return format_html(
        '<span class="badge badge-{}">P{} {}</span>',
        PRIORITY_BADGE.get(priority, "grey"),
        priority,
        name,
    )


@register.filter
def person(user) -> str:
    return user.name if user is not None else "—"


@register.simple_tag
def link_label(link, direction: str) -> str:
    """How a link reads from this ticket: "Child of" one way, "Parent of" the other."""
    return field_label(link.kind if direction == "out" else f"{link.kind}_from")


@register.filter(expects_localtime=True)
def stamp(moment: datetime | None) -> str:
    """``|date:"Y-m-d H:i"``, written directly: lists and timelines show hundreds of these, and
    the date filter's format machinery was a large share of their render time. The format has
    no names in it, so no language can change it."""
    if not isinstance(moment, datetime):
        return date_filter(moment, "Y-m-d H:i")
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    return f"{day} {moment.hour:02d}:{moment.minute:02d}"


@register.filter
def short_time(moment: datetime | None) -> str:
    """Today's times as "14:05", this year's as "3 Mar", older ones with the year."""
    if moment is None:
        return "—"
    local, now = timezone.localtime(moment), timezone.localtime(clock.now())
    if local.date() == now.date():
        # As date_format(local, "H:i") writes it, without its format machinery.
        return f"{local.hour:02d}:{local.minute:02d}"
    if local.year == now.year:
        return formats.date_format(local, "j M")
    return formats.date_format(local, "j M Y")


@register.filter
def business_time(span: timedelta | None) -> str:
    """A span of business time as "2h 15m", "40m" or "26h": hours, never days (a business day
    could mean 24 hours or one working day). The sign is the sentence's business."""
    if span is None:
        return "—"
    minutes = int(abs(span.total_seconds()) // 60)
    if minutes == 0:
        return "under 1m"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h {minutes}m" if minutes else f"{hours}h"
