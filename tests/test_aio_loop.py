"""TestSelectorEventLoop: asyncio on in-memory sockets, stall detection, virtual time, leaks.

Every test runs on the asyncio of the Python running it (3.9-3.13): the transport's write
path differs (``send`` before 3.12, ``sendmsg`` after), and so do the ways to plug a loop in
(policy, ``asyncio.Runner``, ``loop_factory``).  No test waits for real longer than a fraction
of a second: a wait that could never end raises Stalled, and long timeouts run in virtual time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import os
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from mockselector import (
    EventLoopPolicy,
    FileDescriptor,
    ListenSocket,
    MockSocket,
    SocketMock,
    Stalled,
    TestSelector,
    TestSelectorEventLoop,
    assert_no_watchers,
    check_no_watchers,
    new_event_loop,
    set_read_ready,
    set_write_ready,
    socketpair,
)
from support import RecordingProtocol

ADDRESS = ("127.0.0.1", 8080)


@pytest.fixture
def loop(memory_loop: TestSelectorEventLoop) -> TestSelectorEventLoop:
    """The plugin's ``memory_loop``, closed after the test."""
    return memory_loop


@pytest.fixture
def vloop(virtual_time_loop: TestSelectorEventLoop) -> TestSelectorEventLoop:
    """The plugin's ``virtual_time_loop``, closed after the test."""
    return virtual_time_loop


@pytest.fixture
def policy_restored() -> Iterator[None]:
    """Restore the event loop policy a test changes."""
    yield
    asyncio.set_event_loop_policy(None)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event that the helper threads of a test wait for; set when the test ends."""
    event = threading.Event()
    yield event
    event.set()


def later(delay: float, func: Callable[..., Any], *args: Any, daemon: bool = False
          ) -> threading.Thread:
    """Call ``func(*args)`` from a new thread after ``delay`` seconds."""
    def run() -> None:
        time.sleep(delay)
        func(*args)

    thread = threading.Thread(target=run, daemon=daemon)
    thread.start()
    return thread


async def connect(listener: ListenSocket, **options: Any
                  ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(sock=listener.new_connection(**options))


async def read_all(sock: MockSocket, size: int) -> bytes:
    """Read ``size`` bytes from ``sock`` with ``loop.sock_recv``."""
    loop = asyncio.get_running_loop()
    data = bytearray()
    while len(data) < size:
        chunk = await loop.sock_recv(sock, 65536)
        assert chunk, "unexpected end of file"
        data += chunk
    return bytes(data)


# -- the loop and how to plug it in -----------------------------------------------------------


def test_new_event_loop_makes_a_selector_event_loop_on_a_test_selector(
    loop: TestSelectorEventLoop,
) -> None:
    assert isinstance(loop, asyncio.SelectorEventLoop)
    assert isinstance(loop._selector, TestSelector)


def test_new_event_loop_passes_its_keyword_arguments_to_the_loop() -> None:
    loop = new_event_loop(virtual_time=True)
    try:
        assert loop.time() == 0.0
    finally:
        loop.close()


def test_real_file_objects_go_to_the_selector_given() -> None:
    real = selectors.SelectSelector()
    loop = TestSelectorEventLoop(real)
    a, b = socket.socketpair()
    try:
        loop.add_reader(a, print)
        assert real.get_key(a).fileobj is a
        loop.remove_reader(a)
    finally:
        loop.close()
        a.close()
        b.close()


def test_closing_the_loop_closes_the_selector_given() -> None:
    real = selectors.SelectSelector()
    TestSelectorEventLoop(real).close()
    assert real.get_map() is None


def test_patience_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="patience"):
        TestSelectorEventLoop(patience=-1)


def loop_error(**kwargs: Any) -> tuple[type[BaseException], str] | None:
    """What making a loop with ``kwargs`` raises, without keeping its traceback alive."""
    try:
        new_event_loop(**kwargs).close()
    except Exception as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize(("patience", "error"), [
    ("x", TypeError), (True, TypeError), ([1], TypeError),
    (-0.5, ValueError), (float("nan"), ValueError),
])
def test_a_bad_patience_raises_and_the_half_made_loop_is_finalized_quietly(
    patience: Any, error: type[BaseException], monkeypatch: pytest.MonkeyPatch,
) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    raised = loop_error(patience=patience)
    gc.collect()
    assert raised is not None and raised[0] is error and "patience" in raised[1]
    assert unraisable == []


def test_a_patience_of_zero_or_an_int_is_accepted() -> None:
    assert loop_error(patience=0) is None
    assert loop_error(patience=3) is None


async def running_loop_type() -> type:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.Runner is new in 3.11")
def test_asyncio_runner_takes_new_event_loop_as_loop_factory() -> None:
    with asyncio.Runner(loop_factory=new_event_loop) as runner:  # type: ignore[attr-defined]
        assert runner.run(running_loop_type()) is TestSelectorEventLoop


@pytest.mark.skipif(sys.version_info < (3, 12), reason="asyncio.run(loop_factory=) is new in 3.12")
def test_asyncio_run_takes_new_event_loop_as_loop_factory() -> None:
    result = asyncio.run(running_loop_type(), loop_factory=new_event_loop)  # type: ignore[call-arg]
    assert result is TestSelectorEventLoop


def test_asyncio_run_uses_the_test_loop_through_the_policy(policy_restored: None) -> None:
    asyncio.set_event_loop_policy(EventLoopPolicy())
    assert asyncio.run(running_loop_type()) is TestSelectorEventLoop


def test_the_policy_passes_its_keyword_arguments_to_each_loop(policy_restored: None) -> None:
    async def main() -> float:
        await asyncio.sleep(60)
        return asyncio.get_running_loop().time()

    asyncio.set_event_loop_policy(EventLoopPolicy(virtual_time=True))
    assert asyncio.run(main()) == 60.0


# -- streams over in-memory sockets -----------------------------------------------------------


async def echo_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(await reader.readline())
    await writer.drain()
    writer.close()


def test_start_server_and_open_connection_talk_in_one_loop(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await connect(listener)
        writer.write(b"hello\n")
        answer = await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()
        return answer

    assert loop.run_until_complete(main()) == b"hello\n"


def test_streams_work_with_data_split_at_random_places(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await connect(listener, seed=7)
        writer.write(b"a line long enough to be split somewhere\n")
        answer = await reader.read()
        writer.close()
        server.close()
        return answer

    assert loop.run_until_complete(main()) == b"a line long enough to be split somewhere\n"


def test_server_serves_several_clients_at_once(loop: TestSelectorEventLoop) -> None:
    async def main() -> list[bytes]:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        clients = [await connect(listener) for _ in range(3)]
        for number, (_, writer) in enumerate(clients):
            writer.write(b"client %d\n" % number)
        answers = [await reader.read() for reader, _ in clients]
        for _, writer in clients:
            writer.close()
        server.close()
        return answers

    assert loop.run_until_complete(main()) == [b"client 0\n", b"client 1\n", b"client 2\n"]


def test_stream_reports_the_addresses_of_both_ends(loop: TestSelectorEventLoop) -> None:
    async def main() -> tuple[Any, Any]:
        listener = ListenSocket(address=ADDRESS)
        _reader, writer = await connect(listener)
        names = writer.get_extra_info("sockname"), writer.get_extra_info("peername")
        writer.close()
        return names

    sockname, peername = loop.run_until_complete(main())
    assert peername == ADDRESS
    assert sockname[0] == "127.0.0.1"


def test_server_wait_closed_returns_once_the_server_is_closed(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bool:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await connect(listener)
        writer.write(b"bye\n")
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()
        return server.is_serving()

    assert loop.run_until_complete(main()) is False


def test_writer_wait_closed_returns_once_the_transport_is_closed(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bool:
        a, b = socketpair()
        _, writer = await asyncio.open_connection(sock=a)
        writer.write(b"last words")
        writer.close()
        await writer.wait_closed()
        return b.recv(100) == b"last words" and b.recv(100) == b""

    assert loop.run_until_complete(main())


# -- protocols and transports -----------------------------------------------------------------


def test_create_connection_runs_a_protocol_on_an_in_memory_socket(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> tuple[bytes, list[Any]]:
        a, b = socketpair()
        transport, protocol = await asyncio.get_running_loop().create_connection(
            RecordingProtocol, sock=a)
        transport.write(b"ping")
        b.sendall(b"pong")
        received = b.recv(100)
        b.close()
        await protocol.lost
        return received + b"|" + protocol.data, protocol.events

    data, events = loop.run_until_complete(main())
    assert data == b"ping|pong"
    assert events == ["made", "eof", ("lost", None)]


def test_create_server_accepts_connections_on_a_listen_socket(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        accepted: list[RecordingProtocol] = []

        def factory() -> RecordingProtocol:
            accepted.append(RecordingProtocol())
            return accepted[-1]

        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.get_running_loop().create_server(factory, sock=listener)
        client = listener.new_connection()
        client.sendall(b"over the wire")
        client.close()
        while not accepted:
            await asyncio.sleep(0)
        await accepted[0].lost
        server.close()
        return bytes(accepted[0].data)

    assert loop.run_until_complete(main()) == b"over the wire"


def test_connect_accepted_socket_runs_a_protocol(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        client = listener.new_connection()
        server_end, _ = listener.accept()
        transport, protocol = await asyncio.get_running_loop().connect_accepted_socket(
            RecordingProtocol, server_end)
        transport.write(b"welcome")
        client.sendall(b"thanks")
        client.shutdown(socket.SHUT_WR)
        while "eof" not in protocol.events:
            await asyncio.sleep(0)
        transport.close()
        await protocol.lost
        return bytes(protocol.data) + b"|" + client.recv(100)

    assert loop.run_until_complete(main()) == b"thanks|welcome"


def test_buffered_protocol_receives_into_its_own_buffer(loop: TestSelectorEventLoop) -> None:
    class Buffered(asyncio.BufferedProtocol):
        def __init__(self) -> None:
            self.buffer = bytearray(4)
            self.received = bytearray()
            self.done = asyncio.get_running_loop().create_future()

        def get_buffer(self, sizehint: int) -> bytearray:
            return self.buffer

        def buffer_updated(self, nbytes: int) -> None:
            self.received += self.buffer[:nbytes]

        def eof_received(self) -> None:
            self.done.set_result(bytes(self.received))

    async def main() -> bytes:
        a, b = socketpair()
        _, protocol = await asyncio.get_running_loop().create_connection(Buffered, sock=a)
        b.sendall(b"more than four bytes")
        b.shutdown(socket.SHUT_WR)
        return await protocol.done

    assert loop.run_until_complete(main()) == b"more than four bytes"


def test_transport_buffers_what_the_peer_has_no_room_for(loop: TestSelectorEventLoop) -> None:
    async def main() -> int:
        a, _b = socketpair(capacity=1000)
        transport, _ = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        transport.write(b"x" * 2500)
        size = transport.get_write_buffer_size()
        transport.abort()
        return size

    assert loop.run_until_complete(main()) == 1500


def test_transport_flushes_its_buffer_as_the_peer_reads(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=1000)
        b.setblocking(False)
        transport, _ = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        payload = bytes(range(256)) * 20
        transport.write(payload)
        data = await read_all(b, len(payload))
        transport.close()
        return data

    assert loop.run_until_complete(main()) == bytes(range(256)) * 20


def test_transport_flushes_with_sendmsg_from_3_12_and_with_send_before(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> MockSocket:
        a, b = socketpair(capacity=1000, record=True)
        b.setblocking(False)
        transport, _ = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        transport.write(b"x" * 3000)
        await read_all(b, 3000)
        transport.close()
        return a

    a = loop.run_until_complete(main())
    if sys.version_info >= (3, 12):
        assert a.sendmsg.call_args_list
    else:
        assert not a.sendmsg.call_args_list
        assert len(a.send.call_args_list) >= 2


def test_transport_writelines_sends_every_buffer(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=10)
        b.setblocking(False)
        transport, _ = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        transport.writelines([b"first ", bytearray(b"second "), memoryview(b"third")])
        data = await read_all(b, 18)
        transport.close()
        return data

    assert loop.run_until_complete(main()) == b"first second third"


def test_transport_pauses_and_resumes_writing_under_a_small_capacity(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> list[Any]:
        a, b = socketpair(capacity=1000)
        b.setblocking(False)
        transport, protocol = await asyncio.get_running_loop().create_connection(
            RecordingProtocol, sock=a)
        transport.set_write_buffer_limits(high=2000, low=500)
        transport.write(b"x" * 5000)
        paused = list(protocol.events)
        await read_all(b, 5000)
        transport.close()
        await protocol.lost
        return [*paused, "|", *protocol.events]

    assert loop.run_until_complete(main()) == [
        "made", "pause", "|", "made", "pause", "resume", ("lost", None)]


def test_stream_drain_waits_until_the_peer_reads(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=1000)
        b.setblocking(False)
        _, writer = await asyncio.open_connection(sock=a)
        writer.transport.set_write_buffer_limits(high=1000)
        writer.write(b"y" * 10000)
        drained = asyncio.ensure_future(writer.drain())
        await asyncio.sleep(0)
        assert not drained.done()
        data = await read_all(b, 10000)
        await drained
        writer.close()
        return data

    assert loop.run_until_complete(main()) == b"y" * 10000


def test_write_eof_gives_the_peer_end_of_file(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)

        async def read_to_end(reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                              ) -> None:
            writer.write(b"got " + await reader.read())
            writer.close()

        server = await asyncio.start_server(read_to_end, sock=listener)
        reader, writer = await connect(listener)
        writer.write(b"everything")
        writer.write_eof()
        answer = await reader.read()
        writer.close()
        server.close()
        return answer

    assert loop.run_until_complete(main()) == b"got everything"


def test_write_eof_after_a_buffered_write_sends_the_data_first(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=100)
        b.setblocking(False)
        transport, _ = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        transport.write(b"z" * 1000)
        transport.write_eof()
        data = await read_all(b, 1000)
        end = await asyncio.get_running_loop().sock_recv(b, 100)
        transport.close()
        return data + b"|" + end

    assert loop.run_until_complete(main()) == b"z" * 1000 + b"|"


def test_abort_drops_the_buffer_and_closes_at_once(loop: TestSelectorEventLoop) -> None:
    async def main() -> tuple[bytes, list[Any]]:
        a, b = socketpair(capacity=100)
        transport, protocol = await asyncio.get_running_loop().create_connection(
            RecordingProtocol, sock=a)
        transport.write(b"w" * 1000)
        transport.abort()
        await protocol.lost
        received = b.recv(10000)
        return received + b"|" + b.recv(10000), protocol.events

    data, events = loop.run_until_complete(main())
    assert data == b"w" * 100 + b"|"
    assert events == ["made", ("lost", None)]


def test_peer_reset_reaches_the_protocol_as_connection_lost(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> Any:
        a, b = socketpair()
        _, protocol = await asyncio.get_running_loop().create_connection(RecordingProtocol, sock=a)
        b.reset()
        await protocol.lost
        return protocol.events[-1][1]

    assert isinstance(loop.run_until_complete(main()), ConnectionResetError)


# -- loop.sock_* ------------------------------------------------------------------------------


def test_sock_recv_returns_what_the_peer_sent(loop: TestSelectorEventLoop) -> None:
    a, b = socketpair()
    a.setblocking(False)
    b.sendall(b"data")
    assert loop.run_until_complete(loop.sock_recv(a, 100)) == b"data"


def test_sock_recv_waits_for_the_peer(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        a.setblocking(False)
        received = asyncio.ensure_future(loop.sock_recv(a, 100))
        await asyncio.sleep(0)
        b.sendall(b"late")
        return await received

    assert loop.run_until_complete(main()) == b"late"


def test_sock_recv_into_fills_the_buffer(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        a.setblocking(False)
        buffer = bytearray(10)
        received = asyncio.ensure_future(loop.sock_recv_into(a, buffer))
        await asyncio.sleep(0)
        b.sendall(b"abc")
        return bytes(buffer[:await received])

    assert loop.run_until_complete(main()) == b"abc"


def test_sock_sendall_sends_more_than_the_peer_has_room_for(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=1000)
        a.setblocking(False)
        b.setblocking(False)
        payload = os.urandom(10000)
        sent = asyncio.ensure_future(loop.sock_sendall(a, payload))
        data = await read_all(b, len(payload))
        await sent
        return data == payload

    assert loop.run_until_complete(main())


def test_sock_sendfile_sends_the_file_to_the_peer_and_nowhere_else(
    loop: TestSelectorEventLoop, tmp_path: Any,
) -> None:
    path = tmp_path / "payload"
    path.write_bytes(b"from a file " * 100)
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    FileDescriptor.next_fd = write_end  # a virtual number that is also a real, writable fd
    a, b = socketpair()
    a.setblocking(False)
    b.setblocking(False)
    try:
        with path.open("rb") as file:
            sent = loop.run_until_complete(loop.sock_sendfile(a, file))
        assert (sent, b.recv(10000)) == (1200, b"from a file " * 100)
        with pytest.raises(BlockingIOError):
            os.read(read_end, 100)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_loop_sendfile_sends_a_file_through_a_transport(
    loop: TestSelectorEventLoop, tmp_path: Any,
) -> None:
    path = tmp_path / "payload"
    path.write_bytes(b"0123456789" * 50)

    async def main() -> bytes:
        a, b = socketpair()
        b.setblocking(False)
        transport, _ = await loop.create_connection(RecordingProtocol, sock=a)
        with path.open("rb") as file:
            await loop.sendfile(transport, file)
        data = await read_all(b, 500)
        transport.close()
        return data

    assert loop.run_until_complete(main()) == b"0123456789" * 50


def test_sock_accept_returns_the_server_end_of_a_new_connection(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        listener.setblocking(False)
        accepted = asyncio.ensure_future(loop.sock_accept(listener))
        await asyncio.sleep(0)
        client = listener.new_connection()
        conn, address = await accepted
        assert address == client.getsockname()
        client.sendall(b"hi")
        return await loop.sock_recv(conn, 10)

    assert loop.run_until_complete(main()) == b"hi"


def test_sock_recv_of_a_socket_mock_made_ready_with_set_read_ready(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> bytes:
        sock = SocketMock()
        sock.recv.side_effect = [BlockingIOError, b"mocked"]
        received = asyncio.ensure_future(loop.sock_recv(sock, 100))
        await asyncio.sleep(0)
        set_read_ready(sock, loop)
        return await received

    assert loop.run_until_complete(main()) == b"mocked"


def test_set_write_ready_runs_the_writer_of_a_socket_mock(loop: TestSelectorEventLoop) -> None:
    calls: list[str] = []
    sock = SocketMock()
    loop.add_writer(sock, calls.append, "writable")
    set_write_ready(sock, loop)
    loop.run_until_complete(asyncio.sleep(0))
    loop.remove_writer(sock)
    assert calls == ["writable"]


def test_set_read_ready_before_a_task_adds_the_reader_is_not_lost(
    loop: TestSelectorEventLoop,
) -> None:
    sock = SocketMock()
    calls: list[str] = []

    async def add_reader_then_wait() -> None:
        loop.add_reader(sock, calls.append, "readable")
        for _ in range(3):
            await asyncio.sleep(0)
        loop.remove_reader(sock)

    set_read_ready(sock, loop)
    loop.run_until_complete(add_reader_then_wait())
    assert calls == ["readable"]


def test_set_read_ready_iterations_before_the_reader_is_added_is_kept(
    loop: TestSelectorEventLoop,
) -> None:
    sock = SocketMock()
    calls: list[str] = []
    set_read_ready(sock, loop)
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.add_reader(sock, calls.append, "readable")
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.remove_reader(sock)
    assert calls == ["readable"]


def test_a_read_event_for_an_object_with_only_a_writer_is_dropped(
    loop: TestSelectorEventLoop,
) -> None:
    sock = SocketMock()
    calls: list[str] = []
    set_read_ready(sock, loop)
    loop.add_writer(sock, calls.append, "writable")
    loop.run_until_complete(asyncio.sleep(0))
    loop.add_reader(sock, calls.append, "readable")
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.remove_reader(sock)
    loop.remove_writer(sock)
    assert calls == []


def test_set_read_ready_before_the_reader_is_added_in_the_same_callback_is_not_lost(
    loop: TestSelectorEventLoop,
) -> None:
    sock = SocketMock()
    calls: list[str] = []

    def ready_then_add() -> None:
        set_read_ready(sock, loop)
        loop.add_reader(sock, calls.append, "readable")

    loop.call_soon(ready_then_add)
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.remove_reader(sock)
    assert calls == ["readable"]


# -- virtual and real descriptors --------------------------------------------------------------


def test_a_virtual_descriptor_numbered_like_a_real_transport_is_usable(
    loop: TestSelectorEventLoop,
) -> None:
    real, peer = socket.socketpair()

    async def main() -> bytes:
        _, writer = await asyncio.open_connection(sock=real)
        a, b = socketpair()
        a._fd = FileDescriptor(real.fileno())  # the number of a live real socket
        a._fd.source = a
        assert a.fileno() == real.fileno()
        a.setblocking(False)
        b.sendall(b"virtual")
        data = await loop.sock_recv(a, 100)
        writer.close()
        return data

    try:
        assert loop.run_until_complete(main()) == b"virtual"
    finally:
        peer.close()


def test_a_real_descriptor_numbered_like_a_virtual_transport_is_usable(
    loop: TestSelectorEventLoop,
) -> None:
    real, peer = socket.socketpair()
    real.setblocking(False)

    async def main() -> bytes:
        FileDescriptor.next_fd = real.fileno()
        a, _b = socketpair()
        _, writer = await asyncio.open_connection(sock=a)
        peer.sendall(b"real")
        data = await loop.sock_recv(real, 100)
        writer.close()
        return data

    try:
        assert loop.run_until_complete(main()) == b"real"
    finally:
        real.close()
        peer.close()


def test_add_reader_on_a_socket_used_by_a_transport_raises(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, _b = socketpair()
        _, writer = await asyncio.open_connection(sock=a)
        try:
            with pytest.raises(RuntimeError, match="is used by transport"):
                loop.add_reader(a, print)
        finally:
            writer.close()

    loop.run_until_complete(main())


# -- Stalled --------------------------------------------------------------------------------------


async def wait_for_a_line(sock: MockSocket) -> bytes:
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        return await reader.readline()
    finally:
        writer.close()


def test_awaiting_data_nobody_sends_raises_stalled(loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(Stalled):
        loop.run_until_complete(wait_for_a_line(a))


def test_stalled_names_the_pending_task_and_where_it_waits(
    loop: TestSelectorEventLoop,
) -> None:
    a, _b = socketpair()
    task = loop.create_task(wait_for_a_line(a), name="the-reader")
    with pytest.raises(Stalled) as stalled:
        loop.run_until_complete(task)
    message = str(stalled.value)
    assert "task 'the-reader', awaiting <Future pending" in message
    assert f"wait_for_a_line() at {__file__}:" in message
    assert "readline() at " in message


def test_stalled_names_the_readers_and_what_they_wait_for(loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(Stalled) as stalled:
        loop.run_until_complete(wait_for_a_line(a))
    assert f"{a!r} waits to be readable for " in str(stalled.value)


def test_stalled_is_raised_out_of_asyncio_run(policy_restored: None) -> None:
    a, _b = socketpair()
    asyncio.set_event_loop_policy(EventLoopPolicy())
    with pytest.raises(Stalled):
        asyncio.run(wait_for_a_line(a))


def test_awaiting_a_future_nobody_sets_raises_stalled(loop: TestSelectorEventLoop) -> None:
    with pytest.raises(Stalled):
        loop.run_until_complete(loop.create_future())


def test_run_forever_that_nothing_stops_raises_stalled(loop: TestSelectorEventLoop) -> None:
    with pytest.raises(Stalled):
        loop.run_forever()


def test_the_loop_runs_on_after_stalled(loop: TestSelectorEventLoop) -> None:
    a, b = socketpair()
    task = loop.create_task(wait_for_a_line(a))
    with pytest.raises(Stalled):
        loop.run_until_complete(task)
    b.sendall(b"at last\n")
    assert loop.run_until_complete(task) == b"at last\n"


def test_a_pending_timer_is_not_a_stall(loop: TestSelectorEventLoop) -> None:
    started = time.monotonic()
    loop.run_until_complete(asyncio.sleep(0.05))
    assert time.monotonic() - started >= 0.04


def test_the_loop_waits_for_a_real_socket(loop: TestSelectorEventLoop) -> None:
    real, peer = socket.socketpair()
    real.setblocking(False)
    with real, peer:
        later(0.05, peer.sendall, b"real")
        assert loop.run_until_complete(loop.sock_recv(real, 10)) == b"real"


def test_the_loop_waits_for_an_executor_job(loop: TestSelectorEventLoop) -> None:
    assert loop.run_until_complete(loop.run_in_executor(None, time.sleep, 0.05)) is None


def test_the_loop_waits_for_a_thread_that_wakes_it(loop: TestSelectorEventLoop) -> None:
    future = loop.create_future()
    later(0.05, loop.call_soon_threadsafe, future.set_result, "woken")
    assert loop.run_until_complete(future) == "woken"


def test_the_loop_waits_for_a_daemon_thread_started_after_it(
    loop: TestSelectorEventLoop,
) -> None:
    future = loop.create_future()
    later(0.05, loop.call_soon_threadsafe, future.set_result, "woken", daemon=True)
    assert loop.run_until_complete(future) == "woken"


def test_a_thread_that_ends_just_after_waking_the_loop_is_no_stall() -> None:
    # shutdown_default_executor() waits for a thread that wakes the loop, then ends: the
    # loop must not conclude, between the two, that nothing could wake it (a race).
    for _ in range(200):
        loop = new_event_loop()
        try:
            loop.run_until_complete(loop.run_in_executor(None, sum, [1]))
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def test_the_loop_sees_a_thread_feed_an_in_memory_socket(loop: TestSelectorEventLoop) -> None:
    a, b = socketpair()
    a.setblocking(False)
    later(0.05, b.sendall, b"from a thread")
    assert loop.run_until_complete(loop.sock_recv(a, 100)) == b"from a thread"


def test_a_thread_idle_on_an_event_nobody_sets_is_no_reason_to_wait(
    release: threading.Event,
) -> None:
    thread = threading.Thread(target=release.wait)
    thread.start()
    loop = new_event_loop(patience=30)
    try:
        started = time.monotonic()
        with pytest.raises(Stalled, match="would wait forever"):
            loop.run_until_complete(loop.create_future())
        assert time.monotonic() - started < 5
    finally:
        loop.close()


def test_a_running_thread_that_never_wakes_the_loop_ends_in_stalled_after_patience(
    release: threading.Event,
) -> None:
    thread = threading.Thread(target=lambda: [time.sleep(0.01) for _ in iter(release.is_set,
                                                                            True)])
    thread.start()
    loop = new_event_loop(patience=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(Stalled) as stalled:
            loop.run_until_complete(loop.create_future())
        assert time.monotonic() - started >= 0.2
        assert "waited 0.2 s for a thread to wake it" in str(stalled.value)
        assert f"{thread.name}: running at" in str(stalled.value)
    finally:
        loop.close()


def test_idle_workers_of_a_thread_pool_do_not_delay_a_stall(
    loop: TestSelectorEventLoop,
) -> None:
    with concurrent.futures.ThreadPoolExecutor() as pool:
        pool.submit(sum, [1]).result()
        loop.run_until_complete(loop.run_in_executor(None, sum, [2]))
        started = time.monotonic()
        with pytest.raises(Stalled):
            loop.run_until_complete(loop.create_future())
        assert time.monotonic() - started < 5  # not the 10 s patience


def test_a_daemon_thread_older_than_the_loop_is_not_waited_for(
    release: threading.Event,
) -> None:
    threading.Thread(target=release.wait, daemon=True).start()
    loop = new_event_loop()
    try:
        started = time.monotonic()
        with pytest.raises(Stalled):
            loop.run_until_complete(loop.create_future())
        assert time.monotonic() - started < 5  # not the 10 s patience
    finally:
        loop.close()


def test_without_stall_detection_the_loop_waits_for_a_thread_it_cannot_see() -> None:
    # A daemon thread already running when the loop is created is not counted.
    box: dict[str, Any] = {}
    go = threading.Event()

    def wake() -> None:
        go.wait()
        time.sleep(0.05)
        box["loop"].call_soon_threadsafe(box["future"].set_result, "woken")

    threading.Thread(target=wake, daemon=True).start()
    loop = box["loop"] = new_event_loop(stall_detection=False)
    future = box["future"] = loop.create_future()
    go.set()
    try:
        assert loop.run_until_complete(future) == "woken"
    finally:
        loop.close()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_the_loop_waits_for_a_signal_its_handler_expects(loop: TestSelectorEventLoop) -> None:
    future = loop.create_future()
    loop.add_signal_handler(signal.SIGALRM, future.set_result, "signalled")
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        assert loop.run_until_complete(future) == "signalled"
    finally:
        loop.remove_signal_handler(signal.SIGALRM)


def test_a_signal_handler_that_is_never_signalled_ends_in_stalled_after_patience() -> None:
    loop = new_event_loop(patience=0.05)
    loop.add_signal_handler(signal.SIGUSR1, print)
    try:
        with pytest.raises(Stalled) as stalled:
            loop.run_until_complete(loop.create_future())
        assert f"the handler of signal {int(signal.SIGUSR1)}" in str(stalled.value)
    finally:
        loop.remove_signal_handler(signal.SIGUSR1)
        loop.close()


# -- virtual time ---------------------------------------------------------------------------------


def test_virtual_time_starts_at_zero(vloop: TestSelectorEventLoop) -> None:
    assert vloop.time() == 0.0


def test_sleeping_an_hour_takes_no_time_and_advances_the_clock_an_hour(
    vloop: TestSelectorEventLoop,
) -> None:
    started = time.monotonic()
    vloop.run_until_complete(asyncio.sleep(3600))
    assert vloop.time() == 3600.0
    assert time.monotonic() - started < 5  # not an hour


def test_successive_sleeps_add_up(vloop: TestSelectorEventLoop) -> None:
    async def main() -> list[float]:
        times = []
        for delay in (1, 10, 100):
            await asyncio.sleep(delay)
            times.append(asyncio.get_running_loop().time())
        return times

    assert vloop.run_until_complete(main()) == [1.0, 11.0, 111.0]


def test_timers_fire_in_order_at_their_virtual_times(vloop: TestSelectorEventLoop) -> None:
    fired: list[tuple[str, float]] = []
    done = vloop.create_future()
    for name, delay in (("third", 30), ("first", 10), ("second", 20)):
        vloop.call_later(delay, lambda name=name: fired.append((name, vloop.time())))
    vloop.call_later(40, done.set_result, None)
    vloop.run_until_complete(done)
    assert fired == [("first", 10.0), ("second", 20.0), ("third", 30.0)]


def test_wait_for_times_out_at_the_virtual_deadline(vloop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(asyncio.TimeoutError):
        vloop.run_until_complete(asyncio.wait_for(wait_for_a_line(a), 5))
    assert vloop.time() == 5.0


def test_io_that_can_happen_happens_before_a_timeout(vloop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await connect(listener, seed=3)
        writer.write(b"quick\n")
        answer = await asyncio.wait_for(reader.read(), 0.001)
        writer.close()
        server.close()
        return answer

    assert vloop.run_until_complete(main()) == b"quick\n"
    assert vloop.time() == 0.0


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is new in 3.11")
def test_asyncio_timeout_fires_at_the_virtual_deadline(vloop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        async with asyncio.timeout(30):  # type: ignore[attr-defined]
            await asyncio.get_running_loop().create_future()

    with pytest.raises(TimeoutError):
        vloop.run_until_complete(main())
    assert vloop.time() == 30.0


def test_virtual_time_stands_still_while_callbacks_run(vloop: TestSelectorEventLoop) -> None:
    vloop.call_soon(time.sleep, 0.02)
    vloop.run_until_complete(asyncio.sleep(0))
    assert vloop.time() == 0.0


def test_virtual_time_advances_with_the_real_wait_for_a_real_socket(
    vloop: TestSelectorEventLoop,
) -> None:
    real, peer = socket.socketpair()
    real.setblocking(False)
    with real, peer:
        later(0.05, peer.sendall, b"real")
        received = vloop.run_until_complete(asyncio.wait_for(vloop.sock_recv(real, 10), 3600))
    assert received == b"real"
    assert 0.04 <= vloop.time() < 1


def test_virtual_time_waits_for_an_executor_job(vloop: TestSelectorEventLoop) -> None:
    job = vloop.run_in_executor(None, time.sleep, 0.05)
    vloop.run_until_complete(asyncio.wait_for(job, 10))
    assert 0.04 <= vloop.time() < 1


def test_virtual_time_jumps_after_patience_with_an_idle_thread(
    release: threading.Event,
) -> None:
    threading.Thread(target=release.wait).start()
    loop = new_event_loop(virtual_time=True, patience=0.05)
    try:
        started = time.monotonic()
        loop.run_until_complete(asyncio.sleep(3600))
        assert time.monotonic() - started < 2
        assert loop.time() == 3600.0
    finally:
        loop.close()


def test_real_time_loop_follows_the_monotonic_clock(loop: TestSelectorEventLoop) -> None:
    before = time.monotonic()
    now = loop.time()
    assert before <= now <= time.monotonic()


# -- the leak check -------------------------------------------------------------------------------


def test_assert_no_watchers_passes_when_everything_is_closed(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await connect(listener)
        writer.write(b"x\n")
        await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()

    with assert_no_watchers(loop):
        loop.run_until_complete(main())


def test_assert_no_watchers_names_a_leaked_reader_and_its_callback(
    loop: TestSelectorEventLoop,
) -> None:
    a, _b = socketpair()
    with pytest.raises(AssertionError) as failure:
        with assert_no_watchers(loop):
            loop.add_reader(a, print, "leaked")
    message = str(failure.value)
    assert message.startswith("1 reader or writer left registered on ")
    assert f"{a!r} waits to be readable for " in message
    assert "print" in message


def test_assert_no_watchers_names_a_leaked_writer(loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(AssertionError, match="waits to be writable"):
        with assert_no_watchers(loop):
            loop.add_writer(a, print)


def test_assert_no_watchers_reports_a_stream_left_open(loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(AssertionError, match="_read_ready"):
        with assert_no_watchers(loop):
            # Keep the writer: a StreamWriter closes its transport when collected (3.11.5+).
            _, writer = loop.run_until_complete(asyncio.open_connection(sock=a))
    writer.close()
    loop.run_until_complete(writer.wait_closed())


def test_assert_no_watchers_reports_a_server_left_serving(loop: TestSelectorEventLoop) -> None:
    listener = ListenSocket(address=ADDRESS)
    with pytest.raises(AssertionError, match=r"ListenSocket"):
        with assert_no_watchers(loop):
            loop.run_until_complete(asyncio.start_server(echo_line, sock=listener))


def test_assert_no_watchers_ignores_watchers_there_before_the_block(
    loop: TestSelectorEventLoop,
) -> None:
    a, _b = socketpair()
    loop.add_reader(a, print)
    with assert_no_watchers(loop):
        loop.add_reader(a, print, "replaced")
    loop.remove_reader(a)


def test_assert_no_watchers_does_not_hide_an_error_of_the_block(
    loop: TestSelectorEventLoop,
) -> None:
    a, _b = socketpair()
    with pytest.raises(KeyError):
        with assert_no_watchers(loop):
            loop.add_reader(a, print)
            raise KeyError("the real problem")


def test_assert_no_watchers_checks_the_running_loop_by_default(
    loop: TestSelectorEventLoop,
) -> None:
    a, _b = socketpair()

    async def main() -> None:
        with assert_no_watchers():
            loop.add_reader(a, print)

    with pytest.raises(AssertionError, match="waits to be readable"):
        loop.run_until_complete(main())


def test_assert_no_watchers_works_on_a_stock_selector_loop() -> None:
    plain = asyncio.new_event_loop()
    a, b = socket.socketpair()
    try:
        with pytest.raises(AssertionError, match="waits to be readable"):
            with assert_no_watchers(plain):
                plain.add_reader(a, print)
    finally:
        plain.close()
        a.close()
        b.close()


def test_check_no_watchers_ignores_the_loops_own_wakeup_pipe(
    loop: TestSelectorEventLoop,
) -> None:
    check_no_watchers(loop)


def test_check_no_watchers_fails_on_any_registered_reader(loop: TestSelectorEventLoop) -> None:
    real, peer = socket.socketpair()
    with real, peer:
        loop.add_reader(real, print)
        with pytest.raises(AssertionError, match=r"waits to be readable"):
            check_no_watchers(loop)
        loop.remove_reader(real)


def test_check_no_watchers_checks_the_running_loop_by_default(
    loop: TestSelectorEventLoop,
) -> None:
    async def main() -> None:
        check_no_watchers()

    loop.run_until_complete(main())


def test_a_partial_of_new_event_loop_makes_a_variant() -> None:
    factory = functools.partial(new_event_loop, virtual_time=True)
    loop = factory()
    try:
        loop.run_until_complete(asyncio.sleep(7))
        assert loop.time() == 7.0
    finally:
        loop.close()


def test_close_cancels_the_tasks_a_stalled_run_left_pending() -> None:
    loop = new_event_loop()
    a, b = socketpair()

    async def stuck() -> None:
        reader, writer = await asyncio.open_connection(sock=a)
        try:
            await reader.read(1)
        finally:
            writer.close()

    task = loop.create_task(stuck())
    with pytest.raises(Stalled):
        loop.run_until_complete(task)
    loop.close()
    assert task.cancelled()
    assert b.recv(1) == b""  # the task's finally clause ran: it closed its end
    assert loop.is_closed()


def test_close_leaves_alone_a_task_that_refuses_to_end() -> None:
    loop = new_event_loop()

    async def stubborn() -> None:
        while True:
            try:
                await loop.create_future()
            except asyncio.CancelledError:
                continue

    task = loop.create_task(stubborn())
    with pytest.raises(Stalled):
        loop.run_until_complete(task)
    loop.close()
    assert loop.is_closed()
    assert not task.done()
