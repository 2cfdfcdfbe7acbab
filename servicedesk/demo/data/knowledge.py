"""The demo's knowledge base: a handful of articles people at Acme and Globex would look for.

(title, category, keywords, audience, owner, review in days (negative: overdue), body)
"""

ARTICLES = [
    (
        "VPN disconnects every hour or will not reconnect",
        "Network > VPN",
        "vpn, globalprotect, remote access, disconnect, drops, working from home",
        "public",
        "kim",
        180,
        """If the VPN drops, or the client says *Connecting...* for ever:

1. Click the GlobalProtect icon by the clock and choose **Disconnect**, then **Connect**.
2. Still stuck? Quit the client (right-click the icon, **Quit**), start it again from the
   Start menu and sign in with your usual password.
3. On hotel or home Wi-Fi that asks you to accept terms, open any web page first and accept
   them; the VPN cannot connect before that.
4. If it drops exactly every hour, restart the laptop once: a pending update holds the old
   network driver.

Still not working? Report a problem and tell us the time it last dropped.
""",
    ),
    (
        "Reset your password or unlock your account",
        "Access > Password reset",
        "password, reset, forgot, locked out, account locked, login, sign in",
        "public",
        "lee",
        365,
        """You can reset your own password, day and night, without calling the desk.

1. Go to the **password self-service** page on the intranet (*My account > Password*).
2. Choose **Forgot password**, type your user name and answer your security question.
3. A reset link arrives in your mailbox (or by text to your mobile on file); it works for
   15 minutes.

After five wrong passwords your account locks for 15 minutes and then unlocks by itself. If
you cannot wait, or never set up a security question, report a problem and we unlock it.
""",
    ),
    (
        "Printer shows a paper jam but there is no paper inside",
        "Hardware > Printer",
        "printer, paper jam, print, tray, floor printer, toner",
        "public",
        "eva",
        -10,
        """The floor printers report a jam when a scrap of paper stays behind the rear door.

1. Open the **rear door** (the blue lever at the back) and pull out any paper, gently,
   in the direction it feeds.
2. Take out **tray 2**, check nothing is stuck at its back, and push it in firmly.
3. Close every door: the printer checks itself and prints the waiting pages.

If the jam message comes back at once, switch the printer off and on. Report a problem with
the printer's name (on the sticker at the front) if it still jams.
""",
    ),
    (
        "Outlook keeps asking for your password",
        "Software > Email client",
        "outlook, email, password prompt, credentials, mail, office 365",
        "public",
        "lee",
        180,
        """Outlook asks again and again when it holds an old saved password.

1. Close Outlook.
2. Open **Credential Manager** from the Start menu, choose **Windows Credentials** and remove
   every entry that starts with *MicrosoftOffice*.
3. Start Outlook and sign in once with your current password.

This often follows a password change. If it still asks, report a problem.
""",
    ),
    (
        "Connect to the office Wi-Fi (Corp-WiFi)",
        "Network > Wi-Fi",
        "wifi, wi-fi, wireless, corp-wifi, guest wifi, internet",
        "public",
        "kim",
        180,
        """Company laptops join **Corp-WiFi** by themselves. If yours does not:

- Choose *Corp-WiFi* in the network list and sign in with your user name and password.
- Forget the network and join again after a password change.
- Visitors use **Guest-WiFi**: reception gives out a daily code.

Phones and personal devices may only use Guest-WiFi.
""",
    ),
    (
        "Request new software or a licence",
        "Software > Office",
        "software, install, licence, license, application, request",
        "public",
        "mo",
        365,
        """Most standard software installs itself from **Software Center** on your laptop:
open it from the Start menu, pick the application and choose **Install**.

For anything not listed there, or a paid licence, use *Request something* in this portal and
say which software, for whom, and why. Your manager is asked to approve paid licences.
""",
    ),
    (
        "VPN gateway: restart the tunnel service (agents only)",
        "Network > VPN",
        "vpn, vpn-gw-01, gateway, tunnel, runbook, outage",
        "internal",
        "kim",
        90,
        """Runbook for **vpn-gw-01** when many users report VPN drops at once.

1. Check the gateway dashboard: more than 50 sessions dropped in 5 minutes means the tunnel
   service hangs.
2. Fail over to **vpn-gw-02** from the admin console (*Network > Gateways > Fail over*).
3. Restart the tunnel service on vpn-gw-01 (`systemctl restart tunneld`) and fail back
   after 10 quiet minutes.
4. Link every user ticket to the problem record and resolve them together.
""",
    ),
    (
        "ERP reports time out at month end (agents only)",
        "Database > Performance",
        "erp, sql-erp-01, report, timeout, month end, slow",
        "internal",
        "dan",
        -5,
        """At month end the finance reports compete with the nightly batch on **sql-erp-01**.

- Ask the user to run the report before 16:00 or after 20:00.
- If it is urgent, Database Engineering can raise the report pool's memory for the day
  (change template *ERP month-end boost*).
- Never kill the batch job: it holds the ledger lock.
""",
    ),
]
