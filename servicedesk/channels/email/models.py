"""Inbound mailboxes and the raw messages they deliver."""
