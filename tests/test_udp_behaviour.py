"""Datagram-socket behaviour, run against the kernel's loopback UDP and against ours.

Every test here runs twice: on real ``socket.socket(AF_INET, SOCK_DGRAM)``
sockets bound to loopback (and ``socket.socketpair(AF_UNIX, SOCK_DGRAM)``), so
that the kernel says what is right, on :class:`mockselector.DatagramSocket`,
and on the sockets ``socket.socket(family, SOCK_DGRAM)`` makes inside a
:class:`mockselector.Network` (``kind == "network"``, polled by the network's
``selectors.DefaultSelector``).
Ports differ between the two; a test compares what does not depend on them.
Readiness is observed with ``selectors.DefaultSelector`` for the kernel and
``TestSelector`` for ours.  Every socket has a timeout, so no test can hang.
"""

from __future__ import annotations

import errno
import selectors
import socket
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any

import pytest

import mockselector
from mockselector import DatagramSocket

INET, INET6, UNIX, DGRAM = socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.SOCK_DGRAM
LOOPBACK = {INET: "127.0.0.1", INET6: "::1"}


class Sockets:
    """Makes sockets of one kind (the kernel's or ours) and closes them after the test."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.made: list[Any] = []

    def new(self, family: int = INET) -> Any:
        sock = DatagramSocket(family) if self.kind == "memory" else socket.socket(family, DGRAM)
        sock.settimeout(2.0)
        self.made.append(sock)
        return sock

    def bound(self, family: int = INET) -> Any:
        sock = self.new(family)
        sock.bind((LOOPBACK[family], 0))
        return sock

    def pair(self, family: int = INET) -> tuple[Any, Any]:
        if family == UNIX:
            if self.kind != "memory":
                a, b = socket.socketpair(UNIX, DGRAM)
            else:
                a, b = mockselector.socketpair(UNIX, DGRAM)
            for sock in (a, b):
                sock.settimeout(2.0)
            self.made += [a, b]
            return a, b
        a, b = self.bound(family), self.bound(family)
        a.connect(b.getsockname())
        b.connect(a.getsockname())
        return a, b

    def free_address(self, family: int = INET) -> Any:
        """An address nobody is bound at (it was, a moment ago)."""
        sock = self.bound(family)
        address = sock.getsockname()
        sock.close()
        return address

    def events(self, sock: Any) -> int:
        selector = (selectors.DefaultSelector() if self.kind != "memory"
                    else mockselector.TestSelector())
        with selector:
            selector.register(sock, EVENT_READ | EVENT_WRITE)
            return sum(mask for _key, mask in selector.select(0))

    def close(self) -> None:
        for sock in self.made:
            sock.close()


@pytest.fixture(params=["kernel", "memory", "network"])
def kind(request: pytest.FixtureRequest) -> Iterator[str]:
    """The kernel's sockets, ours, or ours made by ``socket.socket()`` inside a Network."""
    if request.param == "network":
        with mockselector.Network():
            yield "network"
    else:
        yield str(request.param)


@pytest.fixture
def net(kind: str) -> Iterator[Sockets]:
    sockets = Sockets(kind)
    yield sockets
    sockets.close()


def outcome(func: Any, *args: Any) -> Any:
    """What a call gives: its result, or the type and errno of what it raised."""
    try:
        return func(*args)
    except OSError as error:
        return type(error).__name__, error.errno
    except (TypeError, ValueError, OverflowError) as error:
        return type(error).__name__


# -- message boundaries and truncation ---------------------------------------------------------


@pytest.mark.parametrize("family", [INET, INET6, UNIX])
def test_each_recv_returns_one_datagram(net: Sockets, family: int) -> None:
    a, b = net.pair(family)
    for data in (b"one", b"two", b"three"):
        a.send(data)
    assert [b.recv(1024) for _ in range(3)] == [b"one", b"two", b"three"]


@pytest.mark.parametrize("family", [INET, UNIX])
def test_a_truncated_datagram_loses_its_rest(net: Sockets, family: int) -> None:
    a, b = net.pair(family)
    a.send(b"hello world")
    a.send(b"next")
    assert (b.recv(4), b.recv(1024)) == (b"hell", b"next")


def test_recv_with_msg_trunc_returns_the_full_length(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"hello world")
    data = b.recv(4, socket.MSG_TRUNC)
    assert (len(data), data[:4]) == (11, b"hell")


@pytest.mark.parametrize("method", ["recv_into", "recvfrom_into"])
def test_recv_into_with_msg_trunc_returns_the_full_length(net: Sockets, method: str) -> None:
    a, b = net.pair()
    a.send(b"hello world")
    buffer = bytearray(4)
    result = getattr(b, method)(buffer, 0, socket.MSG_TRUNC)
    count = result if method == "recv_into" else result[0]
    assert (count, buffer) == (11, bytearray(b"hell"))


@pytest.mark.parametrize("family", [INET, UNIX])
def test_recvmsg_says_msg_trunc_when_the_datagram_was_cut(net: Sockets, family: int) -> None:
    a, b = net.pair(family)
    a.send(b"hello")
    a.send(b"hi")
    data, ancdata, flags, address = b.recvmsg(3)
    assert (data, ancdata, flags) == (b"hel", [], socket.MSG_TRUNC)
    data, ancdata, flags, address = b.recvmsg(3)
    assert (data, ancdata, flags) == (b"hi", [], 0)
    assert address == (None if family == UNIX else a.getsockname())


def test_recvmsg_with_msg_trunc_still_cuts_the_data(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"hello world")
    data, ancdata, flags, address = b.recvmsg(4, 0, socket.MSG_TRUNC)
    assert (data, ancdata, flags, address) == (b"hell", [], socket.MSG_TRUNC, a.getsockname())


def test_recvmsg_into_fills_the_buffers_in_order(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"hello")
    first, second = bytearray(2), bytearray(2)
    count, _ancdata, flags, address = b.recvmsg_into([first, second])
    assert (count, first, second, flags, address) == (
        4, bytearray(b"he"), bytearray(b"ll"), socket.MSG_TRUNC, a.getsockname())


def test_an_empty_datagram_is_a_datagram(net: Sockets) -> None:
    a, b = net.pair()
    assert a.send(b"") == 0
    assert b.recvfrom(10) == (b"", a.getsockname())


def test_recv_of_zero_bytes_leaves_the_datagram_queued(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"kept")
    assert (b.recv(0), b.recv(10)) == (b"", b"kept")


def test_recvfrom_of_zero_bytes_consumes_the_datagram(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"gone")
    a.send(b"next")
    assert (b.recvfrom(0)[0], b.recv(10)) == (b"", b"next")


def test_msg_peek_leaves_the_datagram_queued(net: Sockets) -> None:
    a, b = net.pair()
    a.send(b"peek")
    assert b.recvfrom(2, socket.MSG_PEEK) == (b"pe", a.getsockname())
    assert b.recvfrom(10) == (b"peek", a.getsockname())


# -- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("family", "largest"), [(INET, 65507), (INET6, 65527)])
def test_a_datagram_above_the_largest_raises_emsgsize(net: Sockets, family: int,
                                                      largest: int) -> None:
    a, b = net.pair(family)
    assert a.send(b"x" * largest) == largest
    assert len(b.recv(70000)) == largest
    assert outcome(a.send, b"x" * (largest + 1)) == ("OSError", errno.EMSGSIZE)


def test_an_af_unix_datagram_above_the_send_buffer_raises_emsgsize(net: Sockets) -> None:
    a, b = net.pair(UNIX)
    limit = a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) - 32
    assert a.send(b"x" * limit) == limit
    assert len(b.recv(limit + 100)) == limit
    assert outcome(a.send, b"x" * (limit + 1)) == ("OSError", errno.EMSGSIZE)


def test_a_full_receive_buffer_drops_udp_datagrams(net: Sockets) -> None:
    receiver, sender = net.bound(), net.new()
    for _ in range(2000):
        assert sender.sendto(b"x", receiver.getsockname()) == 1
    receiver.setblocking(False)
    kept = 0
    while outcome(receiver.recv, 10) == b"x":
        kept += 1
    assert 100 < kept < 2000


def test_a_smaller_so_rcvbuf_keeps_fewer_datagrams(net: Sockets) -> None:
    receiver, sender = net.new(), net.new()
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert receiver.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 8192
    receiver.bind(("127.0.0.1", 0))
    for _ in range(50):
        sender.sendto(b"x" * 1000, receiver.getsockname())
    receiver.setblocking(False)
    kept = 0
    while outcome(receiver.recv, 2000) == b"x" * 1000:
        kept += 1
    assert 1 <= kept <= 8


def test_a_full_af_unix_peer_makes_the_sender_wait(net: Sockets) -> None:
    a, b = net.pair(UNIX)
    a.setblocking(False)
    sent = 0
    while outcome(a.send, b"x") == 1:
        sent += 1
        assert sent < 100000
    assert outcome(a.send, b"x") == ("BlockingIOError", errno.EAGAIN)
    assert b.recv(10) == b"x"
    assert a.send(b"y") == 1


# -- addresses --------------------------------------------------------------------------------


def test_an_unbound_socket_has_the_wildcard_address(net: Sockets) -> None:
    assert net.new().getsockname() == ("0.0.0.0", 0)
    assert net.new(INET6).getsockname() == ("::", 0, 0, 0)
    assert net.new(UNIX).getsockname() == ""


def test_sendto_binds_an_unbound_socket_and_the_receiver_sees_loopback(net: Sockets) -> None:
    receiver, sender = net.bound(), net.new()
    sender.sendto(b"hi", receiver.getsockname())
    host, port = sender.getsockname()
    assert (host, port > 0) == ("0.0.0.0", True)
    assert receiver.recvfrom(10) == (b"hi", ("127.0.0.1", port))


def test_connect_binds_to_the_loopback_address(net: Sockets) -> None:
    sock = net.new()
    sock.connect(("127.0.0.1", 9))
    assert sock.getsockname()[0] == "127.0.0.1"
    assert sock.getpeername() == ("127.0.0.1", 9)


def test_connect_to_the_wildcard_address_means_loopback(net: Sockets) -> None:
    sock = net.new()
    sock.connect(("0.0.0.0", 9))
    assert sock.getpeername() == ("127.0.0.1", 9)


def test_a_datagram_to_the_wildcard_address_reaches_a_loopback_socket(net: Sockets) -> None:
    receiver, sender = net.bound(), net.new()
    sender.sendto(b"hi", ("0.0.0.0", receiver.getsockname()[1]))
    assert receiver.recv(10) == b"hi"


def test_a_socket_bound_to_the_wildcard_receives_on_loopback(net: Sockets) -> None:
    receiver, sender = net.new(), net.new()
    receiver.bind(("0.0.0.0", 0))
    sender.sendto(b"hi", ("127.0.0.1", receiver.getsockname()[1]))
    assert receiver.recv(10) == b"hi"


def test_binding_twice_raises_einval(net: Sockets) -> None:
    sock = net.bound()
    assert outcome(sock.bind, ("127.0.0.1", 0)) == ("OSError", errno.EINVAL)


def test_binding_a_taken_address_raises_eaddrinuse(net: Sockets) -> None:
    taken = net.bound().getsockname()
    assert outcome(net.new().bind, taken) == ("OSError", errno.EADDRINUSE)
    assert outcome(net.new().bind, ("0.0.0.0", taken[1])) == ("OSError", errno.EADDRINUSE)


def test_so_reuseaddr_on_both_shares_the_port(net: Sockets) -> None:
    first, second = net.new(), net.new()
    for sock in (first, second):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    first.bind(("127.0.0.1", 0))
    assert outcome(second.bind, first.getsockname()) is None


def test_an_unconnected_socket_has_no_peer(net: Sockets) -> None:
    sock = net.bound()
    assert outcome(sock.getpeername) == ("OSError", errno.ENOTCONN)
    assert outcome(sock.send, b"x") == ("OSError", errno.EDESTADDRREQ)
    assert outcome(sock.sendall, b"x") == ("OSError", errno.EDESTADDRREQ)
    assert outcome(sock.sendmsg, [b"x"]) == ("OSError", errno.EDESTADDRREQ)
    assert outcome(sock.shutdown, socket.SHUT_WR) == ("OSError", errno.ENOTCONN)


def test_an_unconnected_af_unix_socket_cannot_send(net: Sockets) -> None:
    assert outcome(net.new(UNIX).send, b"x") == ("OSError", errno.ENOTCONN)


def test_an_af_unix_pair_has_no_addresses(net: Sockets) -> None:
    a, b = net.pair(UNIX)
    a.send(b"x")
    assert (a.getsockname(), a.getpeername(), b.recvfrom(10)) == ("", "", (b"x", None))


def test_sendmsg_sends_its_buffers_as_one_datagram(net: Sockets) -> None:
    receiver, sender = net.bound(), net.bound()
    assert sender.sendmsg([b"a", b"b"], [], 0, receiver.getsockname()) == 2
    assert receiver.recvfrom(10) == (b"ab", sender.getsockname())


# -- connect: a default peer, and a filter ----------------------------------------------------


def test_a_connected_socket_keeps_only_its_peers_datagrams(net: Sockets) -> None:
    sock, peer, other = net.bound(), net.bound(), net.bound()
    other.sendto(b"before", sock.getsockname())
    sock.connect(peer.getsockname())
    other.sendto(b"filtered", sock.getsockname())
    peer.sendto(b"from peer", sock.getsockname())
    sock.setblocking(False)
    received = [outcome(sock.recvfrom, 100) for _ in range(3)]
    assert received == [(b"before", other.getsockname()), (b"from peer", peer.getsockname()),
                        ("BlockingIOError", errno.EAGAIN)]


def test_connect_again_changes_the_peer(net: Sockets) -> None:
    sock, first, second = net.new(), net.bound(), net.bound()
    sock.connect(first.getsockname())
    sock.connect(second.getsockname())
    sock.send(b"to second")
    assert (sock.getpeername(), second.recv(100)) == (second.getsockname(), b"to second")


def test_sendto_on_a_connected_socket_goes_to_the_address_given(net: Sockets) -> None:
    a, _ = net.pair()
    other = net.bound()
    a.sendto(b"elsewhere", other.getsockname())
    assert other.recvfrom(100) == (b"elsewhere", a.getsockname())


def test_send_after_shutdown_wr_raises_broken_pipe(net: Sockets) -> None:
    for family in (INET, UNIX):
        a, _ = net.pair(family)
        a.shutdown(socket.SHUT_WR)
        assert outcome(a.send, b"x") == ("BrokenPipeError", errno.EPIPE)


# -- errors reported later: ECONNREFUSED ------------------------------------------------------


def test_the_send_after_one_to_nobody_raises_connection_refused(net: Sockets) -> None:
    sock = net.new()
    sock.connect(net.free_address())
    assert sock.send(b"x") == 1
    assert outcome(sock.send, b"x") == ("ConnectionRefusedError", errno.ECONNREFUSED)
    assert sock.send(b"x") == 1  # the error was reported once


def test_recv_after_a_send_to_nobody_raises_connection_refused_once(net: Sockets) -> None:
    sock = net.new()
    sock.connect(net.free_address())
    sock.setblocking(False)
    sock.send(b"x")
    assert outcome(sock.recv, 10) == ("ConnectionRefusedError", errno.ECONNREFUSED)
    assert outcome(sock.recv, 10) == ("BlockingIOError", errno.EAGAIN)


def test_so_error_takes_the_pending_connection_refused(net: Sockets) -> None:
    sock = net.new()
    sock.connect(net.free_address())
    sock.send(b"x")
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


def test_the_pending_error_comes_before_queued_datagrams(net: Sockets) -> None:
    sock = net.bound()
    nobody = net.free_address()
    sock.connect(nobody)
    sock.send(b"x")
    late = net.new()
    late.bind(nobody)
    late.sendto(b"data", sock.getsockname())
    assert outcome(sock.recv, 10) == ("ConnectionRefusedError", errno.ECONNREFUSED)
    assert sock.recv(10) == b"data"


def test_a_pending_error_makes_the_socket_readable_and_writable(net: Sockets) -> None:
    sock = net.new()
    sock.connect(net.free_address())
    sock.send(b"x")
    assert net.events(sock) == EVENT_READ | EVENT_WRITE


def test_an_unconnected_sendto_nobody_is_silently_lost(net: Sockets) -> None:
    sock = net.bound()
    sock.setblocking(False)
    assert sock.sendto(b"x", net.free_address()) == 1
    assert outcome(sock.recv, 10) == ("BlockingIOError", errno.EAGAIN)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


def test_send_to_a_closed_af_unix_peer_raises_connection_refused(net: Sockets) -> None:
    a, b = net.pair(UNIX)
    b.close()
    assert outcome(a.send, b"x") == ("ConnectionRefusedError", errno.ECONNREFUSED)
    assert net.events(a) == EVENT_WRITE


def test_sendto_an_af_unix_path_nobody_bound_raises_file_not_found(net: Sockets) -> None:
    a, _ = net.pair(UNIX)
    assert outcome(a.sendto, b"x", "/nonexistent/mockselector.sock") == (
        "FileNotFoundError", errno.ENOENT)
    assert outcome(a.sendto, b"x", "") == ("OSError", errno.EINVAL)


# -- broadcast --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["255.255.255.255", "<broadcast>", "127.255.255.255"])
def test_broadcast_without_so_broadcast_raises_eacces(net: Sockets, host: str) -> None:
    sock = net.new()
    assert outcome(sock.sendto, b"x", (host, 9)) == ("PermissionError", errno.EACCES)
    assert outcome(sock.connect, (host, 9)) == ("PermissionError", errno.EACCES)


def test_broadcast_with_so_broadcast_is_sent(net: Sockets) -> None:
    sock = net.new()
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST) == 0
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST) == 1
    assert sock.sendto(b"x", ("255.255.255.255", 9)) == 1


# -- blocking, non-blocking -------------------------------------------------------------------


def test_a_non_blocking_recv_with_nothing_queued_raises_blocking_io_error(net: Sockets) -> None:
    sock = net.bound()
    sock.setblocking(False)
    for call in (sock.recv, sock.recvfrom, sock.recvmsg):
        assert outcome(call, 10) == ("BlockingIOError", errno.EAGAIN)
    assert outcome(sock.recv_into, bytearray(4)) == ("BlockingIOError", errno.EAGAIN)


def test_msg_dontwait_does_not_wait_on_a_blocking_socket(net: Sockets) -> None:
    sock = net.bound()
    sock.settimeout(None)
    assert outcome(sock.recv, 10, socket.MSG_DONTWAIT) == ("BlockingIOError", errno.EAGAIN)


def test_msg_dontwait_waits_out_a_timeout_first(net: Sockets) -> None:
    # Python's socket module waits for readiness under a timeout, whatever the flags.
    sock = net.bound()
    sock.settimeout(0.05)
    with pytest.raises(socket.timeout):
        sock.recv(10, socket.MSG_DONTWAIT)


def test_a_timeout_raises_socket_timeout(net: Sockets) -> None:
    sock = net.bound()
    sock.settimeout(0.05)
    with pytest.raises(socket.timeout):
        sock.recv(10)


def test_use_after_close_raises_ebadf(net: Sockets) -> None:
    sock = net.bound()
    sock.close()
    assert outcome(sock.sendto, b"x", ("127.0.0.1", 9)) == ("OSError", errno.EBADF)
    assert outcome(sock.recv, 10) == ("OSError", errno.EBADF)
    assert sock.fileno() == -1


# -- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ((b"x", "not an address"), "TypeError"),
    ((b"x", ("127.0.0.1",)), "TypeError"),
    ((b"x", ("127.0.0.1", 9, 0)), "TypeError"),
    ((b"x", (1, 9)), "TypeError"),
    ((b"x", None), "TypeError"),
    (("text", ("127.0.0.1", 9)), "TypeError"),
    ((b"x", ("127.0.0.1", 70000)), "OverflowError"),
    ((b"x", ("127.0.0.1", 0)), ("OSError", errno.EINVAL)),
    ((b"x", "flags", ("127.0.0.1", 9)), "TypeError"),
    ((b"x", 0, ("127.0.0.1", 9), 1), "TypeError"),
])
def test_sendto_with_bad_arguments_fails_as_the_kernel(net: Sockets, args: tuple[Any, ...],
                                                       expected: Any) -> None:
    assert outcome(net.new().sendto, *args) == expected


def test_negative_sizes_raise_value_error(net: Sockets) -> None:
    sock = net.bound()
    for call in (sock.recv, sock.recvfrom, sock.recvmsg):
        assert outcome(call, -1) == "ValueError"
    assert outcome(sock.recv_into, bytearray(2), 5) == "ValueError"
    assert outcome(sock.recvfrom_into, bytearray(2), 5) == "ValueError"


def test_stream_only_calls_raise_eopnotsupp(net: Sockets) -> None:
    sock = net.bound()
    sock.setblocking(False)
    assert outcome(sock.listen) == ("OSError", errno.EOPNOTSUPP)
    assert outcome(sock.accept) == ("OSError", errno.EOPNOTSUPP)


def test_type_and_options_say_sock_dgram(net: Sockets) -> None:
    sock = net.new()
    assert (sock.type, sock.family, sock.proto) == (DGRAM, INET, 0)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == DGRAM
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 212992
    assert isinstance(sock, socket.socket)


# -- readiness --------------------------------------------------------------------------------


@pytest.mark.parametrize("family", [INET, UNIX])
def test_readable_while_a_datagram_waits(net: Sockets, family: int) -> None:
    a, b = net.pair(family)
    assert net.events(b) == EVENT_WRITE
    a.send(b"x")
    assert net.events(b) == EVENT_READ | EVENT_WRITE
    b.recv(10)
    assert net.events(b) == EVENT_WRITE


def test_an_unbound_socket_is_writable(net: Sockets) -> None:
    assert net.events(net.new()) == EVENT_WRITE


def test_an_af_unix_sender_is_writable_while_its_peer_has_room(net: Sockets) -> None:
    a, _ = net.pair(UNIX)
    a.setblocking(False)
    sent = 0
    while net.events(a) & EVENT_WRITE:
        assert a.send(b"x") == 1
        sent += 1
        assert sent < 100000
    assert outcome(a.send, b"x") == 1  # not writable, yet a send still fits
