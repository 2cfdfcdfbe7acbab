"""SLA targets as text: ``8h30m``, ``45m``, ``90s``, ``PT8H30M``.

Days are refused on purpose: "1d" of business time could mean 24 hours or one working day, and
the two differ by a factor of three. A target is written in hours (``24h`` or ``8h``).
"""

import re
from datetime import timedelta

_SHORT = re.compile(
    r"(?:(\d{1,9})h)?\s*(?:(\d{1,9})m)?\s*(?:(\d{1,9})s)?", re.IGNORECASE | re.ASCII
)
_ISO = re.compile(
    r"PT(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?", re.IGNORECASE | re.ASCII
)
_DAYS = re.compile(r"\d\s*d|^P[^T]*\d[YMWD]", re.IGNORECASE | re.ASCII)
_FORMS = "use hours, minutes and seconds: 8h30m, 45m, 90s or PT8H30M"


def parse_duration(text: str) -> timedelta:
    """The business time ``text`` names; ``ValueError`` with a one-line reason otherwise."""
    written = text.strip()
    if written.startswith("-"):
        raise ValueError(f"duration {text!r} is negative; a target is zero or more")
    if _DAYS.search(written):
        raise ValueError(
            f"duration {text!r} has days, which are ambiguous in business time "
            "(24 hours or one working day?); write hours, e.g. 24h or 8h"
        )
    match = _ISO.fullmatch(written) or _SHORT.fullmatch(written)
    if not written or match is None or not any(match.groups()):
        raise ValueError(f"cannot read duration {text!r}: {_FORMS}")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)
