"""The core's contract: no lock order to invert, no user code under the lock, memory that
follows the data in flight (not what has streamed).

Unit tier: each test provokes one hazard directly, with threads, a low GC threshold or a
large stream, and a timeout that only tells "finished" from "stuck".
"""

from __future__ import annotations

import asyncio
import gc
import selectors
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from mockselector import (
    ListenSocket,
    MockSocket,
    Stalled,
    TestSelector,
    new_event_loop,
    socketpair,
)
from mockselector._core import report

STUCK = 20.0  # seconds: far more than any of these takes when nothing is stuck


def run_in_thread(target: Callable[[], Any], timeout: float = STUCK) -> Any:
    """Run ``target`` in a daemon thread; fail the test if it is still running at ``timeout``."""
    result: list[Any] = []

    def body() -> None:
        try:
            result.append(("ok", target()))
        except BaseException as error:
            result.append(("error", error))

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"{target!r} did not finish within {timeout} s: a deadlock")
    kind, value = result[0]
    if kind == "error":
        raise value
    return value


@pytest.fixture
def low_gc_threshold() -> Iterator[None]:
    """The garbage collector runs (and finalizers with it) at almost every allocation."""
    saved = gc.get_threshold()
    gc.set_threshold(10, 2, 2)
    yield
    gc.set_threshold(*saved)


# -- locks --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("low_gc_threshold")
def test_connections_and_finalizers_in_two_threads_never_deadlock() -> None:
    # One thread connects through a listener; another makes pairs and drops cycles that
    # hold a makefile() of a closed socket, whose finalizer closes the socket (taking the
    # library lock) from inside whatever allocation the collector runs in.
    deadline = time.monotonic() + 2.0
    listener = ListenSocket(address=("127.0.0.1", 80), record=False)

    def connect() -> int:
        count = 0
        while time.monotonic() < deadline:
            client = listener.new_connection()
            server, _ = listener.accept()
            client.close()
            server.close()
            count += 1
        return count

    def churn() -> int:
        count = 0
        while time.monotonic() < deadline:
            a, b = socketpair()
            cycle: list[Any] = [a.makefile("rb")]
            cycle.append(cycle)
            a.close()  # the file keeps it open: the collector's finalizer closes it
            b.close()
            del cycle
            count += 1
        return count

    results: list[int] = []
    threads = [threading.Thread(target=lambda f=f: results.append(f()), daemon=True)
               for f in (connect, churn)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(STUCK)
    assert [thread.is_alive() for thread in threads] == [False, False]
    assert len(results) == 2 and min(results) > 0


def test_a_script_callable_may_wait_for_a_thread_doing_in_memory_io() -> None:
    a, b = socketpair()

    def produce() -> bytes:
        writer = threading.Thread(target=lambda: a.sendall(b"from a thread"))
        writer.start()
        writer.join(STUCK)
        return b.recv(100)

    sock = MockSocket([produce])
    assert run_in_thread(lambda: sock.recv(100)) == b"from a thread"


def test_a_listener_factory_may_wait_for_a_thread_doing_in_memory_io() -> None:
    a, b = socketpair()

    def make() -> MockSocket:
        writer = threading.Thread(target=lambda: a.sendall(b"hello"))
        writer.start()
        writer.join(STUCK)
        return MockSocket([b.recv(100)])

    listener = ListenSocket([make])
    listener.bind(("127.0.0.1", 80))
    listener.listen()
    connection, _ = run_in_thread(listener.accept)
    assert connection.recv(100) == b"hello"


def test_a_slow_script_callable_does_not_freeze_other_sockets() -> None:
    release = threading.Event()

    def slow() -> bytes:
        release.wait(STUCK)
        return b"late"

    sock = MockSocket([slow])
    reader = threading.Thread(target=lambda: sock.recv(100), daemon=True)
    reader.start()
    a, b = socketpair()
    start = time.monotonic()
    run_in_thread(lambda: [b.recv(10) for _ in range(100) if a.send(b"x")], timeout=5)
    elapsed = time.monotonic() - start
    release.set()
    reader.join(STUCK)
    assert elapsed < 2.0


def test_a_mock_side_effect_runs_without_the_library_lock() -> None:
    a, b = socketpair()
    sock = MockSocket()
    seen: list[bytes] = []

    def effect(data: bytes) -> int:
        writer = threading.Thread(target=lambda: a.sendall(data))
        writer.start()
        writer.join(STUCK)
        seen.append(b.recv(100))
        return len(data)

    sock.send.side_effect = effect
    assert (run_in_thread(lambda: sock.send(b"relayed")), seen) == (7, [b"relayed"])


# -- memory ---------------------------------------------------------------------------------


def traced_peak(body: Callable[[], Any]) -> int:
    """The peak of traced memory above what was held before ``body`` ran."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak() if hasattr(tracemalloc, "reset_peak") else None
        body()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_partial_sends_never_copy_the_rest() -> None:
    data = memoryview(bytes(400_000))
    capacity = 1000

    def stream() -> None:
        a, b = socketpair(capacity=capacity)
        a.setblocking(False)
        offset = 0
        while offset < len(data):
            offset += a.send(data[offset:])
            b.recv(capacity)

    # The pipe holds a window at most; a log of the rest would hold ~80 MB.
    assert traced_peak(stream) < 4 * capacity + 64_000


def test_streaming_through_a_pair_holds_at_most_twice_its_capacity() -> None:
    chunk = bytes(65536)
    capacity = 65536
    total = 32 * 1024 * 1024

    def stream() -> None:
        a, b = socketpair(capacity=capacity)
        b.setblocking(False)
        sent = received = 0
        while received < total:
            if sent < total:
                sent += a.send(chunk)
            try:
                received += len(b.recv(capacity))
            except BlockingIOError:
                pass

    assert traced_peak(stream) <= 2 * capacity + 64_000


@pytest.mark.parametrize("size", [8 * 1024 * 1024])
def test_a_large_asyncio_write_holds_no_more_than_over_the_kernel(size: int) -> None:
    payload = bytes(size)

    async def main(a: Any, b: Any) -> int:
        b.setblocking(False)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_connection(asyncio.Protocol, sock=a)
        transport.write(payload)
        received = 0
        while received < size:
            received += len(await loop.sock_recv(b, 65536))
        transport.close()
        return received

    def run(make_loop: Callable[[], asyncio.AbstractEventLoop], pair: Any) -> None:
        loop = make_loop()
        try:
            assert loop.run_until_complete(main(*pair)) == size
        finally:
            loop.close()
            for sock in pair:
                sock.close()

    # Kernel: what asyncio itself holds (its buffer of the unsent rest).  Ours may
    # add the pipe's window, never a copy per partial send.
    kernel = traced_peak(lambda: run(asyncio.new_event_loop, socket.socketpair()))
    ours = traced_peak(lambda: run(new_event_loop, socketpair(capacity=65536)))
    assert ours <= kernel + 8 * 65536


def test_a_socket_that_records_keeps_what_was_sent_and_one_that_does_not_keeps_nothing() -> None:
    recording, peer = socketpair(record=True)
    plain, plain_peer = socketpair()
    for sender, receiver in ((recording, peer), (plain, plain_peer)):
        for _ in range(100):
            sender.sendall(b"x" * 1000)
            receiver.recv(1000)
    assert len(recording.sent) == 100_000
    with pytest.raises(RuntimeError, match="record=True"):
        plain.sent  # noqa: B018 - the property raises


def traced_growth(items: list[Any], step: Callable[[Any], Any]) -> tuple[list[Any], int]:
    """``step``'s results on each item, and the traced heap's growth that stays.

    The collector is paused, so the figure is what stays allocated, not what a
    collection happened to free meanwhile; the results are kept (8 bytes each).
    """
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        results = [step(item) for item in items]
        return results, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()


def test_an_idle_socket_holds_at_most_700_bytes() -> None:
    pairs, grown = traced_growth(list(range(1000)), lambda _: socketpair())
    assert len(pairs) == 1000
    assert grown / 2000 <= 700  # about 400 B on 3.9-3.13


def test_a_socket_registered_with_a_selector_holds_at_most_1000_bytes_more() -> None:
    # Its descriptor (made at its first fileno()), then the selector's key, slot and
    # readiness entries: what a server holds per idle connection beyond the socket.
    sockets = [sock for _ in range(1000) for sock in socketpair()]
    selector = TestSelector()
    _, descriptors = traced_growth(sockets, lambda sock: sock.fileno())
    _, registrations = traced_growth(
        sockets, lambda sock: selector.register(sock, selectors.EVENT_READ))
    assert len(selector.get_map()) == 2000
    selector.close()
    # 164 B on 3.9-3.10, 244 B on 3.11, about 410 B on 3.12-3.13 (an int subclass's dict)
    assert descriptors / 2000 <= 500
    assert registrations / 2000 <= 450  # about 405 B (485 B when an entry was made per readiness)
    assert (descriptors + registrations) / 2000 <= 1000


# -- Stalled and its reports -------------------------------------------------------------------


def test_stalled_names_what_waits_for_what_and_where() -> None:
    sock = MockSocket(eof=False)
    with pytest.raises(Stalled) as info:
        sock.recv(10)
    stalled = info.value
    assert (stalled.waiter, stalled.where) == (sock, "recv()")
    assert "nothing is buffered" in (stalled.waiting_for or "")


def test_report_lists_the_first_items_then_how_many_more() -> None:
    assert report([str(n) for n in range(23)], limit=20)[-2:] == ["  19", "  ... and 3 more"]
    assert report(["a"]) == ["  a"]


def test_sockets_take_descriptors_far_above_real_ones_whatever_next_fd_says() -> None:
    from mockselector import FileDescriptor
    from mockselector.descriptors import SOCKET_FD_BASE

    FileDescriptor.next_fd = 0
    a, b = socketpair()
    real = socket.socket()
    try:
        assert min(a.fileno(), b.fileno()) >= SOCKET_FD_BASE > real.fileno()
        assert FileDescriptor.next_fd == 0 and FileDescriptor() == 0
    finally:
        real.close()
