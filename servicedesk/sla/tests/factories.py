from servicedesk.sla.durations import parse_duration
from servicedesk.sla.models import BusinessCalendar, SLAAction, SLAPolicy, SLATarget

OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def berlin_office(**fields) -> BusinessCalendar:
    fields.setdefault("name", "Berlin office")
    fields.setdefault("timezone", "Europe/Berlin")
    fields.setdefault("hours", OFFICE_HOURS)
    return BusinessCalendar.objects.create(**fields)


def policy_with(
    *,
    calendar: BusinessCalendar | None,
    response: str,
    resolution: str,
    next_response: str | None = None,
    actions=(),
    **fields,
) -> SLAPolicy:
    """A policy with targets at priority 3 as given, half of them at 2, double at 4, a
    quarter at 1; ``actions``: (threshold, action, group) triples."""
    fields.setdefault("name", "Standard")
    policy = SLAPolicy.objects.create(calendar=calendar, **fields)
    targets = [("response", response), ("resolution", resolution)]
    if next_response is not None:
        targets.append(("next_response", next_response))
    for metric, text in targets:
        base = parse_duration(text)
        for priority, factor in ((1, 0.25), (2, 0.5), (3, 1), (4, 2)):
            SLATarget.objects.create(
                policy=policy, metric=metric, priority=priority, duration=base * factor
            )
    for threshold, action, group in actions:
        SLAAction.objects.create(policy=policy, threshold=threshold, action=action, group=group)
    return policy
