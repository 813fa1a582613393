"""Third-party clients on the virtual network, unmodified (the ``[interop]`` test extra).

Each test is skipped, saying why, when its client is not installed.  The
server counts the connections it accepts: a client that keeps its
connection alive makes one for several requests.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from mockselector import Network
from support import HelloHandler


class _Counting(http.server.ThreadingHTTPServer):
    """An HTTP/1.1 server that counts the connections it accepts."""

    daemon_threads = True
    accepted = 0

    def get_request(self) -> Any:
        request = super().get_request()
        self.accepted += 1
        return request


class _Hello(HelloHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the point of these tests


@pytest.fixture
def web() -> Iterator[_Counting]:
    """A network with ``web.internal`` (10.0.0.80), where an HTTP server listens on 8080."""
    with Network() as net:
        net.add_host("web.internal", "10.0.0.80")
        server = _Counting(("10.0.0.80", 8080), _Hello)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def test_requests_keeps_one_connection_alive(web: _Counting) -> None:
    requests = pytest.importorskip("requests", reason="requests is in the [interop] extra")
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment
        bodies = [session.get(f"http://web.internal:8080/{n}", timeout=5).text
                  for n in range(5)]
    assert bodies == [f"hello from /{n}" for n in range(5)]
    assert web.accepted == 1


def test_urllib3_keeps_one_connection_alive(web: _Counting) -> None:
    urllib3 = pytest.importorskip("urllib3", reason="urllib3 is in the [interop] extra")
    with urllib3.PoolManager() as pool:
        bodies = [pool.request("GET", f"http://web.internal:8080/{n}", timeout=5).data
                  for n in range(5)]
    assert bodies == [f"hello from /{n}".encode() for n in range(5)]
    assert web.accepted == 1


def test_httpx_keeps_one_connection_alive(web: _Counting) -> None:
    httpx = pytest.importorskip("httpx", reason="httpx is in the [interop] extra")
    with httpx.Client(trust_env=False, timeout=5) as client:
        bodies = [client.get(f"http://web.internal:8080/{n}").text for n in range(5)]
    assert bodies == [f"hello from /{n}" for n in range(5)]
    assert web.accepted == 1


def test_httpx_async_client_on_the_networks_event_loop(web: _Counting) -> None:
    httpx = pytest.importorskip("httpx", reason="httpx is in the [interop] extra")

    async def main() -> list[str]:
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            return [(await client.get(f"http://web.internal:8080/{n}")).text for n in range(3)]

    assert asyncio.run(main()) == [f"hello from /{n}" for n in range(3)]
    assert web.accepted == 1
