"""Debian's Chromium driven by Selenium (``/usr/bin/chromium`` and ``/usr/bin/chromedriver``), headless, with
the flags this machine needs (no sandbox as root, no background traffic to a network it does not have)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The bottom of the page's last element: the body's min-height (100vh) would otherwise grow with the window.
CONTENT_HEIGHT = (
    "const last = document.querySelector('footer') || document.body.lastElementChild;"
    "return Math.max(Math.ceil(last.getBoundingClientRect().bottom + window.scrollY), 600);"
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--password-store=basic",
)


def available() -> str | None:
    """Why Chromium cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    if not AXE.exists():
        return f"{AXE} is missing (npm ci in web/)"
    return None


class Browser:
    """One Chromium with its own empty profile and download folder."""

    def __init__(self, width: int = 1366, height: int = 900, language: str = "fr-FR"):
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
        self.downloads = Path(tempfile.mkdtemp(prefix="chromium-downloads-"))
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.add_argument(f"--lang={language}")
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(self.downloads),
                "download.prompt_for_download": False,
                "intl.accept_languages": language,
            },
        )
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(self.downloads)}
        )

    def fit_window(self, width: int = 1366, max_height: int = 4000) -> None:
        """Make the viewport as tall as the page's content (up to ``max_height``)."""
        self.driver.set_window_size(width, 800)
        height = min(int(self.driver.execute_script(CONTENT_HEIGHT)), max_height)
        chrome = int(self.driver.execute_script("return window.outerHeight - window.innerHeight"))
        self.driver.set_window_size(width, height + chrome)
        self.driver.execute_script("window.scrollTo(0, 0)")
        self.driver.execute_script(
            "return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def full_page_screenshot(self, path: Path, width: int = 1366) -> None:
        """The whole page (not only the window), as the README and failure reports want it."""
        self.fit_window(width)
        self.driver.save_screenshot(str(path))

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
        """axe-core's violations of the current page at ``impacts``."""
        self.driver.execute_script(AXE.read_text())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
        )
        return [item for item in result if item.get("impact") in impacts]

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
            shutil.rmtree(self.downloads, ignore_errors=True)
