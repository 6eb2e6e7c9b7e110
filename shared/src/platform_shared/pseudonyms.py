"""How a line names an account nobody gave a name for: a stable pseudonym, never the account id itself.

A timeline entry, a note's summary or a "Filed by" line whose account the directory does not know (never signed
in through it, or erased) shows ``Client 3F9A2C``: the same label for the same account on every line, so staff can
follow one person through a dossier, and nothing a reader can turn back into the account id.
"""

from __future__ import annotations

import hashlib

PSEUDONYM_LABELS = {"client": "Client", "partner": "Partner", "agent": "Staff", "admin": "Staff"}


def pseudonym(sub: str, role: str | None = None) -> str:
    """``<label by role> <6 hex digits of a hash of the account>``."""
    digest = hashlib.sha256(f"pseudonym:{sub}".encode()).hexdigest()[:6].upper()
    return f"{PSEUDONYM_LABELS.get(role or '', 'Person')} {digest}"
