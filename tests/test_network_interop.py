"""Third-party clients on the virtual network, unmodified (the ``[interop]`` test extra).

Each test is skipped, saying why, when its client is not installed.  The
server counts the connections it accepts: a client that keeps its
connection alive makes one for several requests.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
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


# -- aiohttp: an unmodified server and client, both on the network --------------------------


def test_aiohttp_server_and_client_with_a_websocket_in_virtual_time() -> None:
    aiohttp = pytest.importorskip("aiohttp", reason="aiohttp is in the [interop] extra")
    from aiohttp import web as aioweb

    async def hello(request: Any) -> Any:
        return aioweb.json_response({"path": request.path, "q": request.query.get("q")})

    async def shout(request: Any) -> Any:
        socket = aioweb.WebSocketResponse()
        await socket.prepare(request)
        async for message in socket:
            await socket.send_str(message.data.upper())
        return socket

    async def main() -> tuple[Any, str, list[float]]:
        app = aioweb.Application()
        app.router.add_get("/hello", hello)
        app.router.add_get("/ws", shout)
        runner = aioweb.AppRunner(app)
        await runner.setup()
        await aioweb.TCPSite(runner, "api.test", 8080).start()
        loop = asyncio.get_running_loop()
        times = [loop.time()]
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get("http://api.test:8080/hello?q=1") as response:
                    answer = await response.json()
                times.append(loop.time())
                async with session.ws_connect("http://api.test:8080/ws") as websocket:
                    await websocket.send_str("abc")
                    echoed = (await websocket.receive()).data
                times.append(loop.time())
        finally:
            await runner.cleanup()
        return answer, echoed, times

    with Network(virtual_time=True) as net:
        net.add_host("api.test", "10.0.0.2")
        net.conditions(latency=0.05)
        start = time.monotonic()
        answer, echoed, times = asyncio.run(main())
        wall = time.monotonic() - start
    assert (answer, echoed) == ({"path": "/hello", "q": "1"}, "ABC")
    # The GET: the connect's round trip, then the request's and the answer's latency.
    assert times[1] - times[0] == pytest.approx(0.2)
    # The websocket: at least its upgrade and one message's round trip, each 0.1 s.
    assert times[2] - times[1] >= 0.2 - 1e-9
    assert wall < 5  # seconds of network time cost no wall time


def test_aiohttp_over_tls_with_the_test_context_verifies_the_server_by_name() -> None:
    aiohttp = pytest.importorskip("aiohttp", reason="aiohttp is in the [interop] extra")
    from aiohttp import web as aioweb

    from mockselector import client_context, server_context

    async def hello(request: Any) -> Any:
        return aioweb.Response(text=f"secure {request.secure}")

    async def main() -> tuple[str, str]:
        app = aioweb.Application()
        app.router.add_get("/", hello)
        runner = aioweb.AppRunner(app)
        await runner.setup()
        await aioweb.TCPSite(runner, "10.0.0.3", 8443,
                             ssl_context=server_context("secure.mock.test")).start()
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get("https://secure.mock.test:8443/",
                                       ssl=client_context()) as response:
                    trusted = await response.text()
                with pytest.raises(aiohttp.ClientConnectorCertificateError):
                    await session.get("https://impostor.test:8443/", ssl=client_context())
            # aiohttp makes its default context at import, before the network: the
            # test context is given to the connector once instead.
            connector = aiohttp.TCPConnector(ssl=client_context())
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get("https://secure.mock.test:8443/") as response:
                    by_connector = await response.text()
        finally:
            await runner.cleanup()
        return trusted, by_connector

    with Network() as net:
        net.add_host("secure.mock.test", "10.0.0.3")
        net.add_host("impostor.test", "10.0.0.3")
        assert asyncio.run(main()) == ("secure True", "secure True")
