"""Settings of the web application: the platform's shared settings plus the front-end's own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import PositiveInt

from platform_shared.config import ConfigError, LowerCase, Settings, load_settings, one_of, secret_problem

from . import SERVICE_NAME
from .i18n import LANGUAGES

DEV_WEB_SECRET_KEY = "dev-web-secret-not-for-production"
WEB_ROOT = Path(__file__).resolve().parents[2]  # web/: package.json and node_modules live here
NO_DATABASE = "none:"  # the web application keeps no data; the shared loader would default to an SQLite file


class WebSettings(Settings):
    """Read from the environment like every service's settings (field name in upper case)."""

    web_secret_key: str = DEV_WEB_SECRET_KEY
    web_base_url: str = "http://127.0.0.1:8000"
    web_assets_dir: str = str(WEB_ROOT / "node_modules")
    web_default_locale: Annotated[str, LowerCase, one_of(LANGUAGES)] = "fr"
    web_timezone: str = "Europe/Paris"  # dates and times are shown in the organisation's time zone
    web_api_workers: PositiveInt = 16  # threads for the concurrent API calls of a page, shared by all requests
    web_token_ttl_seconds: PositiveInt = 8 * 3600  # development sign-in only
    web_mail_dir: str = ""  # the SMTP catcher's folder, shown on the development sign-in page
    # The live updates a page receives (GET /portal/live, proxied from the notification service's stream): how
    # many a process relays at once (each holds one of gunicorn's threads; beyond, pages poll) and how long one
    # response lasts before the browser reconnects with Last-Event-ID.
    web_live_streams_per_process: PositiveInt = 2
    web_live_stream_seconds: PositiveInt = 55
    demo_data: bool = True
    # OpenID Connect (production sign-in)
    # Where the web application reads the provider's discovery document (/.well-known/openid-configuration),
    # e.g. https://sso.example.org/realms/platform; inside docker-compose, Keycloak's address on the network.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""  # empty: a public client (PKCE only), as docker-compose's Keycloak realm has it
    oidc_scope: str = "openid email profile"
    # Where the provider puts each claim the platform uses: a dotted path into the ID token / userinfo
    # (a list, e.g. Keycloak's realm_access.roles, yields the first platform role it holds).
    oidc_claim_role: str = "role"
    oidc_claim_org: str = "org"
    oidc_claim_email: str = "email"
    oidc_claim_name: str = "name"
    oidc_claim_locale: str = "locale"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def development_sign_in(self) -> bool:
        """One-click sign-in as a demo person, with tokens the web application mints: never in production."""
        return not self.is_production


def _local(url: str) -> bool:
    """A trial on the operator's own machine (browsers treat localhost as a secure origin)."""
    return urlparse(url).hostname in ("localhost", "127.0.0.1")


def check_web_production_safety(settings: WebSettings) -> None:
    if not settings.is_production:
        return
    problems = []
    problems.append(secret_problem("WEB_SECRET_KEY", settings.web_secret_key, DEV_WEB_SECRET_KEY))
    if not settings.oidc_enabled:
        problems.append("OIDC_ISSUER and OIDC_CLIENT_ID are required (sign-in goes through the identity provider)")
    if not settings.web_base_url.startswith("https://") and not _local(settings.web_base_url):
        problems.append("WEB_BASE_URL must be https (session cookies are sent over TLS only)")
    problems = [problem for problem in problems if problem]
    if problems:
        raise ConfigError("refusing to start with ENV=production: " + "; ".join(problems))


def load(environ=None, **overrides) -> WebSettings:
    settings = load_settings(WebSettings, SERVICE_NAME, environ=environ, database_url=NO_DATABASE, **overrides)
    check_web_production_safety(settings)
    return settings
