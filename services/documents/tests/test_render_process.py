"""The render server (issue 18): one process, started once, forks a child per render; a child that fails
or is killed never takes the server or the API with it, and the server goes when its API process goes."""

import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from documents.conversion import render_process
from documents.conversion.render_process import RenderLimits, RenderRefused, TemplateRenderer

from .conftest import build_docx, docx_text

LIMITS = RenderLimits(timeout_seconds=30.0, memory_bytes=256 * 1024 * 1024, output_bytes=200 * 1024)


@pytest.fixture
def renderer():
    renderer = TemplateRenderer(LIMITS)
    yield renderer
    renderer.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is not alive
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_renders_are_forked_by_one_server_started_once(renderer):
    template = build_docx(["Dossier {{ dossier.title }}"])
    first = renderer.render(template, {"dossier": {"title": "Roof"}})
    server = renderer._server.pid
    second = renderer.render(template, {"dossier": {"title": "Porch"}})
    assert "Dossier Roof" in docx_text(first) and "Dossier Porch" in docx_text(second)
    assert renderer._server.pid == server and _alive(server)


def test_a_render_server_that_died_is_started_again(renderer):
    template = build_docx(["Dossier {{ dossier.title }}"])
    renderer.render(template, {"dossier": {"title": "Roof"}})
    dead = renderer._server.pid
    renderer._server.kill()
    renderer._server.wait()
    assert "Dossier Porch" in docx_text(renderer.render(template, {"dossier": {"title": "Porch"}}))
    assert renderer._server.pid != dead


def test_a_child_that_fails_answers_so_and_the_server_goes_on(renderer):
    template = build_docx(["Dossier {{ dossier.title }}"])
    renderer.render(template, {"dossier": {"title": "Roof"}})
    connection = renderer._fork_child()  # a request the child cannot even read (not JSON): a bug's path
    with connection:
        render_process._read_exactly(connection, render_process._PID.size)
        connection.sendall(render_process._LENGTH.pack(3) + b"{{{" + template)
        connection.shutdown(socket.SHUT_WR)
        status, body = render_process._read_answer(connection, time.monotonic() + 30, LIMITS.output_bytes)
    assert status == render_process.INTERNAL and b"JSONDecodeError" in body
    assert "Dossier Porch" in docx_text(renderer.render(template, {"dossier": {"title": "Porch"}}))


def test_a_render_past_its_time_is_killed_with_its_process_group():
    renderer = TemplateRenderer(
        RenderLimits(timeout_seconds=1.0, memory_bytes=LIMITS.memory_bytes, output_bytes=LIMITS.output_bytes)
    )
    try:
        template = build_docx(["{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"])
        renderer.render(build_docx(["warm"]), {})  # the server is up
        children_before = _children(renderer._server.pid)
        with pytest.raises(RenderRefused, match="took longer than 1 s"):
            renderer.render(template, {})
        deadline = time.monotonic() + 10
        while _children(renderer._server.pid) - children_before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _children(renderer._server.pid) - children_before  # the stuck child is gone
    finally:
        renderer.close()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _alive(int(entry)):
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def test_the_server_goes_when_its_api_process_goes(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = {sys.path!r}
        from documents.conversion.render_process import RenderLimits, TemplateRenderer
        renderer = TemplateRenderer(RenderLimits(30.0, 256 * 1024 * 1024, 200 * 1024))
        renderer.render(open({str(tmp_path / "t.docx")!r}, "rb").read(), {{}})
        print(renderer._server.pid, flush=True)
        import os
        os._exit(0)  # no close(): the process is simply gone
        """
    )
    (tmp_path / "t.docx").write_bytes(build_docx(["Hello"]))
    server = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    deadline = time.monotonic() + 10
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(server)
