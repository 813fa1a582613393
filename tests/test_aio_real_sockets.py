"""Real sockets on TestSelectorEventLoop: the wrapping is transparent.

Each scenario is ordinary asyncio code on real sockets, pipes and threads, run unchanged on a
stock loop (which keeps the test honest), on a TestSelectorEventLoop, and on one with virtual
time, which must wait for real file objects as a stock loop does.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from mockselector import new_event_loop

LOOPS = {
    "stock": asyncio.new_event_loop,
    "test": new_event_loop,
    "virtual_time": lambda: new_event_loop(virtual_time=True),
}


@pytest.fixture(params=list(LOOPS))
def loop(request: pytest.FixtureRequest) -> Iterator[asyncio.AbstractEventLoop]:
    loop = LOOPS[request.param]()
    yield loop
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` on ``loop``; a real-world bound, not a scenario's timeout."""
    return loop.run_until_complete(asyncio.wait_for(coro, 10))


async def echo_lines(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()


async def talk(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> list[bytes]:
    answers = []
    for word in (b"one", b"two", b"three"):
        writer.write(word + b"\n")
        answers.append(await reader.readline())
    writer.close()
    await writer.wait_closed()
    return answers


def test_tcp_streams_echo(loop: asyncio.AbstractEventLoop) -> None:
    async def main() -> list[bytes]:
        server = await asyncio.start_server(echo_lines, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        answers = await talk(*await asyncio.open_connection("127.0.0.1", port))
        server.close()
        await server.wait_closed()
        return answers

    assert run(loop, main()) == [b"one\n", b"two\n", b"three\n"]


def test_unix_streams_echo(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    path = str(tmp_path / "echo.sock")

    async def main() -> list[bytes]:
        server = await asyncio.start_unix_server(echo_lines, path)
        answers = await talk(*await asyncio.open_unix_connection(path))
        server.close()
        await server.wait_closed()
        return answers

    assert run(loop, main()) == [b"one\n", b"two\n", b"three\n"]


def test_streams_over_a_real_socketpair(loop: asyncio.AbstractEventLoop) -> None:
    async def main() -> list[bytes]:
        a, b = socket.socketpair()
        server_task = asyncio.ensure_future(echo_lines(*await asyncio.open_connection(sock=a)))
        answers = await talk(*await asyncio.open_connection(sock=b))
        await server_task
        return answers

    assert run(loop, main()) == [b"one\n", b"two\n", b"three\n"]


def test_large_transfer_pauses_and_resumes_the_writer(loop: asyncio.AbstractEventLoop) -> None:
    payload = bytes(range(256)) * 8192  # 2 MiB: more than the kernel buffers

    async def main() -> bool:
        async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(str(len(await reader.read())).encode())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(sink, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(payload)
        await writer.drain()
        writer.write_eof()
        count = int(await reader.read())
        writer.close()
        server.close()
        await server.wait_closed()
        return count == len(payload)

    assert run(loop, main())


def test_sock_methods_on_real_sockets(loop: asyncio.AbstractEventLoop) -> None:
    async def main() -> tuple[bytes, bytes]:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        client = socket.socket()
        client.setblocking(False)
        with listener, client:
            accepted = asyncio.ensure_future(loop.sock_accept(listener))
            await loop.sock_connect(client, listener.getsockname())
            conn, _ = await accepted
            with conn:
                await loop.sock_sendall(client, b"ping")
                first = await loop.sock_recv(conn, 4)
                await loop.sock_sendall(conn, b"pong")
                buffer = bytearray(4)
                count = await loop.sock_recv_into(client, buffer)
                return first, bytes(buffer[:count])

    assert run(loop, main()) == (b"ping", b"pong")


def test_datagram_endpoints_echo(loop: asyncio.AbstractEventLoop) -> None:
    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.transport.sendto(data.upper(), addr)

    class Client(asyncio.DatagramProtocol):
        def __init__(self) -> None:
            self.answer = loop.create_future()

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.answer.set_result(data)

    async def main() -> bytes:
        server, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
        address = server.get_extra_info("sockname")
        client, protocol = await loop.create_datagram_endpoint(Client, remote_addr=address)
        client.sendto(b"datagram")
        answer = await protocol.answer
        client.close()
        server.close()
        return answer

    assert run(loop, main()) == b"DATAGRAM"


def test_getaddrinfo_runs_in_the_executor(loop: asyncio.AbstractEventLoop) -> None:
    infos = run(loop, loop.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM))
    assert infos[0][4] == ("127.0.0.1", 80)


def test_to_thread_returns_the_result(loop: asyncio.AbstractEventLoop) -> None:
    assert run(loop, asyncio.to_thread(sum, [1, 2, 3])) == 6


def test_call_soon_threadsafe_from_a_thread_wakes_the_loop(
    loop: asyncio.AbstractEventLoop,
) -> None:
    async def main() -> str:
        future = loop.create_future()
        threading.Timer(0.02, loop.call_soon_threadsafe, (future.set_result, "woken")).start()
        return await future

    assert run(loop, main()) == "woken"


def test_subprocess_output_is_read_through_pipes(loop: asyncio.AbstractEventLoop) -> None:
    async def main() -> tuple[bytes, int]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        out, _ = await process.communicate(b"through a pipe")
        return out, await process.wait()

    if sys.version_info < (3, 12):
        # The child watcher of 3.9-3.11 is set up through the policy, for the loop in use.
        asyncio.set_event_loop(loop)
    try:
        assert run(loop, main()) == (b"THROUGH A PIPE", 0)
    finally:
        asyncio.set_event_loop(None)


def test_a_timeout_on_a_silent_real_socket_fires(loop: asyncio.AbstractEventLoop) -> None:
    async def main() -> None:
        a, b = socket.socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        try:
            await asyncio.wait_for(reader.read(1), 0.05)
        finally:
            writer.close()
            b.close()

    with pytest.raises(asyncio.TimeoutError):
        run(loop, main())
