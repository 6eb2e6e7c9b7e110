"""Browser assets of pinned npm packages (web/package-lock.json, installed by ``npm ci``), served by the
application itself: nothing is loaded from a CDN, so the pages work offline."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

# The files a page may load, by public name → path inside node_modules.
VENDOR_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "feather-sprite.svg": "feather-icons/dist/feather-sprite.svg",
    "inter/inter-latin-wght-normal.woff2": "@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
    "inter/inter-latin-ext-wght-normal.woff2": "@fontsource-variable/inter/files/inter-latin-ext-wght-normal.woff2",
    "inter/inter-latin-wght-italic.woff2": "@fontsource-variable/inter/files/inter-latin-wght-italic.woff2",
}

bp = Blueprint("assets", __name__)


@bp.get("/assets/vendor/<path:name>")
def vendor(name: str):
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    root = Path(current_app.config["WEB_ASSETS_DIR"])
    return send_from_directory(root, relative, max_age=7 * 24 * 3600)


def missing_vendor_files(assets_dir: str) -> list[str]:
    root = Path(assets_dir)
    return [name for name, relative in VENDOR_FILES.items() if not (root / relative).is_file()]
