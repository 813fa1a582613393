"""Black-box tests of the public asyncio contract, as an acceptance test would write them.

Each test states one behaviour promised by the issue text or DESIGN.md (or by asynctest's
documentation, for ``set_read_ready`` / ``set_write_ready``), through public names only, and
runs on the asyncio of every supported Python (3.9-3.13).  No test can hang: a wait that
nothing could end raises Stalled, long timeouts run in virtual time, real waits stay < 1 s.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import socket
import sys
import threading
import time
import unittest
from collections.abc import Iterator
from typing import Any

import pytest

import mockselector
from mockselector import (
    EventLoopPolicy,
    ListenSocket,
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

needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="new in 3.11")
needs_312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="new in 3.12")
needs_313 = pytest.mark.skipif(sys.version_info < (3, 13), reason="new in 3.13")


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
    yield
    asyncio.set_event_loop_policy(None)


async def loop_type() -> type:
    return type(asyncio.get_running_loop())


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


# -- the loop, and every way to plug it in -------------------------------------------------------


def test_loop_is_a_selector_event_loop_on_a_test_selector(loop: TestSelectorEventLoop) -> None:
    assert isinstance(loop, asyncio.SelectorEventLoop)
    assert isinstance(loop._selector, TestSelector)


def test_loop_takes_a_real_selector_positionally() -> None:
    import selectors
    loop = TestSelectorEventLoop(selectors.SelectSelector(), virtual_time=True)
    try:
        loop.run_until_complete(asyncio.sleep(10))
        assert loop.time() == 10.0
    finally:
        loop.close()


def test_loop_wakeup_pipe_keeps_working_for_call_soon_threadsafe(
        loop: TestSelectorEventLoop) -> None:
    async def main() -> str:
        future = loop.create_future()
        threading.Timer(0.05, loop.call_soon_threadsafe, (future.set_result, "woken")).start()
        return await future

    assert loop.run_until_complete(main()) == "woken"


@needs_311
def test_runner_takes_new_event_loop_as_loop_factory() -> None:
    with asyncio.Runner(loop_factory=new_event_loop) as runner:  # type: ignore[attr-defined]
        assert runner.run(loop_type()) is TestSelectorEventLoop


@needs_311
def test_runner_takes_the_loop_class_as_loop_factory() -> None:
    with asyncio.Runner(loop_factory=TestSelectorEventLoop) as runner:
        assert runner.run(loop_type()) is TestSelectorEventLoop


@needs_311
def test_runner_with_a_virtual_time_partial() -> None:
    factory = functools.partial(new_event_loop, virtual_time=True)

    async def main() -> float:
        await asyncio.sleep(3600)
        return asyncio.get_running_loop().time()

    with asyncio.Runner(loop_factory=factory) as runner:  # type: ignore[attr-defined]
        assert runner.run(main()) == 3600.0


@needs_312
def test_asyncio_run_takes_new_event_loop_as_loop_factory() -> None:
    assert asyncio.run(loop_type(), loop_factory=new_event_loop) is TestSelectorEventLoop  # type: ignore[call-arg]


def test_asyncio_run_through_the_policy(policy_restored: None) -> None:
    asyncio.set_event_loop_policy(EventLoopPolicy())
    assert asyncio.run(loop_type()) is TestSelectorEventLoop


def test_asyncio_run_debug_through_the_policy(policy_restored: None) -> None:
    async def main() -> bytes:
        assert asyncio.get_running_loop().get_debug()
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        writer.write(b"debug\n")
        line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return line

    asyncio.set_event_loop_policy(EventLoopPolicy())
    assert asyncio.run(main(), debug=True) == b"debug\n"


def test_policy_loop_in_isolated_asyncio_test_case(policy_restored: None) -> None:
    seen: list[type] = []

    class Case(unittest.IsolatedAsyncioTestCase):
        async def test_it(self) -> None:
            seen.append(await loop_type())

    asyncio.set_event_loop_policy(EventLoopPolicy())
    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [TestSelectorEventLoop]


@needs_313
@pytest.mark.parametrize("factory", [
    new_event_loop, TestSelectorEventLoop, staticmethod(new_event_loop),
], ids=["function", "class", "staticmethod"])
def test_isolated_asyncio_test_case_loop_factory(factory: Any) -> None:
    seen: list[type] = []

    class Case(unittest.IsolatedAsyncioTestCase):
        loop_factory = factory

        async def test_it(self) -> None:
            seen.append(await loop_type())

    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [TestSelectorEventLoop]


def test_the_documented_recipe_for_isolated_asyncio_test_case() -> None:
    seen: list[float] = []

    class Recipe(unittest.IsolatedAsyncioTestCase):
        loop_factory = staticmethod(functools.partial(new_event_loop, virtual_time=True))

        @classmethod
        def setUpClass(cls) -> None:
            asyncio.set_event_loop_policy(EventLoopPolicy(virtual_time=True))
            cls.addClassCleanup(asyncio.set_event_loop_policy, None)

        async def test_it(self) -> None:
            await asyncio.sleep(60)
            seen.append(asyncio.get_running_loop().time())

    result = run_case(Recipe)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [60.0]


def test_asyncio_test_case_runs_on_the_test_loop() -> None:
    seen: list[type] = []

    class Case(mockselector.AsyncioTestCase):
        async def asyncSetUp(self) -> None:
            seen.append(await loop_type())

        async def test_it(self) -> None:
            seen.append(await loop_type())

    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [TestSelectorEventLoop, TestSelectorEventLoop]


def test_asyncio_test_case_fails_a_stalled_test_and_runs_the_next() -> None:
    class Case(mockselector.AsyncioTestCase):
        async def test_a_stalls(self) -> None:
            await asyncio.get_running_loop().create_future()

        async def test_b_passes(self) -> None:
            await asyncio.sleep(0)

    result = run_case(Case)
    assert result.testsRun == 2
    assert len(result.errors) == 1 and "Stalled" in result.errors[0][1]
    assert "test_a_stalls" in str(result.errors[0][0])


# -- streams, servers, protocols, transports ----------------------------------------------------


async def echo_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(await reader.readline())
    await writer.drain()
    writer.close()


def test_start_server_and_open_connection_in_one_loop(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        async with await asyncio.start_server(echo_line, sock=listener):
            reader, writer = await asyncio.open_connection(sock=listener.new_connection())
            writer.write(b"ping\n")
            await writer.drain()
            line = await reader.readline()
            assert await reader.read() == b""
            writer.close()
            await writer.wait_closed()
            return line

    assert loop.run_until_complete(main()) == b"ping\n"


def test_server_serve_forever_is_cancellable(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener, start_serving=False)
        serving = asyncio.ensure_future(server.serve_forever())
        reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        writer.write(b"x\n")
        line = await reader.readline()
        writer.close()
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
        return line

    assert loop.run_until_complete(main()) == b"x\n"


def test_stream_extra_info_names_both_ends(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        server = await asyncio.start_server(echo_line, sock=listener)
        reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        assert writer.get_extra_info("peername") == ADDRESS
        assert writer.get_extra_info("sockname") is not None
        assert writer.get_extra_info("socket") is not None
        writer.write(b"done\n")
        await reader.readline()
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    loop.run_until_complete(main())


def test_create_connection_with_sock(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, b = socketpair()
        transport, proto = await loop.create_connection(RecordingProtocol, sock=a)
        transport.write(b"hello")
        await asyncio.sleep(0)
        assert b.recv(100) == b"hello"
        b.sendall(b"back")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert bytes(proto.data) == b"back"
        b.close()
        assert await proto.lost is None
        assert proto.events == ["made", "eof", ("lost", None)]

    loop.run_until_complete(main())


def test_create_server_with_listen_socket(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        protos: list[RecordingProtocol] = []

        def factory() -> RecordingProtocol:
            protos.append(RecordingProtocol())
            return protos[-1]

        server = await loop.create_server(factory, sock=listener)
        client = listener.new_connection()
        client.sendall(b"data")
        client.shutdown(socket.SHUT_WR)
        while not protos:
            await asyncio.sleep(0)
        await protos[0].eof
        assert bytes(protos[0].data) == b"data"
        assert server.sockets and len(server.sockets) == 1
        server.close()
        await server.wait_closed()
        protos[0].transport.close()
        await protos[0].lost

    loop.run_until_complete(main())


def test_connect_accepted_socket(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        listener.listen()
        client = listener.new_connection()
        conn, _ = listener.accept()
        _transport, proto = await loop.connect_accepted_socket(RecordingProtocol, conn)
        client.sendall(b"abc")
        client.close()
        await proto.lost
        assert bytes(proto.data) == b"abc"
        assert proto.events[:2] == ["made", "eof"]

    loop.run_until_complete(main())


def test_pause_and_resume_writing_under_a_small_capacity(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, b = socketpair(capacity=1000)
        transport, proto = await loop.create_connection(RecordingProtocol, sock=a)
        transport.set_write_buffer_limits(high=2000, low=500)
        transport.write(b"x" * 10000)
        assert proto.events == ["made", "pause"]
        assert transport.get_write_buffer_size() > 0
        received = bytearray()
        b.setblocking(False)
        while len(received) < 10000:
            await asyncio.sleep(0)
            try:
                received += b.recv(65536)
            except BlockingIOError:
                pass
        assert bytes(received) == b"x" * 10000
        for _ in range(3):
            await asyncio.sleep(0)
        assert proto.events == ["made", "pause", "resume"]
        assert transport.get_write_buffer_size() == 0
        transport.close()

    loop.run_until_complete(main())


def test_drain_blocks_until_the_peer_reads_then_stalls_if_it_never_does(
        loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        listener.listen()
        client = listener.new_connection(capacity=100)
        _reader, writer = await asyncio.open_connection(sock=client)
        writer.write(b"y" * 100000)
        await writer.drain()

    with pytest.raises(Stalled):
        loop.run_until_complete(main())


def test_write_eof_gives_the_peer_eof(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        listener = ListenSocket(address=ADDRESS)
        received: list[bytes] = []

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            received.append(await reader.read())
            writer.write(b"bye")
            writer.close()

        server = await asyncio.start_server(handle, sock=listener)
        reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        assert writer.can_write_eof()
        writer.write(b"all of it")
        writer.write_eof()
        reply = await reader.read()
        server.close()
        writer.close()
        assert received == [b"all of it"]
        return reply

    assert loop.run_until_complete(main()) == b"bye"


@pytest.mark.parametrize("kind", ["real", "memory"])
def test_abort_gives_the_peer_eof_like_the_kernel(kind: str, loop: TestSelectorEventLoop) -> None:
    async def main() -> Any:
        a, b = socket.socketpair() if kind == "real" else socketpair()
        b.setblocking(False)
        transport, proto = await loop.create_connection(RecordingProtocol, sock=a)
        transport.write(b"before")
        transport.abort()
        await proto.lost
        try:
            data = await loop.sock_recv(b, 100)
            rest = await loop.sock_recv(b, 100)
            return data, rest
        finally:
            b.close()

    assert loop.run_until_complete(main()) == (b"before", b"")


@pytest.mark.parametrize("kind", ["real", "memory"])
def test_abort_with_unread_data_resets_the_peer_like_the_kernel(
        kind: str, loop: TestSelectorEventLoop) -> None:
    if kind == "real" and sys.platform != "linux":
        pytest.skip("the kernel behaviour checked is Linux's")

    async def main() -> Any:
        if kind == "real":
            a, b = socket.socket(), socket.socket()  # AF_INET: AF_UNIX does not reset
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen()
            b.connect(server.getsockname())
            a, _ = server.accept()
            server.close()
        else:
            listener = ListenSocket(address=ADDRESS)
            listener.listen()
            b = listener.new_connection()
            a, _ = listener.accept()
        b.setblocking(False)
        transport, proto = await loop.create_connection(RecordingProtocol, sock=a)
        transport.pause_reading()
        b.sendall(b"unread")
        await asyncio.sleep(0.05)
        transport.abort()
        await proto.lost
        try:
            return await loop.sock_recv(b, 100)
        except ConnectionResetError:
            return "reset"
        finally:
            b.close()

    assert loop.run_until_complete(main()) == "reset"


@pytest.mark.parametrize("kind", ["real", "memory"])
def test_a_peer_gone_while_the_transport_holds_unsent_data_closes_it_like_the_kernel(
        kind: str, loop: TestSelectorEventLoop) -> None:
    # A send that fails must not keep a view of the transport's buffer, which
    # asyncio clears then (a bytearray on 3.9-3.11: "Existing exports of data").
    errors: list[Any] = []
    loop.set_exception_handler(lambda loop, context: errors.append(context))

    async def main() -> Any:
        a, b = socket.socketpair() if kind == "real" else socketpair()
        transport, proto = await loop.create_connection(RecordingProtocol, sock=a)
        transport.pause_reading()  # the failing send, not a read, tells of the reset
        transport.write(b"x" * 2_000_000)  # more than the window: the rest is buffered
        assert transport.get_write_buffer_size() > 0
        b.setblocking(False)
        await loop.sock_recv(b, 100)  # unread data left behind: the close resets
        b.close()
        return await asyncio.wait_for(proto.lost, 5)

    lost = loop.run_until_complete(main())
    assert isinstance(lost, (BrokenPipeError, ConnectionResetError))
    assert errors == []


def test_peer_close_reaches_a_stream_as_eof(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        b.sendall(b"last words")
        b.close()
        data = await reader.read()
        writer.close()
        return data

    assert loop.run_until_complete(main()) == b"last words"


def test_peer_reset_reaches_a_stream_as_connection_reset(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, b = socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        b.reset()
        with pytest.raises(ConnectionResetError):
            await reader.read(10)
        writer.close()

    loop.run_until_complete(main())


# -- loop.sock_* ------------------------------------------------------------------------------


def test_sock_recv_waits_for_data(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        a.setblocking(False)
        loop.call_later(0.01, b.sendall, b"later")
        return await loop.sock_recv(a, 100)

    assert loop.run_until_complete(main()) == b"later"


def test_sock_recv_into(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        a.setblocking(False)
        buf = bytearray(10)
        task = asyncio.ensure_future(loop.sock_recv_into(a, buf))
        await asyncio.sleep(0)
        b.sendall(b"abc")
        n = await task
        return bytes(buf[:n])

    assert loop.run_until_complete(main()) == b"abc"


def test_sock_sendall_larger_than_the_window(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair(capacity=64)
        a.setblocking(False)
        b.setblocking(False)
        payload = bytes(range(256)) * 40
        sending = asyncio.ensure_future(loop.sock_sendall(a, payload))
        received = bytearray()
        while len(received) < len(payload):
            received += await loop.sock_recv(b, 1000)
        await sending
        return bytes(received)

    assert loop.run_until_complete(main()) == bytes(range(256)) * 40


def test_sock_accept_on_a_listen_socket(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        listener = ListenSocket(address=ADDRESS)
        listener.listen()
        listener.setblocking(False)
        accepting = asyncio.ensure_future(loop.sock_accept(listener))
        await asyncio.sleep(0)
        assert not accepting.done()
        client = listener.new_connection()
        conn, address = await accepting
        conn.setblocking(False)
        client.sendall(b"hi")
        assert await loop.sock_recv(conn, 10) == b"hi"
        assert address == client.getsockname()

    loop.run_until_complete(main())


def test_sock_accept_with_no_client_stalls(loop: TestSelectorEventLoop) -> None:
    listener = ListenSocket(address=ADDRESS)
    listener.listen()
    listener.setblocking(False)
    with pytest.raises(Stalled):
        loop.run_until_complete(loop.sock_accept(listener))


def test_sock_methods_in_debug_mode(loop: TestSelectorEventLoop) -> None:
    loop.set_debug(True)

    async def main() -> bytes:
        a, b = socketpair()
        a.setblocking(False)
        b.setblocking(False)
        await loop.sock_sendall(a, b"debug")
        return await loop.sock_recv(b, 10)

    assert loop.run_until_complete(main()) == b"debug"


# -- set_read_ready / set_write_ready (asynctest semantics) -------------------------------------


def test_set_read_ready_runs_the_reader_callback(loop: TestSelectorEventLoop) -> None:
    sock = SocketMock()
    calls: list[str] = []
    loop.add_reader(sock, calls.append, "read")
    set_read_ready(sock, loop)
    assert calls == []  # not synchronously
    loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(asyncio.sleep(0))
    assert calls == ["read"]
    loop.run_until_complete(asyncio.sleep(0))
    assert calls == ["read"]  # once
    loop.remove_reader(sock)


def test_set_write_ready_runs_the_writer_callback(loop: TestSelectorEventLoop) -> None:
    sock = SocketMock()
    calls: list[str] = []
    loop.add_writer(sock, calls.append, "write")
    set_write_ready(sock, loop)
    loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(asyncio.sleep(0))
    assert calls == ["write"]
    loop.remove_writer(sock)


def test_set_read_ready_makes_sock_recv_of_a_socket_mock_return(
        loop: TestSelectorEventLoop) -> None:
    sock = SocketMock()
    sock.recv.side_effect = [BlockingIOError(), b"data"]

    async def main() -> bytes:
        loop.call_soon(set_read_ready, sock, loop)
        return await loop.sock_recv(sock, 1024)

    assert loop.run_until_complete(main()) == b"data"


def test_set_read_ready_before_the_reader_in_the_same_iteration_is_kept(
        loop: TestSelectorEventLoop) -> None:
    sock = SocketMock()
    calls: list[str] = []

    def both() -> None:
        set_read_ready(sock, loop)
        loop.add_reader(sock, calls.append, "read")

    loop.call_soon(both)
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    assert calls == ["read"]
    loop.remove_reader(sock)


def test_set_read_ready_from_another_thread_wakes_the_loop(loop: TestSelectorEventLoop) -> None:
    sock = SocketMock()

    async def main() -> str:
        future = loop.create_future()
        loop.add_reader(sock, future.set_result, "read")
        threading.Timer(0.05, set_read_ready, (sock, loop)).start()
        try:
            return await future
        finally:
            loop.remove_reader(sock)

    assert loop.run_until_complete(main()) == "read"


def test_set_read_ready_on_a_stock_loop_with_a_test_selector() -> None:
    loop = asyncio.SelectorEventLoop()
    loop._selector = TestSelector(loop._selector)  # type: ignore[attr-defined]
    try:
        sock = SocketMock()
        calls: list[str] = []
        loop.add_reader(sock, calls.append, "read")
        set_read_ready(sock, loop)
        for _ in range(2):
            loop.run_until_complete(asyncio.sleep(0))
        assert calls == ["read"]
        loop.remove_reader(sock)
    finally:
        loop.close()


# -- Stalled --------------------------------------------------------------------------------


def test_stalled_names_the_task_the_coroutine_and_what_it_awaits(
        loop: TestSelectorEventLoop) -> None:
    async def wait_for_greeting(sock: Any) -> bytes:
        return await loop.sock_recv(sock, 10)

    async def main() -> None:
        a, _b = socketpair()
        a.setblocking(False)
        await loop.create_task(wait_for_greeting(a), name="greeter")

    with pytest.raises(Stalled) as info:
        loop.run_until_complete(main())
    message = str(info.value)
    assert "greeter" in message
    assert "wait_for_greeting" in message
    assert "main" in message
    assert "MockSocket" in message  # what it waits on


def test_stalled_out_of_asyncio_run_then_asyncio_run_works(policy_restored: None) -> None:
    asyncio.set_event_loop_policy(EventLoopPolicy())

    async def stuck() -> None:
        await asyncio.Event().wait()

    with pytest.raises(Stalled):
        asyncio.run(stuck())
    assert asyncio.run(loop_type()) is TestSelectorEventLoop


@needs_312
def test_stalled_out_of_asyncio_run_with_loop_factory() -> None:
    async def stuck() -> None:
        reader, _writer = await asyncio.open_connection(sock=socketpair()[0])
        await reader.read()

    with pytest.raises(Stalled) as info:
        asyncio.run(stuck(), loop_factory=new_event_loop)  # type: ignore[call-arg]
    assert "stuck" in str(info.value)


def test_stalled_when_awaiting_a_lock_nobody_releases(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        lock = asyncio.Lock()
        await lock.acquire()
        await lock.acquire()

    with pytest.raises(Stalled):
        loop.run_until_complete(main())


def test_stalled_when_a_queue_stays_empty(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        await asyncio.Queue().get()

    with pytest.raises(Stalled):
        loop.run_until_complete(main())


def test_stall_detection_can_be_turned_off() -> None:
    loop = new_event_loop(stall_detection=False)
    try:
        async def main() -> str:
            future = loop.create_future()
            # the thread exists before the wait: fine either way; what matters is no Stalled
            threading.Timer(0.1, loop.call_soon_threadsafe, (future.set_result, "ok")).start()
            return await future

        assert loop.run_until_complete(main()) == "ok"
    finally:
        loop.close()


def test_an_open_real_socket_is_waited_for_not_stalled(loop: TestSelectorEventLoop) -> None:
    real_a, real_b = socket.socketpair()
    real_a.setblocking(False)
    try:
        async def main() -> None:
            await asyncio.wait_for(loop.sock_recv(real_a, 10), 0.2)

        start = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            loop.run_until_complete(main())
        assert time.monotonic() - start >= 0.15
    finally:
        real_a.close()
        real_b.close()


def test_a_real_reader_alone_is_waited_for_not_stalled(vloop: TestSelectorEventLoop) -> None:
    real_a, real_b = socket.socketpair()
    try:
        async def main() -> bytes:
            future = vloop.create_future()
            vloop.add_reader(real_a, lambda: future.set_result(real_a.recv(10)))
            try:
                return await future
            finally:
                vloop.remove_reader(real_a)

        threading.Timer(0.1, real_b.send, (b"real",)).start()
        assert vloop.run_until_complete(main()) == b"real"
    finally:
        real_a.close()
        real_b.close()


def nap_then(value: str) -> str:
    """A job for a thread: a short real nap, then ``value``."""
    time.sleep(0.1)
    return value


def test_run_in_executor_does_not_stall(loop: TestSelectorEventLoop) -> None:
    assert loop.run_until_complete(loop.run_in_executor(None, nap_then, "done")) == "done"


def test_to_thread_does_not_stall(loop: TestSelectorEventLoop) -> None:
    async def main() -> str:
        return await asyncio.to_thread(nap_then, "done")

    assert loop.run_until_complete(main()) == "done"


def test_to_thread_in_virtual_time_waits_for_real(vloop: TestSelectorEventLoop) -> None:
    async def main() -> str:
        return await asyncio.wait_for(asyncio.to_thread(nap_then, "done"), 60)

    assert vloop.run_until_complete(main()) == "done"
    assert vloop.time() < 60


def test_getaddrinfo_does_not_stall(loop: TestSelectorEventLoop) -> None:
    infos = loop.run_until_complete(loop.getaddrinfo("127.0.0.1", 80))
    assert infos


def test_subprocess_does_not_stall(policy_restored: None) -> None:
    asyncio.set_event_loop_policy(EventLoopPolicy())

    async def main() -> tuple[bytes, int]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import time; time.sleep(0.1); print('child')",
            stdout=asyncio.subprocess.PIPE)
        out, _ = await proc.communicate()
        return out, proc.returncode  # type: ignore[return-value]

    assert asyncio.run(main()) == (b"child\n", 0)


@needs_311
def test_subprocess_does_not_stall_in_a_runner() -> None:
    async def main() -> int:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import time; time.sleep(0.1)")
        return await proc.wait()

    with asyncio.Runner(loop_factory=new_event_loop) as runner:  # type: ignore[attr-defined]
        assert runner.run(main()) == 0


@needs_312
def test_subprocess_does_not_stall_with_loop_factory() -> None:
    async def main() -> int:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import time; time.sleep(0.1)")
        return await proc.wait()

    assert asyncio.run(main(), loop_factory=new_event_loop) == 0  # type: ignore[call-arg]


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="POSIX signals")
def test_signal_handler_runs_when_signalled(loop: TestSelectorEventLoop) -> None:
    async def main() -> str:
        future = loop.create_future()
        loop.add_signal_handler(signal.SIGUSR1, future.set_result, "signalled")
        try:
            loop.call_later(0.01, os.kill, os.getpid(), signal.SIGUSR1)
            return await future
        finally:
            loop.remove_signal_handler(signal.SIGUSR1)

    assert loop.run_until_complete(main()) == "signalled"


# -- virtual time ---------------------------------------------------------------------------


def test_sleep_an_hour_is_instant_and_advances_time_by_an_hour(
        vloop: TestSelectorEventLoop) -> None:
    start = vloop.time()
    real = time.monotonic()
    vloop.run_until_complete(asyncio.sleep(3600))
    assert vloop.time() - start == 3600
    assert time.monotonic() - real < 5  # not an hour


def test_sleep_through_the_policy_in_virtual_time(policy_restored: None) -> None:
    asyncio.set_event_loop_policy(EventLoopPolicy(virtual_time=True))

    async def main() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(86400)
        return loop.time() - start

    assert asyncio.run(main()) == 86400


def test_sums_of_sleeps_are_exact(vloop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        expected = loop.time()
        for delay in [0.1, 0.2, 0.3, 1.5, 10, 0.001, 7]:
            expected += delay
            await asyncio.sleep(delay)
            assert loop.time() == expected

    vloop.run_until_complete(main())


def test_call_later_fires_in_order_at_virtual_times(vloop: TestSelectorEventLoop) -> None:
    fired: list[tuple[str, float]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.call_later(30, lambda: fired.append(("c", loop.time())))
        loop.call_later(10, lambda: fired.append(("a", loop.time())))
        loop.call_later(20, lambda: fired.append(("b", loop.time())))
        loop.call_at(loop.time() + 40, done.set_result, None)
        await done

    vloop.run_until_complete(main())
    assert fired == [("a", 10.0), ("b", 20.0), ("c", 30.0)]


def test_wait_for_times_out_deterministically(vloop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, _b = socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(10), timeout=5)
        writer.close()

    vloop.run_until_complete(main())
    assert vloop.time() == 5.0


@needs_311
def test_asyncio_timeout_fires_deterministically(vloop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2.5):  # type: ignore[attr-defined]
                await asyncio.Event().wait()

    vloop.run_until_complete(main())
    assert vloop.time() == 2.5


def test_data_arriving_before_the_timeout_wins(vloop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        a, b = socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        asyncio.get_running_loop().call_later(3, b.sendall, b"in time")
        data = await asyncio.wait_for(reader.read(10), timeout=5)
        writer.close()
        return data

    assert vloop.run_until_complete(main()) == b"in time"
    assert vloop.time() == 3.0


def test_virtual_time_still_stalls_without_timers(vloop: TestSelectorEventLoop) -> None:
    with pytest.raises(Stalled):
        vloop.run_until_complete(vloop.create_future())


def test_virtual_time_with_a_real_socket_waits_for_real(vloop: TestSelectorEventLoop) -> None:
    real_a, real_b = socket.socketpair()
    real_a.setblocking(False)
    try:
        async def main() -> None:
            await asyncio.wait_for(vloop.sock_recv(real_a, 10), 0.2)

        start = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            vloop.run_until_complete(main())
        assert time.monotonic() - start >= 0.15
    finally:
        real_a.close()
        real_b.close()


def test_virtual_time_loop_factory_in_asyncio_test_case() -> None:
    times: list[float] = []

    class Case(mockselector.AsyncioTestCase):
        virtual_time = True

        async def test_it(self) -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.sleep(1000)
            times.append(loop.time() - start)

    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert times == [1000.0]


# -- the leak check -------------------------------------------------------------------------


def test_assert_no_watchers_passes_when_the_block_cleans_up(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        with assert_no_watchers():
            listener = ListenSocket(address=ADDRESS)
            server = await asyncio.start_server(echo_line, sock=listener)
            reader, writer = await asyncio.open_connection(sock=listener.new_connection())
            writer.write(b"x\n")
            await reader.readline()
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()
            for _ in range(3):
                await asyncio.sleep(0)

    loop.run_until_complete(main())


def test_assert_no_watchers_names_the_leaked_file_object_and_callback(
        loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()

    def on_readable() -> None:
        pass

    with pytest.raises(AssertionError) as info:
        with assert_no_watchers(loop):
            loop.add_reader(a, on_readable)
    message = str(info.value)
    assert repr(a) in message
    assert "on_readable" in message
    loop.remove_reader(a)


def test_assert_no_watchers_reports_a_leaked_writer(loop: TestSelectorEventLoop) -> None:
    a, _b = socketpair()
    with pytest.raises(AssertionError, match="writ"):
        with assert_no_watchers(loop):
            loop.add_writer(a, print)
    loop.remove_writer(a)


def test_assert_no_watchers_reports_an_open_stream(loop: TestSelectorEventLoop) -> None:
    async def main() -> None:
        a, _b = socketpair()
        with pytest.raises(AssertionError):
            with assert_no_watchers():
                _reader, writer = await asyncio.open_connection(sock=a)
        writer.close()

    loop.run_until_complete(main())


def test_check_no_watchers_is_a_plain_function(loop: TestSelectorEventLoop) -> None:
    check_no_watchers(loop)
    a, _b = socketpair()
    loop.add_reader(a, print)
    with pytest.raises(AssertionError):
        check_no_watchers(loop)
    loop.remove_reader(a)
    check_no_watchers(loop)


# -- real sockets, unchanged, on the test loop -----------------------------------------------


def test_real_tcp_echo_with_streams(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        server = await asyncio.start_server(echo_line, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"real\n")
        line = await asyncio.wait_for(reader.readline(), 1)
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return line

    assert loop.run_until_complete(main()) == b"real\n"


def test_real_udp_datagram_endpoint(loop: TestSelectorEventLoop) -> None:
    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.transport.sendto(data.upper(), addr)

    class Client(asyncio.DatagramProtocol):
        def __init__(self) -> None:
            self.got = asyncio.get_running_loop().create_future()

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.got.set_result(data)

    async def main() -> bytes:
        server, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
        port = server.get_extra_info("sockname")[1]
        client, proto = await loop.create_datagram_endpoint(
            Client, remote_addr=("127.0.0.1", port))
        client.sendto(b"dgram")
        try:
            return await asyncio.wait_for(proto.got, 1)
        finally:
            client.close()
            server.close()

    assert loop.run_until_complete(main()) == b"DGRAM"


def test_real_sock_methods(loop: TestSelectorEventLoop) -> None:
    async def main() -> bytes:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        client = socket.socket()
        client.setblocking(False)
        try:
            await loop.sock_connect(client, server.getsockname())
            conn, _ = await asyncio.wait_for(loop.sock_accept(server), 1)
            conn.setblocking(False)
            with conn:
                await loop.sock_sendall(client, b"sock_")
                return await asyncio.wait_for(loop.sock_recv(conn, 10), 1)
        finally:
            client.close()
            server.close()

    assert loop.run_until_complete(main()) == b"sock_"


def test_in_memory_and_real_sockets_side_by_side(loop: TestSelectorEventLoop) -> None:
    async def main() -> tuple[bytes, bytes]:
        real_a, real_b = socket.socketpair()
        mem_a, mem_b = socketpair()
        for s in (real_a, real_b, mem_a, mem_b):
            s.setblocking(False)
        with real_a, real_b:
            await loop.sock_sendall(real_a, b"real")
            await loop.sock_sendall(mem_a, b"mem")
            return (await asyncio.wait_for(loop.sock_recv(real_b, 10), 1),
                    await loop.sock_recv(mem_b, 10))

    assert loop.run_until_complete(main()) == (b"real", b"mem")
