"""Commands: ``servicedesk <name>``."""
