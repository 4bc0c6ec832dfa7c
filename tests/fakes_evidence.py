"""In-memory evidence ports enforcing the adapters' invariants, and a browser-like form upload."""

from __future__ import annotations

import secrets
import struct
import threading
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from portal.domain.evidence import EvidenceSlot
from portal.ports import SlotTaken, StoredObject, UploadSlot


def _png(width: int, height: int) -> bytes:
    """A real PNG image (white pixels), made with zlib: no image library needed."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


TINY_PNG = _png(2, 2)
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class InMemoryEvidence:
    """Slot records with the DynamoDB adapter's conditional-put rules, safe across threads."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, int], EvidenceSlot] = {}
        self._lock = threading.Lock()

    def slots(self, tracking_no: str) -> list[EvidenceSlot]:
        with self._lock:
            return [slot for (number, _), slot in self.records.items() if number == tracking_no]

    def get(self, tracking_no: str, number: int) -> EvidenceSlot | None:
        return self.records.get((tracking_no, number))

    def put(self, slot: EvidenceSlot, replacing: EvidenceSlot | None = None) -> None:
        key = (slot.tracking_no, slot.number)
        with self._lock:
            current = self.records.get(key)
            if replacing is None and current is not None:
                raise SlotTaken(slot.tracking_no)
            if replacing is not None and (
                current is None or (current.object_key, current.state) != (replacing.object_key, replacing.state)
            ):
                raise SlotTaken(slot.tracking_no)
            self.records[key] = slot

    def delete_all(self, tracking_no: str) -> None:
        with self._lock:
            for key in [key for key in self.records if key[0] == tracking_no]:
                del self.records[key]


@dataclass
class FakeEvidenceStore:
    """Objects in a dict; `receive` is what a browser's upload does, without the store's own checks."""

    objects: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    issued: list[tuple[str, str, int]] = field(default_factory=list)

    def upload_slot(self, key: str, content_type: str, max_bytes: int) -> UploadSlot:
        self.issued.append((key, content_type, max_bytes))
        fields = {"key": key, "Content-Type": content_type}
        return UploadSlot("https://store.test/upload", fields, datetime.now(UTC) + timedelta(minutes=15))

    def receive(self, key: str, content: bytes, content_type: str) -> None:
        self.objects[key] = (content, content_type)

    def inspect(self, key: str) -> StoredObject | None:
        if key not in self.objects:
            return None
        content, content_type = self.objects[key]
        return StoredObject(len(content), content_type, content[:16])

    def download_link(self, key: str, filename: str) -> str:
        return f"https://store.test/{key}?as={filename}"

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def delete_prefix(self, prefix: str) -> None:
        for key in [key for key in self.objects if key.startswith(prefix)]:
            del self.objects[key]


def form_upload(fields: dict[str, str], filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser's FormData sends it: the fields first, the file last."""
    boundary = f"----portal{secrets.token_hex(8)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
    parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
