"""Length-prefixed messages over a non-blocking socket, with ``loop.sock_*``.

Each message is a 2-byte big-endian length, then that many bytes.  The
tests in ``test_framing.py`` run these functions on ``Mock`` sockets, the
way ``asynctest`` taught, and on in-memory ones.
"""

from __future__ import annotations

import asyncio
import socket
import struct


async def read_message(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    """Read one message; ``EOFError`` if the peer closes in the middle of it."""
    (size,) = struct.unpack("!H", await _read_exactly(loop, sock, 2))
    return await _read_exactly(loop, sock, size)


async def write_message(loop: asyncio.AbstractEventLoop, sock: socket.socket,
                        payload: bytes) -> None:
    await loop.sock_sendall(sock, struct.pack("!H", len(payload)) + payload)


async def _read_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket,
                        size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = await loop.sock_recv(sock, size - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {size} bytes")
        data += chunk
    return data
