"""Inbound mailboxes and the raw messages they deliver."""

import os

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from servicedesk.accounts.models import SupportGroup
from servicedesk.channels.email.choices import (
    AfterFetch,
    Automatic,
    ImapAuth,
    ImapSecurity,
    InboundState,
    Outcome,
    Transport,
    UnknownSender,
)
from servicedesk.tickets.models import Comment, Ticket

__all__ = ["InboundMessage", "Mailbox"]


class Mailbox(models.Model):
    """An address the desk receives mail at, the group its new tickets go to, and how to fetch it.

    Mail arrives by any transport (IMAP poll, SMTP listener, HTTP endpoint, MTA pipe); the IMAP
    settings matter only for a mailbox the desk polls. The IMAP secret is read from the
    environment variable named in ``imap_secret_env`` when set (preferred: it stays out of the
    database and its backups, and an OAuth2 token can be refreshed outside the desk), else
    from ``imap_secret``.
    """

    name = models.CharField(max_length=100, unique=True)
    address = models.EmailField(
        unique=True, help_text="The address people write to, e.g. help@example.org."
    )
    group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailboxes",
        help_text="New tickets from this mailbox go to this group (empty: the usual routing).",
    )
    is_active = models.BooleanField(default=True, help_text="Inactive: no mail is accepted.")
    unknown_sender = models.CharField(
        max_length=16, choices=UnknownSender.choices, default=UnknownSender.CREATE_CONTACT
    )
    auto_replies_create_tickets = models.BooleanField(
        default=False,
        help_text="Let automatic mail (auto-replies, bulk, lists, bounces) open tickets. "
        "It is never answered either way.",
    )
    cc_watchers = models.BooleanField(
        default=True, help_text="People of the desk named in Cc become watchers of the ticket."
    )

    imap_enabled = models.BooleanField("poll over IMAP", default=False)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(
        max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.IMAPS
    )
    imap_auth = models.CharField(max_length=10, choices=ImapAuth.choices, default=ImapAuth.PASSWORD)
    imap_username = models.CharField(max_length=255, blank=True)
    imap_secret_env = models.CharField(
        "secret from environment variable",
        max_length=100,
        blank=True,
        help_text="Name of an environment variable holding the password or OAuth2 token "
        "(NAME_FILE naming a file works too). Wins over the stored secret.",
    )
    imap_secret = models.CharField(
        "stored secret",
        max_length=4096,
        blank=True,
        help_text="The password or OAuth2 token, kept in the database (prefer the variable).",
    )
    imap_folder = models.CharField(max_length=255, default="INBOX")
    imap_after_fetch = models.CharField(
        max_length=8, choices=AfterFetch.choices, default=AfterFetch.FLAG
    )
    imap_move_to = models.CharField(
        max_length=255, blank=True, default="Processed", help_text="The folder for 'move'."
    )
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_poll_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.imap_enabled:
            if not self.imap_host.strip():
                problems["imap_host"] = "Needed to poll over IMAP."
            if not self.imap_username.strip():
                problems["imap_username"] = "Needed to poll over IMAP."
            if not (self.imap_secret_env.strip() or self.imap_secret):
                problems["imap_secret_env"] = "Name a variable holding the secret, or store one."
            if self.imap_after_fetch == AfterFetch.MOVE and not self.imap_move_to.strip():
                problems["imap_move_to"] = "Name the folder processed mail is moved to."
            if self.imap_after_fetch == AfterFetch.MOVE and self.imap_move_to == self.imap_folder:
                problems["imap_move_to"] = "Must differ from the folder that is polled."
        if not 0 < self.imap_port < 65536:
            problems["imap_port"] = "A port between 1 and 65535."
        if problems:
            raise ValidationError(problems)

    def imap_password(self) -> str:
        """The IMAP secret, read when it is needed (a refreshed token is picked up)."""
        name = self.imap_secret_env.strip()
        if name:
            file_name = os.environ.get(f"{name}_FILE")
            if file_name:
                with open(file_name, encoding="utf-8") as source:
                    return source.read().strip()
            return os.environ.get(name, "")
        return self.imap_secret


class InboundMessage(models.Model):
    """One message as it arrived, stored (raw bytes) before anything is parsed.

    Processing is idempotent on (mailbox, ``dedup_key``): the Message-ID, or the sha256 of the
    raw bytes when the message has none. ``is_automatic`` tells the outbound side never to
    acknowledge it.
    """

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    transport = models.CharField(max_length=8, choices=Transport.choices)
    raw = models.BinaryField()
    raw_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    envelope_from = models.CharField(max_length=998, blank=True)

    state = models.CharField(
        max_length=12, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # "mid:<Message-ID>" or "sha256:<hash of the raw bytes>"; set when it is processed. NULL,
    # not "", until then: the unique index ignores NULLs, so unprocessed copies may coexist.
    dedup_key = models.CharField(max_length=1000, null=True, blank=True)  # noqa: DJ001
    message_id = models.CharField(max_length=998, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    is_automatic = models.BooleanField(default=False)
    automatic = models.CharField(
        max_length=12, choices=Automatic.choices, default=Automatic.NO, blank=True
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default="", blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mail"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was quarantined or discarded.")
    notes = models.TextField(blank=True, help_text="What was left out (attachments over limits).")
    processed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the raw message was dropped, its keep period over "
        "(SERVICEDESK_EMAIL_KEEP_DAYS); what it made of it stays.",
    )  # fmt: skip

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="inbound_dedup_unique",
            )
        ]
        indexes = [
            # The recovery sweep: stored, never finished, oldest first.
            models.Index(
                fields=["received_at"],
                name="inbound_waiting",
                condition=Q(state=InboundState.RECEIVED),
            ),
            models.Index(fields=["state", "-received_at"], name="inbound_state"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.from_address or '?'}"
