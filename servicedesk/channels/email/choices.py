"""Enumerations of the email channel."""

from django.db import models


class ImapSecurity(models.TextChoices):
    IMAPS = "imaps", "IMAPS (TLS from the start, port 993)"
    STARTTLS = "starttls", "STARTTLS (plain connection upgraded to TLS, port 143)"
    # Only for a server on the same machine or a test server: the password crosses in clear.
    PLAIN = "plain", "None (loopback or test servers only)"


class ImapAuth(models.TextChoices):
    PASSWORD = "password", "Password (LOGIN)"
    XOAUTH2 = "xoauth2", "OAuth2 access token (XOAUTH2)"


class AfterFetch(models.TextChoices):
    """What the poller does on the server with a message whose ticket is committed."""

    FLAG = "flag", "Mark it as read (\\Seen); fetch only unread mail"
    MOVE = "move", "Move it to another folder; fetch everything in the folder"


class UnknownSender(models.TextChoices):
    CREATE_CONTACT = "create_contact", "Create an end-user contact"
    REJECT = "reject", "Reject the message (kept, not turned into a ticket)"


class Transport(models.TextChoices):
    IMAP = "imap", "IMAP poll"
    SMTP = "smtp", "SMTP listener"
    HTTP = "http", "HTTP endpoint"
    PIPE = "pipe", "ingest-email (MTA pipe)"
    ADMIN = "admin", "Admin"


class InboundState(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate of a message already processed"
    DISCARDED = "discarded", "Discarded (see the reason)"
    QUARANTINED = "quarantined", "Quarantined (see the reason)"


class Outcome(models.TextChoices):
    """What processing made of a message."""

    TICKET_CREATED = "ticket_created", "New ticket"
    REPLY_ADDED = "reply_added", "Reply on a ticket"
    REOPENED = "reopened", "Reply that reopened a resolved ticket"
    FOLLOW_UP = "follow_up", "New ticket following up a closed one"
    NOTE_ADDED = "note_added", "Note on a ticket"
    NONE = "", "Nothing"


class Automatic(models.TextChoices):
    """Why a message counts as sent by a machine: it never opens a ticket nor gets an answer."""

    NO = "", "Written by a person"
    AUTO_REPLY = "auto_reply", "Automatic reply (out of office, auto-responder)"
    BOUNCE = "bounce", "Delivery status notification (bounce)"
    LIST = "list", "Mailing-list or bulk mail"
    NULL_SENDER = "null_sender", "Empty Return-Path (null sender)"
