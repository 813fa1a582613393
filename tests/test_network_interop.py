"""Third-party clients on the virtual network, unmodified (the ``[interop]`` test extra).

Each test is skipped, saying why, when its client is not installed.  The
server counts the connections it accepts: a client that keeps its
connection alive makes one for several requests.
"""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mockselector import Network, client_context, server_context
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


# -- uvicorn: an unmodified ASGI server, reached by httpx -----------------------------------


async def _asgi_hello(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"hello from {scope['path']}".encode()})


def test_uvicorn_serves_httpx_by_name_in_virtual_time() -> None:
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is in the [interop] extra")
    httpx = pytest.importorskip("httpx", reason="httpx is in the [interop] extra")

    async def main() -> list[str]:
        config = uvicorn.Config(_asgi_hello, host="10.0.0.7", port=8000, log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(trust_env=False) as client:
            bodies = [(await client.get(f"http://svc.test:8000/{n}")).text for n in range(3)]
        server.should_exit = True
        await serving
        return bodies

    with Network(virtual_time=True) as net:
        net.add_host("svc.test", "10.0.0.7")
        start = time.monotonic()
        assert asyncio.run(main()) == [f"hello from /{n}" for n in range(3)]
        assert time.monotonic() - start < 5  # uvicorn's ticks pass in virtual time
        assert len(net.connections) == 1  # httpx kept its connection alive


# -- paramiko: an SSH server in a thread, its client in the test ----------------------------


def test_paramiko_runs_a_command_over_ssh_between_threads() -> None:
    paramiko = pytest.importorskip("paramiko", reason="paramiko is in the [interop] extra")
    host_key = paramiko.RSAKey.generate(1024)

    executed = threading.Event()

    class Server(paramiko.ServerInterface):  # type: ignore[misc]
        def get_allowed_auths(self, username: str) -> str:
            return "password"

        def check_auth_password(self, username: str, password: str) -> int:
            ok = (username, password) == ("tester", "secret")
            return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

        def check_channel_request(self, kind: str, chanid: int) -> int:
            return paramiko.OPEN_SUCCEEDED

        def check_channel_exec_request(self, channel: Any, command: bytes) -> bool:
            channel.send(b"ran " + command)
            channel.send_exit_status(0)
            executed.set()
            return True

    def serve(listener: Any) -> None:
        conn, _ = listener.accept()
        transport = paramiko.Transport(conn)
        transport.add_server_key(host_key)
        transport.start_server(server=Server())
        channel = transport.accept(10)
        if executed.wait(10) and channel is not None:
            channel.close()  # the end of the command's output
        transport.join(10)  # until the client closes the connection
        transport.close()

    with Network() as net:
        net.add_host("ssh.test", "10.0.0.22")
        listener = socket.create_server(("10.0.0.22", 22))
        server = threading.Thread(target=serve, args=(listener,))
        server.start()
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect("ssh.test", username="tester", password="secret",
                           look_for_keys=False, allow_agent=False, timeout=10)
            _, out, _ = client.exec_command("uptime")
            answer, status = out.read(), out.channel.recv_exit_status()
        finally:
            client.close()
            server.join(10)
            listener.close()
        assert (answer, status) == (b"ran uptime", 0)
        assert not server.is_alive()
        assert len(net.connections) == 1
