"""Demo tickets still being worked: new, assigned, in progress and waiting on someone."""

from servicedesk.demo.data.story import Link, Note, Reject, Reply, TicketStory, Update, Watch
from servicedesk.tickets.choices import Channel, Impact, Kind, LinkKind, ResolutionCode, State

HIGH, MEDIUM, LOW = Impact.HIGH, Impact.MEDIUM, Impact.LOW

OPEN = (
    # The VPN story: incidents, the problem behind them, and the change that fixes it.
    TicketStory(
        "prb-vpn", 9, "10:00", "kim", kind=Kind.PROBLEM,
        title="Recurring VPN disconnects every 60 minutes",
        description=(
            "Since the VPN gateway firmware update on the 1st, clients on the HQ-UDP profile "
            "are disconnected about every 60 minutes. Several incidents so far, from all three "
            "customers. Workaround: the HQ-TCP profile."
        ),
        category="Network > VPN", service="VPN", ci="vpn-gw-01", impact=MEDIUM, urgency=MEDIUM,
        group="Network Team", assignee="kim",
        steps=(
            Link(0.1, "kim", "vpn-hana", LinkKind.CHILD_OF, "prb-vpn"),
            Update(1, "kim", {"state": State.IN_PROGRESS}),
            Note(28, "kim", "Root cause: firmware 9.1.4 set the IKE SA lifetime to 3600 s while "
                 "the clients rekey at 28800 s, so the rekey fails and the tunnel drops. The "
                 "vendor confirms (case VN-88213); fixed in 9.1.6."),
            Update(54, "kim", {"state": State.AWAITING_CHANGE},
                   message="The fix is the firmware upgrade in the linked change."),
        ),
    ),
    TicketStory(
        "chg-vpn", 7, "15:00", "kim", kind=Kind.CHANGE,
        title="Upgrade VPN gateway vpn-gw-01 to firmware 9.1.6",
        description=(
            "Why: fixes the IKE rekey failure behind the hourly VPN drops (linked problem).\n"
            "Plan: Saturday 22:00-23:00. Fail over to the standby gateway, upgrade vpn-gw-01, "
            "fail back, upgrade the standby.\n"
            "Risk: medium. Rollback: boot the saved 9.1.4 image.\n"
            "Test: a 90-minute session on HQ-UDP from two home connections."
        ),
        category="Network > VPN", service="VPN", ci="vpn-gw-01", impact=MEDIUM, urgency=MEDIUM,
        group="Network Team", assignee="raj",
        steps=(
            Link(0.1, "raj", "chg-vpn", LinkKind.RELATED, "prb-vpn"),
            Update(2, "raj", {"state": State.IN_PROGRESS}),
            Note(20, "raj", "Approved for Saturday 22:00. Firmware image downloaded and its "
                 "checksum verified."),
        ),
    ),
    TicketStory(
        "vpn-ann", 5, "08:40", "ann", channel=Channel.PHONE, by="sam",
        title="VPN disconnects during video calls",
        description=(
            "Ann calls: her VPN drops in the middle of Teams calls, roughly once an hour, "
            "since last week."
        ),
        category="Network > VPN", service="VPN", impact=LOW, urgency=MEDIUM,
        steps=(
            Update(1, "raj", {"assignee": "raj", "state": State.IN_PROGRESS}),
            Link(1.1, "raj", "vpn-ann", LinkKind.CHILD_OF, "prb-vpn"),
            Reply(1.2, "raj", "Hi Ann, this is a known problem of the VPN gateway and a firmware "
                  "upgrade is planned for Saturday night. Until then the 'HQ-TCP' profile in the "
                  "VPN client avoids the drops."),
            Update(1.3, "raj", {"state": State.AWAITING_CHANGE}),
        ),
    ),
    # Waiting on a vendor.
    TicketStory(
        "printer-fuser", 8, "09:30", "ann", channel=Channel.PHONE, by="lee",
        title="3rd-floor printer: fuser error 50.4",
        description=(
            "Ann reports that the shared printer on the 3rd floor (prn-hq-3f-01) shows error "
            "50.4 after every restart. The whole floor prints on the 2nd floor meanwhile."
        ),
        category="Hardware > Printer", service="Printing", ci="prn-hq-3f-01",
        impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Update(0.5, "eva", {"assignee": "eva", "state": State.IN_PROGRESS}),
            Note(2, "eva", "The fuser fails its self-test. Under the manufacturer's care pack "
                 "until March: opened case 5012345678."),
            Reply(2.1, "eva", "The printer needs a new fuser unit. The manufacturer sends an "
                  "engineer under warranty; we'll tell you the date as soon as we have it."),
            Update(2.2, "eva", {"state": State.AWAITING_VENDOR}),
            Note(30, "eva", "Part on back-order; engineer visit planned for next Thursday."),
            Watch(50.5, "eva", "tom"),
        ),
    ),
    TicketStory(
        "erp-report", 11, "13:20", "yusuf",
        title="Month-end report 'Open items by customer' times out",
        description=(
            "The report runs for 10 minutes and then ends with 'Query timeout'. Last month it "
            "took 30 seconds. I need it for the month-end closing on Friday."
        ),
        category="Software > ERP", service="ERP", impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Update(0.5, "lee", {"assignee": "lee", "state": State.IN_PROGRESS}),
            Reply(0.8, "lee", "Thanks Yusuf, I can reproduce the timeout and am passing it to our "
                  "database engineers."),
            Update(1, "lee",
                   {"category": "Database > Performance", "assignment_group": "Database Engineering",
                    "assignee": "dan", "configuration_item": "sql-erp-01"},
                   message="Report query slow since the vendor patch: needs L3."),
            Note(5, "dan", "Plan regression since vendor patch 7.4.2: the report scans ar_items "
                 "without the customer index. Vendor ticket ERP-55172; they own the query."),
            Reply(6.1, "dan", "Hi Yusuf, the slowdown comes from the ERP vendor's latest patch and "
                  "they are working on a fix. For Friday I'll run the report overnight and mail "
                  "you the result."),
            Update(6.2, "dan", {"state": State.AWAITING_VENDOR}),
        ),
    ),
    # Waiting on the requester.
    TicketStory(
        "vpn-hotel", 3, "14:00", "bob",
        title="Cannot connect to the VPN from a hotel",
        description=(
            "I'm travelling this week and the VPN client says 'Gateway unreachable' on the hotel "
            "Wi-Fi. It works over my phone's hotspot."
        ),
        category="Network > VPN", service="VPN", impact=LOW, urgency=MEDIUM,
        steps=(
            Update(1, "kim", {"assignee": "kim", "state": State.IN_PROGRESS}),
            Reply(1.3, "kim", "Hi Bob, some hotel networks block the VPN ports. Could you try the "
                  "'HQ-TCP' profile (it uses port 443), and send a screenshot if it fails too?"),
            Update(1.4, "kim", {"state": State.AWAITING_USER}),
        ),
    ),
    TicketStory(
        "erp-password", 6, "10:10", "oscar", channel=Channel.PHONE, by="lee", assignee="lee",
        title="ERP password expired, cannot sign in",
        description=(
            "Oscar's ERP password expired while he was on leave, and the self-service reset "
            "does not cover ERP accounts."
        ),
        category="Access > Password reset", service="ERP", impact=LOW, urgency=MEDIUM,
        steps=(
            Reply(0.2, "lee", "Hi Oscar, I've texted a temporary password to your mobile. Please "
                  "sign in (the ERP asks for a new password) and tell us it worked."),
            Update(0.3, "lee", {"state": State.AWAITING_USER}),
        ),
    ),
    TicketStory(
        "powerbi", 2, "16:00", "hana", kind=Kind.REQUEST,
        title="Install Power BI Desktop",
        description="Please install Power BI Desktop; I need it for the new controlling dashboards.",
        category="Software > Office",
        steps=(
            Update(17, "sam", {"assignee": "sam", "state": State.IN_PROGRESS}),
            Reply(17.2, "sam", "Hi Hana, publishing dashboards needs a Power BI Pro licence from "
                  "your cost centre. Could your manager approve it by replying here?"),
            Update(17.3, "sam", {"state": State.AWAITING_USER}),
        ),
    ),
    # In progress.
    TicketStory(
        "laptop-boot", 2, "08:50", "carla", channel=Channel.PHONE, by="lee",
        title="Laptop does not boot: stuck at the manufacturer logo",
        description=(
            "Carla's laptop stops at the logo since this morning. She presents to the board "
            "tomorrow at 09:00; the slides are on the laptop and in OneDrive."
        ),
        category="Hardware > Laptop", impact=LOW, urgency=HIGH,
        priority=2, priority_override_reason="VIP: presents to the board tomorrow at 09:00.",
        steps=(
            Update(0.3, "eva", {"assignee": "eva", "state": State.IN_PROGRESS}),
            Reply(0.4, "eva", "Carla, I'll bring you a loan laptop within the hour. Your files are "
                  "in OneDrive, so you can work on it right away."),
            Note(3, "eva", "SSD not detected in the firmware setup. Warranty replacement ordered; "
                 "loan laptop handed over and signed in."),
        ),
    ),
    TicketStory(
        "wifi-scanners", 4, "11:30", "priya", watchers=("bob",),
        title="Handheld scanners lose Wi-Fi in warehouse B",
        description=(
            "Since Tuesday the handheld scanners in warehouse B drop off the Wi-Fi several "
            "times an hour. Pickers walk back to the office to re-sync, which slows down "
            "every shipment."
        ),
        category="Network > Wi-Fi", service="Corporate Wi-Fi", ci="wlc-hq-01",
        impact=MEDIUM, urgency=HIGH,
        steps=(
            Update(0.5, "kim", {"assignee": "kim", "state": State.IN_PROGRESS}),
            Reply(1, "kim", "Hi Priya, I'm reading the wireless controller's logs. Which aisles "
                  "are worst?"),
            Reply(2, "priya", "Mostly aisles 14 to 20, near the loading docks."),
            Note(4, "kim", "AP wh-b-07 restarts every ~20 min: the switch's PoE budget is "
                 "exceeded since the new dock door controllers. Moving those to another switch "
                 "tomorrow."),
            Reply(4.2, "kim", "We found an access point near the docks that keeps restarting. An "
                  "engineer moves some equipment to another switch tomorrow morning."),
        ),
    ),
    TicketStory(
        "mailbox-orders", 5, "09:00", "ann",
        title="Shared mailbox 'orders' does not update on phones",
        description=(
            "On our phones the shared mailbox 'orders' stopped showing new mail three days ago. "
            "Outlook on the PC works."
        ),
        category="Software > Email client", service="Email", impact=LOW, urgency=MEDIUM,
        steps=(
            Update(2, "sam", {"assignee": "sam", "state": State.IN_PROGRESS}),
            Reply(2.3, "sam", "Hi Ann, does this affect everyone in the team or only some people? "
                  "And which phones and mail app do you use?"),
            Update(2.4, "sam", {"state": State.AWAITING_USER}),
            Reply(5, "ann", "Everyone. All iPhones with the Outlook app."),
            Note(6, "sam", "Mailbox permissions are fine. Looks like the mobile sync of shared "
                 "mailboxes after the tenant change; checking the vendor's guidance."),
        ),
    ),
    TicketStory(
        "dock-flicker", 12, "10:00", "tom",
        title="External monitors flicker on the docking station",
        description=(
            "Both external monitors on my docking station flicker and go black for a second "
            "every few minutes."
        ),
        category="Hardware > Monitor",
        steps=(
            Update(3, "luis", {"assignee": "luis", "state": State.IN_PROGRESS}),
            Reply(4, "luis", "I replaced both DisplayPort cables at your desk. Let us know if it "
                  "happens again."),
            Update(4.1, "luis", {"state": State.RESOLVED, "resolution_code": ResolutionCode.SOLVED,
                                 "resolution_notes": "Replaced both DisplayPort cables."}),
            Reject(28, "tom", "It still flickers after lunch, both screens at the same time."),
            Note(30, "luis", "Both screens at once points to the dock itself; a firmware update "
                 "did not help. Replacement dock ordered."),
            Reply(30.2, "luis", "Sorry Tom. Since both screens flicker together it is the docking "
                  "station; a new one arrives this week."),
        ),
    ),
    # Assigned, not started.
    TicketStory(
        "battery", 1, "10:20", "tom",
        title="Laptop battery lasts only two hours",
        description=(
            "My laptop battery is empty after two hours; it used to last a whole day. The "
            "laptop is about three years old."
        ),
        category="Hardware > Laptop",
        steps=(Update(0.5, "mo", {"assignee": "luis"}),),
    ),
    TicketStory(
        "erp-delivery-notes", 2, "09:15", "oscar", channel=Channel.PHONE, by="sam", assignee="sam",
        title="Delivery notes do not print from the ERP",
        description=(
            "Oscar: printing delivery notes from the ERP fails with 'Printer not available' "
            "since this morning. Other documents print."
        ),
        category="Software > ERP", service="ERP", impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Note(0.5, "sam", "The ERP print server lists the warehouse printer as offline. Asking "
                 "Globex whether the printer was moved."),
        ),
    ),
    TicketStory(
        "new-starter", 0, "14:30", "ann", kind=Kind.REQUEST, watchers=("tom",),
        title="New starter: account and laptop for Jonas Weber",
        description=(
            "Jonas Weber starts on Monday as a production planner in Tom Becker's team. He "
            "needs an account, a mailbox, a laptop and access to the ERP planning module."
        ),
        category="Access > New account", urgency=MEDIUM,
        steps=(Update(1, "lee", {"assignee": "lee"}),),
    ),
    TicketStory(
        "finance-share", 3, "13:00", "yusuf", kind=Kind.REQUEST,
        title="Access to the Finance shared drive",
        description="I need read access to \\\\fs-hq-01\\finance\\controlling for the quarterly review.",
        category="Access > Permissions", service="File shares",
        steps=(
            Update(0.5, "sam", {"assignee": "sam"}),
            Reply(0.7, "sam", "Hi Yusuf, the folder owner (Hana Kowalski) has to approve this; "
                  "I've added her to this ticket."),
            Watch(0.8, "sam", "hana"),
        ),
    ),
    # New: nobody has looked yet.
    TicketStory(
        "label-printer", 0, "11:05", "priya", channel=Channel.PHONE, by="lee",
        title="Label printer in the warehouse prints blank labels",
        description=(
            "Priya: the label printer at packing station 3 feeds labels but prints nothing on "
            "them. The other stations work; shipments go through station 4 meanwhile."
        ),
        category="Hardware > Printer", service="Printing", impact=MEDIUM, urgency=MEDIUM,
    ),
    TicketStory(
        "outlook-password", 0, "15:40", "bob",
        title="Outlook keeps asking for my password",
        description=(
            "Since this afternoon Outlook shows a password prompt every few minutes. I type my "
            "password and it asks again."
        ),
        category="Software > Email client", service="Email", urgency=MEDIUM,
    ),
    TicketStory(
        "second-monitor", 0, "16:10", "hana", kind=Kind.REQUEST,
        title="Second monitor for the home office",
        description=(
            "I work from home three days a week and would like a second monitor like the ones "
            "in the office."
        ),
        category="Hardware > Monitor",
    ),
    TicketStory(
        "excel-crash", 1, "16:45", "yusuf", channel=Channel.API,
        title="Excel crashes when opening the shared budget workbook",
        description=(
            "Excel closes without a message when I open Budget_2026.xlsx from the Finance "
            "share. Other files open fine."
        ),
        category="Software > Office", impact=LOW, urgency=MEDIUM,
    ),
)  # fmt: skip
