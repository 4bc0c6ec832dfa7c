"""Complaint intake: cold import, warm in-process latency, DynamoDB calls, and loopback throughput."""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from portal.bootstrap import Container, use_container
from portal.config import Settings
from portal_infra.gateway import Portal
from portal_infra.lambda_runtime import HttpRequest

from benchmarks.stats import percentile, summary_ms
from tests.conftest import complaint_payload
from tests.gateway_process import free_port, start_gateway

IMPORT_RUNS = 7
WARM_REQUESTS = 300
LOAD_CLIENTS = 16
LOAD_SECONDS = 20


def cold_import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(IMPORT_RUNS)]
    return statistics.median(runs)


def measure_cold_import() -> dict[str, float]:
    handler = cold_import_seconds("portal.handlers.complaints")
    boto3 = cold_import_seconds("boto3")
    print(
        f"cold import, median of {IMPORT_RUNS}: portal.handlers.complaints {handler * 1000:.0f} ms, "
        f"boto3 {boto3 * 1000:.0f} ms, ratio {handler / boto3:.2f}"
    )
    return {"handler_import_ms": handler * 1000, "boto3_import_ms": boto3 * 1000, "ratio": handler / boto3}


class CountingClient:
    def __init__(self, client: Any, calls: list[str]) -> None:
        self._client = client
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith(("get_paginator", "can_paginate")) or name == "exceptions":
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls.append("".join(part.title() for part in name.split("_")))
            return attribute(*args, **kwargs)

        return counted


def measure_warm_in_process() -> dict[str, float]:
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory() as state:
        portal = Portal(Path(state) / "site", Path(state))
        portal.start()
        calls: list[str] = []
        # Count the requests the adapters make (what DynamoDB would bill), not moto's internals.
        use_container(Container(Settings.from_env(), dynamodb_client=CountingClient(portal.store.client(), calls)))
        body = json.dumps(complaint_payload()).encode()

        def submit(key: str | None) -> float:
            headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
            started = time.perf_counter()
            response = portal.handle_api(HttpRequest("POST", "/api/complaints", headers, body, "127.0.0.1"))
            elapsed = time.perf_counter() - started
            assert response.status == 201, response.body
            return elapsed

        for _ in range(20):
            submit(uuid.uuid4().hex)
        calls.clear()
        submit(None)
        plain_calls = list(calls)
        calls.clear()
        submit(uuid.uuid4().hex)
        keyed_calls = list(calls)
        samples = [submit(uuid.uuid4().hex) for _ in range(WARM_REQUESTS)]
        portal.stop()
    use_container(None)
    os.environ.clear()
    os.environ.update(saved)
    print(f"warm in-process POST /api/complaints (with Idempotency-Key, journal fsync on): {summary_ms(samples)}")
    print(
        f"DynamoDB requests per submission: {len(plain_calls)} without a key ({', '.join(plain_calls)}), "
        f"{len(keyed_calls)} with an Idempotency-Key ({', '.join(keyed_calls)})"
    )
    return {
        "p50_ms": percentile(samples, 0.5) * 1000,
        "p99_ms": percentile(samples, 0.99) * 1000,
        "dynamodb_calls_plain": len(plain_calls),
        "dynamodb_calls_with_key": len(keyed_calls),
    }


def measure_gateway_load() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        port = free_port()
        gateway = start_gateway(Path(state), port)
        latencies: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + LOAD_SECONDS
        body = json.dumps(complaint_payload())

        def client() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    connection.request(
                        "POST",
                        "/api/complaints",
                        body,
                        {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                    )
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except OSError:  # a refused or reset connection is an error, counted like a 5xx
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 201:
                        errors.append(status)
            connection.close()

        threads = [threading.Thread(target=client) for _ in range(LOAD_CLIENTS)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        gateway.send_signal(signal.SIGINT)
        gateway.wait(timeout=30)
    rate = len(latencies) / wall
    print(
        f"local gateway, {LOAD_CLIENTS} concurrent clients for {LOAD_SECONDS} s: {rate:.1f} submissions/s, "
        f"{summary_ms(latencies)}, errors {len(errors)}"
    )
    return {"submissions_per_second": rate, "p99_ms": percentile(latencies, 0.99) * 1000, "errors": len(errors)}


def run() -> dict[str, Any]:
    return {
        "cold_import": measure_cold_import(),
        "warm_in_process": measure_warm_in_process(),
        "gateway_load": measure_gateway_load(),
    }
