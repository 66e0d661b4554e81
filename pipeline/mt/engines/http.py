"""One HTTP request with a total deadline and a cap on the answer's size.

httpx's timeouts are per phase and per network read: a server dripping a byte a
second never trips a 120 s read timeout, and ``response.json()`` reads whatever
size comes. Here a watchdog shuts the request's socket down when the deadline
passes, whatever phase it is in (the socket comes from httpx's documented
``trace`` extension as the connection opens, so the client keeps no idle
connections: each request opens its own), and the answer is streamed and read
up to ``max_bytes``. Redirects are never followed (LT_URL must be the server's
own address).
"""

from __future__ import annotations

import contextlib
import socket
import threading

import httpx


class TooLarge(httpx.HTTPError):
    """The answer was longer than the cap: not retried, it would be as long again."""


class _Watchdog:
    """Shuts the request's socket down at the deadline; ``fired`` says it did."""

    def __init__(self, seconds: float) -> None:
        self.sock: socket.socket | None = None
        self.fired = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self.fire)
        self.timer.daemon = True

    def trace(self, event: str, info: dict) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            with self.lock:
                self.sock = info["return_value"].get_extra_info("socket")
                if self.fired:
                    self._shut()

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv or send


def bounded_request(
    client: httpx.Client, method: str, url: str, *, deadline: float, max_bytes: int, **kwargs
) -> httpx.Response:
    """``client.request`` finished within ``deadline`` seconds, its body at most ``max_bytes``.

    Past the deadline it raises ``httpx.ReadTimeout`` (the callers' retry path); past the
    size cap :class:`TooLarge`. The response returned holds its body in memory.
    """
    watchdog = _Watchdog(deadline)
    timeout = httpx.Timeout(deadline, connect=min(10.0, deadline))
    request = client.build_request(
        method, url, timeout=timeout, extensions={"trace": watchdog.trace}, **kwargs
    )
    watchdog.timer.start()
    try:
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(f"the answer is {int(declared):,} bytes, more than {max_bytes:,}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise TooLarge(f"the answer is more than {max_bytes:,} bytes")
        finally:
            response.close()
    except httpx.TransportError as exc:
        if watchdog.fired:
            raise httpx.ReadTimeout(f"no complete answer within {deadline:g} s", request=request) from exc
        raise
    finally:
        watchdog.timer.cancel()
    if watchdog.fired:  # the last bytes came as the deadline passed
        raise httpx.ReadTimeout(f"no complete answer within {deadline:g} s", request=request)
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(response.status_code, headers=headers, content=bytes(body), request=request)
