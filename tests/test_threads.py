"""Threads: instant cross-thread wake-ups, exact timeouts, stall detection that follows progress.

Integration tier: real threads against the one waiting policy of the core.  The bounds on
wall time are generous: they only tell "at once" from "after seconds", or "the timeout,
not earlier" from "early".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import selectors
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockselector
from mockselector import (
    ListenSocket,
    Stalled,
    TestSelector,
    TestSelectorEventLoop,
    new_event_loop,
    set_patience,
    socketpair,
)
from support import in_thread, server_on

EVENT_READ = selectors.EVENT_READ


@pytest.fixture
def patience() -> Iterator[None]:
    """The process-wide patience, restored after the test."""
    old = set_patience(mockselector.DEFAULT_PATIENCE)
    yield
    set_patience(old)


# -- wake-ups -----------------------------------------------------------------------------


def test_a_blocked_recv_wakes_at_once_when_another_thread_sends() -> None:
    a, b = socketpair()
    delays = []
    sent_at: list[float] = []

    def send_later() -> None:
        time.sleep(0.005)
        sent_at.append(time.monotonic())
        b.sendall(b"x")

    for _ in range(20):
        thread = in_thread(send_later)
        assert a.recv(1) == b"x"
        delays.append(time.monotonic() - sent_at[-1])
        thread.join()
    assert statistics.median(delays) < 0.05


def test_a_select_waiting_on_a_wrapped_selector_wakes_at_once_for_a_virtual_event() -> None:
    real_a, real_b = socket.socketpair()
    a, b = socketpair()
    with TestSelector(selectors.DefaultSelector()) as sel:
        sel.register(real_a, EVENT_READ, "real")
        sel.register(a, EVENT_READ, "virtual")
        sent_at: list[float] = []
        thread = in_thread(lambda: (time.sleep(0.05), sent_at.append(time.monotonic()),
                                    b.sendall(b"x")))
        events = sel.select(timeout=10)
        woke = time.monotonic() - sent_at[0]
        thread.join()
    real_a.close()
    real_b.close()
    assert [key.data for key, _ in events] == ["virtual"]
    assert woke < 0.05


def test_a_thread_to_loop_round_trip_is_event_driven() -> None:
    a, b = socketpair()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        a.setblocking(False)
        start = time.monotonic()
        for _ in range(50):
            await loop.sock_sendall(a, b"ping")
            assert await loop.sock_recv(a, 4) == b"pong"
        return time.monotonic() - start

    def echo() -> None:
        for _ in range(50):
            b.recv(4)
            b.sendall(b"pong")

    thread = in_thread(echo)
    loop = new_event_loop()
    try:
        elapsed = loop.run_until_complete(main())
    finally:
        loop.close()
    thread.join()
    assert elapsed < 0.5  # polled in 20 ms slices, it took about a second


# -- exact timeouts ----------------------------------------------------------------------


def test_select_with_a_timeout_waits_for_an_event_while_another_thread_runs() -> None:
    a, b = socketpair()
    with TestSelector() as sel:
        sel.register(a, EVENT_READ)
        thread = in_thread(lambda: (time.sleep(0.3), b.sendall(b"late")))
        start = time.monotonic()
        events = sel.select(timeout=10)
        elapsed = time.monotonic() - start
        thread.join()
    assert (len(events), elapsed >= 0.25) == (1, True)


def test_an_empty_select_lasts_its_timeout_while_another_thread_runs() -> None:
    a, _ = socketpair()
    release = threading.Event()
    thread = in_thread(lambda: [time.sleep(0.01) for _ in iter(release.is_set, True)])
    try:
        with TestSelector() as sel:
            sel.register(a, EVENT_READ)
            start = time.monotonic()
            if not sel.select(0.3):  # the pattern: an empty select() means the timeout passed
                elapsed = time.monotonic() - start
    finally:
        release.set()
        thread.join()
    assert 0.3 <= elapsed < 5


def test_a_recv_timeout_is_exact_while_another_thread_runs() -> None:
    a, _ = socketpair()
    a.settimeout(0.3)
    release = threading.Event()
    thread = in_thread(lambda: [time.sleep(0.01) for _ in iter(release.is_set, True)])
    start = time.monotonic()
    try:
        with pytest.raises(socket.timeout):
            a.recv(10)
    finally:
        release.set()
        thread.join()
    assert 0.3 <= time.monotonic() - start < 5


def test_a_timeout_nothing_could_precede_still_lasts_the_timeout() -> None:
    a, _ = socketpair()
    a.settimeout(0.3)
    start = time.monotonic()
    with pytest.raises(socket.timeout):
        a.recv(10)
    assert 0.3 <= time.monotonic() - start < 5


# -- stalls follow progress ------------------------------------------------------------------


@pytest.mark.usefixtures("patience")
def test_a_sendall_to_a_slow_live_reader_is_no_stall() -> None:
    a, b = socketpair(capacity=100)
    set_patience(0.5)
    received = bytearray()

    def slow_reader() -> None:
        while len(received) < 3000:
            time.sleep(0.02)
            received.extend(b.recv(100))

    thread = in_thread(slow_reader)
    a.sendall(bytes(3000))  # about 0.6 s in all, longer than the patience
    thread.join()
    assert len(received) == 3000


@pytest.mark.usefixtures("patience")
def test_a_running_thread_that_makes_no_progress_ends_in_stalled_after_the_patience() -> None:
    a, _ = socketpair()
    set_patience(0.3)
    release = threading.Event()
    thread = in_thread(lambda: [time.sleep(0.01) for _ in iter(release.is_set, True)])
    start = time.monotonic()
    try:
        with pytest.raises(Stalled) as info:
            a.recv(10)
    finally:
        release.set()
        thread.join()
    assert 0.3 <= time.monotonic() - start < 5
    assert f"{thread.name}: running at" in str(info.value)
    assert "test_threads.py" in str(info.value)  # where the thread is


def test_a_recv_waits_for_a_peer_thread_that_sleeps_longer_than_ten_seconds() -> None:
    a, b = socketpair()
    thread = in_thread(lambda: (time.sleep(10.5), b.sendall(b"at last")))
    assert a.recv(100) == b"at last"
    thread.join()


def test_an_idle_unrelated_thread_does_not_delay_a_stall() -> None:
    a, _ = socketpair()
    never = threading.Event()
    idle = threading.Thread(target=never.wait, daemon=True)
    idle.start()
    start = time.monotonic()
    with pytest.raises(Stalled, match="idle"):
        a.recv(10)
    assert time.monotonic() - start < 1
    never.set()


def test_two_threads_waiting_for_each_other_both_end_in_stalled() -> None:
    a, b = socketpair()
    outcome: list[str] = []

    def wait_on_b() -> None:
        try:
            b.recv(10)
        except Stalled:
            outcome.append("stalled")

    thread = in_thread(wait_on_b)
    start = time.monotonic()
    with pytest.raises(Stalled):
        a.recv(10)
    thread.join(5)
    assert (outcome, time.monotonic() - start < 2) == (["stalled"], True)


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_threading_server_whose_handler_sleeps_keeps_serving() -> None:
    class Sleepy(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline()
            if line == b"sleep\n":
                time.sleep(1.5)
            self.wfile.write(line.upper())

    listener = ListenSocket()
    server = server_on(listener, socketserver.ThreadingTCPServer, Sleepy)
    thread = in_thread(lambda: server.serve_forever(poll_interval=0.05))
    try:
        first = listener.new_connection()
        first.sendall(b"sleep\n")
        assert first.recv(100) == b"SLEEP\n"
        second = listener.new_connection()
        second.sendall(b"next\n")
        assert second.recv(100) == b"NEXT\n"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert not thread.is_alive()


# -- virtual time and threads --------------------------------------------------------------


def test_virtual_sleep_does_not_wait_for_an_idle_timer(
    virtual_time_loop: TestSelectorEventLoop,
) -> None:
    timer = threading.Timer(1000, lambda: None)
    timer.start()
    try:
        start = time.monotonic()
        virtual_time_loop.run_until_complete(asyncio.sleep(3600))
        assert (virtual_time_loop.time(), time.monotonic() - start < 0.5) == (3600.0, True)
    finally:
        timer.cancel()


def test_virtual_time_waits_for_a_pool_job_handed_over_with_wrap_future(
    virtual_time_loop: TestSelectorEventLoop,
) -> None:
    async def main(pool: concurrent.futures.ThreadPoolExecutor) -> int:
        timeouts = 0
        for _ in range(30):
            try:
                await asyncio.wait_for(asyncio.wrap_future(pool.submit(time.sleep, 0.01)), 100)
            except asyncio.TimeoutError:
                timeouts += 1
        return timeouts

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert virtual_time_loop.run_until_complete(main(pool)) == 0
    assert virtual_time_loop.time() < 5  # it advanced with the real time waited, not by 100 s


def test_an_unclosed_loop_that_used_an_executor_does_not_hang_the_exit() -> None:
    code = ("import mockselector\n"
            "loop = mockselector.new_event_loop()\n"
            "loop.run_until_complete(loop.run_in_executor(None, sum, [1, 2]))\n")
    result = subprocess.run([sys.executable, "-W", "always", "-c", code], timeout=30,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "ResourceWarning: unclosed event loop" in result.stderr


def test_an_unclosed_loop_freed_by_the_collector_runs_no_loop_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[Any] = []
    run = mockselector.TestSelectorEventLoop.run_until_complete

    def recording_run(self: Any, future: Any) -> Any:
        runs.append(future)
        return run(self, future)

    monkeypatch.setattr(mockselector.TestSelectorEventLoop, "run_until_complete", recording_run)
    loop = new_event_loop()
    loop.run_until_complete(loop.run_in_executor(None, sum, [1]))
    runs.clear()
    cycle: list[Any] = [loop]
    cycle.append(cycle)
    del loop, cycle
    with pytest.warns(ResourceWarning, match="unclosed event loop"):
        gc.collect()
    assert runs == []  # no run_until_complete() inside the collector


# -- integrity under threads ---------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(capacity=st.integers(1, 4096), seed=st.none() | st.integers(0, 1000),
       sizes=st.lists(st.integers(1, 3000), min_size=1, max_size=20))
def test_four_threads_on_a_pair_deliver_every_byte_once_in_order(
    capacity: int, seed: int | None, sizes: list[int],
) -> None:
    a, b = socketpair(capacity=capacity, seed=seed)
    payload = b"".join(bytes([n % 251]) * size for n, size in enumerate(sizes))
    received: dict[str, bytearray] = {"a": bytearray(), "b": bytearray()}

    def send(sock: Any) -> None:
        for start in range(0, len(payload), 997):
            sock.sendall(payload[start:start + 997])
        sock.shutdown(socket.SHUT_WR)

    def receive(sock: Any, name: str) -> None:
        while chunk := sock.recv(4096):
            received[name] += chunk

    threads = [threading.Thread(target=send, args=(a,)), threading.Thread(target=send, args=(b,)),
               threading.Thread(target=receive, args=(a, "a")),
               threading.Thread(target=receive, args=(b, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert (bytes(received["a"]), bytes(received["b"])) == (payload, payload)
