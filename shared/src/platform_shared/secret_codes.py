"""Codes people read or type (an attestation's verification code): from ``secrets``, stored only as a hash.

Crockford base32 (no I, L, O, U), grouped by four, so a code copied from paper by hand cannot be mistyped
into another one; case, spaces, dashes and look-alike letters are forgiven when it is typed back.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP_SIZE = 4
_TYPO_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate_code(groups: int = 7) -> str:
    """``7KQ2-M9XD-...``: ``groups`` x 4 symbols of 5 bits each (7 groups: 140 bits) from the OS's CSPRNG."""
    if groups * GROUP_SIZE * 5 < 128:
        raise ValueError("a code carries at least 128 bits")
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(groups * GROUP_SIZE))
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalise(typed: str) -> str:
    """The canonical form of a typed code (upper case, grouped, look-alike letters fixed)."""
    compact = "".join(ch for ch in typed.upper() if ch not in " -\t").translate(_TYPO_FIXES)
    return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE))


def hash_code(code: str) -> str:
    """SHA-256 of the canonical code: a fast hash is enough at 140 bits of entropy (nothing to brute-force)."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def compact(code: str) -> str:
    """The code without its dashes, as it travels in a URL (``/verify/7KQ2M9XD...``)."""
    return normalise(code).replace("-", "")
