"""Tracking numbers and access codes.

A tracking number is read out over the phone, so it is digits only, in groups of four, and ends
with a Damm check digit that catches every single wrong digit and every swap of neighbours.
It is random (not sequential); the access code is the secret that goes with it and is kept
only as a salted scrypt hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TRACKING_PREFIX = "TS"
TRACKING_RANDOM_DIGITS = 11
ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
ACCESS_CODE_LENGTH = 8

_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
# Access codes are random 40-bit secrets, not passwords: a moderate cost already puts an offline
# search of one record at centuries of CPU time while keeping a submission fast.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**13, 8, 1


def damm_check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return str(interim)


def new_tracking_no() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(TRACKING_RANDOM_DIGITS))
    return format_tracking_no(body + damm_check_digit(body))


def format_tracking_no(digits: str) -> str:
    return "-".join([TRACKING_PREFIX, digits[0:4], digits[4:8], digits[8:12]])


def normalize_tracking_no(text: str) -> str | None:
    """The canonical form of what a person typed, or None when it cannot be a tracking number."""
    digits = re.sub(r"[\s\-]", "", text.strip().upper()).removeprefix(TRACKING_PREFIX)
    if len(digits) != TRACKING_RANDOM_DIGITS + 1 or not digits.isdigit():
        return None
    if damm_check_digit(digits) != "0":
        return None
    return format_tracking_no(digits)


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def normalize_access_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def hash_access_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(normalize_access_code(code), salt)
    return "scrypt$" + _b64(salt) + "$" + _b64(digest)


def verify_access_code(code: str, stored_hash: str) -> bool:
    scheme, salt, digest = stored_hash.split("$")
    if scheme != "scrypt":
        return False
    candidate = _scrypt(normalize_access_code(code), _unb64(salt))
    return hmac.compare_digest(candidate, _unb64(digest))


def _scrypt(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# Verified against when a tracking number is unknown, so an unknown number and a wrong code take as long.
DECOY_ACCESS_HASH = "scrypt$" + _b64(b"portal-decoy-salt") + "$" + _b64(bytes(32))
