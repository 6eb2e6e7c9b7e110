"""The portal: clients (and their company's colleagues), partners, contributors and participants."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from . import calendar, client, contracts, home, live, third_party, workspace  # noqa: E402,F401  (the routes register themselves on bp)
