"""A :mod:`socketserver` key-value store: one command per line.

``SET key value`` stores a value and answers ``OK``; ``GET key`` answers the
value, or ``NOT FOUND``; anything else answers ``ERROR unknown command``.
The store is shared by all connections (it lives on the server).

Run it for real with ``python examples/kv_handler.py 8000``.  The tests in
``test_kv_handler.py`` run it on in-memory sockets instead.
"""

from __future__ import annotations

import socketserver
import sys


class KVServer(socketserver.TCPServer):
    allow_reuse_address = True

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.store: dict[bytes, bytes] = {}


class KVHandler(socketserver.StreamRequestHandler):
    server: KVServer

    def handle(self) -> None:
        for line in self.rfile:
            words = line.strip().split(maxsplit=2)
            if words:
                self.wfile.write(self.execute(words[0].upper(), words[1:]) + b"\n")

    def execute(self, command: bytes, args: list[bytes]) -> bytes:
        store = self.server.store
        if command == b"SET" and len(args) == 2:
            store[args[0]] = args[1]
            return b"OK"
        if command == b"GET" and len(args) == 1:
            return store.get(args[0], b"NOT FOUND")
        return b"ERROR unknown command"


def main(port: int) -> None:  # pragma: no cover - runs a real server
    with KVServer(("", port), KVHandler) as server:
        server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
