"""The HTTP/1.1 connection, with a deadline for a request's headers (uvicorn has none).

uvicorn times out a connection only while it sits idle between requests
(``timeout_keep_alive``), and any byte received cancels that timer; nothing
limits how long a client may take to finish sending its headers. A client that
opens many connections and trickles a header line now and then (slowloris)
would hold them all. Here each request's headers must be complete within
``header_timeout`` seconds of the connection being made, or of the previous
response on it; past that, the connection gets ``408 Request Timeout`` and is
closed. The body is not under this deadline: a large /v1/batch upload over a
slow link is legitimate, and its size is bounded by ``--max-batch-body``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers are not complete in time."""

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._disarm_once_headers_are_in()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            # Keep-alive: the next request's headers are under the same deadline.
            self._arm()
            self._disarm_once_headers_are_in()  # a pipelined request may already be whole

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _disarm_once_headers_are_in(self) -> None:
        # h11 leaves IDLE for the client once a request's head is parsed whole.
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def header_deadline_protocol(header_timeout: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's ``http=`` option, with this deadline."""
    return type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout": header_timeout})


# h11's own default, stated: a request head (request line and headers) past 16 KiB is refused with 431/400.
MAX_HEAD = 16 * 1024


def serve_app(app: Any, host: str, port: int, *, header_timeout: float, limit_concurrency: int,
              keep_alive: int) -> None:
    """Run ``app`` under uvicorn with every connection bounded: the head's size and time, idle keep-alive, and
    how many connections (past ``limit_concurrency`` a new request is answered 503 at once)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info", http=header_deadline_protocol(header_timeout),
                limit_concurrency=limit_concurrency, timeout_keep_alive=keep_alive,
                h11_max_incomplete_event_size=MAX_HEAD)
