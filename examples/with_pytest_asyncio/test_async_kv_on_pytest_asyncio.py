"""async_kv.py again, as pytest-asyncio tests: conftest.py picks the loop."""

from __future__ import annotations

import asyncio

import pytest
from async_kv import KVClient, KVServer

import mockselector
from mockselector import ListenSocket


@pytest.mark.asyncio
async def test_get_returns_what_set_stored() -> None:
    listener = ListenSocket(address=("127.0.0.1", 8000))
    server = KVServer()
    await server.start(sock=listener)
    client = await KVClient.connect(sock=listener.new_connection())
    await client.set(b"colour", b"blue")
    assert await client.get(b"colour") == b"blue"
    await client.close()
    await server.close()


@pytest.mark.asyncio
async def test_the_clock_is_virtual() -> None:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, mockselector.TestSelectorEventLoop)
    await asyncio.sleep(3600)
    assert loop.time() == 3600
