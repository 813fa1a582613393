"""An asyncio key-value service over a line protocol: a server and its client.

The protocol is the one of ``kv_handler.py``: ``SET key value`` answers
``OK``, ``GET key`` answers the value or ``NOT FOUND``.  A connection that
says nothing for ``idle_timeout`` seconds is told ``BYE idle`` and closed.

Run the server for real with ``python examples/async_kv.py 8000``.  The tests
in ``test_async_kv.py`` run server and client in one in-memory event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any


class KVServer:
    """The server side: ``await server.start(host, port)``, later ``await server.close()``."""

    def __init__(self, *, idle_timeout: float = 300.0) -> None:
        self.idle_timeout = idle_timeout
        self.store: dict[bytes, bytes] = {}
        self.sessions: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self.server: asyncio.AbstractServer | None = None

    async def start(self, host: Any = None, port: Any = None, **kwargs: Any) -> None:
        """Listen as :func:`asyncio.start_server` does (``sock=`` included)."""
        self.server = await asyncio.start_server(self.handle, host, port, **kwargs)

    async def close(self) -> None:
        """Stop listening, end the open sessions, and wait until everything is closed."""
        assert self.server is not None
        self.server.close()
        for writer in self.sessions.values():
            writer.close()  # the session's next read sees end of file
        await asyncio.gather(*self.sessions, return_exceptions=True)
        await self.server.wait_closed()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = asyncio.current_task()
        assert session is not None
        self.sessions[session] = writer
        try:
            while True:
                try:
                    line = await asyncio.wait_for(reader.readline(), self.idle_timeout)
                except asyncio.TimeoutError:
                    writer.write(b"BYE idle\n")
                    break
                if not line:
                    break
                words = line.strip().split(maxsplit=2)
                if words:
                    writer.write(self.execute(words[0].upper(), words[1:]) + b"\n")
                    await writer.drain()
        except ConnectionError:
            pass
        finally:
            del self.sessions[session]
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def execute(self, command: bytes, args: list[bytes]) -> bytes:
        if command == b"SET" and len(args) == 2:
            self.store[args[0]] = args[1]
            return b"OK"
        if command == b"GET" and len(args) == 1:
            return self.store.get(args[0], b"NOT FOUND")
        return b"ERROR unknown command"


class KVClient:
    """The client side: ``client = await KVClient.connect(host, port)``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, host: Any = None, port: Any = None, **kwargs: Any) -> KVClient:
        """Connect as :func:`asyncio.open_connection` does (``sock=`` included)."""
        return cls(*await asyncio.open_connection(host, port, **kwargs))

    async def request(self, line: bytes) -> bytes:
        self.writer.write(line + b"\n")
        await self.writer.drain()
        answer = await self.reader.readline()
        if not answer:
            raise ConnectionError("the server closed the connection")
        return answer.rstrip(b"\n")

    async def set(self, key: bytes, value: bytes) -> None:
        answer = await self.request(b"SET " + key + b" " + value)
        if answer != b"OK":
            raise RuntimeError(answer.decode(errors="replace"))

    async def get(self, key: bytes) -> bytes | None:
        answer = await self.request(b"GET " + key)
        return None if answer == b"NOT FOUND" else answer

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def main(port: int) -> None:  # pragma: no cover - runs a real server
    server = KVServer()
    await server.start(port=port)
    assert server.server is not None
    await server.server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))
