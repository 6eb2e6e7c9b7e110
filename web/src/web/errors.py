"""What a person sees when something goes wrong: a page in their language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .clients import ApiError, ServiceUnavailable
from .identity import sign_out

log = logging.getLogger("web")


def _page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(ServiceUnavailable)
    def service_unavailable(error: ServiceUnavailable):
        log.warning("service unavailable: %s", error)
        return _page(
            503,
            _("Service temporarily unavailable"),
            _(
                "Part of the platform (%(service)s) is not answering right now. Your data is safe: "
                "please try again in a few minutes.",
                service=error.service or "?",
            ),
        )

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        if error.status == 401:
            sign_out()
            flash(_("Your session has expired. Please sign in again."), "warning")
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if error.status in (403, 404):
            return _page(404, _("Not found"), _("This page does not exist or is not visible to you."))
        if error.status == 409:
            return _page(409, _("Not possible now"), error.detail or _("The dossier no longer allows this change."))
        log.warning("API error reached the page: %s", error)
        return _page(
            error.status if 400 <= error.status < 500 else 502,
            _("Something went wrong"),
            error.detail or _("The request could not be completed."),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(
            400,
            _("The form has expired"),
            _("For your security the form could not be accepted. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        titles = {403: _("Not allowed"), 404: _("Not found"), 405: _("Not allowed"), 413: _("File too large")}
        messages = {
            403: _("Your account may not open this page."),
            404: _("This page does not exist or is not visible to you."),
            413: _("The file is larger than the platform accepts."),
        }
        return _page(
            error.code or 500,
            titles.get(error.code, _("Something went wrong")),
            messages.get(error.code, _("The request could not be completed.")),
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s", request.path)
        return _page(500, _("Something went wrong"), _("An unexpected error occurred. Please try again later."))
