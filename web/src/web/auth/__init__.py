"""Sign-in (development one-click demo people, or OpenID Connect), sign-out and the language switch."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401  (the routes register themselves on bp)
