"""Access keys: generated from ``secrets``, typed by hand, compared in constant time, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford base32: no I, L, O, U, so a key read aloud or copied by hand cannot be mistyped into another one.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 7
GROUP_SIZE = 4
KEY_BITS = GROUPS * GROUP_SIZE * 5  # 140 bits >= 128
_TYPO_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate_key() -> str:
    """A new key, e.g. ``7KQ2-M9XD-...``: 28 symbols of 5 bits each from the OS's CSPRNG."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalise(typed: str) -> str:
    """What the partner typed, as the canonical key: case, spaces, dashes and look-alike letters forgiven."""
    compact = "".join(ch for ch in typed.upper() if ch not in " -\t").translate(_TYPO_FIXES)
    return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE))


def hash_key(key: str) -> str:
    """SHA-256 of the canonical key (a fast hash is enough at 140 bits of entropy)."""
    return hashlib.sha256(normalise(key).encode()).hexdigest()


def hashes_match(stored_hash: str, typed_key: str) -> bool:
    return hmac.compare_digest(stored_hash.encode(), hash_key(typed_key).encode())
