"""Amazon SNS over HTTP/S: the subscription handshake and the message signature check.

SNS signs each message with a key whose certificate it serves from ``SigningCertURL`` on an
``sns.<region>.amazonaws.com`` host (SignatureVersion 1: SHA1, 2: SHA256, both RSA PKCS#1
v1.5). We verify before reading the message as an alarm, and confirm a subscription by
fetching its ``SubscribeURL`` (the only way SNS starts sending).
"""

import base64
import re
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from servicedesk.channels.alerts.parsing.base import ParseError, load_json

_SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
_SIGNED_NOTIFICATION = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_SIGNED_SUBSCRIPTION = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
_certificates: dict[str, x509.Certificate] = {}
TIMEOUT = 10


class SnsError(Exception):
    def __init__(self, message: str, code: str = "bad_signature"):
        super().__init__(message)
        self.message, self.code = message, code


def envelopes(raw: bytes) -> list[dict[str, Any]] | None:
    """The SNS envelopes of a body (HTTP delivery or a Lambda's Records); None if not SNS."""
    try:
        data = load_json(raw)
    except ParseError:
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("Records"), list):
        found = [r.get("Sns") for r in data["Records"] if isinstance(r, dict)]
        return [f for f in found if isinstance(f, dict)] or None
    return [data] if "Type" in data and "TopicArn" in data else None


def _field(envelope: dict[str, Any], name: str) -> Any:
    # A Lambda's records spell the URLs SigningCertUrl / SubscribeUrl.
    return envelope.get(name, envelope.get(name.replace("URL", "Url")))


def _check_url(url: Any, what: str) -> str:
    if not isinstance(url, str):
        raise SnsError(f"The SNS message has no {what}.")
    parts = urlsplit(url)
    if parts.scheme != "https" or not _SNS_HOST.match(parts.hostname or ""):
        raise SnsError(f"The {what} {url!r} is not an https URL of Amazon SNS.")
    return url


def fetch_certificate(url: str) -> bytes:
    """The PEM at ``url`` (tests replace this with their own certificate)."""
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310 (checked https SNS host)
        return answer.read(64 * 1024)


def _certificate(url: str) -> x509.Certificate:
    if url not in _certificates:
        try:
            _certificates[url] = x509.load_pem_x509_certificate(fetch_certificate(url))
        except (OSError, ValueError) as error:
            raise SnsError(f"The signing certificate cannot be read: {error}.") from None
    return _certificates[url]


def string_to_sign(envelope: dict[str, Any]) -> bytes:
    names = _SIGNED_NOTIFICATION if envelope.get("Type") == "Notification" else _SIGNED_SUBSCRIPTION
    parts = []
    for name in names:
        value = _field(envelope, name)
        if value is not None:
            parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode()


def verify(envelope: dict[str, Any]) -> None:
    """Raise SnsError unless Amazon SNS signed this message."""
    version = str(envelope.get("SignatureVersion", ""))
    algorithm = {"1": hashes.SHA1(), "2": hashes.SHA256()}.get(version)  # noqa: S303 (SNS v1 is SHA1)
    if algorithm is None:
        raise SnsError(f"Unknown SNS SignatureVersion {version!r}.")
    url = _check_url(_field(envelope, "SigningCertURL"), "SigningCertURL")
    try:
        signature = base64.b64decode(str(envelope.get("Signature", "")), validate=True)
    except ValueError:
        raise SnsError("The SNS Signature is not base64.") from None
    key = _certificate(url).public_key()
    try:
        key.verify(signature, string_to_sign(envelope), padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        raise SnsError("The SNS message signature does not match.") from None


def confirm_subscription(envelope: dict[str, Any]) -> None:
    """Visit SubscribeURL, as SNS asks an endpoint to (tests replace ``open_url``)."""
    url = _check_url(_field(envelope, "SubscribeURL"), "SubscribeURL")
    try:
        open_url(url)
    except OSError as error:
        raise SnsError(
            f"Confirming the subscription failed: {error}.", "confirmation_failed"
        ) from None


def open_url(url: str) -> None:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:  # noqa: S310 (checked https SNS host)
        answer.read(64 * 1024)
