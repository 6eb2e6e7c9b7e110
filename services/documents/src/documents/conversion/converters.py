"""PDF converters: a supervised pool of long-lived LibreOffice (unoserver), Gotenberg, cold soffice, none.

One LibreOffice converts one document at a time, so the pool runs one unoserver per slot, each
with its own profile directory. Every instance runs in its own process group: a hung conversion
or a shutdown kills the whole group (unoserver does not stop its LibreOffice on SIGTERM).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)
logging.getLogger("unoserver").setLevel(logging.WARNING)  # it logs every request at INFO
STOP_GRACE_SECONDS = 1.0
KILL_WAIT_SECONDS = 5.0  # how long SIGKILLed processes may take to disappear
GUARD_SCRIPT = Path(__file__).with_name("lo_guard.py")


class ConversionFailed(Exception):
    """The document could not be converted (it will not succeed by retrying)."""


class ConversionTimedOut(ConversionFailed):
    """The converter hung past its timeout and was killed."""


class ConverterUnavailable(Exception):
    """The converter could not be reached or started (may succeed later)."""


class Converter(Protocol):
    name: str

    def convert_to_pdf(self, docx: bytes) -> bytes: ...

    def close(self) -> None: ...


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def live_group_members(group: int) -> list[int]:
    """Pids of the process group that are not zombies (an orphaned zombie still answers ``killpg(g, 0)``)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def _kill_group(process: subprocess.Popen, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it after ``grace`` seconds."""
    group = process.pid  # started with start_new_session: the leader's pid is the group id
    for sig in (signal.SIGTERM, signal.SIGKILL) if grace > 0 else (signal.SIGKILL,):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + (grace if sig == signal.SIGTERM else KILL_WAIT_SECONDS)
        while time.monotonic() < deadline and live_group_members(group):
            if process.poll() is None:
                try:
                    process.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
            else:
                time.sleep(0.05)
        if not live_group_members(group):
            break
    if process.poll() is None:
        process.wait(timeout=max(grace, 1.0))
    if process.stdin is not None:
        process.stdin.close()


def _pdf_or_fail(data: bytes | None) -> bytes:
    if not data or not data.startswith(b"%PDF-"):
        raise ConversionFailed("The converter did not return a PDF.")
    return data


class UnoserverInstance:
    """One unoserver + LibreOffice with its own profile, restarted when it crashes or hangs."""

    def __init__(self, slot: int, *, python: str, data_dir: Path, soffice: str, start_timeout: float):
        self.slot = slot
        self.python = python
        self.soffice = soffice
        self.profile = data_dir / f"lo-profile-{slot}"
        self.log_path = data_dir / f"unoserver-{slot}.log"
        self.pid_file = data_dir / f"lo-{slot}.pid"
        self.group_file = data_dir / f"unoserver-{slot}.pid"
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.restarts = 0

    def _kill_stale_processes(self) -> None:
        """Kill what a worker that died without cleaning up (SIGKILL, OOM) left on this slot's profile."""
        for pid_file in (self.group_file, self.pid_file):
            try:
                pid = int(pid_file.read_text().strip())
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except (FileNotFoundError, ValueError):
                pid_file.unlink(missing_ok=True)
                continue
            if str(self.profile.resolve()).encode() in command:
                try:
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            pid_file.unlink(missing_ok=True)

    def start(self) -> None:
        self._kill_stale_processes()
        self.profile.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        uno_port = _free_port()
        command = [
            self.python,
            str(GUARD_SCRIPT),
            self.python,
            "-m",
            "unoserver.server",
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--uno-port",
            str(uno_port),
            "--executable",
            shutil.which(self.soffice) or self.soffice,
            "--user-installation",
            str(self.profile.resolve()),
            "--libreoffice-pid-file",
            str(self.pid_file),
        ]
        log_file = open(self.log_path, "ab")  # noqa: SIM115 (closed once the child holds it)
        # stdin is the guard's lifeline: it kills the group when this process is gone and the pipe closes.
        self.process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.PIPE, start_new_session=True
        )
        log_file.close()
        self.group_file.write_text(str(self.process.pid))
        log.info("converter slot %s: unoserver started (pid %s, port %s)", self.slot, self.process.pid, self.port)

    def wait_ready(self) -> None:
        """Until unoserver answers ``info`` (it does once its LibreOffice is connected)."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ConverterUnavailable(f"unoserver of slot {self.slot} exited while starting")
            try:
                with xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True) as proxy:
                    proxy.info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.1)
        self.stop(grace=0)
        raise ConverterUnavailable(f"unoserver of slot {self.slot} did not start within {self.start_timeout}s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> None:
        if not self.alive():
            if self.process is not None:
                self.restarts += 1
                log.warning(
                    "converter slot %s: unoserver gone (exit %s), restarting", self.slot, self.process.returncode
                )
                _kill_group(self.process, grace=0)
            self.start()
            self.wait_ready()

    def convert(self, docx: bytes, timeout: float) -> bytes:
        from unoserver.client import UnoClient

        self.ensure_running()
        client = UnoClient("127.0.0.1", str(self.port))
        runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"uno-{self.slot}")
        future = runner.submit(client.convert, indata=docx, convert_to="pdf")
        try:
            return _pdf_or_fail(future.result(timeout=timeout))
        except FutureTimeout as error:
            log.error("converter slot %s: conversion hung for %.0fs, killing LibreOffice", self.slot, timeout)
            self.stop(grace=0)
            raise ConversionTimedOut(f"The PDF conversion did not finish within {timeout:.0f} seconds.") from error
        except (ConversionFailed, ConverterUnavailable):
            raise
        except Exception as error:  # xmlrpc Fault, connection reset by a crashed LibreOffice...
            if not self.alive():
                raise ConverterUnavailable(f"LibreOffice of slot {self.slot} crashed") from error
            raise ConversionFailed(f"LibreOffice could not convert the document ({type(error).__name__}).") from error
        finally:
            runner.shutdown(wait=False)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        if self.process is not None:
            _kill_group(self.process, grace)
        self._kill_stale_processes()


class UnoserverPool:
    """``slots`` long-lived LibreOffice instances; a conversion takes a free one or waits."""

    name = "unoserver"

    def __init__(
        self,
        *,
        slots: int,
        python: str,
        soffice: str,
        data_dir: Path,
        timeout: float,
        start_timeout: float,
        stop_grace: float = STOP_GRACE_SECONDS,
    ):
        self.timeout = timeout
        self.stop_grace = stop_grace
        self.instances = [
            UnoserverInstance(slot, python=python, data_dir=data_dir, soffice=soffice, start_timeout=start_timeout)
            for slot in range(slots)
        ]
        self.free: queue.Queue[UnoserverInstance] = queue.Queue()
        self._closed = threading.Event()
        for instance in self.instances:
            self.free.put(instance)
        atexit.register(self.close)

    def start(self) -> None:
        """Start every instance now (the worker does it at boot so the first conversion is warm)."""
        for instance in self.instances:
            instance.start()
        for instance in self.instances:
            try:
                instance.wait_ready()
            except ConverterUnavailable:
                log.exception("converter slot %s did not start; it will be retried on first use", instance.slot)

    def convert_to_pdf(self, docx: bytes) -> bytes:
        if self._closed.is_set():
            raise ConverterUnavailable("the converter is shut down")
        instance = self.free.get()
        try:
            return instance.convert(docx, self.timeout)
        finally:
            self.free.put(instance)

    def close(self) -> None:
        """Stop every instance at once: SIGTERM, then SIGKILL after the grace period."""
        if self._closed.is_set():
            return
        self._closed.set()
        stoppers = [threading.Thread(target=instance.stop, args=(self.stop_grace,)) for instance in self.instances]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()


class GotenbergConverter:
    """A Gotenberg container over HTTP (docker-compose)."""

    name = "gotenberg"

    def __init__(self, base_url: str, timeout: float):
        self.url = base_url.rstrip("/") + "/forms/libreoffice/convert"
        self.timeout = timeout

    def convert_to_pdf(self, docx: bytes) -> bytes:
        import requests  # only this converter speaks HTTP: the unoserver worker does not load it (~7 MiB)

        try:
            response = requests.post(self.url, files={"files": ("document.docx", docx)}, timeout=self.timeout)
        except requests.Timeout as error:
            raise ConversionTimedOut(f"Gotenberg did not answer within {self.timeout:.0f} seconds.") from error
        except requests.RequestException as error:
            raise ConverterUnavailable(f"Gotenberg is unreachable ({type(error).__name__})") from error
        if response.status_code >= 500 and response.status_code != 503:
            raise ConversionFailed(f"Gotenberg answered {response.status_code}.")
        if response.status_code >= 400:
            raise ConverterUnavailable(f"Gotenberg answered {response.status_code}")
        return _pdf_or_fail(response.content)

    def close(self) -> None:
        return None


class ColdSofficeConverter:
    """One ``soffice --headless --convert-to pdf`` per document, each with a throwaway profile (slow)."""

    name = "soffice"

    def __init__(self, soffice: str, tmp_dir: Path, timeout: float):
        self.soffice = soffice
        self.tmp_dir = tmp_dir
        self.timeout = timeout

    def convert_to_pdf(self, docx: bytes) -> bytes:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.tmp_dir, prefix="soffice-") as work:
            work_dir = Path(work)
            source = work_dir / "document.docx"
            source.write_bytes(docx)
            command = [
                self.soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work_dir / "out"),
                str(source),
            ]
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired as error:
                _kill_group(process, grace=1.0)
                raise ConversionTimedOut(f"soffice did not finish within {self.timeout:.0f} seconds.") from error
            target = work_dir / "out" / "document.pdf"
            if not target.exists():
                raise ConversionFailed(f"soffice exited with {process.returncode} and no PDF.")
            return _pdf_or_fail(target.read_bytes())

    def close(self) -> None:
        return None


class NoConverter:
    name = "none"

    def convert_to_pdf(self, docx: bytes) -> bytes:
        raise ConversionFailed("No PDF converter is configured.")

    def close(self) -> None:
        return None


def unoserver_installed(settings) -> bool:
    if not shutil.which(settings.soffice_path) or not Path(settings.uno_python).exists():
        return False
    probe = subprocess.run(
        [settings.uno_python, "-c", "import uno, unoserver.server"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    return probe.returncode == 0


def resolve_converter_name(settings) -> str:
    """``CONVERTER`` with ``auto`` resolved: unoserver, else cold soffice, else none."""
    name = settings.converter.lower()
    if name != "auto":
        return name
    if unoserver_installed(settings):
        return "unoserver"
    return "soffice" if shutil.which(settings.soffice_path) else "none"


def make_converter(settings, name: str | None = None) -> Converter:
    name = name or resolve_converter_name(settings)
    if name == "unoserver":
        return UnoserverPool(
            slots=settings.converter_slots,
            python=settings.uno_python,
            soffice=settings.soffice_path,
            data_dir=settings.data_path,
            timeout=settings.converter_timeout_seconds,
            start_timeout=settings.converter_start_timeout_seconds,
        )
    if name == "gotenberg":
        return GotenbergConverter(settings.gotenberg_url, settings.converter_timeout_seconds)
    if name == "soffice":
        return ColdSofficeConverter(
            settings.soffice_path, settings.data_path / "documents-tmp", settings.converter_timeout_seconds
        )
    if name == "none":
        return NoConverter()
    raise ValueError(f"unknown CONVERTER {name!r}")
