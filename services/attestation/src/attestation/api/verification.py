"""Public verification of an attestation from the code printed on it: ``GET /api/v1/verifications/{code}``
(JSON) and the page ``GET /verify/{code}`` (HTML, French or English). No login; rate-limited per client
address; an unknown code and a revoked attestation answer alike but for their status."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Response, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint

from platform_shared.i18n import LANGUAGES, format_date, pick_language
from platform_shared.web import app_db, app_settings

from ..domain.errors import TooManyVerifications
from ..domain.messages import VERIFICATION_PAGE
from ..services import verification
from .schemas import VerificationSchema

blp = Blueprint("verifications", __name__, url_prefix="/api/v1/verifications", description="Public verification")
page = FlaskBlueprint("verification_page", __name__)

# The code travels in the URL: no referrer, no cache, no indexing.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _checked(code: str) -> dict:
    """Count the call against the caller's address (429 past the limit), then look the code up."""
    with app_db().transaction() as session:
        verification.count_verification(session, app_settings(), request.remote_addr)
    with app_db().read_only() as session:
        return verification.verify(session, code)


@blp.route("/<code>")
class Verification(MethodView):
    @blp.doc(security=[])
    @blp.response(200, VerificationSchema)
    @blp.alt_response(429, description="Too many verifications from this address (Retry-After says when to retry).")
    def get(self, code):
        """Check an attestation by its code (no login): valid, expired, revoked or unknown, and for a valid or
        expired one the holder, the contract number and the validity dates."""
        return _checked(code), 200, PRIVATE_HEADERS


def _page(code: str | None) -> Response:
    lang = pick_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    context = {
        "lang": lang,
        "other_lang": next(item for item in LANGUAGES if item != lang),
        "text": VERIFICATION_PAGE[lang],
        "form_action": request.script_root + "/verify",
        "result": None,
        "too_many": False,
        "dates": {},
    }
    status, headers = 200, {**PRIVATE_HEADERS, "Content-Security-Policy": PAGE_POLICY}
    if code:
        try:
            result = _checked(code)
        except TooManyVerifications as error:
            context["too_many"], status = True, 429
            headers.update(error.headers)
        else:
            context["result"] = result
            context["dates"] = {
                name: format_date(result[name], lang) for name in ("valid_from", "valid_until", "checked_on")
            }
    html = render_template("verify.html", **context)
    return Response(html, status=status, headers=headers, mimetype="text/html")


@page.get("/verify")
def verify_form():
    """The form (and, with ``?code=``, the answer)."""
    return _page((request.args.get("code") or "").strip()[:64] or None)


@page.get("/verify/<code>")
def verify_page(code: str):
    """The page the QR code points to."""
    return _page(code[:64])
