"""Words the generator builds names and ticket text from; written for this project.

The log's categories and groups are anonymised ("Category 26"), so they take these names by
rank: the log's largest category becomes the first entry here, and so on. A category with more
subcategories in the log than named here folds the rest into its last entry ("Other").
"""

# fmt: off
# (category, subcategories, symptom family); ranked like the log's categories.
CATEGORIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Accounts and access", ("Password reset", "Account lockout", "Access rights", "MFA"), "access"),
    ("Email", ("Outlook", "Shared mailbox", "Distribution list", "Calendar", "Mobile mail",
               "Spam filter", "Mail rules"), "software"),
    ("Business applications", ("ERP", "CRM", "Invoicing", "Expense claims", "Timesheets",
                               "Purchase orders", "Stock control", "Order entry", "Quoting tool",
                               "Contract register", "Customer portal", "Other"), "software"),
    ("Laptops and desktops", ("Laptop", "Desktop PC", "Docking station", "Monitor", "Keyboard",
                              "Mouse", "Battery", "Disk space", "Operating system", "BIOS",
                              "Webcam", "Other"), "hardware"),
    ("Network", ("VPN", "Wi-Fi", "Network drive"), "network"),
    ("Printing", ("Printer", "Print queue", "Scanner", "Toner", "Label printer",
                  "Multifunction device", "Plotter", "Print driver", "Badge printing", "Other"),
     "hardware"),
    ("Telephony", ("Desk phone", "Mobile phone", "Voicemail", "Conference bridge", "Headset",
                   "Softphone", "Call recording"), "hardware"),
    ("Office software", ("Excel", "Word", "PowerPoint"), "software"),
    ("Collaboration", ("Teams", "SharePoint", "OneDrive", "Video meetings"), "software"),
    ("Servers", ("Linux server", "Windows server", "Virtual machine", "Cluster node", "Patching",
                 "Scheduled task", "Disk volume", "Service account", "Load balancer",
                 "Cron job", "Web server", "Other"), "service"),
    ("Security", ("Phishing", "Malware", "Certificate", "Encryption", "Suspicious login"), "security"),
    ("Mobile devices", ("iPhone", "Android phone", "Tablet", "MDM enrolment", "SIM card",
                        "Mobile hotspot", "Mobile app"), "hardware"),
    ("Databases", ("Oracle database", "SQL Server", "PostgreSQL", "Backup job", "Replication",
                   "Query performance", "Tablespace", "Database login", "Index rebuild",
                   "Data fix", "Archive job", "Other"), "service"),
    ("Storage and backup", ("File share", "Restore", "Quota", "Backup agent", "Snapshot"), "service"),
    ("Web and intranet", ("Intranet",), "software"),
    ("Remote work", ("Home broadband", "Remote desktop", "Citrix", "Travel kit", "Thin client"),
     "network"),
    ("Finance systems", ("General ledger", "Bank interface", "Month-end close", "Fixed assets",
                         "Payments run", "Tax reporting", "Budget tool", "Cost centres",
                         "Credit control", "Other"), "software"),
    ("HR systems", ("Leave booking", "Payroll", "Org chart", "Recruitment portal", "Appraisals"),
     "software"),
    ("Data and reporting", ("BI dashboard", "Data export", "Data warehouse", "Report schedule",
                            "KPI pack", "Data feed", "Spreadsheet model", "ETL job",
                            "Report access", "Other"), "software"),
    ("Facilities IT", ("Meeting room screen", "Projector", "Badge reader", "Digital signage"),
     "hardware"),
    ("Audio visual", ("Microphone", "Speakers", "Room camera"), "hardware"),
    ("Identity", ("Directory account", "Single sign-on", "Group membership", "Service principal"),
     "access"),
    ("Development tools", ("Git repository", "CI pipeline", "IDE", "Artifact repository",
                           "Test environment", "Code review", "Build agent", "Issue tracker",
                           "API gateway", "Container registry", "Feature flags", "Other"),
     "service"),
    ("Monitoring", ("Alert rule", "Dashboard", "Log collection", "Monitoring agent"), "service"),
    ("Cloud services", ("Cloud subscription", "Storage bucket", "Virtual network", "Cost alert",
                        "Cloud console"), "service"),
    ("Point of sale", ("Till", "Card terminal", "Receipt printer", "Barcode scanner"), "hardware"),
    ("Licensing", ("Licence renewal", "Licence transfer"), "access"),
    ("Procurement", ("Hardware order", "Software purchase", "Asset return"), "access"),
    ("Onboarding", ("New starter", "Mover", "Leaver", "Equipment kit"), "access"),
    ("E-learning", ("Course access", "Video playback"), "software"),
    ("Warehouse systems", ("Handheld scanner", "Label system", "Inventory", "Dock scheduling"),
     "hardware"),
    ("Document management", ("Document library", "Records retention"), "software"),
    ("Payments", ("Card payments", "Direct debits", "Refunds"), "software"),
    ("Travel booking", ("Travel portal",), "software"),
    ("Building management", ("Heating controls",), "hardware"),
    ("Fleet telematics", ("Vehicle tracker",), "hardware"),
    ("Lab systems", ("Lab instrument PC",), "hardware"),
)

SYMPTOMS: dict[str, tuple[str, ...]] = {
    "software": (
        "keeps crashing", "is very slow", "shows an error on start", "will not open",
        "freezes when saving", "lost my settings", "stopped syncing", "logs me out every few minutes",
        "shows a blank screen", "cannot find my files", "gives a licence error",
        "is missing a menu option", "hangs on loading", "sends duplicate notifications",
    ),
    "hardware": (
        "is not working", "will not power on", "makes a loud noise", "is not detected",
        "keeps restarting", "is physically damaged", "has a flickering display", "runs very hot",
        "is jamming", "drops the connection", "battery drains quickly", "is missing",
    ),
    "network": (
        "cannot connect", "keeps disconnecting", "is very slow", "times out", "drops every hour",
        "cannot reach internal sites", "asks for credentials repeatedly", "has no signal",
    ),
    "access": (
        "is locked", "is not working", "needs to be set up", "needs changing",
        "was not granted", "expired", "shows access denied", "has the wrong permissions",
    ),
    "service": (
        "is down", "is running out of space", "failed overnight", "is responding slowly",
        "reports errors in the log", "needs a restart", "is out of sync", "raised an alert",
        "has high CPU", "missed its schedule",
    ),
    "security": (
        "was reported by a user", "triggered an alert", "needs investigating",
        "was quarantined", "expires soon", "was blocked by the proxy",
    ),
}

CONTEXTS = (
    "since this morning", "after the latest update", "for the whole team", "since Monday",
    "when working from home", "on the third floor", "in the Leeds office", "in the Bristol office",
    "in the Glasgow warehouse", "at the Rotterdam depot", "in the Lisbon office",
    "during month-end", "for new starters", "on the night shift", "after the office move",
    "since the password change", "on the shared PC at reception", "for all customer calls",
    "while on the train", "in meeting room 4B", "after a power cut", "for the sales team",
    "since the weekend", "intermittently", "after a reboot", "on the guest network",
    "when printing large files", "during the quarterly audit", "for the finance team",
    "when using two monitors",
)

ATTEMPTS = (
    "restarting the PC", "signing out and in again", "clearing the browser cache",
    "a different network cable", "another browser", "the self-service password reset",
    "reinstalling the app", "a colleague's laptop", "the knowledge article on the intranet",
    "unplugging it for a minute", "switching off the VPN", "updating the driver",
)

REQUEST_ACTIONS = (
    "New", "Access to", "Install", "Replace", "Upgrade", "Move", "Remove access to", "Set up",
    "Extra licence for", "Loan",
)
CHANGE_ACTIONS = (
    "Upgrade", "Patch", "Migrate", "Decommission", "Replace", "Reconfigure", "Expand", "Roll out",
)
PROBLEM_OPENERS = ("Recurring:", "Root cause needed:", "Repeated incidents:", "Known issue:")

AGENT_REPLIES = (
    "Thanks for reporting this. I am looking into it now.",
    "Could you send a screenshot of the error message?",
    "I have reset the settings on our side; please try again and let me know.",
    "We have found the cause and are applying a fix this afternoon.",
    "Please restart once more and tell me whether the message comes back.",
    "I have passed this to the specialist team, who will contact you today.",
    "Can you confirm the asset tag on the label underneath the device?",
    "The fix is in place. Can you confirm it works for you now?",
    "A replacement is on its way; it should arrive within two working days.",
    "I could not reach you by phone; please reply with a good time to call.",
)
REQUESTER_REPLIES = (
    "Thanks, it still happens after the restart.",
    "Screenshot attached to my mail; the error appears right after signing in.",
    "I can be reached on my mobile all afternoon.",
    "It works again now, thank you for the quick help.",
    "A colleague in the same office has the same problem.",
    "Any news on this? I cannot work without it.",
)
INTERNAL_NOTES = (
    "Checked the logs on {host}; nothing obvious around the reported time.",
    "Known issue, see KB{kb}. Applied the documented workaround.",
    "Escalating: needs admin rights on {host} that L1 does not have.",
    "Vendor case {ticket} opened, waiting for their answer.",
    "Same symptom as last week's tickets for this office; linking them.",
    "Remote session done, cleared the cached credentials on {asset}.",
    "Reproduced on a test machine, only with the latest client version.",
)
RESOLUTION_NOTES = (
    "Reset the profile and confirmed with the user.",
    "Applied the workaround from the knowledge base.",
    "Replaced the faulty part.",
    "Permissions corrected and tested with the user.",
    "Vendor patch installed.",
    "Configuration restored from the last good backup.",
    "User error: walked the user through the right steps.",
    "Could not reproduce; closed after checking with the user.",
)
REOPEN_REASONS = (
    "It is broken again.",
    "The fix did not work for me.",
    "Same problem came back this morning.",
)

FIRST_NAMES = (
    "Aisha", "Alex", "Amir", "Anna", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Dan",
    "Daria", "David", "Elena", "Emma", "Farah", "Felix", "Grace", "Hannah", "Hugo", "Ines",
    "Isaac", "Jade", "James", "Jonas", "Julia", "Kai", "Karin", "Leah", "Liam", "Lucia",
    "Marco", "Maya", "Mehmet", "Mia", "Nadia", "Noah", "Olga", "Omar", "Paula", "Pavel",
    "Priya", "Quinn", "Rafael", "Rosa", "Ruth", "Sam", "Sara", "Sofia", "Tariq", "Tom",
    "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe", "Niamh", "Oscar", "Ingrid", "Kofi",
)
LAST_NAMES = (
    "Adams", "Ahmed", "Alvarez", "Baker", "Berg", "Brown", "Campbell", "Costa", "Dubois",
    "Evans", "Fischer", "Garcia", "Hansen", "Hughes", "Ivanova", "Jansen", "Kaur", "Keller",
    "Khan", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura",
    "Nguyen", "Novak", "O'Brien", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Quinn",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Sousa", "Svensson", "Tanaka",
    "Taylor", "Thomas", "Turner", "Wagner", "Walsh", "Weber", "Williams", "Wilson", "Wong",
    "Yilmaz", "Young", "Zhang", "Zimmermann", "Byrne", "Lindqvist",
)

ORGANISATION_PREFIXES = (
    "Northwind", "Blue Harbour", "Redwood", "Silverline", "Granite", "Oakfield", "Brightwater",
    "Summit", "Kestrel", "Harbourside", "Ironbridge", "Meadowbank", "Stonegate", "Clearview",
    "Fairhaven", "Westmoor", "Ashford", "Highland", "Riverside", "Copperfield",
)
ORGANISATION_SUFFIXES = (
    "Logistics", "Foods", "Finance", "Engineering", "Health", "Retail", "Energy", "Insurance",
    "Media", "Pharma", "Motors", "Hotels",
)

# Team areas for the generated L2 ("... Support") and L3 ("... Engineering") groups.
AREAS = (
    "Network", "Workplace", "Messaging", "Identity", "Applications", "Database", "Server",
    "Storage", "Security", "Telephony", "Print", "Mobile", "Cloud", "Finance Apps", "HR Apps",
    "Reporting", "Web", "Integration", "Facilities", "Retail Systems", "Warehouse Systems",
    "Collaboration", "Desktop", "Field", "Linux", "Windows", "Middleware", "Monitoring",
    "Backup", "Data Platform", "Payments", "ERP", "CRM", "DevOps", "Firewall", "Datacentre",
    "Audio Visual", "Licensing", "Automation", "Service Management",
)
# fmt: on
