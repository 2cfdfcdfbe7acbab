"""Sizes as the docs and the messages write them."""

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def size_text(size: int) -> str:
    """A size in binary units: ``512 bytes``, ``1.5 KiB``, ``20 MiB``."""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    value, unit = size / 1024, _UNITS[0]
    for bigger in _UNITS[1:]:
        if round(value, 1) < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """A size and its limit in words that tell them apart even when they nearly meet."""
    shown_size, shown_limit = size_text(size), size_text(limit)
    if shown_size == shown_limit:
        return f"{size:,} bytes", f"{limit:,} bytes ({shown_limit})"
    return shown_size, shown_limit
