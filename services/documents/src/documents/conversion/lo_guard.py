"""Run a command so that it cannot outlive the worker that started it (executed as a script).

``python lo_guard.py <command...>`` runs the command as a child in the guard's process group
and reads its stdin, a pipe the worker holds. When the worker goes, however it goes (SIGKILL,
OOM), the pipe closes and the guard kills the whole group: unoserver and its LibreOffice.
Only the standard library, so any Python runs it (the system one that has ``uno``).
"""

import os
import signal
import subprocess
import sys
import threading


def _kill_group(*_args) -> None:
    os.killpg(0, signal.SIGKILL)


def main() -> int:
    child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, _kill_group)

    def watch_worker() -> None:
        sys.stdin.buffer.read()  # returns at end of file: the worker is gone
        _kill_group()

    threading.Thread(target=watch_worker, daemon=True).start()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
