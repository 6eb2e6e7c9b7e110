"""How a line names an account nobody gave a name for: a stable pseudonym, never the account id itself.

A timeline entry, a note's summary or a "Filed by" line whose account the directory does not know (never signed
in through it, or erased) shows ``Client 3F9A2C``: the same label for the same account on every line, so staff can
follow one person through a dossier, and nothing a reader can turn back into the account id.

:func:`without_others_accounts` applies the same rule to what clients and third parties read (architecture §5,
"who sees what"): every account id in an answer (a ``sub``, a ``*_sub`` key, ``saved_by``) that is not the reader's
own is left out, at any depth, so a note, a timeline line, a document or an appointment names people by their name
and never hands out another person's account id. Staff and services keep them.
"""

from __future__ import annotations

import hashlib
from typing import Any

PSEUDONYM_LABELS = {"client": "Client", "partner": "Partner", "agent": "Staff", "admin": "Staff"}


def pseudonym(sub: str, role: str | None = None) -> str:
    """``<label by role> <6 hex digits of a hash of the account>``."""
    digest = hashlib.sha256(f"pseudonym:{sub}".encode()).hexdigest()[:6].upper()
    return f"{PSEUDONYM_LABELS.get(role or '', 'Person')} {digest}"


ACCOUNT_KEYS = frozenset({"sub", "saved_by"})


def is_account_key(key: str) -> bool:
    """A key whose value is an account id: ``sub``, ``<something>_sub``, ``saved_by``."""
    return key in ACCOUNT_KEYS or key.endswith("_sub")


def without_others_accounts(value: Any, own_sub: str | None) -> Any:
    """``value`` (dicts, lists, at any depth) without the account ids that are not ``own_sub``: the reader keeps
    their own (a page marks "mine" by it), never another person's."""
    if isinstance(value, dict):
        return {
            key: without_others_accounts(item, own_sub)
            for key, item in value.items()
            if not (is_account_key(key) and item is not None and item != own_sub)
        }
    if isinstance(value, list | tuple):
        return [without_others_accounts(item, own_sub) for item in value]
    return value


def for_reader(value: Any, caller) -> Any:
    """``value`` as ``caller`` (a :class:`platform_shared.auth.Caller`) may read it: whole for staff and services,
    without other people's account ids for clients and third parties."""
    if caller.is_staff or caller.is_service:
        return value
    return without_others_accounts(value, caller.sub)
