"""Encryption of personal data: AES-256-GCM with a local key (embedded mode), Powertools data masking
with KMS (AWS).

The record's key is passed as associated data, so a ciphertext copied onto another record fails
to decrypt instead of disclosing someone else's data there.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_LOCAL = b"L1"
_MASKED = b"M1"
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


class DataMaskingCipher:
    """Powertools data masking with the AWS Encryption SDK: KMS data keys (cached briefly by the SDK),
    the record's key bound as encryption context, so KMS refuses to open a ciphertext elsewhere."""

    def __init__(self, key_arn: str) -> None:
        from aws_lambda_powertools.utilities.data_masking import DataMasking
        from aws_lambda_powertools.utilities.data_masking.provider.kms.aws_encryption_sdk import (
            AWSEncryptionSDKProvider,
        )

        self._masking = DataMasking(provider=AWSEncryptionSDKProvider(keys=[key_arn]))

    def seal(self, plaintext: bytes, context: str) -> bytes:
        # Data masking JSON-encodes what it encrypts: base64 keeps arbitrary bytes intact through that.
        encrypted: str = self._masking.encrypt(base64.b64encode(plaintext).decode(), record=context)
        return _MASKED + encrypted.encode()

    def open(self, sealed: bytes, context: str) -> bytes:
        if not sealed.startswith(_MASKED):
            raise ValueError("not sealed by data masking")
        decrypted: str = self._masking.decrypt(sealed[len(_MASKED) :].decode(), record=context)
        return base64.b64decode(decrypted)
