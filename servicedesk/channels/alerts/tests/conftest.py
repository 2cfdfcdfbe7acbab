import base64
import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from rest_framework.test import APIClient

from servicedesk.channels.alerts import sns
from servicedesk.channels.alerts.models import AlertSource
from servicedesk.channels.alerts.services import alert_source_save


@pytest.fixture
def make_source(db):
    """A source of ``kind``; its token is on ``source.token``."""

    def make(kind: str, slug: str | None = None, **settings):
        values = {
            "name": slug or kind,
            "slug": slug or kind.replace("_", "-"),
            "kind": kind,
            **settings,
        }
        source, token = alert_source_save(source=AlertSource(), values=values, new_token=True)
        source.token = token
        return source

    return make


@pytest.fixture
def post():
    """POST a body to a source's receiver with its token; the response."""
    client = APIClient()

    def send(source, body, *, token=None, **extra):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return client.generic(
            "POST", f"/api/v1/alerts/{source.slug}/", raw, content_type="application/json",
            HTTP_X_ALERT_TOKEN=source.token if token is None else token, **extra,
        )  # fmt: skip

    return send


class SnsSigner:
    """Signs SNS envelopes with a key of our own and serves its certificate to the verifier
    (the corpus's signatures are fake)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self.key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )  # fmt: skip
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM)
        self.fetched: list[str] = []
        self.confirmed: list[str] = []

    def sign(self, envelope: dict, version: str = "1") -> dict:
        envelope = {**envelope, "SignatureVersion": version}
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303
        signature = self.key.sign(sns.string_to_sign(envelope), padding.PKCS1v15(), digest)
        envelope["Signature"] = base64.b64encode(signature).decode()
        return envelope


@pytest.fixture
def sns_signer(monkeypatch):
    signer = SnsSigner()
    sns._certificates.clear()

    def fetch(url):
        signer.fetched.append(url)
        return signer.pem

    monkeypatch.setattr(sns, "fetch_certificate", fetch)
    monkeypatch.setattr(sns, "open_url", signer.confirmed.append)
    yield signer
    sns._certificates.clear()
