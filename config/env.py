"""Typed readers for deploy-time settings taken from the environment.

Every value a deployment may change is read here. A ``NAME_FILE`` variable, when set, names a
file whose content is used instead of ``NAME`` (for secrets mounted as files).
"""

import os
import secrets
import time
from pathlib import Path


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return _read_file(f"{name}_FILE", file_name)
    return os.environ.get(name)


def _read_file(variable: str, file_name: str) -> str:
    # The OSError alone would name the file but not the variable that pointed at it.
    try:
        return Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    raise ValueError(f"{variable} names {file_name}, which cannot be read ({reason})")


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_fraction(name: str, default: float) -> float:
    """A number above 0 and at most 1 (a precision, a confidence)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    return _fraction(name, value)


def env_fractions(name: str, *, names: tuple[str, ...]) -> dict[str, float]:
    """``key=fraction`` pairs separated by commas, each key one of ``names``; {} when unset."""
    found: dict[str, float] = {}
    for item in env_list(name, []):
        key, equals, number = (part.strip() for part in item.partition("="))
        if not equals or key not in names:
            raise ValueError(
                f"{name} takes NAME=NUMBER pairs with NAME one of {', '.join(names)}, got {item!r}"
            )
        found[key] = _fraction(name, number)
    return found


def _fraction(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 1:
        raise ValueError(f"{name} must be a number above 0 and at most 1, got {value!r}")
    return number


CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def env_cron(name: str, default: str) -> dict[str, str] | None:
    """A five-field cron line as huey.crontab's keyword arguments; None for "off"."""
    value = (_raw(name) or default).strip()
    if value.lower() == "off":
        return None
    fields = value.split()
    if len(fields) != len(CRON_FIELDS):
        raise ValueError(
            f'{name} must be a cron line "minute hour day month weekday" or "off", got {value!r}'
        )
    return dict(zip(CRON_FIELDS, fields, strict=True))


def secret_key_file(path: Path) -> str:
    """The key kept in ``path``, made on first use: a desk never runs on a published default."""
    for _ in range(50):
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            key = secrets.token_urlsafe(50)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process made it first: read theirs
            with os.fdopen(fd, "w") as out:
                out.write(key)
        if key:
            return key
        time.sleep(0.02)  # the other process has created the file but not written it yet
    raise OSError(f"{path} stays empty; delete it or set SERVICEDESK_SECRET_KEY")
