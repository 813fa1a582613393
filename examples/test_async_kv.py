"""Tests of async_kv.py: server and client in one in-memory event loop.

``virtual_time_loop`` is a fixture of mockselector's pytest plugin: a
TestSelectorEventLoop with virtual time, closed after the test (the tasks the
test left pending are cancelled first).
"""

from __future__ import annotations

import asyncio

import pytest
from async_kv import KVClient, KVServer

import mockselector
from mockselector import ListenSocket

ADDRESS = ("127.0.0.1", 8000)


async def start(server: KVServer, **options: int) -> KVClient:
    """Start ``server`` on an in-memory listener; return a client connected to it."""
    listener = ListenSocket(address=ADDRESS)
    await server.start(sock=listener)
    return await KVClient.connect(sock=listener.new_connection(**options))


async def stop(server: KVServer, client: KVClient) -> None:
    await client.close()
    await server.close()


def test_get_returns_what_set_stored(virtual_time_loop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> tuple[bytes | None, bytes | None]:
        server = KVServer()
        client = await start(server)
        await client.set(b"colour", b"blue")
        answers = await client.get(b"colour"), await client.get(b"size")
        await stop(server, client)
        return answers

    assert virtual_time_loop.run_until_complete(scenario()) == (b"blue", None)


def test_an_idle_client_is_disconnected(virtual_time_loop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> bytes:
        server = KVServer(idle_timeout=300)
        client = await start(server)
        await asyncio.sleep(299)                  # virtual time: returns at once
        await client.set(b"colour", b"blue")      # still connected: the timer restarts
        goodbye = await client.reader.readline()  # the server's 300 s timeout fires
        await stop(server, client)
        return goodbye

    assert virtual_time_loop.run_until_complete(scenario()) == b"BYE idle\n"
    assert virtual_time_loop.time() == 599


def test_a_request_nobody_answers_stalls_instead_of_hanging(
        virtual_time_loop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        listener = ListenSocket(address=ADDRESS)   # listening, but nobody serves it
        client = await KVClient.connect(sock=listener.new_connection())
        try:
            await client.get(b"colour")
        finally:
            await client.close()

    with pytest.raises(mockselector.Stalled):
        virtual_time_loop.run_until_complete(scenario())


def test_server_and_client_leave_no_reader_or_writer_behind(
        virtual_time_loop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        server = KVServer()
        client = await start(server)
        await client.set(b"colour", b"blue")
        await stop(server, client)

    with mockselector.assert_no_watchers(virtual_time_loop):
        virtual_time_loop.run_until_complete(scenario())


@pytest.mark.no_watchers   # the plugin's leak check, for the whole test
def test_server_and_client_leave_nothing_open(virtual_time_loop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        server = KVServer()
        client = await start(server)
        await stop(server, client)

    virtual_time_loop.run_until_complete(scenario())


@pytest.mark.parametrize("seed", range(10))
def test_requests_split_anywhere(virtual_time_loop: asyncio.AbstractEventLoop, seed: int) -> None:
    async def scenario() -> bytes | None:
        server = KVServer()
        client = await start(server, seed=seed)   # reads and writes split at random
        await client.set(b"greeting", b"hello world " * 100)
        value = await client.get(b"greeting")
        await stop(server, client)
        return value

    assert virtual_time_loop.run_until_complete(scenario()) == b"hello world " * 99 + b"hello world"
