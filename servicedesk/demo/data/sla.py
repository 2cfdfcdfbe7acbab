"""The demo desk's service levels: its working hours, and targets for incidents and requests.

Two policies because actions belong to a policy: the critical and high tickets escalate, the
others only warn. Problems and changes run under no policy.
"""

from dataclasses import dataclass

from servicedesk.sla.choices import Action, Metric
from servicedesk.tickets.choices import Kind

CALENDAR = "Service desk hours"
WORKING_HOURS = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
# The public holidays of the desk's zone, where the demo knows them; elsewhere none (add them in
# the admin site).
ZONE_HOLIDAYS = {"Europe/London": ("GB", "ENG")}


@dataclass(frozen=True)
class Policy:
    name: str
    order: int
    priorities: tuple[int, ...]
    response: dict[int, str]  # priority -> business time
    resolution: dict[int, str]
    # (threshold in percent, metric or "" for both, action)
    actions: tuple[tuple[int, str, str], ...]
    kinds: tuple[str, ...] = (Kind.INCIDENT, Kind.REQUEST)
    # The demo's resolved tickets wait for their requesters' verdict (the portal's accept and
    # reject) for two weeks; the desk's default of 48 hours would close most of them on the
    # worker's first sweep after the demo is loaded.
    auto_close_after: str = "336h"


WARN = ((75, "", Action.NOTIFY_ASSIGNEE), (90, "", Action.NOTIFY_LEAD))

POLICIES = (
    # An urgent ticket nobody answered in time goes up a tier. A late resolution is for the
    # group lead: escalation picks the next tier's group by the category, else the only group
    # of that tier, and in this desk that would hand a laptop or the Wi-Fi to the DBAs.
    Policy(
        "Critical and high incidents and requests", 10, (1, 2),
        response={1: "15m", 2: "1h"}, resolution={1: "4h", 2: "8h"},
        actions=(*WARN, (100, Metric.RESPONSE, Action.ESCALATE_TIER),
                 (100, Metric.RESOLUTION, Action.NOTIFY_LEAD)),
    ),
    Policy(
        "Standard incidents and requests", 20, (3, 4),
        response={3: "4h", 4: "8h"}, resolution={3: "24h", 4: "40h"},
        actions=WARN,
    ),
)  # fmt: skip
