"""AWS CloudWatch alarms delivered by Amazon SNS (HTTP/S subscription, or a Lambda's
``Records[].Sns`` envelope forwarded as is).

The alarm is a JSON string inside ``Message``. Identity: ``AlarmArn``; older messages lack
it, then account + region + alarm name. ``MessageId`` names the delivery: SNS re-delivers with
the same one. ALARM fires, OK resolves, INSUFFICIENT_DATA says nothing either way.
"""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    RESOLVE,
    TRIGGER,
    UNKNOWN,
    ParsedAlert,
    ParseError,
    link,
    links_of,
    load_json,
    text,
    title_text,
    when,
)

_EVENTS = {"ALARM": TRIGGER, "OK": RESOLVE}
# The dimension that names the thing an alarm watches, most specific first.
_HOST_DIMENSIONS = (
    "InstanceId", "DBInstanceIdentifier", "DBClusterIdentifier", "LoadBalancer",
    "TargetGroup", "QueueName", "FunctionName", "ClusterName", "ServiceName", "TableName",
    "BucketName", "AutoScalingGroupName", "CacheClusterId", "DomainName", "TopicName",
)  # fmt: skip


def _envelopes(data: dict[str, Any]) -> list[dict[str, Any]]:
    records = data.get("Records")
    if isinstance(records, list):
        return [r["Sns"] for r in records if isinstance(r, dict) and isinstance(r.get("Sns"), dict)]
    return [data]


def _host(trigger: dict[str, Any]) -> str | None:
    dimensions = {
        text(d.get("name")): text(d.get("value"))
        for d in trigger.get("Dimensions") or []
        if isinstance(d, dict)
    }
    for name in _HOST_DIMENSIONS:
        if dimensions.get(name):
            return dimensions[name]
    return next((v for v in dimensions.values() if v), None)


def _alarm(envelope: dict[str, Any]) -> ParsedAlert:
    message = envelope.get("Message")
    if isinstance(message, str):
        try:
            message = load_json(message)
        except ParseError:
            message = None
    if not isinstance(message, dict) or "AlarmName" not in message:
        raise ParseError(
            "The SNS message is not a CloudWatch alarm (no AlarmName in Message).",
            "invalid_payload",
        )
    name = text(message.get("AlarmName"))
    arn = text(message.get("AlarmArn"))
    if arn is None and name:
        account, region = text(message.get("AWSAccountId")), text(message.get("Region"))
        arn = f"{account}:{region}:{name}" if account and region else None
    trigger = message.get("Trigger") if isinstance(message.get("Trigger"), dict) else {}
    namespace, metric = text(trigger.get("Namespace")), text(trigger.get("MetricName"))
    new, old = text(message.get("NewStateValue")), text(message.get("OldStateValue"))
    return ParsedAlert(
        tool="cloudwatch",
        event=_EVENTS.get((new or "").upper(), UNKNOWN),
        dedup_key=arn,
        title=title_text(name),
        host=_host(trigger),
        service="/".join(p for p in (namespace, metric) if p) or None,
        description="\n".join(
            p
            for p in (text(message.get("AlarmDescription")), text(message.get("NewStateReason")))
            if p
        ),
        labels={
            k: v
            for k, v in (
                ("region", text(message.get("Region"))),
                ("old_state", old),
                ("new_state", new),
            )
            if v
        },
        links=links_of(
            link(envelope.get("UnsubscribeURL") or envelope.get("UnsubscribeUrl"), "Unsubscribe")
        ),
        started_at=when(message.get("StateChangeTime")),
        delivery_id=text(envelope.get("MessageId")),
    )


def parse_cloudwatch(data: dict[str, Any]) -> list[ParsedAlert]:
    envelopes = _envelopes(data)
    if not envelopes:
        raise ParseError("The SNS event holds no records.", "invalid_payload")
    kind = text(envelopes[0].get("Type"))
    if kind in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        raise ParseError(f"An SNS {kind} holds no alarm.", "sns_control")
    return [_alarm(e) for e in envelopes]
