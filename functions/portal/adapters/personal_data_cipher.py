"""AES-256-GCM encryption of personal data, with a local key (embedded mode) or KMS data keys (AWS).

The record's key is passed as associated data, so a ciphertext copied onto another record fails
to decrypt instead of disclosing someone else's data there.
"""

from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

_LOCAL = b"L1"
_KMS = b"K1"
_NONCE_BYTES = 12


class LocalKeyCipher:
    """A 256-bit key kept in a file under var/ (embedded mode only)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the personal-data key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _LOCAL + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        if not sealed.startswith(_LOCAL):
            raise ValueError("not sealed with the local key")
        nonce, body = sealed[2 : 2 + _NONCE_BYTES], sealed[2 + _NONCE_BYTES :]
        return self._aead.decrypt(nonce, body, context.encode())


class KmsEnvelopeCipher:
    """A fresh KMS data key per record; only the KMS-wrapped copy of that key is stored."""

    def __init__(self, kms: KMSClient, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def seal(self, plaintext: bytes, context: str) -> bytes:
        data_key = self._kms.generate_data_key(
            KeyId=self._key_id, KeySpec="AES_256", EncryptionContext={"record": context}
        )
        wrapped = data_key["CiphertextBlob"]
        nonce = os.urandom(_NONCE_BYTES)
        body = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, context.encode())
        return _KMS + struct.pack(">H", len(wrapped)) + wrapped + nonce + body

    def open(self, sealed: bytes, context: str) -> bytes:
        if not sealed.startswith(_KMS):
            raise ValueError("not sealed with a KMS data key")
        (wrapped_len,) = struct.unpack(">H", sealed[2:4])
        wrapped = sealed[4 : 4 + wrapped_len]
        nonce = sealed[4 + wrapped_len : 4 + wrapped_len + _NONCE_BYTES]
        body = sealed[4 + wrapped_len + _NONCE_BYTES :]
        key = self._kms.decrypt(CiphertextBlob=wrapped, EncryptionContext={"record": context})["Plaintext"]
        return AESGCM(key).decrypt(nonce, body, context.encode())
