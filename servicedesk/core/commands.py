"""What the ``servicedesk`` commands share."""

from django.core.management.base import CommandError, CommandParser


def one_line_usage_errors(parser: CommandParser, *, returncode: int = 2) -> CommandParser:
    """Bad arguments as one line on stderr and exit ``returncode``; argparse would print the
    whole usage first. Called from code (call_command), a CommandError instead."""
    from_command_line = parser.called_from_command_line

    def one_line_error(message: str):
        if not from_command_line:
            raise CommandError(f"Error: {message}", returncode=returncode)
        parser.exit(returncode, f"{parser.prog}: error: {message}\n")

    parser.error = one_line_error
    return parser
