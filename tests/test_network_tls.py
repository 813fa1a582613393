"""TLS on the virtual network: unmodified https clients and TLS servers by name, in memory.

Inside a network, ``wrap_socket`` of the network's sockets returns a
:class:`~mockselector.TLSSocket` (before or after connect), and client
contexts that load the default CA certificates trust the test CA too
(``Network(trust_test_ca=False)`` turns that off).
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from mockselector import Network, TLSSocket
from mockselector.tls import client_context, server_context

HOST, ADDRESS = "api.mock.test", "10.0.0.8"


class _Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = f"hello over {self.connection.version()} from {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPSServer:
    """A ThreadingHTTPServer whose listening socket is wrapped in TLS, serving in a thread."""

    def __init__(self, address: tuple[str, int], hostname: str) -> None:
        self.server = http.server.ThreadingHTTPServer(address, _Hello)
        self.server.socket = server_context(hostname).wrap_socket(self.server.socket,
                                                                  server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05})
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def https(request: pytest.FixtureRequest) -> Iterator[Network]:
    """A network with an https server at api.mock.test:8443 (options from the param)."""
    options = getattr(request, "param", {})
    with Network(**options) as net:
        net.add_host(HOST, ADDRESS)
        server = _HTTPSServer((ADDRESS, 8443), HOST)
        try:
            yield net
        finally:
            server.close()


def _no_proxy() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def test_urllib_request_over_https_by_name_with_the_default_context(https: Network) -> None:
    with _no_proxy().open(f"https://{HOST}:8443/a", timeout=5) as response:
        assert response.read() == b"hello over TLSv1.3 from /a"
    assert len(https.connections) == 1


@pytest.mark.usefixtures("network")
def test_urlopen_of_https_localhost_verifies_the_localhost_certificate() -> None:
    server = _HTTPSServer(("127.0.0.1", 4443), "localhost")
    try:
        with _no_proxy().open("https://localhost:4443/b", timeout=5) as response:
            assert response.read() == b"hello over TLSv1.3 from /b"
    finally:
        server.close()


@pytest.mark.parametrize("https", [{"trust_test_ca": False}], indirect=True)
def test_without_trust_test_ca_the_default_context_rejects_the_test_certificate(
        https: Network) -> None:
    with pytest.raises(urllib.error.URLError) as info:
        _no_proxy().open(f"https://{HOST}:8443/", timeout=5)
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError)


def test_https_connection_by_name_keeps_its_connection(https: Network) -> None:
    connection = http.client.HTTPSConnection(HOST, 8443, timeout=5)
    for path in ("/a", "/b"):
        connection.request("GET", path)
        assert connection.getresponse().read() == f"hello over TLSv1.3 from {path}".encode()
    assert isinstance(connection.sock, TLSSocket)
    connection.close()
    assert len(https.connections) == 1


def test_https_connection_to_a_name_the_certificate_lacks_fails_verification(
        https: Network) -> None:
    https.add_host("wrong.internal", ADDRESS)
    connection = http.client.HTTPSConnection("wrong.internal", 8443, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError, match=r"wrong\.internal"):
        connection.request("GET", "/")
    connection.close()


def test_a_socket_wrapped_before_it_connects_does_tls_once_connected(https: Network) -> None:
    sock = socket.socket()
    tls = client_context().wrap_socket(sock, server_hostname=HOST)
    assert isinstance(tls, TLSSocket)
    tls.settimeout(5)
    tls.connect((HOST, 8443))
    tls.sendall(b"GET /early HTTP/1.1\r\nHost: api.mock.test\r\nConnection: close\r\n\r\n")
    response = b""
    while True:
        data = tls.recv(4096)
        if not data:
            break
        response += data
    assert response.endswith(b"hello over TLSv1.3 from /early")
    tls.close()


def test_urllib3_wraps_after_connect_and_trusts_the_test_ca(https: Network) -> None:
    urllib3 = pytest.importorskip("urllib3")
    pool = urllib3.PoolManager()
    for path in ("/x", "/y"):
        response = pool.request("GET", f"https://{HOST}:8443{path}", timeout=5, retries=False)
        assert response.data == f"hello over TLSv1.3 from {path}".encode()
    pool.clear()
    assert len(https.connections) == 1


def test_asyncio_tls_streams_by_name_inside_a_network() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write((await reader.readline()).upper())
        await writer.drain()
        writer.close()

    async def main() -> tuple[bytes, bytes]:
        server = await asyncio.start_server(handle, ADDRESS, 8443, ssl=server_context(HOST))
        answers = []
        for context in (client_context(), True):  # ssl=True: the default context
            reader, writer = await asyncio.open_connection(HOST, 8443, ssl=context)
            writer.write(b"hello\n")
            answers.append(await reader.readline())
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return answers[0], answers[1]

    with Network() as net:
        net.add_host(HOST, ADDRESS)
        assert asyncio.run(main()) == (b"HELLO\n", b"HELLO\n")


def test_the_default_context_trusts_the_test_ca_only_inside_the_network() -> None:
    def trusted() -> bool:
        return any("mockselector" in str(cert.get("subject")) or
                   "mockselector" in str(cert.get("issuer"))
                   for cert in ssl.create_default_context().get_ca_certs())
    outside = trusted()
    with Network():
        assert trusted()
    with Network(trust_test_ca=False):
        assert trusted() == outside
    assert trusted() == outside


def test_a_socket_let_through_to_a_real_destination_is_wrapped_by_the_real_class() -> None:
    real = socket.create_server(("127.0.0.1", 0))
    port = real.getsockname()[1]
    context = server_context()

    def serve() -> None:
        conn, _ = real.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(tls.recv(10).upper())

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with Network(allow=[f"127.0.0.1:{port}"]):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            tls = client_context().wrap_socket(sock, server_hostname="localhost")
            assert type(tls) is ssl.SSLSocket
            tls.sendall(b"real")
            assert tls.recv(10) == b"REAL"
            tls.close()
    finally:
        thread.join(5)
        real.close()


