"""Rendering a Word template in a child process with a time, memory and output-size limit.

A template is code its author wrote: nested ``{% for %}`` over ``range(100000)`` runs for hours,
a loop that builds a string can take every byte of memory. Rendered in the API's own process
such a template held a request thread (and, inside the write transaction, SQLite's write lock)
for as long as it ran. Here each render runs in a fresh child process:

- **time**: past ``RENDER_TIMEOUT_SECONDS`` of wall clock the child's process group is killed
  (SIGKILL); its CPU is also capped (``RLIMIT_CPU``), so a child whose parent died stops too;
- **memory**: its address space is capped at ``RENDER_MEMORY_BYTES`` (``RLIMIT_AS``): a render
  that needs more fails with ``MemoryError`` in the child, never in the API;
- **output**: a .docx larger than ``RENDER_OUTPUT_BYTES`` is refused.

Every failure is a ``RenderRefused`` with a message for the template's author (the API answers 422).
Each child serves one render and exits, so nothing a template did survives it. A few children are
started ahead (``RENDER_SPARE_PROCESSES``), their imports done, waiting on their stdin: a render
does not pay Python's start-up, and a spare whose parent dies reads end-of-file and exits.

Run as ``python -m documents.conversion.render_process <memory> <cpu seconds> <output bytes>``: it
reads a 4-byte length, that many bytes of JSON (the values), then the template's bytes, and
writes the .docx to stdout (exit 0), or a message to stderr (exit ``REFUSED``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)
REFUSED = 3
_LENGTH = struct.Struct(">I")


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
    """Renders in single-use child processes, keeping ``spares`` of them started ahead (thread-safe)."""

    def __init__(self, limits: RenderLimits, spares: int = 1):
        self.limits = limits
        self.spares = spares
        self._ready: list[subprocess.Popen] = []
        self._lock = threading.Lock()

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", __name__, *self.limits.argv()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: killed as a whole
        )

    def _take(self) -> subprocess.Popen:
        with self._lock:
            while self._ready:
                child = self._ready.pop()
                if child.poll() is None:
                    break
            else:
                child = self._spawn()
            while len(self._ready) < self.spares:
                self._ready.append(self._spawn())
        return child

    def render(self, template: bytes, values: dict) -> bytes:
        """The filled .docx, or ``RenderRefused``."""
        header = json.dumps(values, default=str).encode()
        child = self._take()
        try:
            output, errors = child.communicate(
                _LENGTH.pack(len(header)) + header + template, self.limits.timeout_seconds
            )
        except subprocess.TimeoutExpired:
            _kill(child)
            raise RenderRefused(
                f"The template took longer than {self.limits.timeout_seconds:g} s to render "
                "(a loop over too many items?)."
            ) from None
        if child.returncode == 0 and 0 < len(output) <= self.limits.output_bytes:
            return output
        if child.returncode == 0 and output:
            raise RenderRefused(f"The rendered document is larger than {self.limits.output_bytes} bytes.")
        if child.returncode == REFUSED:
            raise RenderRefused(errors.decode(errors="replace").strip())
        if child.returncode == -signal.SIGXCPU:
            raise RenderRefused(f"The template used more than {self.limits.timeout_seconds:g} s of CPU to render.")
        if child.returncode == -signal.SIGKILL:  # not ours (that is the timeout above): the kernel's OOM killer
            raise RenderRefused("The template's render was stopped by the system (out of memory?): try again.")
        log.error("template render child failed (%s): %s", child.returncode, errors[-2000:])
        raise RenderRefused(f"The template could not be rendered (the renderer stopped: {child.returncode}).")

    def close(self) -> None:
        with self._lock:
            spares, self._ready = self._ready, []
        for child in spares:
            _kill(child)


def _kill(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.communicate()


def _child(memory_bytes: int, cpu_seconds: int, output_bytes: int) -> int:
    import resource

    from ..domain.templates import TemplateProblem, render_docx

    request = sys.stdin.buffer.read()  # waits here as a spare; end of file: the API is gone
    if len(request) < _LENGTH.size:
        return 0
    # Limits apply to the render only: start-up and the imports above are not the template's doing.
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    (length,) = _LENGTH.unpack_from(request)
    values = json.loads(request[_LENGTH.size : _LENGTH.size + length])
    template = request[_LENGTH.size + length :]
    try:
        output = render_docx(template, values)
    except TemplateProblem as problem:
        sys.stderr.write(problem.message)
        return REFUSED
    except MemoryError:
        sys.stderr.write(f"The template needs more than {memory_bytes // (1024 * 1024)} MiB of memory to render.")
        return REFUSED
    if len(output) > output_bytes:
        sys.stderr.write(f"The rendered document is larger than {output_bytes} bytes.")
        return REFUSED
    sys.stdout.buffer.write(output)
    return 0


if __name__ == "__main__":
    code = _child(*(int(argument) for argument in sys.argv[1:4]))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the answer is out: skip the interpreter's teardown, the parent waits for the exit
