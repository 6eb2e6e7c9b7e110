"""Bearer JWT authentication: who is calling, and may they call this route.

HS256 with a shared secret by default; RS256 with a public key when
``JWT_PUBLIC_KEY`` is set. The algorithm is pinned (never read from the token),
and audience, issuer, expiry and subject are always required.
"""

from __future__ import annotations

import functools
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from . import clock
from .config import Settings
from .errors import Forbidden, Unauthenticated


@functools.cache
def _jwt():
    """PyJWT, imported where a token is verified or signed: a worker that only uses ``Caller`` does not load it
    and the cryptography it brings (~10 MiB per process; issue 18: memory)."""
    import jwt

    # The development secret is shorter than 256 bits by design (docs/architecture.md §5); production refuses
    # it and any secret under 256 bits (config.check_production_safety), so PyJWT's warning is noise here.
    warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)
    return jwt


ROLES = ("agent", "admin", "client", "partner", "service")
STAFF_ROLES = ("agent", "admin")


@dataclass(frozen=True)
class Caller:
    """The authenticated identity behind a request."""

    sub: str
    role: str
    org: str | None = None
    email: str | None = None
    name: str | None = None
    # The client company's display name (``org`` is its identifier) and the language the person reads
    # (``fr``/``en``...): optional claims, carried into events so consumers can address people properly.
    org_name: str | None = None
    locale: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_service(self) -> bool:
        return self.role == "service"

    def as_actor(self) -> dict:
        """The ``actor`` of an event envelope (org, email and name when the token has them).

        ``org`` lets consumers tell a client company's member from any other client (the notification
        service counts the members who take part in their company's dossier among its actors).
        """
        actor = {"sub": self.sub, "role": self.role}
        if self.org:
            actor["org"] = self.org
        if self.email:
            actor["email"] = self.email
        if self.name:
            actor["name"] = self.name
        if self.org_name:
            actor["org_name"] = self.org_name
        if self.locale:
            actor["locale"] = self.locale
        return actor


class TokenVerifier:
    """Decodes and checks tokens with one pinned algorithm."""

    def __init__(self, settings: Settings):
        if settings.jwt_public_key:
            self.algorithm = "RS256"
            self.key = settings.jwt_public_key
        else:
            self.algorithm = "HS256"
            self.key = settings.jwt_secret
        self.audience = settings.jwt_audience
        self.issuer = settings.jwt_issuer
        self.leeway = settings.jwt_leeway_seconds
        self._verified: dict[str, tuple[Caller, float]] = {}
        self._lock = threading.Lock()

    # Verified tokens kept, each until its own expiry (issue 18: a verification per request was 8 % of a GET).
    CACHE_SIZE = 1024

    def verify(self, token: str) -> Caller:
        """The caller of ``token``; a token verified before is not decoded again until it expires.

        Only tokens that passed every check are kept, with their ``exp``: from then on the cache answers for
        exactly the time ``jwt.decode`` would still accept the token (``exp`` plus the leeway).
        """
        cache = self._verified
        cached = cache.get(token)
        if cached is not None:
            caller, valid_until = cached
            if time.time() < valid_until:
                return caller
            cache.pop(token, None)
        caller, expires = self._decode(token)
        with self._lock:
            if len(cache) >= self.CACHE_SIZE:
                cache.pop(next(iter(cache)), None)  # the oldest entry
            cache[token] = (caller, expires + self.leeway)
        return caller

    def _decode(self, token: str) -> tuple[Caller, float]:
        jwt = _jwt()
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("The token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthenticated("The token is invalid.") from error
        if not str(claims["sub"]).strip():  # PyJWT's "require" only checks that the claim is present
            raise Unauthenticated("The token has no subject.")
        role = claims.get("role")
        if role not in ROLES:
            raise Unauthenticated("The token carries no known role.")
        caller = Caller(
            sub=str(claims["sub"]),
            role=role,
            org=claims.get("org") or None,
            email=claims.get("email"),
            name=claims.get("name"),
            org_name=claims.get("org_name") or None,
            locale=claims.get("locale") or None,
        )
        return caller, float(claims["exp"])


def mint_token(
    settings: Settings,
    *,
    sub: str,
    role: str,
    org: str | None = None,
    email: str | None = None,
    name: str | None = None,
    org_name: str | None = None,
    locale: str | None = None,
    ttl_seconds: int = 3600,
    extra: dict | None = None,
) -> str:
    """Sign a token the platform accepts (development tools, tests, service calls)."""
    issued = clock.now()
    claims = {
        "sub": sub,
        "role": role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    for key, value in (("org", org), ("email", email), ("name", name), ("org_name", org_name), ("locale", locale)):
        if value:
            claims[key] = value
    claims.update(extra or {})
    if settings.jwt_public_key:
        if not settings.jwt_private_key:
            raise RuntimeError("JWT_PRIVATE_KEY is needed to sign RS256 tokens")
        return _jwt().encode(claims, settings.jwt_private_key, algorithm="RS256")
    return _jwt().encode(claims, settings.jwt_secret, algorithm="HS256")


def service_token(settings: Settings) -> str:
    """A short-lived token this service presents to another service."""
    return mint_token(
        settings, sub=f"service:{settings.service_name}", role="service", ttl_seconds=settings.service_token_ttl_seconds
    )


def _bearer_token() -> str:
    from flask import request  # where a request is served: not in the workers (issue 18: memory)

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("A bearer token is required.")
    return token.strip()


def current_caller() -> Caller:
    """The caller of the current request, authenticated on first use."""
    from flask import current_app, g

    caller = g.get("caller")
    if caller is None:
        verifier: TokenVerifier = current_app.extensions["token_verifier"]
        caller = verifier.verify(_bearer_token())
        g.caller = caller
    return caller


def require_roles(*roles: str) -> Callable:
    """Decorator: authenticate, then allow only ``roles`` (403 for the others).

    ``admin`` is implied wherever ``agent`` is allowed.
    """
    allowed = set(roles)
    if "agent" in allowed:
        allowed.add("admin")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller = current_caller()
            if caller.role not in allowed:
                raise Forbidden("Your role may not use this operation.")
            return view(*args, **kwargs)

        wrapper._platform_roles = tuple(sorted(allowed))  # read by openapi.ContractPlugin (401/403, roles)
        return wrapper

    return decorator
