"""The kernel as the oracle: the same TLS operations over loopback TCP and in memory.

Each scenario runs a sequence of operations on a real ``ssl.SSLSocket`` pair
over loopback TCP and on a :class:`~mockselector.TLSSocket` pair over
in-memory sockets, and records what each operation returned or raised; the
two transcripts must be equal, result by result.
"""

from __future__ import annotations

import io
import socket
import ssl
from typing import Any, Callable

import pytest

from mockselector import TLSSocket, client_context, server_context
from tls_support import handshake, outcome, settle, tls_pair_of, wrap

Scenario = Callable[[str], list[Any]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(func: Scenario) -> Scenario:
    SCENARIOS[func.__name__] = func
    return func


@scenario
def handshake_turns_and_session_details(kind: str) -> list[Any]:
    client, server = wrap(kind)
    before = [client.version(), client.cipher(), client.pending(),
              outcome(lambda: client.getpeercert())]
    turns = handshake(client, server)
    cert = client.getpeercert()
    return [*before, turns, client.version(), server.version(), client.cipher(),
            server.cipher(), client.selected_alpn_protocol(), client.server_hostname,
            server.server_hostname, client.server_side, server.server_side,
            cert["subject"], cert["notAfter"], cert["subjectAltName"],
            len(client.getpeercert(binary_form=True)), server.getpeercert(),
            client.compression(), client.session_reused]


@scenario
def partial_reads_and_pending(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.sendall(b"x" * 100)
    settle(client)
    first = client.recv(10)
    return [first, client.pending(), len(client.recv(1000)), client.pending()]


@scenario
def one_record_per_read(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.send(b"a" * 10)
    server.send(b"b" * 10)
    settle(client)
    return [client.recv(100), client.pending(), client.recv(100)]


@scenario
def read_into_buffers(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.sendall(b"0123456789")
    settle(client)
    buf = bytearray(4)
    first = client.recv_into(buf)
    second = client.read(3, memoryview(bytearray(3)))
    return [first, bytes(buf), second, client.read(), client.pending()]


@scenario
def non_blocking_reads(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    client.setblocking(False)
    empty = outcome(lambda: client.recv(10))
    server.sendall(b"late")
    settle(client)
    return [empty, client.recv(10), outcome(lambda: client.recv(10))]


@scenario
def ragged_eof_is_suppressed_by_default(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.sendall(b"last")
    server.close()
    settle(client)
    return [client.recv(10), client.recv(10), client.recv(10)]


@scenario
def ragged_eof_raises_when_not_suppressed(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind, suppress_ragged_eofs=False)
    server.close()
    settle(client)
    return [outcome(lambda: client.recv(10))]


@scenario
def shutdown_of_the_peer_is_a_ragged_eof(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.shutdown(socket.SHUT_WR)
    settle(client)
    eof = client.recv(10)
    settle(server)
    server.setblocking(False)
    # TLS is off on this side: what the client sent (an alert, on some versions), raw.
    alert = outcome(lambda: server.recv(100))
    if isinstance(alert, bytes):
        alert = (alert[:1], len(alert))
    return [eof, outcome(lambda: server.version()), alert]


@scenario
def unwrap_in_turns_then_cleartext(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    client.setblocking(False)
    server.setblocking(False)
    first = outcome(lambda: client.unwrap())
    settle(server)
    plain_server = server.unwrap()
    settle(client)
    plain_client = client.unwrap()
    plain_client.setblocking(True)
    plain_server.setblocking(True)
    plain_client.sendall(b"clear")
    settle(plain_server)
    return [first, plain_server is server, plain_client is client, client.version(),
            client.pending(), outcome(lambda: client.unwrap()), plain_server.recv(10),
            isinstance(plain_client, ssl.SSLSocket)]


@scenario
def close_notify_reads_as_eof(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    client.setblocking(False)
    unwrapping = outcome(lambda: client.unwrap())
    settle(server)
    return [unwrapping, server.recv(10), server.recv(10)]


@scenario
def timeouts_say_what_timed_out(kind: str) -> list[Any]:
    client, _server = tls_pair_of(kind)
    client.settimeout(0.05)
    reading = outcome(lambda: client.recv(10))
    fresh_client, _fresh_server = wrap(kind)
    fresh_client.settimeout(0.05)
    return [reading, outcome(fresh_client.do_handshake), client.gettimeout()]


@scenario
def wrong_host_name_fails_verification(kind: str) -> list[Any]:
    client, server = wrap(kind, hostname="www.example.com")
    client.setblocking(False)
    server.setblocking(False)
    first = outcome(client.do_handshake)
    settle(server)
    second = outcome(server.do_handshake)
    settle(client)
    try:
        client.do_handshake()
    except ssl.SSLCertVerificationError as error:
        failure: Any = (error.verify_code, error.verify_message, error.reason)
    settle(server)
    return [first, second, failure, outcome(server.do_handshake)]


@scenario
def unknown_ca_fails_verification(kind: str) -> list[Any]:
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # trusts no CA at all
    client, server = wrap(kind, client_ctx=client_ctx)
    client.setblocking(False)
    server.setblocking(False)
    results = [outcome(client.do_handshake)]
    settle(server)
    results.append(outcome(server.do_handshake))
    settle(client)
    try:
        client.do_handshake()
    except ssl.SSLCertVerificationError as error:
        results.append((error.verify_code, error.verify_message))
    settle(server)
    results.append(outcome(server.do_handshake))
    return results


@scenario
def alpn_and_tls12(kind: str) -> list[Any]:
    client_ctx, server_ctx = client_context(), server_context()
    client_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    client_ctx.set_alpn_protocols(["h2", "http/1.1"])
    server_ctx.set_alpn_protocols(["http/1.1"])
    client, server = wrap(kind, client_ctx=client_ctx, server_ctx=server_ctx)
    turns = handshake(client, server)
    server.sendall(b"twelve")
    settle(client)
    return [turns, client.version(), client.cipher(), client.selected_alpn_protocol(),
            server.selected_alpn_protocol(), client.recv(10),
            len(client.get_channel_binding("tls-unique") or b"")]


@scenario
def what_a_tls_socket_refuses(kind: str) -> list[Any]:
    client, _server = tls_pair_of(kind)
    return [outcome(lambda: client.send(b"x", 1)), outcome(lambda: client.recv(1, 1)),
            outcome(lambda: client.recvfrom(1)), outcome(lambda: client.sendto(b"x", ("a", 1))),
            outcome(lambda: client.sendmsg([b"x"])), outcome(lambda: client.dup()),
            outcome(lambda: client.recvmsg(1))]


@scenario
def makefile_lines_and_sendfile(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    sent = server.sendfile(io.BytesIO(b"one\ntwo\n"))
    reader = client.makefile("rb")
    lines = [reader.readline(), reader.readline()]
    reader.close()
    return [sent, lines]


@scenario
def use_after_close(kind: str) -> list[Any]:
    client, _server = tls_pair_of(kind)
    client.close()
    return [client.fileno(), outcome(lambda: client.recv(1)), outcome(lambda: client.send(b"x")),
            outcome(lambda: client.pending()), client.version(), client.cipher(),
            outcome(lambda: client.unwrap())]


@scenario
def handshake_on_connect_refuses_non_blocking(kind: str) -> list[Any]:
    from tls_support import raw_pair

    raw_client, _raw_server = raw_pair(kind)
    raw_client.setblocking(False)
    result = outcome(lambda: client_context().wrap_socket(raw_client, server_hostname="x"))
    return [result, raw_client.fileno()]


@scenario
def peer_closes_during_the_handshake(kind: str) -> list[Any]:
    client, server = wrap(kind)
    client.setblocking(False)
    first = outcome(client.do_handshake)
    server.close()
    settle(client)
    return [first, outcome(client.do_handshake), outcome(lambda: client.recv(1))]


@scenario
def garbage_instead_of_a_handshake(kind: str) -> list[Any]:
    from tls_support import raw_pair

    raw_client, raw_server = raw_pair(kind)
    client = client_context().wrap_socket(raw_client, server_hostname="localhost",
                                          do_handshake_on_connect=False)
    raw_server.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    settle(client)
    return [outcome(client.do_handshake), raw_server.recv(5)[:1]]


@scenario
def writing_after_the_peers_close_notify(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    client.setblocking(False)
    unwrapping = outcome(lambda: client.unwrap())
    settle(server)
    return [unwrapping, server.recv(10), outcome(lambda: server.send(b"late")),
            outcome(lambda: server.recv(10))]


@scenario
def large_writes_arrive_in_records(kind: str) -> list[Any]:
    client, server = tls_pair_of(kind)
    server.sendall(bytes(range(256)) * 200)  # 51,200 bytes: four records
    sizes = []
    while sum(sizes) < 51200:
        settle(client)
        sizes.append(len(client.recv(100000)))
    return [sizes, client.pending()]


@scenario
def session_resumption(kind: str) -> list[Any]:
    client_ctx, server_ctx = client_context(), server_context()
    client, server = tls_pair_of(kind, client_ctx=client_ctx, server_ctx=server_ctx)
    server.sendall(b"ticket")  # the client reads the session tickets before these bytes
    settle(client)
    client.recv(10)
    session = client.session
    again_client, again_server = wrap(kind, client_ctx=client_ctx, server_ctx=server_ctx)
    again_client.session = session
    turns = handshake(again_client, again_server)
    return [session is not None, client.session_reused, turns, again_client.session_reused,
            again_server.session_reused, again_client.session.has_ticket]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_tls_in_memory_does_what_tls_over_loopback_does(name: str) -> None:
    run = SCENARIOS[name]
    assert run("memory") == run("kernel")


# Scenarios that read cleartext with one recv(): seeded fragmentation splits it, by design.
CLEARTEXT_READS = {"shutdown_of_the_peer_is_a_ragged_eof", "unwrap_in_turns_then_cleartext"}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", sorted(set(SCENARIOS) - CLEARTEXT_READS))
def test_tls_over_fragmenting_in_memory_sockets_does_the_same(name: str, seed: int) -> None:
    run = SCENARIOS[name]
    assert run(f"memory-seed-{seed}") == run("kernel")


def test_the_memory_side_of_the_comparison_is_our_tls_socket() -> None:
    client, server = tls_pair_of("memory")
    assert (type(client), type(server)) == (TLSSocket, TLSSocket)
    real_client, real_server = tls_pair_of("kernel")
    assert (type(real_client), type(real_server)) == (ssl.SSLSocket, ssl.SSLSocket)
    for sock in (client, server, real_client, real_server):
        sock.close()
