"""Who is signed in: the person's claims and the token the APIs accept, kept in the signed session cookie."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from flask import abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _

STAFF_ROLES = ("agent", "admin")
SESSION_KEY = "person"


@dataclass(frozen=True)
class Person:
    sub: str
    role: str
    token: str
    expires_at: int
    name: str = ""
    email: str = ""
    org: str = ""
    locale: str = ""
    signed_in_with: str = "demo"  # "demo" (development tokens) or "oidc"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == "client"

    @property
    def is_third_party(self) -> bool:
        """Partners, contributors and participants all hold ``partner`` tokens: what they see comes from
        their attachments, which the partner-gateway knows."""
        return self.role == "partner"

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.sub

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


KEPT_ACROSS_SIGN_IN = ("language",)  # the language switch survives signing in and out


def _clear_session() -> None:
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)


def sign_in(person: Person) -> None:
    _clear_session()  # a new identity never inherits the previous one's session (fixation)
    session[SESSION_KEY] = asdict(person)
    session.permanent = True


def sign_out() -> None:
    _clear_session()


def current_person() -> Person | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        person = Person(**stored)
    except TypeError:
        return None
    return None if person.expired else person


def signed_in(*roles: str) -> Callable:
    """Decorator: a signed-in person (of one of ``roles`` when given; ``agent`` implies ``admin``)."""
    allowed = set(roles)
    if "agent" in allowed:
        allowed.add("admin")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            person = current_person()
            if person is None:
                if session.get(SESSION_KEY):
                    sign_out()
                    flash(_("Your session has expired. Please sign in again."), "warning")
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if allowed and person.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
