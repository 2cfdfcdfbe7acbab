"""One POST from a monitoring tool, from its bytes to the answer: authenticate, store, verify
(SNS), process. The API view only turns this into HTTP."""

import base64
import hmac
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from servicedesk.channels.alerts import sns
from servicedesk.channels.alerts.choices import DeliveryState, SourceKind
from servicedesk.channels.alerts.models import AlertDelivery, AlertSource
from servicedesk.channels.alerts.selectors import active_source
from servicedesk.channels.alerts.services import (
    KEPT_HEADERS,
    alert_delivery_fail,
    alert_delivery_process,
    alert_delivery_reject,
    alert_delivery_store,
)
from servicedesk.core import clock

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Alert-Token"
# What an oversized body keeps: enough for the admin to see what it was.
KEPT_OF_OVERSIZED = 64 * 1024


@dataclass
class Answer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, code: str, message: str, **headers: str) -> "Answer":
        return cls(status, {"error": {"code": code, "message": message, "fields": {}}}, headers)


def given_token(headers, query: dict[str, str]) -> str:
    """The token from X-Alert-Token, Authorization (Bearer, or Basic's password) or ?token=."""
    if headers.get(TOKEN_HEADER):
        return headers[TOKEN_HEADER].strip()
    scheme, _, value = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip()).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return ""
    return query.get("token", "")


def authenticate(slug: str, headers, query: dict[str, str]) -> AlertSource | Answer:
    source = active_source(slug)
    if source is None:
        return Answer.error(404, "unknown_source", f"No active alert source is called {slug!r}.")
    token = given_token(headers, query)
    if not token or not hmac.compare_digest(AlertSource.hash_token(token), source.token_hash):
        return Answer.error(
            401, "bad_token",
            f"The source's token is missing or wrong: send it in {TOKEN_HEADER}, as a Bearer "
            "token, as the Basic-auth password or as ?token=.",
        )  # fmt: skip
    return source


def _kept_headers(headers) -> dict[str, str]:
    return {name: headers[name][:500] for name in KEPT_HEADERS if headers.get(name)}


def too_large(source: AlertSource, head: bytes, length: int, headers) -> Answer:
    limit = settings.SERVICEDESK_ALERTS_MAX_BYTES
    message = f"The body is {length} bytes; an alert source may post at most {limit}."
    delivery = alert_delivery_store(
        source=source, raw=head[:KEPT_OF_OVERSIZED], content_type=headers.get("Content-Type", ""),
        headers=_kept_headers(headers), state=DeliveryState.REJECTED,
        error_code="request_too_large", error=message + f" The first {KEPT_OF_OVERSIZED} bytes are kept.",
    )  # fmt: skip
    return Answer.error(413, "request_too_large", f"{message} (Delivery {delivery.pk} kept.)")


def receive(source: AlertSource, raw: bytes, headers) -> Answer:
    try:
        delivery = alert_delivery_store(
            source=source, raw=raw, content_type=headers.get("Content-Type", ""),
            headers=_kept_headers(headers),
        )  # fmt: skip
    except DatabaseError:
        return Answer.error(
            503,
            "unavailable",
            "The delivery cannot be stored now; try again later.",
            **{"Retry-After": "30"},
        )
    if source.kind == SourceKind.CLOUDWATCH:
        answer = _sns(source, delivery, raw)
        if answer is not None:
            return answer
    try:
        result = alert_delivery_process(delivery_id=delivery.pk, source=source)
    except DatabaseError:
        logger.warning("alert delivery %s stored but not processed", delivery.pk, exc_info=True)
        return Answer.error(
            503, "unavailable",
            f"Delivery {delivery.pk} is stored but could not be processed now; try again later.",
            **{"Retry-After": "30"},
        )  # fmt: skip
    except Exception as error:  # a bug must not lose the alert: it is stored, marked failed
        logger.exception("alert delivery %s failed", delivery.pk)
        alert_delivery_fail(delivery_id=delivery.pk, error=f"{type(error).__name__}: {error}")
        return Answer(202, {"delivery": delivery.pk, "state": DeliveryState.FAILED, "alerts": []})
    delivery = result.delivery
    if delivery.state == DeliveryState.REJECTED:
        return Answer.error(
            400, delivery.error_code or "invalid_payload",
            f"{delivery.error} (Delivery {delivery.pk} kept.)",
        )  # fmt: skip
    alerts = [
        {
            "key": a.key,
            "dedup_key": a.dedup_key,
            "event": a.event,
            "outcome": a.outcome,
            "incident": a.incident,
        }
        for a in result.alerts
    ]
    body: dict[str, Any] = {"delivery": delivery.pk, "state": delivery.state, "alerts": alerts}
    if source.kind == SourceKind.PAGERDUTY:
        # What PagerDuty answers, so that an Events API client can ack and resolve by the key.
        body |= {
            "status": "success",
            "message": "Event processed",
            "dedup_key": alerts[0]["key"] if alerts else None,
        }
    return Answer(202, body)


def _sns(source: AlertSource, delivery: AlertDelivery, raw: bytes) -> Answer | None:
    envelopes = sns.envelopes(raw)
    if envelopes is None:
        if not source.verify_signatures:
            return None
        message = "The body is not an Amazon SNS message; this source checks SNS signatures."
        alert_delivery_reject(delivery=delivery, code="bad_signature", message=message)
        return Answer.error(403, "bad_signature", f"{message} (Delivery {delivery.pk} kept.)")
    try:
        if source.verify_signatures:
            for envelope in envelopes:
                sns.verify(envelope)
        kind = envelopes[0].get("Type")
        if kind == "SubscriptionConfirmation":
            sns.confirm_subscription(envelopes[0])
            AlertDelivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.PROCESSED, processed_at=clock.now(),
                error="Subscription confirmed: " + str(envelopes[0].get("TopicArn", "")),
            )  # fmt: skip
            return Answer(200, {"delivery": delivery.pk, "state": "subscription_confirmed"})
        if kind == "UnsubscribeConfirmation":
            AlertDelivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.PROCESSED, processed_at=clock.now(), error="Unsubscribed."
            )
            return Answer(200, {"delivery": delivery.pk, "state": "unsubscribed"})
    except sns.SnsError as error:
        alert_delivery_reject(delivery=delivery, code=error.code, message=error.message)
        status = 403 if error.code == "bad_signature" else 502
        return Answer.error(status, error.code, f"{error.message} (Delivery {delivery.pk} kept.)")
    return None
