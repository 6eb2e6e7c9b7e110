"""Take the README's screenshots with Debian's Chromium, through the screens of a running platform with the
demo data (`make run`): `.venv/bin/python web/scripts/screenshots.py [--base-url URL] [--out docs/screenshots]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "web" / "tests" / "browser"))

from chromium import Browser  # noqa: E402
from screens import Screens  # noqa: E402

WIDTH, MAX_HEIGHT = 1280, 1500


def shoot(screens: Screens, out: Path, name: str) -> None:
    screens.browser.fit_window(WIDTH, MAX_HEIGHT)
    screens.driver.save_screenshot(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(width=WIDTH, height=900)
    try:
        screens = Screens(browser, args.base_url)
        screens.open("/sign-in")
        shoot(screens, out, "sign-in")
        screens.sign_in_as("Sophie Bernard")
        shoot(screens, out, "client-dossiers")
        screens.follow("Rénovation de la toiture")
        shoot(screens, out, "client-dossier")
        screens.follow("Mes contrats")
        screens.follow("-000142")
        shoot(screens, out, "client-contract")
        screens.follow("Demander une attestation")
        screens.choose("Attestation pour un évènement")
        shoot(screens, out, "client-attestation-form")
        screens.press("Se déconnecter")
        screens.sign_in_as("Julien Moreau")
        screens.follow("Rénovation de la toiture")
        shoot(screens, out, "partner-dossier")
        screens.press("Se déconnecter")
        screens.sign_in_as("Thomas Petit")
        screens.follow("Pièces à fournir")
        shoot(screens, out, "contributor-pieces")
        screens.press("Se déconnecter")
        screens.sign_in_as("Claire Martin")
        screens.follow("Dossiers")
        shoot(screens, out, "crm-dossiers")
        screens.follow("Extension de l'atelier")
        shoot(screens, out, "crm-dossier")
    finally:
        browser.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
