"""The staff side (``/crm``). The CRM's screens (issue 17) are blueprints registered beside this one; today it
holds the staff home: an internal partner's solicitations (answered with the portal's partner screens) and
the services' API documentation."""

from flask import Blueprint, current_app

from ..identity import signed_in
from ..portal.common import api, page

bp = Blueprint("staff", __name__)

API_DOCS = (
    ("dossier", "dossier_url"),
    ("partner-gateway", "partner_gateway_url"),
    ("attestation", "attestation_url"),
    ("notification", "notification_url"),
    ("documents", "documents_url"),
)


@bp.get("/")
@signed_in("agent")
def home():
    settings = current_app.extensions["web.settings"]
    solicitations = api().get_all("partner-gateway", "/me/solicitations")
    docs = [(name, getattr(settings, attribute).rstrip("/") + "/docs") for name, attribute in API_DOCS]
    return page("staff/home.html", nav="staff", solicitations=solicitations, docs=docs)
