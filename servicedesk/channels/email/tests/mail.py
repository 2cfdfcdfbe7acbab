"""Messages written for the tests, as a mail client would send them."""

from email.message import EmailMessage
from email.utils import format_datetime

from servicedesk.core import clock


def mail(
    *,
    sender: str = "ann@example.org",
    to: str = "help@example.org",
    subject: str = "Printer on floor 3 jams",
    body: str = "The printer jams on every page.",
    message_id: str | None = "a1@client.example.org",
    in_reply_to: str = "",
    references: str = "",
    cc: str = "",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """Raw bytes of one message; ``message_id=None`` leaves the header out."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    if message_id is not None:
        message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{r}>" for r in references.split())
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, content in attachments:
        main, _, sub = content_type.partition("/")
        message.add_attachment(content, maintype=main, subtype=sub, filename=filename)
    return message.as_bytes()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256))


def pdf_only(*, sender: str = "ann@example.org", message_id: str = "pdf1@client") -> bytes:
    """A message that is only an attachment: a top-level application/pdf."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "help@example.org"
    message["Subject"] = "Scan"
    message["Message-ID"] = f"<{message_id}>"
    message.set_content(PDF, maintype="application", subtype="pdf", filename="scan.pdf")
    return message.as_bytes()
