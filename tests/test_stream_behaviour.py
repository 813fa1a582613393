"""Stream-socket behaviour, run against the kernel's socketpair() and against ours.

Every test here runs twice: on ``socket.socketpair()`` (the real thing keeps the
test honest) and on ``mockselector.socketpair()``.  Readiness is observed with
``selectors.DefaultSelector`` for the kernel and ``TestSelector`` for ours.
Blocking calls that the kernel would make wait use short timeouts, so that no
test can hang.
"""

from __future__ import annotations

import errno
import selectors
import socket
import threading
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable

import pytest

import mockselector

RealSocket = socket.socket


@pytest.fixture
def events(kind: str) -> Callable[[Any], int]:
    """What a selector reports for a socket now (registered for both events)."""

    def events_of(sock: Any) -> int:
        selector = selectors.DefaultSelector() if kind == "kernel" else mockselector.TestSelector()
        with selector:
            selector.register(sock, EVENT_READ | EVENT_WRITE)
            return sum(mask for _key, mask in selector.select(0))

    return events_of


def fill(sock: Any) -> int:
    """Send until the window is full; return how much was sent."""
    sock.setblocking(False)
    total = 0
    try:
        while True:
            total += sock.send(b"x" * 65536)
    except BlockingIOError:
        return total


def drain(sock: Any) -> bytes:
    """Receive everything that is buffered, without blocking."""
    received = bytearray()
    try:
        while True:
            chunk = sock.recv(65536, socket.MSG_DONTWAIT)
            if not chunk:
                break
            received += chunk
    except BlockingIOError:
        pass
    return bytes(received)


# -- data --------------------------------------------------------------------------------------


def test_recv_returns_the_bytes_the_peer_sent(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"hello")
    assert b.recv(1024) == b"hello"


def test_recv_joins_what_several_sends_left_in_the_buffer(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"ab")
    a.sendall(b"cd")
    assert b.recv(1024) == b"abcd"


def test_recv_returns_at_most_bufsize_and_keeps_the_rest(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"abcdef")
    assert (b.recv(4), b.recv(4)) == (b"abcd", b"ef")


def test_both_directions_are_independent(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"to b")
    b.sendall(b"to a")
    assert (a.recv(10), b.recv(10)) == (b"to a", b"to b")


def test_recv_of_zero_bytes_returns_empty_without_blocking(pair: tuple[Any, Any]) -> None:
    _, b = pair
    assert b.recv(0) == b""


def test_non_blocking_recv_with_nothing_buffered_raises_blocking_io_error(
    pair: tuple[Any, Any],
) -> None:
    _, b = pair
    b.setblocking(False)
    with pytest.raises(BlockingIOError) as raised:
        b.recv(10)
    assert raised.value.errno == errno.EAGAIN


def test_recv_with_msg_dontwait_on_a_blocking_socket_raises_blocking_io_error(
    pair: tuple[Any, Any],
) -> None:
    _, b = pair
    with pytest.raises(BlockingIOError):
        b.recv(10, socket.MSG_DONTWAIT)


def test_recv_with_msg_peek_leaves_the_data_buffered(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"peek")
    assert (b.recv(10, socket.MSG_PEEK), b.recv(10)) == (b"peek", b"peek")


def test_recv_with_a_timeout_and_nothing_to_read_times_out(pair: tuple[Any, Any]) -> None:
    _, b = pair
    b.settimeout(0.05)
    with pytest.raises(socket.timeout):
        b.recv(10)


def test_recv_into_fills_the_buffer_and_returns_the_count(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"abc")
    buffer = bytearray(5)
    assert (b.recv_into(buffer), buffer) == (3, bytearray(b"abc\0\0"))


def test_recv_into_with_nbytes_reads_no_more(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"abcdef")
    buffer = bytearray(5)
    assert (b.recv_into(buffer, 2), bytes(buffer[:2]), b.recv(10)) == (2, b"ab", b"cdef")


def test_recv_into_more_than_the_buffer_holds_raises_value_error(pair: tuple[Any, Any]) -> None:
    _, b = pair
    with pytest.raises(ValueError):
        b.recv_into(bytearray(3), 5)


def test_recv_into_with_negative_nbytes_raises_value_error(pair: tuple[Any, Any]) -> None:
    _, b = pair
    with pytest.raises(ValueError):
        b.recv_into(bytearray(3), -1)


def test_recv_into_a_read_only_buffer_raises_type_error(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"data")
    with pytest.raises(TypeError):
        b.recv_into(b"read only")
    assert b.recv(10) == b"data"


def test_recv_with_negative_bufsize_raises_value_error(pair: tuple[Any, Any]) -> None:
    _, b = pair
    with pytest.raises(ValueError):
        b.recv(-1)


def test_recv_with_a_float_bufsize_raises_type_error(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"data")
    with pytest.raises(TypeError):
        b.recv(2.5)


def test_recvfrom_returns_no_address_on_a_connected_stream(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"x")
    assert b.recvfrom(10) == (b"x", None)


def test_send_returns_the_number_of_bytes_sent(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.send(b"12345") == 5


def test_send_of_nothing_returns_zero(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.send(b"") == 0


def test_sendall_returns_none(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.sendall(b"12345") is None


def test_send_of_a_str_raises_type_error(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    with pytest.raises(TypeError):
        a.send("text")


def test_send_counts_bytes_of_a_memoryview_with_wider_items(pair: tuple[Any, Any]) -> None:
    import array

    a, b = pair
    assert a.send(memoryview(array.array("i", [1, 2]))) == 8
    assert len(b.recv(100)) == 8


def test_sendmsg_sends_the_buffers_one_after_the_other(pair: tuple[Any, Any]) -> None:
    a, b = pair
    assert a.sendmsg([b"ab", memoryview(b"cd"), bytearray(b"e")]) == 5
    assert b.recv(10) == b"abcde"


def test_a_large_sendall_completes_while_another_thread_reads(pair: tuple[Any, Any]) -> None:
    a, b = pair
    b.settimeout(5)
    payload = bytes(range(256)) * 4096  # 1 MiB: several times the window
    received = bytearray()

    def reader() -> None:
        while len(received) < len(payload):
            chunk = b.recv(65536)
            if not chunk:
                break
            received.extend(chunk)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    a.settimeout(5)
    a.sendall(payload)
    thread.join(10)
    assert not thread.is_alive()
    assert bytes(received) == payload


# -- end of stream -----------------------------------------------------------------------------


def test_recv_after_the_peer_shut_down_writing_returns_data_then_eof(
    pair: tuple[Any, Any],
) -> None:
    a, b = pair
    a.sendall(b"last")
    a.shutdown(socket.SHUT_WR)
    assert (b.recv(10), b.recv(10)) == (b"last", b"")


def test_recv_after_the_peer_closed_returns_data_then_eof(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.sendall(b"last")
    a.close()
    assert (b.recv(10), b.recv(10)) == (b"last", b"")


def test_recv_keeps_returning_eof(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.shutdown(socket.SHUT_WR)
    assert [b.recv(10) for _ in range(3)] == [b"", b"", b""]


def test_the_shut_down_side_can_still_receive(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.shutdown(socket.SHUT_WR)
    b.sendall(b"reply")
    assert a.recv(10) == b"reply"


def test_send_after_shutting_down_writing_raises_broken_pipe(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.shutdown(socket.SHUT_WR)
    with pytest.raises(BrokenPipeError):
        a.send(b"x")


def test_send_of_nothing_after_shutting_down_writing_raises_broken_pipe(
    pair: tuple[Any, Any],
) -> None:
    a, _ = pair
    a.shutdown(socket.SHUT_WR)
    with pytest.raises(BrokenPipeError):
        a.send(b"")


def test_send_after_the_peer_closed_raises_broken_pipe(pair: tuple[Any, Any]) -> None:
    a, b = pair
    b.close()
    with pytest.raises(BrokenPipeError):
        a.send(b"x")


def test_send_after_the_peer_shut_down_reading_raises_broken_pipe(pair: tuple[Any, Any]) -> None:
    a, b = pair
    b.shutdown(socket.SHUT_RD)
    with pytest.raises(BrokenPipeError):
        a.send(b"x")


def test_recv_after_shutting_down_reading_returns_buffered_data_then_eof(
    pair: tuple[Any, Any],
) -> None:
    a, b = pair
    a.sendall(b"data")
    b.shutdown(socket.SHUT_RD)
    assert (b.recv(10), b.recv(10)) == (b"data", b"")


def test_shutdown_twice_is_allowed(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.shutdown(socket.SHUT_WR)
    a.shutdown(socket.SHUT_WR)
    with pytest.raises(BrokenPipeError):
        a.send(b"x")


def test_shutdown_after_the_peer_closed_is_allowed(pair: tuple[Any, Any]) -> None:
    a, b = pair
    b.close()
    a.shutdown(socket.SHUT_RDWR)
    assert a.recv(10) == b""


def test_shutdown_with_an_invalid_how_raises_einval(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    with pytest.raises(OSError) as raised:
        a.shutdown(7)
    assert raised.value.errno == errno.EINVAL


# -- closing with unread data resets the connection -------------------------------------------


def test_recv_after_the_peer_closed_with_unread_data_returns_data_then_reset_then_eof(
    pair: tuple[Any, Any],
) -> None:
    a, b = pair
    a.sendall(b"to b")
    b.sendall(b"never read by a")
    a.close()
    b.setblocking(False)
    assert b.recv(100) == b"to b"
    with pytest.raises(ConnectionResetError):
        b.recv(100)
    assert b.recv(100) == b""


def test_so_error_reports_the_reset_once(pair: tuple[Any, Any]) -> None:
    a, b = pair
    b.sendall(b"never read by a")
    a.close()
    assert b.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNRESET
    assert b.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


def test_send_after_the_peer_closed_with_unread_data_raises_broken_pipe(
    pair: tuple[Any, Any],
) -> None:
    a, b = pair
    b.sendall(b"never read by a")
    a.close()
    with pytest.raises(BrokenPipeError):
        b.send(b"x")


def test_so_error_is_zero_after_a_clean_close(pair: tuple[Any, Any]) -> None:
    a, b = pair
    a.close()
    assert b.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


# -- closed sockets ----------------------------------------------------------------------------

AFTER_CLOSE: dict[str, Callable[[Any], Any]] = {
    "recv": lambda s: s.recv(1),
    "recv_into": lambda s: s.recv_into(bytearray(1)),
    "send": lambda s: s.send(b"x"),
    "sendall": lambda s: s.sendall(b"x"),
    "sendmsg": lambda s: s.sendmsg([b"x"]),
    "shutdown": lambda s: s.shutdown(socket.SHUT_WR),
    "getsockname": lambda s: s.getsockname(),
    "getpeername": lambda s: s.getpeername(),
    "setblocking": lambda s: s.setblocking(False),
    "settimeout": lambda s: s.settimeout(1),
    "getsockopt": lambda s: s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
    "setsockopt": lambda s: s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
}


@pytest.mark.parametrize("operation", sorted(AFTER_CLOSE))
def test_use_after_close_raises_ebadf(pair: tuple[Any, Any], operation: str) -> None:
    a, _ = pair
    a.close()
    with pytest.raises(OSError) as raised:
        AFTER_CLOSE[operation](a)
    assert raised.value.errno == errno.EBADF


def test_fileno_after_close_is_minus_one(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.close()
    assert a.fileno() == -1


def test_close_twice_is_allowed(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.close()
    a.close()
    assert a.fileno() == -1


def test_timeout_family_and_type_are_still_readable_after_close(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.settimeout(2)
    a.close()
    assert (a.gettimeout(), a.getblocking(), a.family, a.type) == (
        2.0, True, socket.AF_UNIX, socket.SOCK_STREAM)


def test_with_statement_closes_the_socket(pair: tuple[Any, Any]) -> None:
    a, b = pair
    with a:
        pass
    assert (a.fileno(), b.recv(10)) == (-1, b"")


# -- identity and options ----------------------------------------------------------------------


def test_is_a_socket_socket(pair: tuple[Any, Any]) -> None:
    assert isinstance(pair[0], RealSocket)


def test_family_type_and_proto_are_those_of_a_unix_stream_pair(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert (a.family, a.type, a.proto) == (socket.AF_UNIX, socket.SOCK_STREAM, 0)


def test_addresses_of_an_unnamed_unix_pair_are_empty(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert (a.getsockname(), a.getpeername()) == ("", "")


def test_a_new_socket_is_blocking_without_timeout(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert (a.gettimeout(), a.getblocking(), a.timeout) == (None, True, None)


def test_setblocking_false_sets_a_zero_timeout(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.setblocking(False)
    assert (a.gettimeout(), a.getblocking()) == (0.0, False)


def test_settimeout_sets_a_blocking_timeout(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.settimeout(2)
    assert (a.gettimeout(), a.getblocking()) == (2.0, True)


def test_setblocking_true_clears_the_timeout(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.settimeout(2)
    a.setblocking(True)
    assert a.gettimeout() is None


def test_a_negative_timeout_raises_value_error(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    with pytest.raises(ValueError):
        a.settimeout(-1)


def test_a_str_timeout_raises_type_error(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    with pytest.raises(TypeError):
        a.settimeout("1")


def test_so_error_is_zero_on_a_healthy_socket(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


def test_so_type_is_sock_stream(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM


def test_getsockopt_with_buflen_returns_bytes(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR, 4) == b"\0\0\0\0"


def test_receive_buffer_is_about_200_kb(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert 100_000 <= a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) <= 500_000


def test_setsockopt_then_getsockopt_returns_the_value(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    assert a.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1


# -- the send window ---------------------------------------------------------------------------


def test_a_full_window_accepts_about_200_kb(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    assert 100_000 <= fill(a) <= 500_000


def test_non_blocking_send_into_a_nearly_full_window_is_partial(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    a.setblocking(False)
    size = 10_000_000
    assert 0 < a.send(b"x" * size) < size


def test_non_blocking_send_into_a_full_window_raises_blocking_io_error(
    pair: tuple[Any, Any],
) -> None:
    a, _ = pair
    fill(a)
    with pytest.raises(BlockingIOError):
        a.send(b"x")


def test_non_blocking_sendall_into_a_full_window_raises_blocking_io_error(
    pair: tuple[Any, Any],
) -> None:
    a, _ = pair
    fill(a)
    with pytest.raises(BlockingIOError):
        a.sendall(b"x" * 1000)


def test_sendall_with_a_timeout_into_a_full_window_times_out(pair: tuple[Any, Any]) -> None:
    a, _ = pair
    fill(a)
    a.settimeout(0.05)
    with pytest.raises(socket.timeout):
        a.sendall(b"x" * 1000)


def test_the_peer_receives_everything_a_full_window_held(pair: tuple[Any, Any]) -> None:
    a, b = pair
    sent = fill(a)
    assert len(drain(b)) == sent


def test_send_succeeds_again_once_the_peer_drained_the_window(pair: tuple[Any, Any]) -> None:
    a, b = pair
    fill(a)
    drain(b)
    assert a.send(b"more") == 4


# -- readiness ---------------------------------------------------------------------------------


def test_a_fresh_socket_is_writable_and_not_readable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    assert events(pair[0]) == EVENT_WRITE


def test_a_socket_with_data_is_readable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    a.sendall(b"x")
    assert events(b) == EVENT_READ | EVENT_WRITE


def test_a_socket_is_not_readable_once_its_data_is_read(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    a.sendall(b"x")
    b.recv(10)
    assert events(b) == EVENT_WRITE


def test_a_socket_whose_peer_shut_down_writing_is_readable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    a.shutdown(socket.SHUT_WR)
    assert events(b) & EVENT_READ


def test_a_socket_whose_peer_closed_is_readable_and_writable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    a.close()
    assert events(b) == EVENT_READ | EVENT_WRITE


def test_a_socket_that_shut_down_reading_is_readable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, _ = pair
    a.shutdown(socket.SHUT_RD)
    assert events(a) & EVENT_READ


def test_the_peer_of_a_socket_that_shut_down_reading_is_writable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    a.shutdown(socket.SHUT_RD)
    assert events(b) & EVENT_WRITE


def test_a_full_window_is_not_writable_even_when_the_peer_shut_down_reading(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    fill(b)
    a.shutdown(socket.SHUT_RD)
    assert not events(b) & EVENT_WRITE


def test_send_into_a_full_window_whose_reader_shut_down_reading_raises_broken_pipe(
    pair: tuple[Any, Any],
) -> None:
    a, b = pair
    fill(b)
    a.shutdown(socket.SHUT_RD)
    with pytest.raises(BrokenPipeError):
        b.send(b"x")


def test_a_full_window_is_not_writable_after_shutting_down_writing(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, _ = pair
    fill(a)
    a.shutdown(socket.SHUT_WR)
    assert events(a) == 0


def test_a_full_window_is_writable_once_the_peer_shut_down_both_ways(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    fill(a)
    b.shutdown(socket.SHUT_RDWR)
    assert events(a) == EVENT_READ | EVENT_WRITE


def test_a_full_window_is_readable_and_writable_once_the_peer_closed(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    fill(a)
    b.close()
    assert events(a) == EVENT_READ | EVENT_WRITE


def test_a_socket_with_a_full_window_is_not_writable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, _ = pair
    fill(a)
    assert events(a) == 0


def test_a_socket_is_writable_again_once_the_peer_drained_its_window(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, b = pair
    fill(a)
    drain(b)
    assert events(a) == EVENT_WRITE


def test_a_socket_that_shut_down_writing_is_still_writable(
    pair: tuple[Any, Any], events: Callable[[Any], int],
) -> None:
    a, _ = pair
    a.shutdown(socket.SHUT_WR)
    assert events(a) & EVENT_WRITE


# -- readiness seen by a selector watching all along ------------------------------------------


@pytest.fixture
def selector(kind: str) -> Iterator[selectors.BaseSelector]:
    chosen = selectors.DefaultSelector() if kind == "kernel" else mockselector.TestSelector()
    with chosen:
        yield chosen


def reported(selector: selectors.BaseSelector) -> int:
    return sum(mask for _key, mask in selector.select(0))


def test_a_watched_socket_becomes_readable_when_data_arrives(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    before = reported(selector)
    a.sendall(b"x")
    assert (before, reported(selector)) == (0, EVENT_READ)


def test_a_watched_socket_becomes_readable_again_when_more_data_arrives(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    for message in (b"first", b"second"):
        a.send(message)
        assert (reported(selector), b.recv(100)) == (EVENT_READ, message)
    assert reported(selector) == 0


def test_a_watched_socket_stops_being_readable_once_its_data_is_read(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    a.sendall(b"x" * 100)
    before = reported(selector)
    b.recv(1000)
    assert (before, reported(selector)) == (EVENT_READ, 0)


def test_a_watched_socket_stays_readable_while_data_is_left(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    a.sendall(b"x" * 100)
    b.recv(10)
    assert reported(selector) == EVENT_READ


def test_a_watched_socket_becomes_readable_when_the_peer_shuts_down_writing(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    before = reported(selector)
    a.shutdown(socket.SHUT_WR)
    assert (before, reported(selector)) == (0, EVENT_READ)


def test_a_watched_socket_becomes_readable_when_the_peer_closes(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ)
    a.close()
    assert reported(selector) == EVENT_READ


def test_a_watched_socket_stops_being_writable_when_its_window_fills(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, _ = pair
    selector.register(a, EVENT_WRITE)
    before = reported(selector)
    fill(a)
    assert (before, reported(selector)) == (EVENT_WRITE, 0)


def test_a_watched_socket_becomes_writable_when_the_peer_reads_its_full_window(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(a, EVENT_WRITE)
    left = fill(a)
    while left:  # plain blocking reads of what is known to be there
        left -= len(b.recv(min(left, 65536)))
    assert reported(selector) == EVENT_WRITE


def test_a_closed_socket_is_no_longer_reported(
    pair: tuple[Any, Any], selector: selectors.BaseSelector,
) -> None:
    a, b = pair
    selector.register(b, EVENT_READ | EVENT_WRITE)
    a.sendall(b"x")
    b.close()
    assert reported(selector) == 0


# -- makefile ----------------------------------------------------------------------------------


def test_makefile_reads_lines_and_writes_through(pair: tuple[Any, Any]) -> None:
    a, b = pair
    with b.makefile("rwb", buffering=0) as raw:
        a.sendall(b"line one\nline two\n")
        raw.write(b"written")
        assert a.recv(100) == b"written"
    with b.makefile("rb") as reader:
        assert (reader.readline(), reader.readline()) == (b"line one\n", b"line two\n")


def test_a_makefile_keeps_the_socket_open_after_close(pair: tuple[Any, Any]) -> None:
    a, b = pair
    reader = b.makefile("rb")
    b.close()
    a.sendall(b"still open\n")
    assert (b.fileno() != -1, reader.readline()) == (True, b"still open\n")
    reader.close()


def test_the_socket_closes_when_its_last_makefile_closes(pair: tuple[Any, Any]) -> None:
    a, b = pair
    reader = b.makefile("rb")
    b.close()
    reader.close()
    assert (b.fileno(), a.recv(10)) == (-1, b"")


def test_the_peer_sees_no_eof_while_a_makefile_is_open(pair: tuple[Any, Any]) -> None:
    a, b = pair
    reader = b.makefile("rb")
    b.close()
    a.setblocking(False)
    with pytest.raises(BlockingIOError):
        a.recv(10)
    reader.close()
