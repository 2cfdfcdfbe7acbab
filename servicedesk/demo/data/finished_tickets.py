"""Demo tickets that are resolved (waiting for the requester), closed or cancelled."""

from servicedesk.demo.data.story import Accept, Link, Note, Reply, TicketStory, Update
from servicedesk.tickets.choices import Channel, Impact, Kind, LinkKind, ResolutionCode, State

HIGH, MEDIUM, LOW = Impact.HIGH, Impact.MEDIUM, Impact.LOW


def resolve(code: str, notes: str) -> dict:
    return {"state": State.RESOLVED, "resolution_code": code, "resolution_notes": notes}


FINISHED = (
    TicketStory(
        "budget-restore", 24, "10:45", "hana", kind=Kind.REQUEST,
        title="Restore yesterday's copy of the budget planning database",
        description=(
            "A planning run overwrote the scenario 'Budget 2026 v3' in the budget planning "
            "database this morning. Could you restore the state of yesterday evening into a "
            "separate database, so we can copy the scenario back?"
        ),
        category="Database > Backup and restore", service="ERP", impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Update(0.5, "dan", {"assignee": "dan", "state": State.IN_PROGRESS}),
            Note(2, "dan", "Restored last night's full backup plus logs up to 19:00 as "
                 "budget_restore_0315 on sql-erp-01. Read-only login for Hana's team."),
            Reply(2.2, "dan", "Hi Hana, yesterday evening's state is available as the database "
                  "'budget_restore_0315'. It will be removed in two weeks."),
            Update(2.3, "dan", resolve(ResolutionCode.SOLVED, "Restored into a side database.")),
            Accept(5, "hana", "Scenario copied back, thank you!"),
        ),
    ),
    TicketStory(
        "boardroom-wifi", 22, "13:30", "carla",
        title="Wi-Fi very slow in the boardroom",
        description=(
            "In the boardroom the Wi-Fi is so slow that video calls freeze. In my office it is "
            "fine. We have the supervisory board here on Thursday."
        ),
        category="Network > Wi-Fi", service="Corporate Wi-Fi", ci="wlc-hq-01",
        impact=LOW, urgency=HIGH,
        steps=(
            Update(0.4, "kim", {"assignee": "kim", "state": State.IN_PROGRESS}),
            Note(2, "kim", "The boardroom AP fell back to 2.4 GHz only after a power cut; "
                 "re-enabled 5 GHz on the controller."),
            Reply(2.1, "kim", "Hi Carla, the access point in the boardroom was running in a slow "
                  "mode after last week's power cut. It is fixed; a speed test now shows 300 Mbit/s."),
            Update(2.2, "kim", resolve(ResolutionCode.SOLVED, "Re-enabled 5 GHz on the boardroom AP.")),
            Accept(20, "carla"),
        ),
    ),
    TicketStory(
        "projector", 20, "09:10", "ann",
        title="Projector in meeting room Everest not detected by laptops",
        description=(
            "Since this morning no laptop shows an image on the projector in Everest (2nd "
            "floor). The projector says 'No signal' with both the HDMI and the USB-C cable. "
            "We have a customer presentation there at 14:00."
        ),
        category="Hardware > Monitor", impact=LOW, urgency=MEDIUM,
        steps=(
            Update(0.4, "eva", {"assignee": "eva", "state": State.IN_PROGRESS}),
            Reply(0.5, "eva", "I'm on my way to Everest with a spare HDMI switch."),
            Note(1.2, "eva", "The HDMI switch under the table had no power: its plug was pulled "
                 "out, probably by the cleaners. Plugged it back in and labelled it."),
            Update(1.3, "eva", resolve(ResolutionCode.SOLVED,
                   "The HDMI switch under the table had no power. Plugged back in, labelled, "
                   "tested with two laptops.")),
            Accept(3, "ann", "Works again, thank you!"),
        ),
    ),
    TicketStory(
        "lockout", 18, "14:30", "oscar", channel=Channel.PHONE, by="lee", assignee="lee",
        title="Account locked out after password change",
        description=(
            "Oscar called: since he changed his password this morning his account locks every "
            "few minutes. Probably the old password is still saved on his phone."
        ),
        category="Access > Password reset", impact=LOW, urgency=MEDIUM,
        steps=(
            Note(0.1, "lee", "Old password cached in the mail app on his phone. He removed the "
                 "account on the phone; unlocked it in the directory."),
            Reply(0.2, "lee", "Hi Oscar, as discussed on the phone: your account is unlocked. Add "
                  "the mail account on your phone again with the new password and you're done."),
            Update(0.25, "lee", resolve(ResolutionCode.REMOTE,
                   "Unlocked; the phone's mail app kept trying the old password.")),
            Accept(20, "oscar"),
        ),
    ),
    TicketStory(
        "fleet-access", 16, "10:00", "bob", kind=Kind.REQUEST,
        title="Access to the Fleet Planning app",
        description=(
            "I moved to the dispatch team and need read/write access to Fleet Planning, the "
            "same as Priya Nair. My manager approved it by mail."
        ),
        category="Access > Permissions",
        steps=(
            Update(1, "sam", {"assignee": "sam"}),
            Reply(1.1, "sam", "Thanks Bob. I've asked the application owner to confirm the role "
                  "'Dispatcher (edit)'."),
            Update(26, "sam", resolve(ResolutionCode.SOLVED,
                   "Added to the group FP-Dispatch-Edit. Sign out and in again to see the "
                   "planning board.")),
            Update(98, "mo", {"state": State.CLOSED},
                   message="No answer for three days after the resolution; closing."),
        ),
    ),
    TicketStory(
        "erp-layout", 15, "11:15", "hana",
        title="Invoices print with the old company logo and layout",
        description=(
            "Since Monday all invoices from the ERP print with last year's layout and the old "
            "logo. Credit notes are fine. These go to customers, so please have a look soon."
        ),
        category="Software > ERP", service="ERP", impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Update(0.5, "lee", {"assignee": "lee", "state": State.IN_PROGRESS}),
            Note(1, "lee", "The layout selection looks right in the client; the template is "
                 "picked on the database side. Escalating to Database Engineering."),
            Update(1.2, "lee",
                   {"assignment_group": "Database Engineering", "assignee": "dan",
                    "configuration_item": "sql-erp-01"},
                   message="Template selection happens in the database: needs L3."),
            Note(5, "dan", "After the vendor update the print-template table pointed invoices back "
                 "to the old layout. Fixed the mapping on sql-erp-01 and cleared the report cache."),
            Reply(5.2, "dan", "Hi Hana, the invoice template was mapped to the old layout by last "
                  "weekend's ERP update. It is fixed; could you print a test invoice?"),
            Update(5.3, "dan", resolve(ResolutionCode.SOLVED,
                   "Print-template mapping for invoices corrected after the ERP update.")),
            Accept(22, "hana", "The test invoice looks right."),
        ),
    ),
    TicketStory(
        "board-call", 14, "08:30", "carla", channel=Channel.PHONE, by="sam", assignee="sam",
        watchers=("ann",),
        title="Cannot join the board video call: camera and microphone in use",
        description=(
            "Carla cannot join the 09:00 board call: Teams says camera and microphone are used "
            "by another application."
        ),
        category="Software > Office", impact=MEDIUM, urgency=HIGH,
        steps=(
            Reply(0.1, "sam", "Carla, I'm connecting to your laptop remotely now."),
            Update(0.3, "sam", resolve(ResolutionCode.REMOTE,
                   "The recorder of last week's webinar still held camera and microphone. "
                   "Closed it and turned off its autostart.")),
            Accept(2, "carla"),
        ),
    ),
    TicketStory(
        "fileshare-slow", 13, "16:00", "yusuf",
        title="File share extremely slow on the 2nd floor",
        description=(
            "Opening files on \\\\fs-hq-01\\finance takes a minute or more since yesterday. "
            "Colleagues on the 1st floor do not have the problem."
        ),
        category="Network > LAN", service="File shares", impact=MEDIUM, urgency=MEDIUM,
        steps=(
            Update(16.5, "raj", {"assignee": "raj", "state": State.IN_PROGRESS,
                                 "configuration_item": "sw-core-01"}),
            Note(18, "raj", "CRC errors climbing on sw-core-01 Gi1/0/24, the uplink of the "
                 "2nd-floor switch. Replacing the patch cable."),
            Reply(19, "raj", "We found a faulty network cable between the 2nd floor and the core "
                  "switch and replaced it. Is opening files fast again?"),
            Update(19.1, "raj", {"state": State.AWAITING_USER}),
            Reply(21, "yusuf", "Yes, back to normal. Thanks!"),
            Update(21.5, "raj", resolve(ResolutionCode.SOLVED,
                   "Replaced the faulty patch cable on the 2nd-floor uplink (sw-core-01 "
                   "Gi1/0/24); the CRC errors stopped.")),
            Accept(23, "yusuf"),
        ),
    ),
    TicketStory(
        "vpn-hana", 10, "09:20", "hana",
        title="VPN drops every hour when working from home",
        description=(
            "Every hour or so the VPN disconnects and I lose my ERP session with unsaved work. "
            "It reconnects by itself after a minute. This started last week."
        ),
        category="Network > VPN", service="VPN", impact=LOW, urgency=MEDIUM,
        steps=(
            Update(1, "kim", {"assignee": "kim", "state": State.IN_PROGRESS}),
            Reply(1.5, "kim", "Thanks Hana. We have more reports like yours and are investigating. "
                  "Until it is fixed, switch the VPN client to the 'HQ-TCP' profile, which does "
                  "not drop."),
            Update(26, "kim", resolve(ResolutionCode.WORKAROUND,
                   "Workaround: the HQ-TCP profile. The cause is followed up in a problem record.")),
            Accept(30, "hana", "The TCP profile is stable, thanks."),
        ),
    ),
    TicketStory(
        "dup-printer", 6, "11:40", "tom",
        title="Printer on the 3rd floor shows an error",
        description=(
            "The big printer next to the kitchen on the 3rd floor says 'Error 50.4 - turn off "
            "then on'. Doing that does not help."
        ),
        category="Hardware > Printer", service="Printing",
        steps=(
            Update(0.5, "eva", {"assignee": "eva"}),
            Link(0.6, "eva", "dup-printer", LinkKind.DUPLICATE_OF, "printer-fuser"),
            Reply(0.7, "eva", "Thanks Tom, this printer is already reported and the manufacturer's "
                  "engineer is booked. Please use the printer on the 2nd floor until then."),
            Update(0.8, "eva", resolve(ResolutionCode.DUPLICATE,
                   "Duplicate of the open fuser fault on prn-hq-3f-01.")),
            Update(75, "eva", {"state": State.CLOSED}, message="Closed as a duplicate."),
        ),
    ),
    TicketStory(
        "acrobat", 9, "10:30", "yusuf", kind=Kind.REQUEST,
        title="Adobe Acrobat Pro licence",
        description="I need to fill in PDF forms from our bank.",
        category="Software > Office",
        steps=(
            Update(1, "sam", {"assignee": "sam"}),
            Reply(1.5, "sam", "Hi Yusuf, Acrobat Reader can fill in PDF forms. Would that be "
                  "enough, or do you need to change the forms themselves?"),
            Reply(3, "yusuf", "Reader is enough, the forms are fillable. Please cancel."),
            Update(3.5, "sam", {"state": State.CANCELLED},
                   message="Not needed: Acrobat Reader fills in the forms."),
        ),
    ),
    TicketStory(
        "printer-off", 5, "12:00", "priya",
        title="Printer not working",
        description="The printer in the dispatch office does not print anything.",
        category="Hardware > Printer",
        steps=(
            Reply(0.5, "priya", "Sorry, someone had switched it off at the wall. It works now."),
            Update(1, "lee", {"state": State.CANCELLED}, message="The requester solved it."),
        ),
    ),
    TicketStory(
        "carla-phone-mail", 4, "15:10", "carla", channel=Channel.PHONE, by="sam", assignee="sam",
        title="Company email not arriving on the new phone",
        description="Carla has a new phone; the Outlook app signs in but shows no mail.",
        category="Software > Email client", service="Email", impact=LOW, urgency=HIGH,
        steps=(
            Note(0.5, "sam", "The phone is not enrolled in device management, so conditional "
                 "access blocks the mailbox. Sent the enrolment link."),
            Reply(0.6, "sam", "Carla, I've sent you a link to enrol the phone in Company Portal. "
                  "Mail appears a few minutes after enrolment."),
            Update(20, "sam", resolve(ResolutionCode.REMOTE, "Phone enrolled; mail syncs.")),
        ),
    ),
    TicketStory(
        "keyboard", 3, "09:20", "yusuf", kind=Kind.REQUEST,
        title="New keyboard and mouse",
        description=(
            "Some keys on my keyboard stick and the mouse wheel is broken. Could I get a new "
            "set, wireless if possible?"
        ),
        category="Hardware > Peripherals",
        steps=(
            Update(2, "luis", {"assignee": "luis"}),
            Reply(26, "luis", "A new wireless keyboard and mouse are on your desk; the old set "
                  "goes to recycling."),
            Update(26.1, "luis", resolve(ResolutionCode.SOLVED, "Delivered a wireless set.")),
        ),
    ),
    TicketStory(
        "teams-echo", 2, "10:00", "bob",
        title="Echo in Teams meetings",
        description=(
            "Other people hear an echo of themselves when I join a Teams meeting with the "
            "laptop speakers."
        ),
        category="Software > Office",
        steps=(
            Update(1, "lee", {"assignee": "lee", "state": State.IN_PROGRESS}),
            Reply(1.2, "lee", "Hi Bob, the laptop microphone picks up the speakers. Please use a "
                  "headset, or set 'Noise suppression' to High under Settings > Devices in "
                  "Teams. I'll mark this resolved; just reply if the echo comes back."),
            Update(1.3, "lee", resolve(ResolutionCode.SOLVED,
                   "Headset or the noise suppression setting.")),
        ),
    ),
    TicketStory(
        "guest-wifi", 1, "09:00", "tom", kind=Kind.REQUEST,
        title="Guest Wi-Fi for visiting auditors",
        description=(
            "Three auditors visit us from Tuesday to Thursday next week and need internet "
            "access on their laptops."
        ),
        category="Network > Wi-Fi", service="Corporate Wi-Fi",
        steps=(
            Update(1, "kim", {"assignee": "kim"}),
            Reply(2, "kim", "Hi Tom, I created three guest vouchers valid Tuesday to Thursday and "
                  "mailed them to you. The network is ACME-Guest."),
            Update(2.1, "kim", resolve(ResolutionCode.SOLVED, "Three guest vouchers created.")),
        ),
    ),
)  # fmt: skip
