"""``web-ctl``: load the demo data through the public APIs, check the settings."""

from __future__ import annotations

import sys

import click

from . import config


@click.group()
def cli() -> None:
    """The web application's commands (the server itself runs under gunicorn: ``web.app:create_app()``)."""


@cli.command("demo-data")
@click.option("--wait", "wait_seconds", default=120.0, show_default=True, help="Seconds to wait for the services.")
def demo_data(wait_seconds: float) -> None:
    """Load the demo data set into empty databases (idempotent; off with DEMO_DATA=0; never in production)."""
    from .demo.loader import DemoLoader, LoadRefused

    settings = config.load()
    try:
        report = DemoLoader(settings).run(wait_seconds=wait_seconds)
    except LoadRefused as refusal:
        click.echo(f"demo data: {refusal}")
        return
    for line in report:
        click.echo(f"demo data: {line}")


@cli.command("check")
def check() -> None:
    """Read the settings as the server would, and say what is wrong."""
    try:
        settings = config.load()
    except config.ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    mode = "OpenID Connect" if settings.oidc_enabled else "development sign-in (demo people)"
    click.echo(f"web: {settings.env}, sign-in: {mode}, services: {settings.dossier_url} ...")
