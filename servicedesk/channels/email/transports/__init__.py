"""The ways mail reaches the desk: IMAP poll, SMTP listener, HTTP endpoint, MTA pipe."""
