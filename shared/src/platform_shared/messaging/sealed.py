"""Secrets that must cross the broker (a partner's access key) travel sealed.

The producer seals the value with a key shared only with the services allowed to
read it (``EVENT_SECRET_KEY``); the outbox row, the message, the dead-letter
queue and any log only ever hold the ciphertext.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    pass


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("sealed-event-secret:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(value.encode()).decode()


def unseal(token: str, secret_key: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise SealError("sealed value cannot be opened with this key") from error
