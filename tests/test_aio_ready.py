"""set_read_ready / set_write_ready on asyncio selector loops, and the asynctest tutorial flow.

Every behaviour runs on a loop whose selector is wrapped in a TestSelector (the asynctest
pattern) and on a plain SelectorEventLoop.  A plain loop hands a mock's descriptor number to
the kernel; there each mock gets the number of the idle read end of a pipe, which the kernel
never reports ready, so only set_read_ready / set_write_ready can make it so.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from mockselector import (
    FileDescriptor,
    FileMock,
    SocketMock,
    TestSelector,
    set_read_ready,
    set_write_ready,
)

MockFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def fresh_descriptors() -> Iterator[None]:
    saved = FileDescriptor.next_fd
    FileDescriptor.next_fd = 0
    yield
    FileDescriptor.next_fd = saved


@pytest.fixture(params=["test_selector", "plain"])
def loop(request: pytest.FixtureRequest) -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    if request.param == "test_selector":
        loop._selector = TestSelector(loop._selector)  # type: ignore[attr-defined]
    yield loop
    loop.close()


@pytest.fixture
def new_mock(loop: asyncio.AbstractEventLoop) -> Iterator[MockFactory]:
    """Make doubles that ``loop`` can register (see the module docstring)."""
    pipes: list[int] = []

    def new_mock(cls: type = SocketMock) -> Any:
        if not isinstance(loop._selector, TestSelector):  # type: ignore[attr-defined]
            read_end, write_end = os.pipe()
            pipes.extend((read_end, write_end))
            FileDescriptor.next_fd = read_end
        return cls()

    yield new_mock
    for end in pipes:
        os.close(end)


def run_iterations(loop: asyncio.AbstractEventLoop, count: int = 1) -> None:
    """Run exactly ``count`` iterations of ``loop``."""
    for _ in range(count):
        loop.call_soon(loop.stop)
        loop.run_forever()


def run(loop: asyncio.AbstractEventLoop, awaitable: Any) -> Any:
    """Run ``awaitable`` to completion, failing instead of hanging."""
    return loop.run_until_complete(asyncio.wait_for(awaitable, 5))


# -- dispatching the registered callbacks ------------------------------------------------------


def test_set_read_ready_runs_the_reader_callback(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["read"]


def test_set_write_ready_runs_the_writer_callback(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_writer(sock, calls.append, "write")
    set_write_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["write"]


def test_set_read_ready_does_not_run_the_writer_callback(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.add_writer(sock, calls.append, "write")
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["read"]


def test_set_write_ready_does_not_run_the_reader_callback(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.add_writer(sock, calls.append, "write")
    set_write_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["write"]


def test_set_read_ready_reports_the_event_once(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    set_read_ready(sock, loop)
    run_iterations(loop, 10)
    assert calls == ["read"]


def test_each_set_read_ready_in_its_own_iteration_runs_the_reader_again(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    for _ in range(3):
        set_read_ready(sock, loop)
        run_iterations(loop, 3)
    assert calls == ["read"] * 3


def test_set_read_ready_runs_the_reader_in_a_later_iteration(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.call_soon(set_read_ready, sock, loop)
    run_iterations(loop, 1)
    assert calls == []
    run_iterations(loop, 2)
    assert calls == ["read"]


def test_set_read_ready_runs_the_reader_one_iteration_after_a_real_event(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    # asynctest's timing, on either selector: the event is taken in the next
    # iteration, and its callback runs in the iteration after.
    sock = new_mock()
    calls: list[Any] = []
    a, b = socket.socketpair()
    with a, b:
        loop.add_reader(a, lambda: calls.append(("real", a.recv(1))))
        loop.add_reader(sock, calls.append, "mock")

        def send_both() -> None:
            b.send(b"x")
            set_read_ready(sock, loop)

        loop.call_soon(send_both)
        run_iterations(loop, 2)
        assert calls == [("real", b"x")]
        run_iterations(loop, 1)
        assert calls == [("real", b"x"), "mock"]
        loop.remove_reader(a)


def test_set_read_ready_runs_the_reader_with_its_arguments(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, lambda *args: calls.append(args), 1, "two")
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == [(1, "two")]


def test_set_read_ready_works_on_a_file_mock(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    file = new_mock(FileMock)
    calls: list[Any] = []
    loop.add_reader(file, calls.append, "read")
    set_read_ready(file, loop)
    run_iterations(loop, 3)
    assert calls == ["read"]


def test_set_read_ready_by_descriptor_finds_a_reader_added_by_object(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    set_read_ready(sock.fileno(), loop)
    run_iterations(loop, 3)
    assert calls == ["read"]


def test_set_read_ready_by_object_finds_a_reader_added_by_descriptor(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock.fileno(), calls.append, "read")  # as loop.sock_recv and transports do
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["read"]


def test_set_read_ready_runs_the_reader_of_a_real_socket(loop: asyncio.AbstractEventLoop) -> None:
    a, b = socket.socketpair()
    with a, b:
        calls: list[str] = []
        loop.add_reader(a, calls.append, "read")
        set_read_ready(a, loop)
        run_iterations(loop, 3)
        loop.remove_reader(a)
    assert calls == ["read"]


def test_reader_is_not_run_without_set_read_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    run_iterations(loop, 5)
    assert calls == []


# -- timing of registration --------------------------------------------------------------------


def test_reader_added_after_set_read_ready_in_the_same_iteration_is_run(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []

    def ready_then_register() -> None:
        set_read_ready(sock, loop)
        loop.add_reader(sock, calls.append, "read")

    loop.call_soon(ready_then_register)
    run_iterations(loop, 4)
    assert calls == ["read"]


@pytest.mark.parametrize("mode", ["read", "write"])
def test_watcher_added_by_a_callback_scheduled_before_the_event_is_run(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory, mode: str
) -> None:
    # asynctest's test_callback_scheduled_during_current_iteration: the event is
    # looked up after the callbacks already scheduled, one of which adds the watcher.
    sock = new_mock()
    calls: list[Any] = []
    add = loop.add_reader if mode == "read" else loop.add_writer
    loop.call_soon(add, sock, calls.append, mode)
    (set_read_ready if mode == "read" else set_write_ready)(sock, loop)
    run_iterations(loop, 3)
    assert calls == [mode]


def test_writer_added_by_a_callback_beside_a_reader_is_run_after_set_write_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    # The object is registered (for reading) when the event is made: the event
    # must still wait for the writer that a callback already scheduled adds.
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.call_soon(loop.add_writer, sock, calls.append, "write")
    set_write_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == ["write"]


def test_set_read_ready_inside_the_loop_runs_the_reader_two_iterations_later(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.call_soon(set_read_ready, sock, loop)
    run_iterations(loop, 2)
    assert calls == []
    run_iterations(loop, 1)
    assert calls == ["read"]


def test_set_read_ready_without_a_reader_is_harmless(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    set_read_ready(sock, loop)
    set_write_ready(sock, loop)
    run_iterations(loop, 3)


def test_set_read_ready_before_the_reader_is_added_is_kept_by_a_test_selector(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    # A TestSelector keeps the event until the object is registered; a plain
    # selector's loop looks the reader up once, finds none, and drops it.
    sock = new_mock()
    calls: list[Any] = []
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    loop.add_reader(sock, calls.append, "read")
    run_iterations(loop, 3)
    assert calls == (["read"] if isinstance(loop._selector, TestSelector) else [])  # type: ignore[attr-defined]


def test_set_read_ready_after_remove_reader_does_not_run_it(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    loop.remove_reader(sock)
    set_read_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == []


def test_set_write_ready_with_only_a_reader_does_not_run_it(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    calls: list[Any] = []
    loop.add_reader(sock, calls.append, "read")
    set_write_ready(sock, loop)
    run_iterations(loop, 3)
    assert calls == []


def test_set_read_ready_on_an_object_that_is_not_a_file_is_harmless(
    loop: asyncio.AbstractEventLoop,
) -> None:
    set_read_ready(object(), loop)
    run_iterations(loop, 3)


# -- threads and errors ------------------------------------------------------------------------


def later_in_a_thread(function: Callable[..., Any], *args: Any) -> threading.Thread:
    """A thread calling ``function(*args)`` once the loop waits in select() with nothing ready."""

    def call() -> None:
        time.sleep(0.05)
        function(*args)

    return threading.Thread(target=call)


def settle(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def test_set_read_ready_from_another_thread_wakes_the_loop(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    done = loop.create_future()
    loop.add_reader(sock, lambda: settle(done, threading.get_ident()))
    thread = later_in_a_thread(set_read_ready, sock, loop)
    loop.call_soon(thread.start)
    start = time.monotonic()
    try:
        assert run(loop, done) == threading.get_ident()  # the callback ran in the loop thread
    finally:
        thread.join()
    assert time.monotonic() - start < 2  # woken up, not rescued by run()'s 5 s timeout


def test_set_write_ready_from_another_thread_wakes_the_loop(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    done = loop.create_future()
    loop.add_writer(sock, lambda: settle(done, None))
    thread = later_in_a_thread(set_write_ready, sock, loop)
    loop.call_soon(thread.start)
    start = time.monotonic()
    try:
        run(loop, done)
    finally:
        thread.join()
    assert time.monotonic() - start < 2


def test_set_read_ready_on_a_closed_loop_raises_runtime_error(
    loop: asyncio.AbstractEventLoop,
) -> None:
    loop.close()
    with pytest.raises(RuntimeError, match="closed"):
        set_read_ready(SocketMock(), loop)


def test_set_read_ready_on_a_loop_without_selector_raises_type_error() -> None:
    with pytest.raises(TypeError, match="not a selector event loop"):
        set_read_ready(SocketMock(), object())  # type: ignore[arg-type]


# -- the asynctest tutorial: asyncio code over a SocketMock ------------------------------------


class Peer:
    """The other end of a SocketMock: what it sends arrives through ``recv``."""

    def __init__(self, sock: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.sock, self.loop = sock, loop
        self.incoming: deque[bytes] = deque()
        sock.recv.side_effect = self._arrivals()

    def _arrivals(self) -> Iterator[Any]:
        while True:
            yield self.incoming.popleft() if self.incoming else BlockingIOError()

    def send(self, data: bytes) -> None:
        """Data (``b""``: end of file) arrives, and the socket becomes readable."""
        self.incoming.append(data)
        set_read_ready(self.sock, self.loop)
        run_iterations(self.loop, 4)


async def read_until_eof(loop: asyncio.AbstractEventLoop, sock: Any) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = await loop.sock_recv(sock, 1024)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


async def ask(loop: asyncio.AbstractEventLoop, sock: Any, question: bytes) -> bytes:
    await loop.sock_sendall(sock, question)
    return await read_until_eof(loop, sock)


def test_sock_recv_reads_chunks_made_ready_with_set_read_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    peer = Peer(sock, loop)
    task = loop.create_task(ask(loop, sock, b"PING\n"))
    run_iterations(loop, 2)
    peer.send(b"PO")
    peer.send(b"NG\n")
    assert not task.done()
    peer.send(b"")
    assert run(loop, task) == b"PONG\n"
    sock.send.assert_called_once_with(b"PING\n")


def test_sock_recv_waits_until_set_read_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    peer = Peer(sock, loop)
    task = loop.create_task(loop.sock_recv(sock, 1024))
    run_iterations(loop, 2)
    peer.incoming.append(b"data")  # arrived, but nobody said the socket is readable
    run_iterations(loop, 5)
    assert not task.done()
    set_read_ready(sock, loop)
    assert run(loop, task) == b"data"


def test_sock_recv_on_an_unconfigured_socket_mock_returns_end_of_file(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    assert run(loop, loop.sock_recv(new_mock(), 1024)) == b""


def test_sock_recv_in_debug_mode_accepts_an_unconfigured_socket_mock(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    loop.set_debug(True)
    assert run(loop, loop.sock_recv(new_mock(), 1024)) == b""


def test_sock_sendall_on_an_unconfigured_socket_mock_completes(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    run(loop, loop.sock_sendall(sock, b"hello"))
    sock.send.assert_called_once_with(b"hello")


def test_sock_sendall_resumes_a_partial_send_on_set_write_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    sent: list[bytes] = []

    def send_two_bytes(data: Any) -> int:
        sent.append(bytes(data[:2]))
        return len(sent[-1])

    sock.send.side_effect = send_two_bytes
    task = loop.create_task(loop.sock_sendall(sock, b"hello"))
    run_iterations(loop, 2)
    assert sent == [b"he"]
    for _ in range(2):
        set_write_ready(sock, loop)
        run_iterations(loop, 4)
    assert sent == [b"he", b"ll", b"o"]
    run(loop, task)


async def exchange(sock: Any, question: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(question)
    await writer.drain()
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer


def test_stream_over_socket_mock_reads_chunks_made_ready_with_set_read_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    peer = Peer(sock, loop)
    task = loop.create_task(exchange(sock, b"PING\n"))
    run_iterations(loop, 5)
    peer.send(b"PO")
    assert not task.done()
    peer.send(b"NG\n")
    assert run(loop, task) == b"PONG\n"
    sock.send.assert_called_once_with(b"PING\n")
    sock.close.assert_called_once_with()


def test_stream_over_unconfigured_socket_mock_reads_end_of_file(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()

    async def read_all() -> bytes:
        reader, writer = await asyncio.open_connection(sock=sock)
        data = await reader.read()
        writer.close()
        await writer.wait_closed()
        return data

    task = loop.create_task(read_all())
    run_iterations(loop, 5)
    set_read_ready(sock, loop)
    assert run(loop, task) == b""


def test_stream_over_socket_mock_reports_its_addresses(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()

    async def addresses() -> Any:
        _, writer = await asyncio.open_connection(sock=sock)
        names = writer.get_extra_info("sockname"), writer.get_extra_info("peername")
        writer.close()
        await writer.wait_closed()
        return names

    assert run(loop, addresses()) == (sock.getsockname(), sock.getpeername())


def test_stream_flushes_a_partial_write_on_set_write_ready(
    loop: asyncio.AbstractEventLoop, new_mock: MockFactory
) -> None:
    sock = new_mock()
    sent: list[bytes] = []

    def send_two_bytes(data: Any) -> int:
        sent.append(bytes(data[:2]))
        return len(sent[-1])

    sock.send.side_effect = send_two_bytes  # sendmsg (3.12+) keeps its default: all sent

    async def write() -> Any:
        _, writer = await asyncio.open_connection(sock=sock)
        writer.write(b"hello")
        return writer

    writer = run(loop, write())
    assert writer.transport.get_write_buffer_size() == 3
    for _ in range(2):
        set_write_ready(sock, loop)
        run_iterations(loop, 4)
    assert writer.transport.get_write_buffer_size() == 0
    expected = [b"he"] if sys.version_info >= (3, 12) else [b"he", b"ll", b"o"]
    assert sent == expected
    writer.close()
    run_iterations(loop, 3)
    sock.close.assert_called_once_with()
