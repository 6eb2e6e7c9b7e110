"""The CRM (``/crm``): agents' dossiers (list, page, partners sub-panel, contributors), validation tasks, and
the administrators' screens (dossier models, products and attestation templates, notification rules, the
partners directory). Every call is the signed-in staff member's own, through ``clients.Api``."""

from flask import Blueprint

bp = Blueprint("crm", __name__)

from . import admin, calendar, dossiers, partners, tasks, workspace  # noqa: E402,F401  (routes register on import)
