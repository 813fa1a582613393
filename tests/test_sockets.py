"""In-memory sockets: what only ours do (scripts, feeding, resets, Mock recording, stalls).

Behaviour that the kernel's sockets show too is tested against both in
test_stream_behaviour.py.
"""

from __future__ import annotations

import errno
import io
import itertools
import os
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any
from unittest import mock
from unittest.mock import DEFAULT, Mock, call, patch

import pytest

from mockselector import (
    FileDescriptor,
    ListenSocket,
    MockSocket,
    SocketMock,
    Stalled,
    TestSelector,
    socketpair,
)
from mockselector.sockets import DEFAULT_CAPACITY

RealSocket = socket.socket  # some tests patch socket.socket


def ready(sock: Any) -> int:
    """The events a TestSelector reports for ``sock`` now."""
    with TestSelector() as selector:
        selector.register(sock, EVENT_READ | EVENT_WRITE)
        return sum(mask for _key, mask in selector.select(0))


def run_in_thread(target: Any) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def pair() -> Iterator[tuple[MockSocket, MockSocket]]:
    a, b = socketpair()
    yield a, b
    a.close()
    b.close()


# -- the 0.2 scripted socket -------------------------------------------------------------------


def test_recv_returns_the_scripted_chunks_one_per_call() -> None:
    sock = MockSocket([b"one", b"two"])
    assert [sock.recv(1024), sock.recv(1024)] == [b"one", b"two"]


def test_recv_splits_a_scripted_chunk_longer_than_bufsize() -> None:
    sock = MockSocket([b"aa", b"abcdef", b"gh"])
    assert [sock.recv(3) for _ in range(4)] == [b"aa", b"abc", b"def", b"gh"]


def test_recv_returns_eof_once_the_script_is_exhausted() -> None:
    sock = MockSocket([b"only"])
    sock.recv(1024)
    assert [sock.recv(1024), sock.recv(1024)] == [b"", b""]


def test_recv_on_a_socket_without_script_returns_eof() -> None:
    assert MockSocket().recv(1024) == b""


def test_recv_calls_a_scripted_callable_when_its_turn_comes() -> None:
    calls = []

    def produce() -> bytes:
        calls.append("called")
        return b"made"

    sock = MockSocket([b"first", produce])
    assert (sock.recv(1024), calls) == (b"first", [])
    assert (sock.recv(1024), calls) == (b"made", ["called"])


def test_a_scripted_callable_returning_none_makes_recv_return_empty() -> None:
    sock = MockSocket([lambda: None, b"after"])
    assert [sock.recv(10), sock.recv(10)] == [b"", b"after"]


def test_an_exception_from_a_scripted_callable_propagates_from_recv() -> None:
    def fail() -> bytes:
        raise ConnectionResetError(errno.ECONNRESET, "scripted reset")

    sock = MockSocket([fail])
    with pytest.raises(ConnectionResetError):
        sock.recv(10)


def test_a_scripted_empty_chunk_is_returned_as_empty() -> None:
    sock = MockSocket([b"", b"next"])
    assert [sock.recv(10), sock.recv(10)] == [b"", b"next"]


def test_peeking_at_a_scripted_callable_calls_it_once() -> None:
    producer = Mock(return_value=b"made")
    sock = MockSocket([producer])
    assert (sock.recv(10, socket.MSG_PEEK), sock.recv(10)) == (b"made", b"made")
    producer.assert_called_once_with()


def test_a_script_given_as_an_iterator_is_read_lazily() -> None:
    produced: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        for chunk in (b"a", b"b"):
            produced.append(chunk)
            yield chunk

    sock = MockSocket(chunks())
    assert produced == []
    assert (sock.recv(10), produced) == (b"a", [b"a"])


def test_an_endless_script_does_not_hang() -> None:
    sock = MockSocket(itertools.repeat(b"x"))
    assert [sock.recv(10) for _ in range(3)] == [b"x", b"x", b"x"]


def test_data_fed_after_an_iterator_script_comes_after_it() -> None:
    sock = MockSocket(iter([b"a"]))
    sock.feed(b"b")
    assert [sock.recv(10), sock.recv(10), sock.recv(10)] == [b"a", b"b", b""]


def test_an_exhausted_iterator_script_without_eof_would_block() -> None:
    sock = MockSocket(iter([b"a"]), eof=False)
    sock.setblocking(False)
    sock.recv(10)
    with pytest.raises(BlockingIOError):
        sock.recv(10)


def test_a_mock_socket_is_a_socket_socket() -> None:
    assert isinstance(MockSocket(), RealSocket)


def test_a_mock_socket_is_a_socket_socket_while_socket_socket_is_patched() -> None:
    with patch("socket.socket"):
        sock = MockSocket([b"x"])
    assert isinstance(sock, RealSocket) and sock.recv(10) == b"x"


def test_each_socket_has_a_distinct_file_descriptor() -> None:
    a, b, c = MockSocket(), MockSocket(), MockSocket()
    fds = [a.fileno(), b.fileno(), c.fileno()]
    assert all(isinstance(fd, FileDescriptor) for fd in fds) and len(set(fds)) == 3


def test_fileno_is_stable() -> None:
    sock = MockSocket()
    assert sock.fileno() is sock.fileno()


# -- Mock call recording -----------------------------------------------------------------------


def test_send_calls_are_recorded_as_the_0_2_mock_recorded_them() -> None:
    sock = MockSocket()
    sock.send(b"foo")
    sock.send(b"quit")
    assert [((b"foo",),), ((b"quit",),)] == sock.send.call_args_list


def test_every_send_of_a_connected_socket_made_with_record_is_recorded() -> None:
    a, _ = socketpair(record=True)
    for word in (b"one", b"two", b"three"):
        a.send(word)
    assert a.send.call_args_list == [call(b"one"), call(b"two"), call(b"three")]


def test_send_returns_the_count_and_sendall_returns_none() -> None:
    sock = MockSocket()
    assert (sock.send(b"abc"), sock.sendall(b"de")) == (3, None)


def test_close_calls_are_recorded() -> None:
    sock = MockSocket()
    sock.close()
    sock.close.assert_called_once_with()


def test_calls_of_other_methods_are_recorded_with_their_arguments() -> None:
    sock = MockSocket()
    sock.setblocking(False)
    sock.settimeout(3)
    assert (sock.setblocking.call_args_list, sock.settimeout.call_args) == (
        [call(False)], call(3))


def test_sendall_and_sendmsg_calls_are_recorded_separately_from_send() -> None:
    sock = MockSocket()
    sock.send(b"a")
    sock.sendall(b"bc")
    sock.sendmsg([b"d", b"ef"])
    assert (sock.send.call_args_list, sock.sendall.call_args_list,
            sock.sendmsg.call_args_list) == ([call(b"a")], [call(b"bc")], [call([b"d", b"ef"])])


def test_a_partial_send_is_recorded_with_all_the_data_passed() -> None:
    a, _ = socketpair(capacity=3, record=True)
    a.setblocking(False)
    assert a.send(b"abcdef") == 3
    assert (a.send.call_args_list, a.sent) == ([call(b"abcdef")], b"abc")


def test_a_send_that_raised_is_recorded() -> None:
    a, _ = socketpair(capacity=1, record=True)
    a.setblocking(False)
    a.send(b"x")
    with pytest.raises(BlockingIOError):
        a.send(b"yz")
    assert a.send.call_args_list == [call(b"x"), call(b"yz")]


def test_send_flags_other_than_zero_are_recorded() -> None:
    sock = MockSocket()
    sock.send(b"x", socket.MSG_DONTWAIT)
    assert sock.send.call_args == call(b"x", socket.MSG_DONTWAIT)


def test_unused_methods_report_no_calls() -> None:
    sock = MockSocket()
    sock.send.assert_not_called()
    assert sock.shutdown.call_count == 0


def test_reset_mock_forgets_the_calls_of_that_method_only() -> None:
    sock = MockSocket()
    sock.send(b"old")
    sock.sendall(b"kept")
    sock.send.reset_mock()
    sock.send(b"new")
    assert (sock.send.call_args_list, sock.sendall.call_args_list, sock.sent) == (
        [call(b"new")], [call(b"kept")], b"oldkeptnew")


def test_reset_mock_of_a_method_other_than_send_forgets_its_calls() -> None:
    sock = MockSocket()
    sock.setblocking(False)
    sock.setblocking.reset_mock()
    sock.setblocking.assert_not_called()


def test_setting_side_effect_replaces_the_method_by_a_mock_that_wraps_it() -> None:
    sock = MockSocket()
    sock.send(b"before")
    sock.send.side_effect = [BlockingIOError, DEFAULT]
    with pytest.raises(BlockingIOError):
        sock.send(b"refused")
    assert sock.send(b"passed") == 6
    assert (sock.sent, sock.send.call_args_list) == (
        b"beforepassed", [call(b"before"), call(b"refused"), call(b"passed")])


def test_setting_return_value_replaces_the_method_without_sending() -> None:
    sock = MockSocket()
    sock.send.return_value = 1
    assert (sock.send(b"abc"), sock.sent) == (1, b"")


def test_a_method_can_be_replaced_by_assigning_a_mock() -> None:
    sock = MockSocket()
    sock.recv = Mock(return_value=b"mocked")  # type: ignore[method-assign]
    assert sock.recv(10) == b"mocked"


def test_replacing_the_method_of_one_socket_leaves_the_others_alone() -> None:
    a, b = MockSocket(), MockSocket()
    a.send.return_value = 0
    assert b.send(b"x") == 1


def test_recording_a_send_costs_a_few_bytes() -> None:
    a, b = socketpair()
    messages = [bytes(64) for _ in range(2000)]
    for _ in range(8):  # lazily created state
        a.send(messages[0])
        b.recv(4096)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for message in messages:
            a.send(message)
            b.recv(4096)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown / len(messages) - 64 <= 32  # what is beyond the copy kept in .sent


def test_the_mock_methods_of_a_listening_socket_are_recorded_too() -> None:
    listener = ListenSocket()
    listener.bind(("127.0.0.1", 80))
    listener.bind.assert_called_once_with(("127.0.0.1", 80))


# -- the peer played by the test ---------------------------------------------------------------


def test_sent_holds_everything_sent_in_order() -> None:
    sock = MockSocket()
    sock.send(b"a")
    sock.sendall(b"bc")
    sock.sendmsg([b"d", b"e"])
    assert sock.sent == b"abcde"


def test_a_standalone_socket_accepts_any_amount_at_once() -> None:
    sock = MockSocket()
    sock.setblocking(False)
    assert sock.send(bytes(10 * DEFAULT_CAPACITY)) == 10 * DEFAULT_CAPACITY


def test_feed_delivers_data_to_recv() -> None:
    sock = MockSocket(eof=False)
    sock.feed(b"abc")
    sock.feed(bytearray(b"def"))
    assert sock.recv(100) == b"abcdef"


def test_fed_data_comes_after_the_script() -> None:
    sock = MockSocket([b"scripted"])
    sock.feed(b"fed")
    assert [sock.recv(100), sock.recv(100), sock.recv(100)] == [b"scripted", b"fed", b""]


def test_feed_ignores_the_capacity() -> None:
    _, b = socketpair(capacity=2)
    b.feed(b"more than two")
    assert b.recv(100) == b"more than two"


def test_feed_after_eof_raises_value_error() -> None:
    sock = MockSocket(eof=False)
    sock.feed_eof()
    with pytest.raises(ValueError, match="EOF"):
        sock.feed(b"too late")


def test_feed_on_a_closed_socket_raises_ebadf() -> None:
    sock = MockSocket()
    sock.close()
    with pytest.raises(OSError) as raised:
        sock.feed(b"x")
    assert raised.value.errno == errno.EBADF


def test_feeding_makes_a_socket_readable() -> None:
    sock = MockSocket(eof=False)
    before = ready(sock)
    sock.feed(b"x")
    assert (before, ready(sock)) == (EVENT_WRITE, EVENT_READ | EVENT_WRITE)


# -- reset -------------------------------------------------------------------------------------


def test_reset_of_a_standalone_socket_makes_its_next_recv_raise() -> None:
    sock = MockSocket(eof=False)
    sock.reset()
    with pytest.raises(ConnectionResetError):
        sock.recv(10)


def test_recv_after_a_reset_returns_the_data_already_received_first() -> None:
    sock = MockSocket(eof=False)
    sock.feed(b"partial")
    sock.reset()
    assert sock.recv(100) == b"partial"
    with pytest.raises(ConnectionResetError):
        sock.recv(100)


def test_recv_after_the_reset_was_reported_returns_eof() -> None:
    sock = MockSocket(eof=False)
    sock.reset()
    with pytest.raises(ConnectionResetError):
        sock.recv(10)
    assert sock.recv(10) == b""


def test_send_after_a_reset_raises_connection_reset_then_broken_pipe() -> None:
    sock = MockSocket()
    sock.reset()
    with pytest.raises(ConnectionResetError):
        sock.send(b"x")
    with pytest.raises(BrokenPipeError):
        sock.send(b"x")


def test_getpeername_after_a_reset_raises_enotconn() -> None:
    sock = MockSocket()
    sock.reset()
    with pytest.raises(OSError) as raised:
        sock.getpeername()
    assert raised.value.errno == errno.ENOTCONN


def test_so_error_reports_a_reset_and_clears_it() -> None:
    sock = MockSocket()
    sock.reset()
    assert (sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
            sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)) == (errno.ECONNRESET, 0)


def test_a_reset_socket_is_readable_and_writable() -> None:
    sock = MockSocket(eof=False)
    sock.reset()
    assert ready(sock) == EVENT_READ | EVENT_WRITE


def test_reset_of_a_connected_socket_resets_its_peer(pair: tuple[MockSocket, MockSocket]) -> None:
    a, b = pair
    a.reset()
    with pytest.raises(ConnectionResetError):
        b.send(b"x")


def test_reset_of_a_connected_socket_closes_it(pair: tuple[MockSocket, MockSocket]) -> None:
    a, _ = pair
    a.reset()
    assert a.fileno() == -1


def test_the_peer_reads_what_arrived_before_a_reset(pair: tuple[MockSocket, MockSocket]) -> None:
    a, b = pair
    a.sendall(b"in flight")
    a.reset()
    assert b.recv(100) == b"in flight"
    with pytest.raises(ConnectionResetError):
        b.recv(100)


def test_reset_of_a_closed_socket_raises_ebadf() -> None:
    sock = MockSocket()
    sock.close()
    with pytest.raises(OSError) as raised:
        sock.reset()
    assert raised.value.errno == errno.EBADF


# -- standalone connect, bind and other calls ---------------------------------------------------


def test_connect_of_a_standalone_socket_records_the_peer_address() -> None:
    sock = MockSocket([b"response"])
    sock.connect(("example.com", 80))
    assert (sock.getpeername(), sock.connect.call_args) == (
        ("example.com", 80), call(("example.com", 80)))


def _pair_of(kind: str, family: int) -> tuple[Any, Any]:
    """A connected pair of ``family`` (AF_UNIX, or AF_INET: TCP) on the kernel or in memory."""
    if kind == "memory":
        return socketpair(family)
    if family == socket.AF_UNIX:
        return socket.socketpair()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        return client, listener.accept()[0]


def test_connect_of_a_connected_tcp_socket_raises_eisconn(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_INET)
    with a, b, pytest.raises(OSError) as raised:
        a.connect(("127.0.0.1", 9))
    assert raised.value.errno == errno.EISCONN


def test_connect_of_a_connected_unix_socket_looks_the_name_up_first(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_UNIX)
    with a, b, pytest.raises(ConnectionRefusedError):
        a.connect(f"\0mockselector-test-{os.getpid()}-unbound")


def test_connect_ex_returns_an_error_number_instead_of_raising(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_INET)
    with a, b:
        assert a.connect_ex(("127.0.0.1", 9)) == errno.EISCONN
    assert MockSocket().connect_ex(("h", 1)) == 0


def test_bind_of_a_standalone_socket_sets_its_address() -> None:
    sock = MockSocket()
    sock.bind(("127.0.0.1", 4000))
    assert sock.getsockname() == ("127.0.0.1", 4000)


def test_bind_of_a_connected_tcp_socket_raises_einval(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_INET)
    with a, b, pytest.raises(OSError) as raised:
        a.bind(("127.0.0.1", 0))
    assert raised.value.errno == errno.EINVAL


def test_bind_names_an_unnamed_unix_socketpair_end(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_UNIX)
    name = f"\0mockselector-test-{os.getpid()}-{kind}"
    with a, b:
        a.bind(name)
        assert a.getsockname() == name.encode()  # an abstract name reads back as bytes


def test_a_standalone_socket_has_made_up_inet_addresses() -> None:
    sock = MockSocket()
    assert sock.getsockname()[0] == sock.getpeername()[0] == "127.0.0.1"


def test_sendfile_sends_the_file_through_send(pair: tuple[MockSocket, MockSocket]) -> None:
    a, b = pair
    assert a.sendfile(io.BytesIO(b"file content")) == 12
    assert b.recv(100) == b"file content"


@pytest.mark.parametrize("operation", ["listen", "accept", "detach", "dup"])
def test_operations_an_in_memory_stream_cannot_do_raise_os_error(operation: str) -> None:
    with pytest.raises(OSError):
        getattr(MockSocket(), operation)()


def test_sendto_on_a_connected_unix_stream_raises_eisconn(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_UNIX)
    with a, b, pytest.raises(OSError) as raised:
        a.sendto(b"x", f"\0mockselector-test-{os.getpid()}-unbound")
    assert raised.value.errno == errno.EISCONN


def test_sendto_on_a_connected_tcp_stream_ignores_the_address(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_INET)
    with a, b:
        assert a.sendto(b"x", ("127.0.0.1", 9)) == 1
        b.settimeout(5)
        assert b.recv(10) == b"x"


def test_recvmsg_returns_the_data_and_no_ancillary_data(kind: str) -> None:
    a, b = _pair_of(kind, socket.AF_UNIX)
    with a, b:
        b.sendall(b"hi")
        assert a.recvmsg(10) == (b"hi", [], 0, None)


def test_get_inheritable_is_false() -> None:
    assert MockSocket().get_inheritable() is False


def test_recv_with_an_unsupported_flag_raises_einval() -> None:
    with pytest.raises(OSError, match="MSG_OOB") as info:
        MockSocket([b"x"]).recv(10, socket.MSG_OOB)
    assert info.value.errno == errno.EINVAL


def test_recv_waitall_waits_for_the_whole_size_across_chunks() -> None:
    sock = MockSocket([b"ab", b"cd", b"ef"])
    assert (sock.recv(5, socket.MSG_WAITALL), sock.recv(5, socket.MSG_WAITALL)) == (
        b"abcde", b"f")


def test_recv_waitall_waits_for_a_peer_thread(kind: str) -> None:
    a, b = socket.socketpair() if kind == "kernel" else socketpair()
    with a, b:
        timer = threading.Timer(0.05, lambda: (b.sendall(b"45678"), b.close()))
        b.sendall(b"123")
        timer.start()
        assert a.recv(6, socket.MSG_WAITALL) == b"123456"
        timer.join()


def test_sendmsg_with_ancillary_data_raises_os_error() -> None:
    with pytest.raises(OSError):
        MockSocket().sendmsg([b"x"], [(socket.SOL_SOCKET, 1, b"\0\0\0\0")])


# -- socketpair --------------------------------------------------------------------------------


def test_socketpair_connects_two_mock_sockets(pair: tuple[MockSocket, MockSocket]) -> None:
    a, b = pair
    a.sendall(b"ping")
    b.sendall(b"pong")
    assert (isinstance(a, MockSocket), b.recv(10), a.recv(10)) == (True, b"ping", b"pong")


def test_socketpair_of_another_type_raises_value_error() -> None:
    with pytest.raises(ValueError):
        socketpair(type=socket.SOCK_SEQPACKET)


def test_socketpair_of_an_unsupported_family_raises_value_error() -> None:
    with pytest.raises(ValueError):
        socketpair(family=socket.AF_PACKET if hasattr(socket, "AF_PACKET") else 999)


def test_an_inet_socketpair_has_mirrored_loopback_addresses() -> None:
    a, b = socketpair(socket.AF_INET)
    assert (a.getsockname(), a.getpeername()) == (b.getpeername(), b.getsockname())
    assert a.getsockname()[0] == "127.0.0.1" and a.family == socket.AF_INET


@pytest.mark.parametrize("capacity", [0, -1, 1.5, True])
def test_an_invalid_capacity_raises_value_error(capacity: Any) -> None:
    with pytest.raises(ValueError):
        socketpair(capacity=capacity)


def test_capacity_is_the_receive_buffer_reported_by_so_rcvbuf() -> None:
    a, _ = socketpair(capacity=1234)
    assert a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == 1234


def test_a_full_window_is_reported_with_the_capacity() -> None:
    a, b = socketpair(capacity=4)
    a.setblocking(False)
    a.send(b"abcd")
    before = ready(a)
    b.recv(1)
    assert (before, ready(a)) == (0, EVENT_WRITE)


# -- seeded fragmentation ----------------------------------------------------------------------


def chunks_of(seed: int, payload: bytes) -> list[bytes]:
    a, b = socketpair(seed=seed)
    a.setblocking(False)
    b.setblocking(False)
    received = []
    view = memoryview(payload)
    while view:
        view = view[a.send(view):]
        while True:
            try:
                received.append(b.recv(4096))
            except BlockingIOError:
                break
    return received


def test_a_seed_splits_reads_and_writes_reproducibly() -> None:
    payload = bytes(range(256)) * 4
    assert chunks_of(3, payload) == chunks_of(3, payload)


def test_a_seed_splits_the_stream_without_losing_a_byte() -> None:
    payload = bytes(range(256)) * 4
    chunks = chunks_of(3, payload)
    assert len(chunks) > 2 and b"".join(chunks) == payload


def test_different_seeds_split_differently() -> None:
    payload = bytes(range(256)) * 4
    assert [len(c) for c in chunks_of(1, payload)] != [len(c) for c in chunks_of(2, payload)]


def test_a_seed_splits_scripted_chunks_too() -> None:
    sock = MockSocket([b"abcdefghij" * 10], seed=5)
    pieces = []
    while True:
        piece = sock.recv(1000)
        if not piece:
            break
        pieces.append(piece)
    assert len(pieces) > 1 and b"".join(pieces) == b"abcdefghij" * 10


def test_the_seed_is_in_the_repr() -> None:
    a, b = socketpair(seed=42)
    assert ("seed=42" in repr(a), "seed=43" in repr(b), a.seed) == (True, True, 42)


def test_without_seed_a_socket_has_none_and_says_nothing() -> None:
    sock = MockSocket()
    assert (sock.seed, "seed" in repr(sock)) == (None, False)


# -- blocking calls never hang -----------------------------------------------------------------


def test_a_blocking_recv_that_nothing_could_satisfy_raises_stalled(
    pair: tuple[MockSocket, MockSocket],
) -> None:
    _, b = pair
    with pytest.raises(Stalled, match="recv"):
        b.recv(10)


def test_stalled_names_the_socket(pair: tuple[MockSocket, MockSocket]) -> None:
    _, b = pair
    with pytest.raises(Stalled) as raised:
        b.recv(10)
    assert repr(b) in str(raised.value)


def test_stalled_is_not_caught_by_except_exception(pair: tuple[MockSocket, MockSocket]) -> None:
    _, b = pair
    with pytest.raises(Stalled):
        try:
            b.recv(10)
        except Exception:  # what a server loop does
            pytest.fail("Stalled was caught as an Exception")


def test_a_blocking_recv_with_a_timeout_times_out_at_the_timeout_when_nothing_comes(
    kind: str,
) -> None:
    a, b = socket.socketpair() if kind == "kernel" else socketpair()
    with a, b:
        b.settimeout(0.2)
        start = time.monotonic()
        with pytest.raises(socket.timeout):
            b.recv(10)
        assert 0.2 <= time.monotonic() - start < 5


def test_a_blocking_send_into_a_full_window_nobody_reads_raises_stalled() -> None:
    a, _ = socketpair(capacity=4)
    a.send(b"abcd")
    with pytest.raises(Stalled, match="full"):
        a.send(b"e")


def test_a_blocking_recv_returns_what_another_thread_sends_later(
    pair: tuple[MockSocket, MockSocket],
) -> None:
    a, b = pair

    def send_later() -> None:
        time.sleep(0.05)
        a.sendall(b"late")

    thread = run_in_thread(send_later)
    assert b.recv(10) == b"late"
    thread.join(5)


def test_a_blocking_sendall_completes_when_another_thread_reads() -> None:
    a, b = socketpair(capacity=100)
    received = bytearray()

    def read_all() -> None:
        while len(received) < 1000:
            received.extend(b.recv(30))

    thread = run_in_thread(read_all)
    a.sendall(bytes(1000))
    thread.join(5)
    assert (thread.is_alive(), len(received)) == (False, 1000)


def test_two_threads_exchange_a_fragmented_stream_both_ways_without_loss() -> None:
    a, b = socketpair(seed=11, capacity=1000)
    payloads = {id(a): bytes(range(256)) * 200, id(b): bytes(range(255, -1, -1)) * 200}
    received: dict[int, bytes] = {}

    def talk(sock: MockSocket) -> None:
        sock.settimeout(10)
        outgoing = memoryview(payloads[id(sock)])
        incoming = bytearray()
        expected = len(outgoing)
        while outgoing or len(incoming) < expected:
            if outgoing:
                sock.setblocking(False)
                try:
                    outgoing = outgoing[sock.send(outgoing):]
                except BlockingIOError:
                    pass
                sock.settimeout(10)
            if len(incoming) < expected:
                sock.setblocking(False)
                try:
                    incoming += sock.recv(4096)
                except BlockingIOError:
                    time.sleep(0)
                sock.settimeout(10)
        received[id(sock)] = bytes(incoming)

    threads = [run_in_thread(lambda sock=sock: talk(sock)) for sock in (a, b)]
    for thread in threads:
        thread.join(20)
    assert [thread.is_alive() for thread in threads] == [False, False]
    assert (received[id(a)], received[id(b)]) == (payloads[id(b)], payloads[id(a)])


def test_threads_blocked_on_each_other_all_raise_stalled() -> None:
    a, _b = socketpair()  # the peers stay open: nothing but a send could wake a or c
    c, _d = socketpair()
    outcome: list[str] = []

    def wait_for_b() -> None:
        try:
            a.recv(10)
        except Stalled:
            outcome.append("thread stalled")

    thread = run_in_thread(wait_for_b)
    time.sleep(0.1)  # let it block
    with pytest.raises(Stalled, match="blocked"):
        c.recv(10)
    thread.join(5)
    assert outcome == ["thread stalled"]


def test_a_blocking_recv_raises_ebadf_when_another_thread_closes_the_socket(
    pair: tuple[MockSocket, MockSocket],
) -> None:
    _, b = pair
    outcome: list[int] = []

    def wait() -> None:
        try:
            b.recv(10)
        except OSError as error:
            outcome.append(error.errno or 0)

    thread = run_in_thread(wait)
    time.sleep(0.05)
    b.close()
    thread.join(5)
    assert outcome == [errno.EBADF]


# -- listening sockets: the 0.2 scripted behaviour ---------------------------------------------


def listening(accepted: Any = None) -> ListenSocket:
    listener = ListenSocket(accepted)
    listener.bind(("localhost", 80))
    listener.listen(5)
    return listener


def test_accept_gives_each_queued_socket_a_distinct_peer_address() -> None:
    listener = listening([MockSocket(), MockSocket()])
    (c1, address1), (c2, address2) = listener.accept(), listener.accept()
    assert address1 != address2 and (c1.getpeername(), c2.getpeername()) == (address1, address2)


def test_accept_returns_a_queued_mock_without_calling_it() -> None:
    double = SocketMock()
    listener = listening([double])
    assert listener.accept()[0] is double
    double.assert_not_called()


def test_accept_returns_a_fresh_mock_socket_once_the_queue_is_exhausted() -> None:
    listener = listening()
    connection, _ = listener.accept()
    assert isinstance(connection, MockSocket) and connection.recv(10) == b""


def test_the_fresh_socket_is_built_only_when_accept_needs_it() -> None:
    listener = listening()
    with mock.patch.object(MockSocket, "__init__", autospec=True,
                           side_effect=MockSocket.__init__) as init:
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()
        built_before = init.call_count
        listener.setblocking(True)
        listener.accept()
    assert (built_before, init.call_count) == (0, 1)


def test_bind_twice_raises_os_error() -> None:
    listener = ListenSocket()
    listener.bind(("localhost", 80))
    with pytest.raises(OSError):
        listener.bind(("localhost", 81))


@pytest.mark.parametrize("operation", ["accept", "listen", "bind", "getsockname"])
def test_use_of_a_closed_listener_raises_ebadf(operation: str) -> None:
    listener = listening()
    listener.close()
    arguments = {"bind": (("localhost", 80),)}.get(operation, ())
    with pytest.raises(OSError) as raised:
        getattr(listener, operation)(*arguments)
    assert raised.value.errno == errno.EBADF


def test_a_scripted_non_blocking_listener_raises_blocking_io_error_once_exhausted() -> None:
    c1 = MockSocket()
    listener = listening([c1])
    listener.setblocking(False)
    assert listener.accept()[0] is c1
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_a_listener_with_scripted_sockets_waiting_is_readable() -> None:
    listener = listening([MockSocket()])
    before = ready(listener)
    listener.accept()
    assert (before, ready(listener)) == (EVENT_READ, 0)


# -- listening sockets in memory ----------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[ListenSocket]:
    sock = ListenSocket(address=("127.0.0.1", 8080))
    yield sock
    sock.close()


def test_accept_returns_the_server_end_of_a_new_connection(listener: ListenSocket) -> None:
    client = listener.new_connection()
    server_end, address = listener.accept()
    client.sendall(b"request")
    server_end.sendall(b"reply")
    assert (server_end.recv(100), client.recv(100)) == (b"request", b"reply")
    assert address == client.getsockname() == server_end.getpeername()


def test_a_client_of_a_wildcard_listener_connects_to_loopback() -> None:
    listener = ListenSocket(address=("0.0.0.0", 8080))
    assert listener.new_connection().getpeername() == ("127.0.0.1", 8080)


def test_connections_are_accepted_in_order(listener: ListenSocket) -> None:
    first, second = listener.new_connection(), listener.new_connection()
    assert [listener.accept()[1] for _ in range(2)] == [first.getsockname(), second.getsockname()]


def test_non_blocking_accept_with_nothing_waiting_raises_blocking_io_error(
    listener: ListenSocket,
) -> None:
    listener.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_blocking_accept_with_nothing_waiting_raises_stalled(listener: ListenSocket) -> None:
    with pytest.raises(Stalled, match="accept"):
        listener.accept()


def test_accept_with_a_timeout_and_nothing_waiting_times_out_at_the_timeout(
    listener: ListenSocket,
) -> None:
    listener.settimeout(0.2)
    start = time.monotonic()
    with pytest.raises(socket.timeout):
        listener.accept()
    assert 0.2 <= time.monotonic() - start < 5


def test_blocking_accept_returns_a_connection_made_by_another_thread(
    listener: ListenSocket,
) -> None:
    clients: list[MockSocket] = []

    def connect_later() -> None:
        time.sleep(0.05)
        clients.append(listener.new_connection())

    thread = run_in_thread(connect_later)
    _, address = listener.accept()
    thread.join(5)
    assert address == clients[0].getsockname()


def test_new_connection_to_a_listener_not_listening_is_refused() -> None:
    listener = ListenSocket()
    listener.bind(("127.0.0.1", 80))
    with pytest.raises(ConnectionRefusedError):
        listener.new_connection()


def test_new_connection_to_a_closed_listener_is_refused(listener: ListenSocket) -> None:
    listener.close()
    with pytest.raises(ConnectionRefusedError):
        listener.new_connection()


def test_closing_a_listener_resets_the_connections_not_accepted(listener: ListenSocket) -> None:
    client = listener.new_connection()
    listener.close()
    with pytest.raises(ConnectionResetError):
        client.recv(10)


def test_new_connection_passes_seed_and_capacity_on(listener: ListenSocket) -> None:
    client = listener.new_connection(seed=9, capacity=10)
    server_end, _ = listener.accept()
    assert (client.seed, server_end.seed,
            client.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)) == (9, 10, 10)


def test_listen_again_on_a_listening_socket_is_allowed(listener: ListenSocket) -> None:
    listener.listen(100)
    listener.new_connection()
    assert listener.accept()[0].recv(0) == b""


def test_bind_to_port_zero_picks_a_port() -> None:
    listener = ListenSocket()
    listener.bind(("127.0.0.1", 0))
    assert listener.getsockname()[1] > 0


def test_a_listener_reports_stream_type_and_its_family(listener: ListenSocket) -> None:
    assert (listener.type, listener.family) == (socket.SOCK_STREAM, socket.AF_INET)


def test_a_listener_takes_its_family_from_the_address() -> None:
    unix = ListenSocket(address="/tmp/in-memory.sock")
    inet6 = ListenSocket(address=("::1", 80, 0, 0))
    assert (unix.family, inet6.family) == (socket.AF_UNIX, socket.AF_INET6)


def test_a_unix_listener_gives_its_path_to_the_server_end() -> None:
    listener = ListenSocket(address="/tmp/in-memory.sock")
    client = listener.new_connection()
    server_end, address = listener.accept()
    assert (client.getpeername(), server_end.getsockname(), address) == (
        "/tmp/in-memory.sock", "/tmp/in-memory.sock", "")


def test_a_listener_keeps_its_timeout(listener: ListenSocket) -> None:
    listener.settimeout(1.5)
    assert (listener.gettimeout(), listener.getblocking()) == (1.5, True)


def test_a_listener_has_no_peer(listener: ListenSocket) -> None:
    with pytest.raises(OSError) as raised:
        listener.getpeername()
    assert raised.value.errno == errno.ENOTCONN


def test_recv_on_a_listener_raises_enotconn(listener: ListenSocket) -> None:
    with pytest.raises(OSError) as raised:
        listener.recv(10)
    assert raised.value.errno == errno.ENOTCONN


def test_a_closed_listener_has_fileno_minus_one(listener: ListenSocket) -> None:
    listener.close()
    assert listener.fileno() == -1


def test_a_listener_is_a_socket_socket(listener: ListenSocket) -> None:
    assert isinstance(listener, RealSocket)


# -- resources ---------------------------------------------------------------------------------


def test_a_closed_pair_is_freed_without_the_garbage_collector() -> None:
    import gc
    import weakref

    a, b = socketpair()
    a.send(b"x")
    b.recv(10)
    a.setblocking(False)
    refs = [weakref.ref(a), weakref.ref(b)]
    a.close()
    b.close()
    gc.disable()
    try:
        del a, b
        assert [ref() for ref in refs] == [None, None]
    finally:
        gc.enable()


# -- bad arguments of the faces, refused as the kernel refuses them ---------------------------


@pytest.mark.parametrize("make", [
    lambda: ListenSocket(address=5),
    lambda: ListenSocket().bind(None),
    lambda: ListenSocket(address=("127.0.0.1", 0)).listen("x"),
    lambda: socketpair(seed=1.5),
    lambda: MockSocket(seed=1.5),
    lambda: socketpair()[0].recv(bufsize=10),
], ids=["ListenSocket(address=5)", "bind(None)", "listen('x')", "socketpair(seed=1.5)",
        "MockSocket(seed=1.5)", "recv(bufsize=)"])
def test_a_bad_argument_raises_type_error(make: Any) -> None:
    with pytest.raises(TypeError):
        make()


def test_a_pair_with_an_unknown_proto_raises_eprotonosupport(kind: str) -> None:
    make = socket.socketpair if kind == "kernel" else socketpair
    with pytest.raises(OSError) as raised:
        make(socket.AF_UNIX, socket.SOCK_STREAM, 99)
    assert raised.value.errno == errno.EPROTONOSUPPORT


def test_a_pair_made_with_sock_nonblock_is_non_blocking(kind: str) -> None:
    make = socket.socketpair if kind == "kernel" else socketpair
    a, b = make(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
    with a, b:
        assert (a.type, a.gettimeout(), b.gettimeout()) == (socket.SOCK_STREAM, 0.0, 0.0)
