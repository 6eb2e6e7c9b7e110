"""Settings of the dossier service (shared settings plus its own)."""

from __future__ import annotations

from platform_shared.config import Settings, load_settings

from . import SERVICE_NAME


class DossierSettings(Settings):
    reference_prefix: str = "DOS"
    # The workspace's money: the VAT rates (percent, decimal strings) and currencies a document may use.
    vat_rates: list[str] = ["0", "2.1", "5.5", "10", "20"]
    currencies: list[str] = ["EUR"]
    # Where calendar clients fetch a feed (the secret token is appended): the public base of this service.
    calendar_base_url: str = ""  # empty: the URL the request came in on
    # The documents service's template that renders quotes, orders, invoices and credit notes to PDF (entity
    # finance); empty: the default one this service installs there the first time (``clients.py``).
    finance_template_id: str = ""


def load(**overrides) -> DossierSettings:
    return load_settings(DossierSettings, SERVICE_NAME, **overrides)
