"""`make run`'s supervisor (scripts/supervise.py), run as make run runs it, over small Procfiles."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPERVISE = ROOT / "scripts" / "supervise.py"


def _start(tmp_path: Path, procfile: str, *args: str) -> subprocess.Popen:
    (tmp_path / "Procfile").write_text(procfile)
    return subprocess.Popen(
        [sys.executable, str(SUPERVISE), "-f", str(tmp_path / "Procfile"), "--no-colour", *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_each_line_is_printed_under_its_name_and_the_first_exit_stops_the_others(tmp_path):
    supervisor = _start(
        tmp_path,
        "# a comment\n\nsleeper: echo $$ > sleeper.pid; exec sleep 300\n"
        "talker: sleep 0.5; echo hello from talker; exit 3\n",
    )
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 3  # the first exited process's code
    assert any(
        line.split("|")[0].split()[1:] == ["talker"] and line.endswith("| hello from talker")
        for line in output.splitlines()
    ), output
    assert "talker exited with code 3" in output and "sending SIGTERM to sleeper" in output
    assert _gone(int((tmp_path / "sleeper.pid").read_text()))


def test_sigterm_stops_every_process_group_and_sigkill_only_comes_after_the_grace(tmp_path):
    supervisor = _start(
        tmp_path,
        # the shell stays (trap), with a child of its own: the whole group must go
        "stubborn: trap '' TERM; sleep 300 & echo $! > child.pid; echo $$ > stubborn.pid; wait; wait\n"
        "polite: echo $$ > polite.pid; exec sleep 300\n",
        "--grace",
        "1",
    )
    for name in ("stubborn.pid", "child.pid", "polite.pid"):
        _wait_for(tmp_path / name)
    supervisor.send_signal(signal.SIGTERM)
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0, output
    assert "SIGTERM received" in output
    assert "stubborn still running after 1 s: sending SIGKILL" in output
    assert "polite stopped by signal 15" in output and "polite still running" not in output  # SIGTERM was enough
    for name in ("stubborn.pid", "child.pid", "polite.pid"):
        assert _gone(int((tmp_path / name).read_text())), name


def test_a_polite_platform_stops_without_sigkill(tmp_path):
    supervisor = _start(
        tmp_path, "one: echo $$ > one.pid; exec sleep 300\ntwo: sh -c 'echo $$ > two.pid; exec sleep 300'\n"
    )
    _wait_for(tmp_path / "one.pid")
    _wait_for(tmp_path / "two.pid")
    supervisor.send_signal(signal.SIGINT)  # Ctrl-C
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0 and "SIGKILL" not in output, output
    assert _gone(int((tmp_path / "one.pid").read_text()))


def test_a_broken_procfile_is_refused_with_its_line(tmp_path):
    supervisor = _start(tmp_path, "web gunicorn app\n")
    output, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 2
    assert "Procfile:1: expected 'name: command'" in output


def test_a_command_that_cannot_start_stops_the_others_and_says_why(tmp_path):
    supervisor = _start(tmp_path, "first: echo $$ > first.pid; exec sleep 300\nsecond: no-such-program --flag\n")
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 127, output
    assert "second could not start: No such file or directory: no-such-program" in output
    assert _gone(int((tmp_path / "first.pid").read_text()))


def test_plain_commands_run_without_a_shell_behind_them():
    sys.path.insert(0, str(SUPERVISE.parent))
    try:
        from supervise import argv_of
    finally:
        sys.path.remove(str(SUPERVISE.parent))
    assert argv_of("gunicorn --bind 127.0.0.1:8001 'dossier.app:create_app()'") == [
        "gunicorn",
        "--bind",
        "127.0.0.1:8001",
        "dossier.app:create_app()",
    ]
    for shell_syntax in ("echo $HOME", "a && b", "a; b", "a | b", "a > out", "A=1 a", "ls *.py", "(a)", "exec a"):
        assert argv_of(shell_syntax) == ["/bin/sh", "-c", shell_syntax], shell_syntax


def test_the_repositorys_procfile_is_read_as_make_run_reads_it():
    sys.path.insert(0, str(SUPERVISE.parent))
    try:
        from supervise import read_procfile
    finally:
        sys.path.remove(str(SUPERVISE.parent))
    names = [name for name, _ in read_procfile(ROOT / "Procfile")]
    assert "dossier-api" in names and "web" in names and len(names) == len(set(names))
