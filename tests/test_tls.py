"""TLS over in-memory sockets: unmodified TLS clients and servers, readiness, faults.

Threads are joined with a timeout: no test can hang.
"""

from __future__ import annotations

import asyncio
import errno
import http.client
import http.server
import selectors
import smtplib
import socket
import socketserver
import ssl
import threading
import urllib.request
from typing import Any
from unittest import mock

import pytest

import mockselector
from mockselector import (
    ListenSocket,
    MockSocket,
    SocketMock,
    Stalled,
    TestSelector,
    TestSelectorEventLoop,
    TLSSocket,
    client_context,
    server_context,
    socketpair,
    tls_pair,
)
from mockselector.tls import CA_FILE
from support import HelloHandler, in_thread, server_on

# -- wrap_socket ---------------------------------------------------------------------------------


def test_wrap_socket_of_an_in_memory_socket_is_an_ssl_socket_on_its_descriptor() -> None:
    client, server = tls_pair()
    assert isinstance(client, ssl.SSLSocket) and isinstance(server, TLSSocket)
    assert isinstance(client.fileno(), mockselector.FileDescriptor)
    assert (client.context.verify_mode, server.server_side) == (ssl.CERT_REQUIRED, True)


def test_real_sockets_are_wrapped_by_the_real_class_unchanged() -> None:
    a, b = socket.socketpair()
    thread = in_thread(lambda: server_context().wrap_socket(a, server_side=True).sendall(b"k"))
    real = client_context().wrap_socket(b, server_hostname="localhost")
    thread.join(10)
    assert (type(real), real.recv(1), real.fileno() >= 0) == (ssl.SSLSocket, b"k", True)
    real.close()
    a.close()


def test_a_context_subclass_with_its_own_socket_class_is_left_alone() -> None:
    class Custom(ssl.SSLSocket):
        made: list[Any] = []

        @classmethod
        def _create(cls, sock: Any, *args: Any, **kwargs: Any) -> Any:
            cls.made.append(sock)
            raise RuntimeError("custom")

    class CustomContext(ssl.SSLContext):
        sslsocket_class = Custom

    context = CustomContext(ssl.PROTOCOL_TLS_CLIENT)
    a, _b = socketpair()
    with pytest.raises(RuntimeError, match="custom"):
        context.wrap_socket(a, server_hostname="localhost")
    assert Custom.made == [a]


def test_wrapping_a_mock_double_never_reaches_a_real_descriptor() -> None:
    with pytest.raises(OSError, match="not an in-memory socket") as raised:
        client_context().wrap_socket(SocketMock(), server_hostname="localhost")
    assert raised.value.errno == errno.ENOTSOCK


def test_a_wrapped_socket_cannot_be_wrapped_again_as_a_detached_one_cannot() -> None:
    client, _server = tls_pair()
    with pytest.raises(OSError, match="already wrapped") as raised:
        client_context().wrap_socket(client._raw, server_hostname="localhost")
    assert (raised.value.errno, client.version()) == (errno.EBADF, "TLSv1.3")


def test_wrap_socket_checks_its_arguments_as_the_real_one() -> None:
    a, _b = socketpair()
    with pytest.raises(ValueError, match="check_hostname requires server_hostname"):
        client_context().wrap_socket(a)
    with pytest.raises(ValueError, match="server_hostname can only be specified in client mode"):
        server_context().wrap_socket(a, server_side=True, server_hostname="x")


def _serve_a_failing_handshake(sock: Any) -> None:
    with pytest.raises(ssl.SSLError):
        server_context().wrap_socket(sock, server_side=True)


def test_a_handshake_that_fails_closes_the_in_memory_socket() -> None:
    a, b = socketpair()
    thread = in_thread(lambda: _serve_a_failing_handshake(a))
    with pytest.raises(ssl.SSLCertVerificationError) as raised:
        client_context().wrap_socket(b, server_hostname="example.com")
    thread.join(10)
    assert (raised.value.verify_code, b.fileno(), thread.is_alive()) == (62, -1, False)


def test_an_unknown_ca_fails_verification() -> None:
    a, b = socketpair()
    in_thread(lambda: _serve_a_failing_handshake(a))
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        ssl.create_default_context().wrap_socket(b, server_hostname="localhost")


def test_the_context_callbacks_see_the_tls_socket_as_with_a_real_one() -> None:
    seen: list[Any] = []
    context = server_context()
    context.sni_callback = lambda sock, name, ctx: seen.append((sock, name))
    a, b = socketpair()
    thread = in_thread(lambda: context.wrap_socket(a, server_side=True).sendall(b"x"))
    client = client_context().wrap_socket(b, server_hostname="localhost")
    client.recv(1)
    thread.join(10)
    assert [(type(sock), name) for sock, name in seen] == [(TLSSocket, "localhost")]


# -- the test certificates -------------------------------------------------------------------------


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1", "::1", "example.com",
                                      "www.example.org", "api.mock.test", "example.net"])
def test_every_test_certificate_name_is_accepted_by_a_verifying_client(hostname: str) -> None:
    client, _server = tls_pair(hostname)
    names = [value for _, value in client.getpeercert()["subjectAltName"]]
    assert client.version() == "TLSv1.3" and names


def test_the_test_ca_file_is_a_pem_certificate_trusted_by_the_client_context() -> None:
    with open(CA_FILE) as file:
        assert file.read().startswith("-----BEGIN CERTIFICATE-----")
    assert client_context().cert_store_stats()["x509_ca"] == 1


@pytest.mark.parametrize("hostname", ["api.test", "a.b.example.com", "example.invalid"])
def test_a_name_without_test_certificate_is_refused(hostname: str) -> None:
    with pytest.raises(ValueError, match="no test certificate"):
        server_context(hostname)


# -- unmodified clients and servers ------------------------------------------------------------


@pytest.mark.usefixtures("in_memory_selectors")
def test_https_connection_against_http_server_in_a_thread() -> None:
    listener = ListenSocket()
    server = server_on(listener, http.server.HTTPServer, HelloHandler)
    server.socket = server_context().wrap_socket(server.socket, server_side=True)
    thread = in_thread(lambda: server.serve_forever(poll_interval=0.01))
    connection = http.client.HTTPSConnection("localhost", 443, context=client_context(),
                                             timeout=10)
    connection.sock = client_context().wrap_socket(listener.new_connection(seed=3),
                                                   server_hostname="localhost")
    try:
        connection.request("GET", "/secure")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert (thread.is_alive(), response.status, body) == (False, 200, b"hello from /secure")


@pytest.mark.usefixtures("in_memory_selectors")
def test_urllib_request_over_https_when_create_connection_hands_out_in_memory_sockets() -> None:
    listener = ListenSocket()
    server = server_on(listener, http.server.HTTPServer, HelloHandler)
    server.socket = server_context().wrap_socket(server.socket, server_side=True)
    thread = in_thread(lambda: server.serve_forever(poll_interval=0.01))
    connections: list[Any] = []

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        connections.append(address)
        client = listener.new_connection()
        client.settimeout(10)
        return client

    try:
        with mock.patch("socket.create_connection", create_connection):
            with urllib.request.urlopen("https://localhost:8443/via-urllib",
                                        context=client_context()) as response:
                body = response.read()
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert (body, connections, thread.is_alive()) == (
        b"hello from /via-urllib", [("localhost", 8443)], False)


class _MiniSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for a client to say hello, start TLS and send one message."""

    received: list[bytes] = []

    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply(b"220 mini ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                tls = b"" if isinstance(self.connection, ssl.SSLSocket) else b"250-STARTTLS\r\n"
                self.reply(b"250-mini\r\n" + tls + b"250 OK")
            elif command == b"STARTTLS":
                self.reply(b"220 go ahead")
                self.rfile.close()
                self.wfile.close()
                self.connection = server_context().wrap_socket(self.connection, server_side=True)
                self.rfile = self.connection.makefile("rb")
                self.wfile = self.connection.makefile("wb")
            elif command.startswith((b"MAIL", b"RCPT")):
                self.reply(b"250 OK")
            elif command == b"DATA":
                self.reply(b"354 end with .")
                body = b""
                for data in iter(self.rfile.readline, b".\r\n"):
                    body += data
                self.received.append(body)
                self.reply(b"250 queued")
            elif command == b"QUIT":
                self.reply(b"221 bye")
                return
            else:
                self.reply(b"502 what?")


def test_smtplib_starttls_against_a_small_server_in_a_thread() -> None:
    listener = ListenSocket(address=("127.0.0.1", 25))
    _MiniSMTPHandler.received = []
    client_end = listener.new_connection()
    thread = in_thread(lambda: _MiniSMTPHandler(*listener.accept(), None))
    with mock.patch("socket.create_connection", lambda *args, **kwargs: client_end):
        with smtplib.SMTP("localhost", 25, timeout=10) as smtp:
            smtp.ehlo()
            smtp.starttls(context=client_context())
            smtp.ehlo()
            smtp.sendmail("a@example.com", ["b@example.com"], "Subject: hi\r\n\r\nsecret\r\n")
            encrypted = isinstance(smtp.sock, ssl.SSLSocket) and smtp.sock.version()
    thread.join(10)
    assert (thread.is_alive(), encrypted) == (False, "TLSv1.3")
    assert _MiniSMTPHandler.received == [b"Subject: hi\r\n\r\nsecret\r\n"]


def test_a_wrapped_listening_socket_accepts_tls_connections() -> None:
    plain = ListenSocket(address=("127.0.0.1", 443))
    listener = server_context().wrap_socket(plain, server_side=True)
    raw = plain.new_connection()
    thread = in_thread(lambda: client_context().wrap_socket(
        raw, server_hostname="localhost").sendall(b"over tls"))
    connection, address = listener.accept()
    thread.join(10)
    assert (type(connection), connection.recv(100), address) == (
        TLSSocket, b"over tls", raw.getsockname())


# -- blocking, threads and stalls ------------------------------------------------------------


def test_bulk_transfer_between_threads_arrives_whole() -> None:
    client, server = tls_pair(seed=11, capacity=5000)
    payload = bytes(range(256)) * 4000  # 1 MB, through a 5 kB window split at random
    # The server sends: a TLS 1.3 client that closed with the server's session
    # tickets unread would reset the connection, as over TCP.
    thread = in_thread(lambda: (server.sendall(payload), server.close()))
    received = bytearray()
    while True:
        chunk = client.recv(65536)
        if not chunk:
            break
        received += chunk
    thread.join(10)
    assert (thread.is_alive(), bytes(received) == payload) == (False, True)


@pytest.mark.parametrize("seed", [None, 5])
def test_one_thread_writes_while_another_reads_the_same_tls_socket(seed: int | None) -> None:
    client, server = tls_pair(seed=seed, capacity=3000)
    payload = bytes(range(256)) * 2000
    # The server closes once the client's sendall() returned: TLS may still send records
    # of its own after the last byte of data (a real peer that closes then breaks the pipe).
    sent = threading.Event()

    def echo() -> None:
        count = 0
        while count < len(payload):
            data = server.recv(10000)
            server.sendall(data)
            count += len(data)
        sent.wait(10)
        server.close()

    received = bytearray()

    def read() -> None:
        while True:
            data = client.recv(10000)
            if not data:
                return
            received.extend(data)

    threads = [in_thread(echo), in_thread(read)]
    for start in range(0, len(payload), 7000):
        client.sendall(payload[start:start + 7000])
    sent.set()
    for thread in threads:
        thread.join(10)
    assert ([thread.is_alive() for thread in threads], bytes(received) == payload) == (
        [False, False], True)


def test_a_blocking_recv_that_nothing_could_end_raises_stalled() -> None:
    client, _server = tls_pair()
    with pytest.raises(Stalled, match="TLS read"):
        client.recv(10)


def test_a_blocking_handshake_without_a_peer_raises_stalled() -> None:
    _a, b = socketpair()
    with pytest.raises(Stalled, match="TLS handshake"):
        client_context().wrap_socket(b, server_hostname="localhost")


def test_unwrap_in_two_threads_then_cleartext() -> None:
    client, server = tls_pair()
    results: list[Any] = []
    thread = in_thread(lambda: results.append(server.unwrap()))
    plain = client.unwrap()
    thread.join(10)
    plain.sendall(b"clear")
    assert (results == [server], server.recv(10), client.version()) == (True, b"clear", None)


def test_timeout_mode_raises_timeout_with_the_real_message() -> None:
    client, _server = tls_pair()
    client.settimeout(0.01)
    with pytest.raises(socket.timeout, match="The read operation timed out"):
        client.recv(10)


# -- non-blocking and selectors ----------------------------------------------------------------


def test_non_blocking_handshake_through_a_test_selector(mock_selector: TestSelector) -> None:
    a, b = socketpair()
    server = server_context().wrap_socket(a, server_side=True, do_handshake_on_connect=False)
    client = client_context().wrap_socket(b, server_hostname="localhost",
                                          do_handshake_on_connect=False)
    for tls in (client, server):
        tls.setblocking(False)
        mock_selector.register(tls, selectors.EVENT_READ, tls)
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()  # the ClientHello leaves; the server becomes readable
    done: list[str] = []
    while len(done) < 2:
        ready = mock_selector.select(0)
        assert ready, f"nothing ready, handshake stuck after {done}"
        for key, _events in ready:
            tls = key.data
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                continue
            done.append("server" if tls.server_side else "client")
            mock_selector.unregister(tls)
    assert (sorted(done), client.version()) == (["client", "server"], "TLSv1.3")


def test_buffered_plaintext_keeps_a_tls_socket_readable(mock_selector: TestSelector) -> None:
    client, server = tls_pair()
    mock_selector.register(server, selectors.EVENT_READ)
    client.sendall(b"one")
    client.sendall(b"two")  # two records
    server.setblocking(False)
    reads = []
    while mock_selector.select(0):
        reads.append(server.recv(2))
    assert reads == [b"on", b"e", b"tw", b"o"]
    with pytest.raises(ssl.SSLWantReadError):
        server.recv(2)


def test_a_tls_socket_registered_after_a_partial_read_is_readable_at_once(
    mock_selector: TestSelector,
) -> None:
    client, server = tls_pair()
    client.sendall(b"abcdef")
    assert server.recv(2) == b"ab"  # the rest waits decrypted, the stream is empty
    mock_selector.register(server, selectors.EVENT_READ)
    assert [key.fileobj for key, _ in mock_selector.select(0)] == [server]
    assert server.recv(10) == b"cdef"
    assert mock_selector.select(0) == []
    mock_selector.unregister(server)
    client.sendall(b"later")
    mock_selector.register(server, selectors.EVENT_READ)
    assert [key.fileobj for key, _ in mock_selector.select(0)] == [server]


def test_a_partial_record_does_not_make_a_tls_socket_readable(mock_selector: TestSelector) -> None:
    client, server = tls_pair()
    client.sendall(b"a whole record")
    raw = server._raw
    record = raw.recv(65536)  # the ciphertext, taken before the TLS socket sees it
    mock_selector.register(server, selectors.EVENT_READ)
    server.setblocking(False)
    raw.feed(record[:10])
    with pytest.raises(ssl.SSLWantReadError):
        server.recv(100)
    assert mock_selector.select(0) == []
    raw.feed(record[10:])
    assert [key.fileobj for key, _ in mock_selector.select(0)] == [server]
    assert server.recv(100) == b"a whole record"


def test_non_blocking_send_to_a_full_window_raises_want_write_then_completes() -> None:
    client, server = tls_pair(capacity=4096)
    client.setblocking(False)
    payload = b"p" * 3000
    sent, want_writes = 0, 0
    while True:
        try:
            client.send(payload)
        except ssl.SSLWantWriteError:
            want_writes += 1
            break
        sent += len(payload)
    received = bytearray()
    while True:  # the peer reads; the writer retries the same data until it is through
        received += server.recv(65536)
        try:
            assert client.send(payload) == len(payload)
        except ssl.SSLWantWriteError:
            continue
        sent += len(payload)
        break
    server.setblocking(False)
    while True:
        try:
            received += server.recv(65536)
        except ssl.SSLWantReadError:
            break
    assert (want_writes, len(received)) == (1, sent)


def test_a_tls_socket_is_writable_in_a_selector_while_its_window_has_room(
    mock_selector: TestSelector,
) -> None:
    client, _server = tls_pair()
    mock_selector.register(client, selectors.EVENT_WRITE)
    assert [events for _, events in mock_selector.select(0)] == [selectors.EVENT_WRITE]
    client.close()
    assert mock_selector.select(0) == []


# -- asyncio keeps doing its own TLS over in-memory sockets -------------------------------------


def test_asyncio_tls_streams_over_in_memory_sockets(
    memory_loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write((await reader.readline()).upper())
            await writer.drain()
            writer.close()

        listener = ListenSocket(address=("127.0.0.1", 8443))
        server = await asyncio.start_server(handle, sock=listener, ssl=server_context())
        reader, writer = await asyncio.open_connection(
            sock=listener.new_connection(), ssl=client_context(), server_hostname="localhost")
        writer.write(b"secret\n")
        line = await reader.readline()
        writer.close()
        server.close()
        await server.wait_closed()
        return line

    assert memory_loop.run_until_complete(main()) == b"SECRET\n"


def test_a_standalone_mock_socket_can_be_wrapped_and_records_ciphertext() -> None:
    sock = MockSocket(eof=False)
    context = client_context()
    context.check_hostname = False
    tls = context.wrap_socket(sock, do_handshake_on_connect=False)
    tls.setblocking(False)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    assert sock.sent[:3] == b"\x16\x03\x01"  # a TLS handshake record: the ClientHello
