"""Evidence files on one machine (embedded mode): under <state>/evidence/, behaving like S3.

Uploads are form POSTs of HMAC-signed policies that `accept_upload` enforces as S3 does (exact
content type, size range, expiry, no unsigned fields); downloads are HMAC-signed links that expire.
A file is written to a temporary name, fsynced and renamed: an acknowledged upload survives a crash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from portal.adapters.content_disposition import attachment
from portal.domain.evidence import DOWNLOAD_LINK_LIFETIME, SNIFF_BYTES, UPLOAD_WINDOW
from portal.ports import StoredObject, UploadSlot

KEY_PATTERN = re.compile(r"evidence/([A-Za-z0-9-]{1,40})/([A-Za-z0-9-]{1,60})")
PREFIX_PATTERN = re.compile(r"evidence/([A-Za-z0-9-]{1,40})/")
SIGNATURE_FIELD = "x-portal-signature"
_UNSIGNED_FIELDS = {"policy", SIGNATURE_FIELD, "file"}


class ObjectRequestRefused(Exception):
    """Why the store refused an upload or a download, as S3 would answer it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    disposition: str


class LocalEvidenceStore:
    def __init__(
        self, root: Path, key: bytes, *, base_url: str = "/_objects/", now: Callable[[], datetime] | None = None
    ) -> None:
        if len(key) < 32:
            raise ValueError("the evidence signing key must be at least 32 bytes")
        self.root = root
        self._key = key
        self._base_url = base_url
        self._now = now or (lambda: datetime.now(UTC))

    # --- what the functions use (the EvidenceStore port) ---

    def upload_slot(self, key: str, content_type: str, max_bytes: int) -> UploadSlot:
        self._path(key)  # refuses a key outside the store
        expires_at = self._now() + UPLOAD_WINDOW
        conditions = [{"key": key}, {"Content-Type": content_type}, ["content-length-range", 1, max_bytes]]
        document = {"expiration": expires_at.isoformat(), "conditions": conditions}
        policy = base64.b64encode(json.dumps(document).encode()).decode()
        signature = self._sign("upload", policy)
        fields = {"key": key, "Content-Type": content_type, "policy": policy, SIGNATURE_FIELD: signature}
        return UploadSlot(url=f"{self._base_url}upload", fields=fields, expires_at=expires_at)

    def inspect(self, key: str) -> StoredObject | None:
        path = self._path(key)
        try:
            with path.open("rb") as stored:
                head = stored.read(SNIFF_BYTES)
                size = os.fstat(stored.fileno()).st_size
        except FileNotFoundError:
            return None
        return StoredObject(size, self._content_type(path), head)

    def download_link(self, key: str, filename: str) -> str:
        expires = int((self._now() + DOWNLOAD_LINK_LIFETIME).timestamp())
        signature = self._sign("download", key, filename, str(expires))
        query = urlencode({"key": key, "filename": filename, "expires": expires, "signature": signature})
        return f"{self._base_url}download?{query}"

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        _meta_path(path).unlink(missing_ok=True)
        if path.parent.is_dir():
            _fsync_directory(path.parent)

    def delete_prefix(self, prefix: str) -> None:
        folder = PREFIX_PATTERN.fullmatch(prefix)
        if folder is None:
            raise ValueError("not an evidence prefix")
        directory = self.root / folder.group(1)
        if directory.is_dir():
            for path in directory.iterdir():
                path.unlink()
            directory.rmdir()
            _fsync_directory(self.root)

    # --- what the local gateway uses to play the part of S3 ---

    def accept_upload(self, fields: Mapping[str, str], content: bytes) -> None:
        policy = fields.get("policy", "")
        if not hmac.compare_digest(self._sign("upload", policy), fields.get(SIGNATURE_FIELD, "")):
            raise ObjectRequestRefused(403, "SignatureDoesNotMatch", "The upload form's signature is not valid.")
        document: dict[str, Any] = json.loads(base64.b64decode(policy))
        if self._now() > datetime.fromisoformat(document["expiration"]):
            raise ObjectRequestRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        given = {name.lower(): value for name, value in fields.items()}  # S3 field names ignore case
        covered = set()
        for condition in document["conditions"]:
            if isinstance(condition, dict):
                for name, wanted in condition.items():
                    covered.add(name.lower())
                    if given.get(name.lower()) != wanted:
                        failed = json.dumps(["eq", f"${name}", wanted])
                        raise ObjectRequestRefused(
                            403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {failed}"
                        )
            else:
                _, low, high = condition
                if len(content) < low:
                    raise ObjectRequestRefused(400, "EntityTooSmall", "Your proposed upload is smaller than allowed.")
                if len(content) > high:
                    raise ObjectRequestRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum.")
        extra = sorted(set(given) - covered - _UNSIGNED_FIELDS)
        if extra:
            raise ObjectRequestRefused(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {extra}")
        path = self._path(given["key"])
        _write_durably(_meta_path(path), json.dumps({"content_type": given["content-type"]}).encode())
        _write_durably(path, content)  # the rename of the file itself is the commit

    def open_download(self, query: Mapping[str, str]) -> Download:
        key, filename, expires = query.get("key", ""), query.get("filename", ""), query.get("expires", "")
        if not hmac.compare_digest(self._sign("download", key, filename, expires), query.get("signature", "")):
            raise ObjectRequestRefused(403, "SignatureDoesNotMatch", "The link's signature is not valid.")
        if not expires.isdigit() or self._now().timestamp() > int(expires):
            raise ObjectRequestRefused(403, "AccessDenied", "Request has expired")
        path = self._path(key)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise ObjectRequestRefused(404, "NoSuchKey", "The specified key does not exist.") from None
        return Download(content, self._content_type(path), attachment(filename))

    def _sign(self, purpose: str, *parts: str) -> str:
        message = "\n".join([purpose, *parts]).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _path(self, key: str) -> Path:
        found = KEY_PATTERN.fullmatch(key)
        if found is None:
            raise ObjectRequestRefused(400, "InvalidKey", "The object key is not an evidence key.")
        return self.root / found.group(1) / found.group(2)

    @staticmethod
    def _content_type(path: Path) -> str:
        try:
            return str(json.loads(_meta_path(path).read_bytes())["content_type"])
        except FileNotFoundError:
            return "application/octet-stream"


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta")


def _write_durably(path: Path, content: bytes) -> None:
    new_folders = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    for folder in new_folders:  # a new folder's name is durable only once its parent is synced
        _fsync_directory(folder.parent)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
