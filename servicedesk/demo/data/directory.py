"""Who works at the demo desk, who calls it, and what tickets are filed under.

Every address is under the reserved ``.example`` top-level domain and every phone number is in
the range Ofcom keeps for drama, so nothing here can reach a real person.
"""

from servicedesk.accounts.choices import Role, Tier
from servicedesk.demo.data.story import Person
from servicedesk.tickets.choices import CIKind

# One shared password per role, documented in the README; never the username.
PASSWORDS = {
    Role.ADMIN: "demo-admin-2026",
    Role.LEAD: "demo-lead-2026",
    Role.AGENT: "demo-agent-2026",
    Role.END_USER: "demo-user-2026",
}

# name -> email domain ("" when mail is not matched to the organisation by domain)
ORGANISATIONS = {
    "Acme Manufacturing": "acme.example",
    "Globex Logistics": "",
    "Initech Finance": "",
}

# The L1 group; it is created under the name settings.SERVICEDESK_DEFAULT_GROUP gives, so that it
# is the group that takes whatever nothing else routes.
DEFAULT_GROUP = "Service Desk"
# name -> (tier, group mailbox)
GROUPS = {
    "Service Desk": (Tier.L1, "servicedesk@desk.example"),
    "Network Team": (Tier.L2, "network@desk.example"),
    "Workplace Support": (Tier.L2, "workplace@desk.example"),
    "Database Engineering": (Tier.L3, "dba@desk.example"),
}
GROUP_LEADS = {"Service Desk": "mo"}

PEOPLE = (
    Person("ada", "Ada", "Byrne", Role.ADMIN, "ada.byrne@desk.example", "+44 20 7946 0900",
           note="superuser: admin site and every ticket"),
    Person("mo", "Mo", "Haddad", Role.LEAD, "mo.haddad@desk.example", "+44 20 7946 0901",
           groups=("Service Desk",), sees_all=True, note="lead of Service Desk, sees every ticket"),
    Person("lee", "Lee", "Chen", Role.AGENT, "lee.chen@desk.example", "+44 20 7946 0911",
           groups=("Service Desk",), note="Service Desk (L1)"),
    Person("sam", "Sam", "Okafor", Role.AGENT, "sam.okafor@desk.example", "+44 20 7946 0912",
           groups=("Service Desk",)),
    Person("kim", "Kim", "Park", Role.AGENT, "kim.park@desk.example", "+44 20 7946 0921",
           groups=("Network Team",), note="Network Team (L2)"),
    Person("raj", "Raj", "Patel", Role.AGENT, "raj.patel@desk.example", "+44 20 7946 0922",
           groups=("Network Team",)),
    Person("eva", "Eva", "Novak", Role.AGENT, "eva.novak@desk.example", "+44 20 7946 0931",
           groups=("Workplace Support",), note="Workplace Support (L2)"),
    Person("luis", "Luis", "Ortega", Role.AGENT, "luis.ortega@desk.example", "+44 20 7946 0932",
           groups=("Workplace Support",)),
    Person("dan", "Dan", "Fischer", Role.AGENT, "dan.fischer@desk.example", "+44 20 7946 0941",
           groups=("Database Engineering",), note="Database Engineering (L3)"),
    Person("ann", "Ann", "Archer", Role.END_USER, "ann.archer@acme.example", "+44 20 7946 0101",
           organisation="Acme Manufacturing", sees_organisation=True,
           note="Acme office manager, sees all Acme tickets"),
    Person("carla", "Carla", "Mendes", Role.END_USER, "carla.mendes@acme.example",
           "+44 20 7946 0102", organisation="Acme Manufacturing", vip=True, note="Acme CFO, VIP"),
    Person("tom", "Tom", "Becker", Role.END_USER, "tom.becker@acme.example", "+44 20 7946 0103",
           organisation="Acme Manufacturing"),
    Person("bob", "Bob", "Brennan", Role.END_USER, "bob.brennan@globex.example",
           "+44 161 496 0201", organisation="Globex Logistics", note="Globex dispatcher"),
    Person("priya", "Priya", "Nair", Role.END_USER, "priya.nair@globex.example",
           "+44 161 496 0202", organisation="Globex Logistics"),
    Person("oscar", "Oscar", "Lindqvist", Role.END_USER, "oscar.lindqvist@globex.example",
           "+44 161 496 0203", organisation="Globex Logistics"),
    Person("hana", "Hana", "Kowalski", Role.END_USER, "hana.kowalski@initech.example",
           "+44 113 496 0301", organisation="Initech Finance"),
    Person("yusuf", "Yusuf", "Demir", Role.END_USER, "yusuf.demir@initech.example",
           "+44 113 496 0302", organisation="Initech Finance"),
)  # fmt: skip

# Category -> (default group, subcategories)
CATEGORIES = {
    "Network": ("Network Team", ("VPN", "Wi-Fi", "LAN")),
    "Hardware": ("Workplace Support", ("Laptop", "Printer", "Monitor", "Peripherals")),
    "Software": ("Service Desk", ("Office", "ERP", "Email client")),
    "Access": ("Service Desk", ("Password reset", "New account", "Permissions")),
    "Database": ("Database Engineering", ("Performance", "Backup and restore")),
}

CONFIGURATION_ITEMS = {
    "Email": CIKind.SERVICE,
    "VPN": CIKind.SERVICE,
    "ERP": CIKind.SERVICE,
    "Corporate Wi-Fi": CIKind.SERVICE,
    "File shares": CIKind.SERVICE,
    "Printing": CIKind.SERVICE,
    "vpn-gw-01": CIKind.CI,
    "wlc-hq-01": CIKind.CI,
    "sw-core-01": CIKind.CI,
    "prn-hq-3f-01": CIKind.CI,
    "sql-erp-01": CIKind.CI,
    "fs-hq-01": CIKind.CI,
}
