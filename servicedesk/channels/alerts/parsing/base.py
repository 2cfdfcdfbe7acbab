"""The normalised alert every parser returns, and what the parsers share."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from servicedesk.channels.alerts.choices import AlertEvent

TITLE_MAX = 200


class ParseError(ValueError):
    """A body no alert can be read from; ``code`` is the API error code."""

    def __init__(self, message: str, code: str = "invalid_payload"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Member:
    """One alert inside a grouped notification (Alertmanager, Grafana)."""

    key: str
    status: str  # firing / resolved, as the tool says
    host: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedAlert:
    """One alert as the desk understands it, whatever tool sent it.

    ``dedup_key`` is the tool's own identity for the alert (None when the payload carries
    none); ``key`` is what the desk correlates on: that identity, else a stable hash of the
    source kind, host, service and title. ``delivery_id`` names the notification itself
    (SNS MessageId, Datadog event id ...): the same id again is a retry, not a repeat.
    """

    tool: str
    event: str
    dedup_key: str | None
    title: str | None
    severity: str | None = None
    host: str | None = None
    service: str | None = None
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    alert_count: int = 1
    members: list[Member] = field(default_factory=list)
    delivery_id: str | None = None

    @property
    def key(self) -> str | None:
        if self.dedup_key:
            return self.dedup_key
        parts = [self.host, self.service, self.title]
        if not any(parts):
            return None
        return "hash:" + stable_hash(self.tool, *parts)

    def summary(self) -> dict[str, Any]:
        """What ``servicedesk alert-parse`` prints."""
        return {
            "event": self.event,
            "dedup_key": self.dedup_key,
            "title": self.title,
            "severity": self.severity,
            "host": self.host,
            "service": self.service,
            "alert_count": self.alert_count,
            "key": self.key,
            "labels": self.labels,
            "links": self.links,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "members": [{"key": m.key, "status": m.status, "host": m.host} for m in self.members],
            "delivery_id": self.delivery_id,
        }


def stable_hash(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p).strip().lower() for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# Texts no column stores, which only a JSON escape can put in a UTF-8 body: NUL (\u0000;
# PostgreSQL refuses it, the ticket services too) and a \uD800-\uDFFF escape left without
# its partner (a lone surrogate, which UTF-8 cannot encode). Either failed the whole delivery.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """``value`` with every unstorable character in its texts (keys too) made U+FFFD."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def load_json(raw: bytes | str) -> Any:
    """JSON as Python values, its texts storable; ParseError for bytes that are not JSON."""
    try:
        value = json.loads(raw)
    except UnicodeDecodeError:
        raise ParseError("The body is not UTF-8 text.", "invalid_json") from None
    except ValueError as error:
        raise ParseError(f"The body is not valid JSON: {error}.", "invalid_json") from None
    except RecursionError:
        # Python's decoder recurses per level: thousands of nested brackets exhaust the stack.
        raise ParseError("The body is not valid JSON: nested too deeply.", "invalid_json") from None
    if (b"\\u" if isinstance(raw, bytes) else "\\u") not in raw:
        return value  # no escape, so nothing unstorable
    try:
        return _storable(value)
    except RecursionError:
        raise ParseError("The body is not valid JSON: nested too deeply.", "invalid_json") from None


def load_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a ParseError saying why not."""
    value = load_json(raw)
    if not isinstance(value, dict):
        raise ParseError("The body must be a JSON object.", "invalid_payload")
    return value


def text(value: Any) -> str | None:
    """A scalar as stripped text; None for nothing, empty text, objects and lists."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    value = str(value).strip()
    return value or None


def title_text(value: Any) -> str | None:
    value = text(value)
    if value is None:
        return None
    value = re.sub(r"\s+", " ", value)
    return value if len(value) <= TITLE_MAX else value[: TITLE_MAX - 1] + "…"


def labels_of(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {
        str(k): str(v) for k, v in value.items() if v is not None and not isinstance(v, dict | list)
    }


def dig(data: Any, *path: str | int) -> Any:
    """data[path[0]][path[1]]..., or None where any step is missing."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
    return data


_ZERO_TIME = "0001-01-01"


def when(value: Any) -> datetime | None:
    """A timestamp in the forms tools send: ISO 8601 (any fraction), epoch s or ms."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or value.startswith(_ZERO_TIME):
        return None
    cleaned = value.strip().replace(" ", "T", 1)
    # Go writes nanoseconds and .NET ten-millionths; Python reads at most microseconds.
    cleaned = re.sub(r"(\.\d{6})\d+", r"\1", cleaned)
    cleaned = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", cleaned)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def link(href: Any, text_: Any = "") -> dict[str, str] | None:
    href = text(href)
    if not href or not href.startswith(("http://", "https://")):
        return None
    return {"href": href, "text": text(text_) or ""}


def links_of(*candidates: dict[str, str] | None) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for candidate in candidates:
        if candidate and candidate["href"] not in seen:
            seen.add(candidate["href"])
            out.append(candidate)
    return out


def require_identity(alert: ParsedAlert) -> ParsedAlert:
    """A payload that names nothing (no key, host, service or title) is no alert."""
    if alert.key is None:
        raise ParseError(
            "The payload names no alert: no identity, title, host or service was found.",
            "no_identity",
        )
    return alert


TRIGGER, RESOLVE, ACK, UNKNOWN = (
    AlertEvent.TRIGGER.value,
    AlertEvent.RESOLVE.value,
    AlertEvent.ACKNOWLEDGE.value,
    AlertEvent.UNKNOWN.value,
)
