"""The demo desk's triage: a few rules in order and each group's way of assigning."""

from servicedesk.tickets.choices import Kind
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import Strategy

# (position, name, conditions, actions): actions name categories "Parent > Child" and groups.
RULES = (
    (10, "Outage words raise the urgency", ((F.TEXT, Op.CONTAINS, "outage, is down, everyone"),),
     {"set_urgency": 1, "set_impact": 2, "add_tags": "outage"}),
    (20, "VIP requesters", ((F.VIP, Op.IS_SET, ""),), {"set_urgency": 2}),
    (30, "VPN and Wi-Fi go to the Network Team",
     ((F.TEXT, Op.CONTAINS, "vpn, wi-fi, wifi, wireless"),),
     {"set_category": "Network", "set_group": "Network Team", "add_tags": "network"}),
    (40, "Password resets are requests", ((F.TEXT, Op.CONTAINS, "password, locked out"),),
     {"set_category": "Access > Password reset", "set_kind": Kind.REQUEST}),
    (50, "Printers", ((F.TEXT, Op.CONTAINS, "printer, toner, paper jam"),),
     {"set_category": "Hardware > Printer", "add_tags": "printer"}),
)  # fmt: skip

STRATEGIES = {
    "Service Desk": Strategy.ROUND_ROBIN,
    "Network Team": Strategy.LEAST_OPEN,
    "Workplace Support": Strategy.SKILLS,
}
