"""Embedded mode: what the gateway acknowledged survives kill -9 and a restart."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from portal_infra.embedded_dynamodb import EmbeddedDynamoDB

from tests.conftest import complaint_payload
from tests.gateway_process import free_port, request, start_gateway

pytestmark = pytest.mark.slow


def test_a_complaint_acknowledged_with_201_survives_kill_9_and_a_restart(tmp_path: Path) -> None:
    # Given a running gateway that has just acknowledged two complaints
    port = free_port()
    gateway = start_gateway(tmp_path, port)
    try:
        first = request(port, "POST", "/api/complaints", complaint_payload())
        second = request(port, "POST", "/api/complaints", complaint_payload(issue_type="price"))
        # When the process is killed without any chance to clean up, right after the 201
        os.kill(gateway.pid, signal.SIGKILL)
        gateway.wait(timeout=10)
    finally:
        gateway.kill()
    assert first[0] == second[0] == 201

    # Then after a restart on the same state both complaints are there, codes and all
    port = free_port()
    restarted = start_gateway(tmp_path, port)
    try:
        for _, created in (first, second):
            status, body = request(
                port,
                "GET",
                f"/api/complaints/{created['tracking_no']}",
                headers={"X-Access-Code": created["access_code"]},
            )
            assert status == 200
            assert body["tracking_no"] == created["tracking_no"]
        # and new complaints are accepted on top of the recovered state
        assert request(port, "POST", "/api/complaints", complaint_payload())[0] == 201
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(timeout=20)
    assert restarted.returncode == 0


def test_a_torn_last_journal_line_is_ignored_and_expired_items_are_dropped_on_restart(tmp_path: Path) -> None:
    # Given a store with one live item, one whose TTL has passed, and a half-written journal line
    store = EmbeddedDynamoDB(tmp_path)
    client = store.start()
    client.put_item(TableName="IdempotencyTable", Item={"id": {"S": "live"}, "expiration": {"N": "9999999999"}})
    client.put_item(TableName="IdempotencyTable", Item={"id": {"S": "stale"}, "expiration": {"N": "1"}})
    store.stop()
    with (tmp_path / "dynamodb-journal.jsonl").open("a", encoding="utf-8") as journal:
        journal.write('{"seq": 3, "op": "put_item", "params": {"TableName": "Idem')

    # When the store starts again
    restarted = EmbeddedDynamoDB(tmp_path)
    client = restarted.start()
    try:
        ids = {item["id"]["S"] for item in client.scan(TableName="IdempotencyTable")["Items"]}
    finally:
        restarted.stop()

    # Then the acknowledged live item is back, the expired one and the torn write are not
    assert ids == {"live"}
