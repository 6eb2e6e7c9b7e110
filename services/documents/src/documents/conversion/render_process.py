"""Rendering a Word template in a child process with a time, memory and output-size limit.

A template is code its author wrote: nested ``{% for %}`` over ``range(100000)`` runs for hours,
a loop that builds a string can take every byte of memory. Rendered in the API's own process
such a template held a request thread (and, inside the write transaction, SQLite's write lock)
for as long as it ran. Here each render runs in a child process of its own:

- **time**: past ``RENDER_TIMEOUT_SECONDS`` of wall clock the child's process group is killed
  (SIGKILL); its CPU is also capped (``RLIMIT_CPU``), so a child whose parent died stops too;
- **memory**: its address space is capped at ``RENDER_MEMORY_BYTES`` (``RLIMIT_AS``): a render
  that needs more fails with ``MemoryError`` in the child, never in the API;
- **output**: a .docx larger than ``RENDER_OUTPUT_BYTES`` is refused.

Every failure is a ``RenderRefused`` with a message for the template's author (the API answers 422).
Each child serves one render and exits, so nothing a template did survives it.

**Forked, not started** (issue 18): a new Python process importing docxtpl, lxml and Jinja costs about
0.4 s of CPU, which a render paid for the next spare, on the cores LibreOffice converts on. So each API
process starts one *render server* (``python -m documents.conversion.render_process <limits>``) that
does those imports once, then forks one child per render: a fork costs a few milliseconds and the child
starts with everything imported. The API hands each render its own socket (passed over the server's
control socket, ``socket.send_fds``); the child writes its pid, reads the request (a 4-byte length,
that many bytes of JSON: the values, then the template's bytes, then end of file), sets its limits,
renders and answers one status byte (``0`` and the .docx, or ``REFUSED`` and a message). The server
never renders and never reads a request: it only forks, so a template cannot reach it. It exits when
its API process goes (end of file on the control socket); children it forked are reaped by the
kernel (``SIGCHLD`` ignored). Why not ``multiprocessing``'s forkserver: it is one per process and
global, starts a resource tracker process beside it, and gives no way to kill a render's process group.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
OK, INTERNAL, REFUSED = 0, 1, 3
_LENGTH = struct.Struct(">I")
_PID = struct.Struct(">i")
READY = b"R"


class RenderRefused(Exception):
    """The template cannot be rendered with these values within the limits; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RenderLimits:
    timeout_seconds: float
    memory_bytes: int
    output_bytes: int

    def argv(self) -> list[str]:
        cpu_seconds = max(1, int(self.timeout_seconds) + 1)
        return [str(self.memory_bytes), str(cpu_seconds), str(self.output_bytes)]


class TemplateRenderer:
    """Renders in single-use children forked by one render server, started at the first render and again
    if it has died (thread-safe)."""

    def __init__(self, limits: RenderLimits):
        self.limits = limits
        self._server: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()

    def _start_server(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one message, one socket
        try:
            self._server = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno()), *self.limits.argv()],
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        ours.settimeout(60)
        if ours.recv(1) != READY:  # its imports are done
            ours.close()
            self._stop_server()
            raise RenderRefused("The template renderer could not start: try again.")
        ours.settimeout(None)
        self._control = ours

    def _stop_server(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._server is not None:
            self._server.kill()
            self._server.wait()
            self._server = None

    def _fork_child(self) -> socket.socket:
        """A socket whose other end is held by a newly forked child, waiting for its request."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                for attempt in (1, 2):
                    if self._server is None or self._server.poll() is not None:
                        self._stop_server()
                        self._start_server()
                    try:
                        socket.send_fds(self._control, [b"F"], [theirs.fileno()])
                        break
                    except OSError:
                        self._stop_server()  # it died since: start another, once
                        if attempt == 2:
                            raise
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def render(self, template: bytes, values: dict) -> bytes:
        """The filled .docx, or ``RenderRefused``."""
        header = json.dumps(values, default=str).encode()
        deadline = time.monotonic() + self.limits.timeout_seconds
        try:
            connection = self._fork_child()
        except OSError as error:
            log.error("template render server unusable: %s", error)
            raise RenderRefused(
                "The template could not be rendered (the renderer is unavailable): try again."
            ) from None
        with connection:
            connection.settimeout(self.limits.timeout_seconds)
            try:
                pid = _PID.unpack(_read_exactly(connection, _PID.size))[0]
            except (OSError, EOFError):
                raise RenderRefused("The template could not be rendered (the renderer stopped): try again.") from None
            try:
                connection.sendall(_LENGTH.pack(len(header)) + header + template)
                connection.shutdown(socket.SHUT_WR)
                status, body = _read_answer(connection, deadline, self.limits.output_bytes)
            except TimeoutError:
                _kill_group(pid)
                raise RenderRefused(
                    f"The template took longer than {self.limits.timeout_seconds:g} s to render "
                    "(a loop over too many items?)."
                ) from None
            except EOFError:  # the child died without answering: its hard CPU limit, or the kernel's OOM killer
                _kill_group(pid)
                raise RenderRefused(
                    "The template's render was stopped by the system (out of memory or CPU time?): try again."
                ) from None
            except OSError as error:
                _kill_group(pid)
                log.error("template render child failed: %s", error)
                raise RenderRefused("The template could not be rendered (the renderer stopped).") from None
        if status == OK and 0 < len(body) <= self.limits.output_bytes:
            return body
        if status == OK and body:
            raise RenderRefused(f"The rendered document is larger than {self.limits.output_bytes} bytes.")
        if status == REFUSED:
            raise RenderRefused(body.decode(errors="replace").strip())
        log.error("template render child failed (%s): %s", status, body[-2000:].decode(errors="replace"))
        raise RenderRefused(f"The template could not be rendered (the renderer stopped: {status}).")

    def close(self) -> None:
        with self._lock:
            self._stop_server()


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read_answer(connection: socket.socket, deadline: float, output_bytes: int) -> tuple[int, bytes]:
    """The child's status byte and body, read until it closes its end; past ``deadline``: ``TimeoutError``.
    A body past ``output_bytes`` is not read further (the answer is a refusal whatever follows)."""
    chunks, size = [], 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        connection.settimeout(remaining)
        chunk = connection.recv(1024 * 1024)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > output_bytes + 1:
            break
    answer = b"".join(chunks)
    if not answer:
        raise EOFError
    return answer[0], answer[1:]


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# ----- the render server and its children (this module run as a program) ---------------------------------
def _serve(control_fd: int, memory_bytes: int, cpu_seconds: int, output_bytes: int) -> int:
    from ..domain import templates

    templates.preload()  # the imports every child inherits
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the API: it goes, this follows
    control = socket.socket(fileno=control_fd)
    control.sendall(READY)
    while True:
        message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        if not message:  # end of file: the API process is gone
            return 0
        if not fds:
            continue
        if os.fork() == 0:
            code = INTERNAL
            try:
                control.close()
                code = _child(fds[0], memory_bytes, cpu_seconds, output_bytes)
            except BaseException:  # a bug, not the template's doing: said to the API, never back in this loop
                _answer_internal(fds[0])
            finally:
                os._exit(code)
        os.close(fds[0])


def _answer_internal(fd: int) -> None:
    import traceback

    try:
        os.write(fd, bytes([INTERNAL]) + traceback.format_exc()[-2000:].encode())
    except OSError:
        pass


def _child(fd: int, memory_bytes: int, cpu_seconds: int, output_bytes: int) -> int:
    import resource

    from ..domain.templates import TemplateProblem, render_docx

    os.setsid()  # its own process group: killed as a whole
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connection = socket.socket(fileno=fd)
    connection.sendall(_PID.pack(os.getpid()))
    request = b"".join(iter(lambda: connection.recv(1024 * 1024), b""))
    if len(request) < _LENGTH.size:
        return 0
    # Limits apply to the render only: the imports are not the template's doing.
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    def refuse(message: str) -> int:
        connection.sendall(bytes([REFUSED]) + message.encode())
        return REFUSED

    def out_of_cpu(_signum, _frame):  # the soft CPU limit; the hard one, a second later, kills
        os._exit(refuse(f"The template used more than {cpu_seconds - 1} s of CPU to render."))

    signal.signal(signal.SIGXCPU, out_of_cpu)
    (length,) = _LENGTH.unpack_from(request)
    values = json.loads(request[_LENGTH.size : _LENGTH.size + length])
    template = request[_LENGTH.size + length :]
    try:
        output = render_docx(template, values)
    except TemplateProblem as problem:
        return refuse(problem.message)
    except MemoryError:
        return refuse(f"The template needs more than {memory_bytes // (1024 * 1024)} MiB of memory to render.")
    if len(output) > output_bytes:
        return refuse(f"The rendered document is larger than {output_bytes} bytes.")
    connection.sendall(bytes([OK]) + output)
    return OK


if __name__ == "__main__":
    os._exit(_serve(*(int(argument) for argument in sys.argv[1:5])))
