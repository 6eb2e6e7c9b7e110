"""`make run`'s supervisor: the processes of a Procfile, their output prefixed with their names, stopped together.

    .venv/bin/python scripts/supervise.py [-f Procfile] [--grace 10] [--no-colour]

Each ``name: command`` line is started in its own process group (a plain command as it is; one with shell
syntax, ``$VAR``, ``;``, ``|``, ``&&``, redirections, globs, ``VAR=value`` first, under ``/bin/sh -c``), its output printed line by line as ``HH:MM:SS name | line``. When
one process exits, or on SIGINT / SIGTERM, every other one gets SIGTERM; a process group still there after
``--grace`` seconds gets SIGKILL (and the output says so). The exit code is the first exited process's, or 0
when stopped by a signal.

Why not honcho, which did this before: it forks a Python process per line (multiprocessing) to watch each one,
about 45 MiB of the idle platform's memory for 12 lines (issue 18: memory); this is one process with a thread
per line.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

COLOURS = (36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91)


class ProcfileError(Exception):
    pass


def read_procfile(path: Path) -> list[tuple[str, str]]:
    """The ``(name, command)`` lines of a Procfile; blank lines and ``#`` comments are skipped."""
    entries: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, separator, command = line.partition(":")
        name, command = name.strip(), command.strip()
        if not separator or not name or not command or not all(c.isalnum() or c in "-_" for c in name):
            raise ProcfileError(f"{path}:{number}: expected 'name: command', got {line!r}")
        if name in {existing for existing, _ in entries}:
            raise ProcfileError(f"{path}:{number}: {name!r} is named twice")
        entries.append((name, command))
    if not entries:
        raise ProcfileError(f"{path}: no process to run")
    return entries


SHELL_CHARACTERS = re.compile(r"[$`*?\[~]")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SHELL_BUILTINS = frozenset({".", "cd", "eval", "exec", "export", "set", "source", "trap", "ulimit", "umask", "wait"})


def argv_of(command: str) -> list[str]:
    """What to execute for ``command``: its own words when it is a plain command (no shell process stays behind
    it: Debian's sh does not exec the last command), else ``/bin/sh -c command``."""
    if not SHELL_CHARACTERS.search(command):
        try:
            lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:  # unbalanced quotes: the shell says what is wrong
            words = []
        if (
            words
            and words[0] not in SHELL_BUILTINS
            and not ASSIGNMENT.match(words[0])
            and not any(set(word) <= set("();<>|&") for word in words)
        ):
            return words
    return ["/bin/sh", "-c", command]


class Supervisor:
    def __init__(self, entries: list[tuple[str, str]], *, grace: float, colour: bool, out=sys.stdout):
        self.entries = entries
        self.grace = grace
        self.colour = colour
        self.out = out
        self.width = max(len(name) for name, _ in entries + [("system", "")])
        self.processes: dict[str, subprocess.Popen] = {}
        self._print_lock = threading.Lock()
        self._exited = threading.Event()
        self._first_exit: tuple[str, int] | None = None
        self._stopping = False
        self._pumps: list[threading.Thread] = []

    def say(self, name: str, text: str, index: int | None = None) -> None:
        prefix = f"{time.strftime('%H:%M:%S')} {name:<{self.width}} |"
        if self.colour and index is not None:
            prefix = f"\033[{COLOURS[index % len(COLOURS)]}m{prefix}\033[0m"
        with self._print_lock:
            self.out.write(f"{prefix} {text}\n")
            self.out.flush()

    def _pump(self, index: int, name: str, process: subprocess.Popen) -> None:
        for raw in iter(process.stdout.readline, b""):
            self.say(name, raw.decode(errors="replace").rstrip("\n"), index)
        code = process.wait()
        self.say("system", f"{name} exited with code {code}" if code >= 0 else f"{name} stopped by signal {-code}")
        with self._print_lock:
            if self._first_exit is None:
                self._first_exit = (name, code)
        self._exited.set()

    def start(self) -> None:
        for index, (name, command) in enumerate(self.entries):
            try:
                process = subprocess.Popen(
                    argv_of(command),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own group: the supervisor decides who gets which signal
                    env={**os.environ, "PYTHONUNBUFFERED": os.environ.get("PYTHONUNBUFFERED", "1")},
                )
            except OSError as error:  # not found, not executable: nothing more is started
                self.say("system", f"{name} could not start: {error.strerror}: {command.split()[0]}")
                self._first_exit = (name, 127)
                self._exited.set()
                return
            self.processes[name] = process
            self.say("system", f"{name} started (pid {process.pid})")
            pump = threading.Thread(target=self._pump, args=(index, name, process), daemon=True)
            pump.start()
            self._pumps.append(pump)

    def _signal_groups(self, signum: int) -> list[str]:
        signalled = []
        for name, process in self.processes.items():
            try:
                os.killpg(process.pid, signum)
                signalled.append(name)
            except ProcessLookupError:
                continue
        return signalled

    def _groups_alive(self) -> list[str]:
        alive = []
        for name, process in self.processes.items():
            try:
                os.killpg(process.pid, 0)
                alive.append(name)
            except ProcessLookupError:
                continue
        return alive

    def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        for name in self._signal_groups(signal.SIGTERM):
            self.say("system", f"sending SIGTERM to {name}")
        deadline = time.monotonic() + self.grace
        while self._groups_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        for name in self._groups_alive():
            self.say("system", f"{name} still running after {self.grace:g} s: sending SIGKILL")
            os.killpg(self.processes[name].pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait()
        for pump in self._pumps:  # their last lines printed
            pump.join(timeout=5)

    def run(self) -> int:
        stop_signal: list[int] = []

        def on_signal(signum, _frame):
            stop_signal.append(signum)
            self._exited.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        self.start()
        while not self._exited.wait(0.5):
            pass
        if stop_signal:
            self.say("system", f"{signal.Signals(stop_signal[0]).name} received: stopping every process")
        self.stop()
        if stop_signal or self._first_exit is None:
            return 0
        return self._first_exit[1] if self._first_exit[1] >= 0 else 128 - self._first_exit[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--procfile", default="Procfile", type=Path)
    parser.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL")
    parser.add_argument("--no-colour", action="store_true")
    args = parser.parse_args(argv)
    try:
        entries = read_procfile(args.procfile)
    except (OSError, ProcfileError) as error:
        print(f"supervise: {error}", file=sys.stderr)
        return 2
    colour = not args.no_colour and sys.stdout.isatty()
    return Supervisor(entries, grace=args.grace, colour=colour).run()


if __name__ == "__main__":
    sys.exit(main())
