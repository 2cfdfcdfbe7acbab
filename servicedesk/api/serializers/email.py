"""Inbound mail as the API shows it to desk admins (the raw bytes stay in the admin site)."""

from rest_framework import serializers

from servicedesk.channels.email.models import InboundMessage


class InboundMessageOutput(serializers.ModelSerializer):
    mailbox = serializers.CharField(source="mailbox.address")
    ticket = serializers.CharField(source="ticket.number", allow_null=True, default=None)

    class Meta:
        model = InboundMessage
        fields = [
            "id", "mailbox", "transport", "received_at", "size", "state", "outcome", "ticket",
            "message_id", "from_address", "subject", "is_automatic", "automatic", "reason",
            "notes", "attempts", "processed_at", "purged_at",
        ]  # fmt: skip
        read_only_fields = fields
