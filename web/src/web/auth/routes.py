"""The sign-in page, the development sign-in as a demo person, sign-out and the language switch."""

from __future__ import annotations

import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from platform_shared.auth import mint_token

from .. import i18n
from ..demo.people import BY_KEY, DEMO_PEOPLE
from ..identity import Person, current_person, sign_in, sign_out
from . import bp, oidc
from .forms import DemoSignInForm, LanguageForm, PlainForm


def safe_next(target: str | None) -> str | None:
    """Only a path of this application (never another site: no scheme, no ``//host``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _settings():
    return current_app.extensions["web.settings"]


@bp.get("/sign-in", endpoint="sign_in")
def sign_in_page():
    settings = _settings()
    if current_person() is not None:
        return redirect(safe_next(request.args.get("next")) or url_for("home"))
    next_path = safe_next(request.args.get("next")) or ""
    mail_dir = Path(settings.web_mail_dir) if settings.web_mail_dir else None
    return render_template(
        "auth/sign_in.html",
        demo_people=DEMO_PEOPLE if settings.development_sign_in else (),
        demo_form=DemoSignInForm(next=next_path),
        oidc_form=PlainForm(next=next_path),
        oidc_enabled=settings.oidc_enabled,
        mail_dir=mail_dir,
    )


@bp.post("/sign-in/demo")
def demo_sign_in():
    settings = _settings()
    if not settings.development_sign_in:
        abort(404)  # production signs in through the identity provider only
    form = DemoSignInForm()
    if not form.validate_on_submit():
        abort(400)
    demo = BY_KEY[form.person.data]
    ttl = settings.web_token_ttl_seconds
    token = mint_token(
        settings, sub=demo.sub, role=demo.role, org=demo.org or None, email=demo.email, name=demo.name, ttl_seconds=ttl
    )
    sign_in(
        Person(
            sub=demo.sub,
            role=demo.role,
            token=token,
            expires_at=int(time.time()) + ttl,
            name=demo.name,
            email=demo.email,
            org=demo.org,
            signed_in_with="demo",
        )
    )
    flash(_("Signed in as %(name)s.", name=demo.name), "success")
    return redirect(safe_next(form.next.data) or url_for("home"))


@bp.post("/sign-in/provider")
def provider_sign_in():
    if not _settings().oidc_enabled:
        abort(404)
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    return oidc.start(safe_next(form.next.data))


@bp.get("/auth/callback")
def provider_callback():
    if not _settings().oidc_enabled:
        abort(404)
    return oidc.finish()


@bp.post("/sign-out")
def sign_out_now():
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    person = current_person()
    sign_out()
    if person is not None and person.signed_in_with == "oidc":
        provider_logout = oidc.logout_url()
        if provider_logout:
            return redirect(provider_logout)
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.post("/language")
def choose_language():
    form = LanguageForm()
    if form.validate_on_submit():
        i18n.choose(form.language.data)
    return redirect(safe_next(form.next.data) or url_for("home"))
