"""DynamoDB on one machine: moto in process, made durable with a write-ahead journal under var/.

Every successful write is appended to `journal.jsonl` and fsynced before the caller gets its
answer, so whatever the API acknowledged survives `kill -9`. On start the last snapshot is loaded,
the journal replayed on top, expired TTL items dropped, and a fresh snapshot written.

moto's conditional writes are not atomic across threads, so every call takes one lock: the
conditions (capacity, duplicates, versions) then hold exactly as they do on DynamoDB.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from portal_infra.embedded_queries import QueryFastPath
from portal_infra.embedded_transactions import TransactionEmulator
from portal_infra.tables import create_tables
from portal_infra.template import Table, Template

WRITE_OPERATIONS = frozenset({"put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"})
READ_OPERATIONS = frozenset(
    {"get_item", "query", "scan", "batch_get_item", "transact_get_items", "describe_table", "list_tables"}
)
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "embedded",
    "AWS_SECRET_ACCESS_KEY": "embedded",
    "AWS_SESSION_TOKEN": "embedded",
    "AWS_DEFAULT_REGION": "cn-north-1",
}


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": base64.b64encode(bytes(value)).decode()}
    raise TypeError(f"cannot journal {type(value).__name__}")


def _decode(mapping: dict[str, Any]) -> Any:
    if set(mapping) == {"__bytes__"}:
        return base64.b64decode(mapping["__bytes__"])
    return mapping


class StateInUse(RuntimeError):
    """Another process holds the state directory."""


class DurableClient:
    """Wraps a moto-backed boto3 DynamoDB client: one call at a time, writes journaled before returning."""

    def __init__(
        self,
        client: Any,
        journal: Callable[[str, dict[str, Any]], None],
        lock: threading.Lock,
        transactions: TransactionEmulator,
        queries: QueryFastPath,
    ) -> None:
        self._client = client
        self._journal = journal
        self._lock = lock
        self._transactions = transactions
        self._queries = queries

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name == "transact_write_items":
            attribute = self._transactions.transact_write_items
        if name in WRITE_OPERATIONS:

            def write(**params: Any) -> Any:
                with self._lock:
                    result = attribute(**params)
                    self._journal(name, params)
                    return result

            return write
        if name in ("query", "get_item"):
            fast_path = getattr(self._queries, name)

            def read_directly(**params: Any) -> Any:
                with self._lock:
                    answered = fast_path(params)
                    return answered if answered is not None else attribute(**params)

            return read_directly
        if name in READ_OPERATIONS:

            def read(**params: Any) -> Any:
                with self._lock:
                    return attribute(**params)

            return read
        return attribute


class EmbeddedDynamoDB:
    def __init__(self, state_dir: Path, template: Template | None = None) -> None:
        self.state_dir = state_dir
        self.template = template or Template()
        self._snapshot_path = state_dir / "dynamodb-snapshot.json"
        self._journal_path = state_dir / "dynamodb-journal.jsonl"
        self._lock = threading.Lock()
        self._sequence = 0
        self._journal_file: Any = None
        self._mock: Any = None
        self._raw: Any = None
        self._tables: dict[str, Table] = {}
        self._transactions: Any = None
        self._queries: Any = None
        self._state_lock: Any = None

    def start(self) -> DurableClient:
        import boto3
        from moto import mock_aws

        for name, value in FAKE_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._hold_state_dir()
        self._mock = mock_aws()
        self._mock.start()
        self._raw = boto3.client("dynamodb", region_name=os.environ["AWS_DEFAULT_REGION"])
        self._tables = create_tables(self._raw, self.template)
        keys = {
            name: [key["AttributeName"] for key in table.properties["KeySchema"]]
            for name, table in self._tables.items()
        }
        self._transactions = TransactionEmulator(self._raw, keys)
        self._queries = QueryFastPath(os.environ["AWS_DEFAULT_REGION"])
        self._restore()
        self._journal_file = self._journal_path.open("a", encoding="utf-8")
        return self.client()

    def client(self) -> DurableClient:
        return DurableClient(self._raw, self._append, self._lock, self._transactions, self._queries)

    def _hold_state_dir(self) -> None:
        """Two processes replaying and appending one journal would corrupt it: the second one stops."""
        holder = (self.state_dir / ".lock").open("a")
        try:
            fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder.close()
            message = f"{self.state_dir} is in use by another portal process (is `make serve` running?)"
            raise StateInUse(message) from None
        self._state_lock = holder

    def stop(self) -> None:
        with self._lock:
            if self._journal_file is not None:
                self._journal_file.close()
                self._journal_file = None
            if self._state_lock is not None:
                self._state_lock.close()  # closing releases the flock
                self._state_lock = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def _append(self, operation: str, params: dict[str, Any]) -> None:
        self._sequence += 1
        line = json.dumps(
            {"seq": self._sequence, "op": operation, "params": params}, ensure_ascii=False, default=_encode
        )
        self._journal_file.write(line + "\n")
        self._journal_file.flush()
        os.fsync(self._journal_file.fileno())

    def _restore(self) -> None:
        applied = self._load_snapshot()
        for entry in self._journal_entries():
            if entry["seq"] <= applied:
                continue
            # A replay in order cannot fail a condition, but that must never stop a restart.
            operation = (
                self._transactions.transact_write_items
                if entry["op"] == "transact_write_items"
                else getattr(self._raw, entry["op"])
            )
            with contextlib.suppress(
                self._raw.exceptions.ConditionalCheckFailedException,
                self._raw.exceptions.TransactionCanceledException,
            ):
                operation(**entry["params"])
            applied = entry["seq"]
        self._sequence = applied
        self._write_snapshot()

    def _load_snapshot(self) -> int:
        if not self._snapshot_path.exists():
            return 0
        snapshot = json.loads(self._snapshot_path.read_text(encoding="utf-8"), object_hook=_decode)
        for table, items in snapshot["tables"].items():
            if table not in self._tables:
                continue
            for item in items:
                self._raw.put_item(TableName=table, Item=item)
        return int(snapshot["seq"])

    def _journal_entries(self) -> Iterator[dict[str, Any]]:
        if not self._journal_path.exists():
            return
        with self._journal_path.open(encoding="utf-8") as journal:
            for line in journal:
                try:
                    yield json.loads(line, object_hook=_decode)
                except json.JSONDecodeError:
                    return  # a write torn by a crash was never acknowledged: stop at it

    def _write_snapshot(self) -> None:
        """Compact: everything live (expired TTL items dropped) into one file, then an empty journal."""
        now = time.time()
        tables = {}
        for name, table in self._tables.items():
            items = []
            for page in self._raw.get_paginator("scan").paginate(TableName=name):
                for item in page["Items"]:
                    ttl = item.get(table.ttl_attribute or "", {}).get("N")
                    if ttl is not None and float(ttl) < now:
                        self._raw.delete_item(TableName=name, Key=self._key_of(table, item))
                        continue
                    items.append(item)
            tables[name] = items
        temporary = self._snapshot_path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump({"seq": self._sequence, "tables": tables}, out, ensure_ascii=False, default=_encode)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(self._snapshot_path)
        _fsync_directory(self.state_dir)
        self._journal_path.write_text("", encoding="utf-8")

    @staticmethod
    def _key_of(table: Table, item: dict[str, Any]) -> dict[str, Any]:
        return {key["AttributeName"]: item[key["AttributeName"]] for key in table.properties["KeySchema"]}


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
