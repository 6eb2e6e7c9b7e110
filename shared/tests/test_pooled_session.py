"""A call reusing a connection the server has just closed (gunicorn's keep-alive timeout) is not a 503."""

from __future__ import annotations

import socket
import struct
import threading

import pytest
import requests

from platform_shared.service_client import pooled_session


class ResettingServer:
    """Resets (RST) the first ``resets`` connections once it has read a request, then answers 200."""

    def __init__(self, resets: int, *, answer_after: float = 0.0):
        self.resets = resets
        self.answer_after = answer_after
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.requests.append(connection.recv(65536).split(b"\r\n", 1)[0])
            if len(self.requests) <= self.resets:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.close()
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            threading.Event().wait(self.answer_after)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def server(request):
    resets, answer_after = request.param
    server = ResettingServer(resets, answer_after=answer_after)
    yield server
    server.close()


@pytest.mark.parametrize("server", [(1, 0.0)], indirect=True)
def test_a_get_whose_connection_is_reset_is_sent_again_on_a_new_one(server):
    response = pooled_session().get(f"http://127.0.0.1:{server.port}/x", timeout=5)
    assert response.status_code == 200 and response.text == "ok"
    assert server.requests == [b"GET /x HTTP/1.1", b"GET /x HTTP/1.1"]


@pytest.mark.parametrize("server", [(1, 0.0)], indirect=True)
def test_a_write_is_never_sent_twice(server):
    with pytest.raises(requests.ConnectionError):
        pooled_session().post(f"http://127.0.0.1:{server.port}/x", json={}, timeout=5)
    assert server.requests == [b"POST /x HTTP/1.1"]


@pytest.mark.parametrize("server", [(0, 2.0)], indirect=True)
def test_a_get_that_times_out_is_not_sent_again(server):
    with pytest.raises(requests.ReadTimeout):
        pooled_session().get(f"http://127.0.0.1:{server.port}/x", timeout=0.3)
    assert server.requests == [b"GET /x HTTP/1.1"]


@pytest.mark.parametrize("server", [(5, 0.0)], indirect=True)
def test_a_get_is_sent_three_times_at_most(server):
    with pytest.raises(requests.ConnectionError):
        pooled_session().get(f"http://127.0.0.1:{server.port}/x", timeout=5)
    assert len(server.requests) == 3
