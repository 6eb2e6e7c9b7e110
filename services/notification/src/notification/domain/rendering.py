"""Emails rendered from Jinja templates (subject, text and HTML), French by default, English available."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from platform_shared.i18n import format_date

from .audience import ADDRESS, CLIENT, CONTRIBUTOR, PARTICIPANT, PARTNER, STAFF

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
LANGUAGES = ("fr", "en")
TEMPLATE_NAMES = tuple(sorted(path.stem for path in (TEMPLATES_DIR / "fr").glob("*.jinja")))
PORTAL_SIDE = (CLIENT, CONTRIBUTOR, PARTICIPANT)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def local_time(value: str | None, timezone: str | None, language: str) -> str:
    """An event's UTC instant (ISO 8601) as the wall-clock time of its timezone: date the reader's way, HH:MM."""
    if not value:
        return ""
    try:
        instant = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        zone = ZoneInfo(timezone or "UTC")
    except (ValueError, ZoneInfoNotFoundError):
        return str(value)
    local = instant.astimezone(zone)
    return f"{format_date(local.date(), language)} {local:%H:%M}"


@lru_cache(maxsize=2)
def _environment(html: bool) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True) if html else False,
        keep_trailing_newline=True,
    )
    # Dates travel as YYYY-MM-DD in events; emails write them the way the reader's language does.
    environment.filters["format_date"] = format_date
    environment.filters["local_time"] = local_time
    return environment


def link_for(settings, recipient_kind: str, event_type: str, item: dict, dossier_id: str | None) -> str:
    """The front-end page the email points to, on the side (CRM or portal) the recipient uses."""
    crm, portal = settings.crm_base_url.rstrip("/"), settings.portal_base_url.rstrip("/")
    if event_type in (
        "solicitation.created",
        "solicitation.key_reissued",
        "contributor.invited",
        "filing.created",
    ) and recipient_kind in (ADDRESS, PARTNER, CONTRIBUTOR, PARTICIPANT):
        return f"{portal}/attach"
    if event_type == "contributor.reminded" and recipient_kind in (ADDRESS, CONTRIBUTOR):
        return f"{portal}/contributions/{item.get('contributor_id', '')}"
    if event_type == "attestation.validation_requested":
        return f"{crm}/validation-tasks/{item.get('task_id', '')}"
    if event_type == "attestation.failed" and recipient_kind == STAFF:
        return f"{crm}/contracts/{item.get('contract_id', '')}"
    if event_type.startswith("attestation.") and recipient_kind != STAFF:  # issued, approved, rejected, revoked...
        return f"{portal}/contracts/{item.get('contract_id', '')}"
    if not dossier_id:
        return crm if recipient_kind == STAFF else portal
    if recipient_kind == PARTNER or (recipient_kind == ADDRESS and event_type.startswith("solicitation.")):
        return f"{portal}/partner/dossiers/{dossier_id}"
    if recipient_kind in PORTAL_SIDE:
        return f"{portal}/dossiers/{dossier_id}"
    return f"{crm}/dossiers/{dossier_id}"


def _render_block(template_name: str, language: str, block: str, variables: dict, *, html: bool) -> str:
    template = _environment(html).get_template(f"{language}/{template_name}.jinja")
    context = template.new_context(variables)
    return "".join(template.blocks[block](context))


def render(template_name: str, language: str, variables: dict) -> RenderedEmail:
    """Render the three parts; ``variables`` carries ``items`` (one per grouped event) and ``item`` (the first)."""
    language = language if language in LANGUAGES else LANGUAGES[0]
    subject = " ".join(_render_block(template_name, language, "subject", variables, html=False).split())
    return RenderedEmail(
        subject=subject,
        text=_render_block(template_name, language, "text", variables, html=False).strip() + "\n",
        html=_render_block(template_name, language, "html", variables, html=True).strip(),
    )
