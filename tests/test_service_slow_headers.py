"""Half-sent requests (slowloris) cannot starve the service: a request's headers have a deadline, after which
the connection gets 408 and is closed, and a complete request is answered meanwhile."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from serving import running_server

HEADER_TIMEOUT = 2.0
PARTIAL = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(["--workers", "1", "--header-timeout", str(HEADER_TIMEOUT), "--limit-concurrency", "200"]) as base:
        yield base


def _address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def _read_until_closed(sock: socket.socket, limit: float) -> bytes:
    """What the server sends before it closes; raises TimeoutError if it keeps the connection open past ``limit``."""
    sock.settimeout(limit)
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_partial_headers_do_not_starve_a_complete_request_and_are_closed(server: str) -> None:
    sockets = []
    try:
        for _ in range(60):
            sock = socket.create_connection(_address(server), timeout=5)
            sock.sendall(PARTIAL)  # never the blank line that ends the headers
            sockets.append(sock)
        # Meanwhile a complete request is answered (the generous timeout is a liveness bound, not a speed claim).
        response = httpx.get(f"{server}/v1/health", timeout=30)
        assert response.status_code == 200
        for sock in sockets:
            # Closed by the server after the header deadline: well within the socket's own limit.
            assert _read_until_closed(sock, limit=HEADER_TIMEOUT + 20).startswith(b"HTTP/1.1 408")
    finally:
        for sock in sockets:
            sock.close()


def test_a_client_trickling_its_headers_is_cut_off_at_the_deadline(server: str) -> None:
    sock = socket.create_connection(_address(server), timeout=5)
    stop = threading.Event()

    def trickle() -> None:
        # One byte at a time: each resets uvicorn's own keep-alive timer, never this deadline.
        for byte in PARTIAL + b"X-Slow: " + b"a" * 1000:
            if stop.is_set():
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return
            time.sleep(0.05)

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        assert _read_until_closed(sock, limit=HEADER_TIMEOUT + 20).startswith(b"HTTP/1.1 408")
    finally:
        stop.set()
        sender.join(timeout=5)
        sock.close()


def test_a_connection_that_sends_nothing_is_closed(server: str) -> None:
    with socket.create_connection(_address(server), timeout=5) as sock:
        assert _read_until_closed(sock, limit=HEADER_TIMEOUT + 20).startswith(b"HTTP/1.1 408")


def test_keep_alive_requests_on_one_connection_are_each_answered(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        for _ in range(3):
            assert client.get("/v1/health").status_code == 200
            time.sleep(HEADER_TIMEOUT / 2)  # idle, under both the header deadline and the keep-alive


def test_headers_sent_in_pieces_within_the_deadline_are_served(server: str) -> None:
    with socket.create_connection(_address(server), timeout=30) as sock:
        request = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        for piece in (request[:10], request[10:30], request[30:]):
            sock.sendall(piece)
            time.sleep(0.1)
        assert _read_until_closed(sock, limit=30).startswith(b"HTTP/1.1 200")
