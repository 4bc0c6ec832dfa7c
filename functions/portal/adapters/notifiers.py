"""Where organizer notices go: an SNS topic on AWS; in embedded mode the outbox is itself the inbox."""

from __future__ import annotations

from typing import Any

from portal.ports import Notice


class SnsNotifier:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def send(self, notice: Notice) -> None:
        # The notice id doubles as a deduplication hint for subscribers that receive a resend.
        self._client.publish(
            TopicArn=self._topic_arn,
            Subject=notice.subject[:100],
            Message=notice.message,
            MessageAttributes={"notice_id": {"DataType": "String", "StringValue": notice.id}},
        )


class OutboxOnlyNotifier:
    """Embedded mode: the organizer page reads the outbox, so delivering means nothing more to do."""

    def send(self, notice: Notice) -> None:  # noqa: ARG002 - the port's signature
        return None
