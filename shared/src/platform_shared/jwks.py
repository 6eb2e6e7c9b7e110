"""Tokens of an organisation's identity provider (Keycloak, Entra ID, any OpenID Connect issuer).

With ``JWT_JWKS_URL`` set, the services check tokens against the keys the provider publishes there (PyJWT's
``PyJWKClient``): the key set is fetched on first use and kept ``JWT_JWKS_CACHE_SECONDS``; a token signed with a
key id the cached set does not hold (the provider rotated its keys) makes one new fetch, at most every
``JWT_JWKS_REFRESH_COOLDOWN_SECONDS``. The algorithms are pinned (``JWT_JWKS_ALGORITHMS``), and audience,
issuer, expiry and subject are required as for the platform's own tokens.

The provider's claims become a ``Caller`` through the settings: ``JWT_ROLE_CLAIM`` (a dotted path such as
``realm_access.roles``; a string or a list, the first value that is a platform role wins), ``JWT_ROLE_VALUES``
(``provider_value=platform_role`` pairs), ``JWT_ORG_CLAIM``, ``JWT_ORG_NAME_CLAIM``, ``JWT_EMAIL_CLAIM``,
``JWT_NAME_CLAIM``, ``JWT_LOCALE_CLAIM``. The provider being unreachable is a 503, never a 500 nor an
accepted token. The platform's own tokens (the services' calls to each other, ``platform-token``) carry no
key id and the platform's algorithm: they are still checked with ``JWT_SECRET`` (or ``JWT_PUBLIC_KEY``).
"""

from __future__ import annotations

from typing import Any

import jwt

from .auth import ROLES, Caller, TokenVerifier
from .config import Settings
from .errors import Unauthenticated, UpstreamUnavailable


def claim(claims: dict, path: str) -> Any:
    """The value at a dotted ``path`` of the claims (``realm_access.roles``), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class ClaimMapping:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.role_values = {}
        for pair in settings.jwt_role_values:
            provider_value, _, role = pair.partition("=")
            self.role_values[provider_value.strip()] = role.strip()

    def role(self, claims: dict) -> str | None:
        value = claim(claims, self.settings.jwt_role_claim)
        candidates = value if isinstance(value, list) else [value]
        for candidate in candidates:
            if isinstance(candidate, str):
                role = self.role_values.get(candidate, candidate)
                if role in ROLES:
                    return role
        return None

    def caller(self, claims: dict) -> Caller:
        role = self.role(claims)
        if role is None:
            raise Unauthenticated("The token carries no known role.")
        settings = self.settings
        return Caller(
            sub=str(claims["sub"]),
            role=role,
            org=_text(claim(claims, settings.jwt_org_claim)),
            email=_text(claim(claims, settings.jwt_email_claim)),
            name=_text(claim(claims, settings.jwt_name_claim)),
            org_name=_text(claim(claims, settings.jwt_org_name_claim)),
            locale=_text(claim(claims, settings.jwt_locale_claim)),
        )


class JwksTokenVerifier(TokenVerifier):
    """Checks a provider's tokens against its published, rotating keys."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.algorithms = list(settings.jwt_jwks_algorithms)
        self.client = jwt.PyJWKClient(
            settings.jwt_jwks_url,
            cache_jwk_set=True,
            lifespan=settings.jwt_jwks_cache_seconds,
            timeout=settings.http_timeout_seconds,
            cooldown_duration=settings.jwt_jwks_refresh_cooldown_seconds,
        )
        self.mapping = ClaimMapping(settings)

    def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthenticated("The token is invalid.") from error
        if header.get("alg") == self.algorithm and "kid" not in header:
            # the platform's own tokens (service calls, development tools): its secret or key, as without JWKS
            return super().verify(token)
        try:
            key = self.client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as error:
            raise UpstreamUnavailable("The identity provider's keys cannot be fetched.") from error
        except (jwt.PyJWKClientError, jwt.PyJWTError) as error:
            raise Unauthenticated("The token is invalid.") from error
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("The token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthenticated("The token is invalid.") from error
        if not str(claims["sub"]).strip():
            raise Unauthenticated("The token has no subject.")
        return self.mapping.caller(claims)


def token_verifier_for(settings: Settings) -> TokenVerifier:
    """The provider's keys when ``JWT_JWKS_URL`` is set, else the platform's own secret or public key."""
    return JwksTokenVerifier(settings) if settings.jwt_jwks_url else TokenVerifier(settings)
