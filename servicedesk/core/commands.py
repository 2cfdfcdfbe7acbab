"""What the ``servicedesk`` commands share."""

import sys
from pathlib import Path

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


def read_input(name: str, *, max_bytes: int) -> bytes:
    """The bytes of the file ``name`` (``-``: standard input), for commands that read one.

    A file that cannot be read, is over ``max_bytes`` or holds nothing is one line and exit 2."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with Path(name).open("rb") as source:
                raw = source.read(max_bytes + 1)
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror or error}", returncode=2) from None
    if len(raw) > max_bytes:
        raise CommandError(f"{name} is over {max_bytes // (1024 * 1024)} MiB", returncode=2)
    if not raw.strip():
        raise CommandError(f"{name} is empty", returncode=2)
    return raw
