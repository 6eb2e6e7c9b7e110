"""The browser suite: the five services as real processes (``tests/integration/harness.py``'s ``Platform``:
PostgreSQL, RabbitMQ, SMTP sink, LibreOffice), the web application under gunicorn, the demo data loaded
through the APIs, and Debian's Chromium driven by Selenium. A failing test leaves a screenshot of the page
in ``var/screenshots/``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium import Browser, available  # noqa: E402
from harness import BIN, Platform, free_port, wait_until  # noqa: E402
from screens import Screens  # noqa: E402

from platform_shared.testing import infra  # noqa: E402
from web.config import load as load_web_settings  # noqa: E402
from web.demo.loader import DemoLoader  # noqa: E402

SCREENSHOTS = ROOT / "var" / "screenshots"
SERVICE_URL_SETTINGS = {
    "dossier": "DOSSIER_URL",
    "partner-gateway": "PARTNER_GATEWAY_URL",
    "attestation": "ATTESTATION_URL",
    "notification": "NOTIFICATION_URL",
    "documents": "DOCUMENTS_URL",
}


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test infrastructure missing under CI: {reason}")
    pytest.skip(reason)


class WebProcess:
    """The web application as ``make run`` starts it (gunicorn, ``web.app:create_app()``)."""

    def __init__(self, platform: Platform, work_dir: Path, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = work_dir / "web.log"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST_"))}
        env.update({name: platform.url(service) for service, name in SERVICE_URL_SETTINGS.items()})
        env.update(
            {
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                "WEB_BASE_URL": self.url,
                "WEB_SECRET_KEY": "browser-tests-secret-key-of-32-bytes!!",
                "GUNICORN_THREADS": "12",
                # two browsers' live updates: each relay holds a thread, a left page's until its next keepalive
                "WEB_LIVE_STREAMS_PER_PROCESS": "6",
                "LOG_LEVEL": "INFO",
            }
        )
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> WebProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "web.app:create_app()",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_until(self._healthy, timeout=60):
            raise RuntimeError(f"the web application did not start:\n{self.log.read_text()[-3000:]}")
        return self

    def _healthy(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    missing = available()
    if missing:
        _unavailable(missing)
    work_dir = tmp_path_factory.mktemp("platform")
    web_port = free_port()
    try:
        running = Platform(
            work_dir,
            extra_env={
                "PORTAL_BASE_URL": f"http://127.0.0.1:{web_port}/portal",
                "CRM_BASE_URL": f"http://127.0.0.1:{web_port}/crm",
            },
        ).start()
    except infra.InfraUnavailable as error:
        _unavailable(str(error))
    running.web_port = web_port  # the emails' links point at the web application the next fixture starts
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def web(platform, tmp_path_factory):
    process = WebProcess(platform, tmp_path_factory.mktemp("web"), platform.web_port).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="session")
def demo(platform, web):
    """The demo data set, loaded through the APIs by the same loader as ``make run``."""
    environ = {name: platform.url(service) for service, name in SERVICE_URL_SETTINGS.items()}
    settings = load_web_settings(environ=environ)
    report = DemoLoader(settings).run(wait_seconds=60)
    assert any(line.startswith("created") for line in report), report
    return settings


@pytest.fixture
def browser(request, web):
    opened = Browser()
    request.node.browser = opened
    try:
        yield opened
    finally:
        opened.quit()


@pytest.fixture
def screens(browser, web, demo):
    """A person at the screens of the web application (axe-core checks every page they reach)."""
    return Screens(browser, web.url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    opened = getattr(item, "browser", None)
    if report.when == "call" and report.failed and opened is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::")[-1])
        try:
            opened.full_page_screenshot(SCREENSHOTS / f"{name}.png")
            (SCREENSHOTS / f"{name}.html").write_text(opened.driver.page_source)
        except Exception as error:  # the report must not hide the test's own failure
            report.sections.append(("screenshot", f"could not save the screenshot: {error}"))
    return report
