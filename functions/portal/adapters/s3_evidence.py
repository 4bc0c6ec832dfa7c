"""Evidence files in a private S3 bucket: presigned POST uploads whose policy S3 itself enforces,
presigned GET links that download as an attachment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from portal.adapters.content_disposition import attachment
from portal.domain.evidence import DOWNLOAD_LINK_LIFETIME, SNIFF_BYTES, UPLOAD_WINDOW
from portal.ports import StoredObject, UploadSlot

SERVER_SIDE_ENCRYPTION = "AES256"
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3EvidenceStore:
    """`client` is a boto3 S3 client using SigV4 (what presigned POSTs in every region need)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def upload_slot(self, key: str, content_type: str, max_bytes: int) -> UploadSlot:
        expires_in = int(UPLOAD_WINDOW.total_seconds())
        fields = {"Content-Type": content_type, "x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION}
        conditions: list[Any] = [
            {"Content-Type": content_type},
            {"x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION},
            ["content-length-range", 1, max_bytes],
        ]
        expires_at = datetime.now(UTC) + UPLOAD_WINDOW
        post = self._client.generate_presigned_post(
            Bucket=self._bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
        return UploadSlot(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)

    def inspect(self, key: str) -> StoredObject | None:
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key)
            size, content_type = int(head["ContentLength"]), str(head.get("ContentType", ""))
            if size == 0:  # a range of an empty object is an error (InvalidRange)
                return StoredObject(0, content_type, b"")
            first = self._client.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _MISSING:
                return None
            raise
        with first["Body"] as body:
            return StoredObject(size, content_type, body.read(SNIFF_BYTES))

    def download_link(self, key: str, filename: str) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": attachment(filename)},
            ExpiresIn=int(DOWNLOAD_LINK_LIFETIME.total_seconds()),
        )
        return url

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=key)

    def delete_prefix(self, prefix: str) -> None:
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self._client.delete_objects(Bucket=self._bucket, Delete={"Objects": keys, "Quiet": True})
