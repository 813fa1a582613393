"""A line-based chat server on :mod:`selectors`: what one client says, the others hear.

The first line a client sends is its name; every later line is relayed to the
other clients as ``name: text``.  Sockets are non-blocking: a reply that does
not fit in the socket's send buffer waits in a per-client queue and is flushed
when the socket becomes writable.  A client that stops reading is dropped once
``max_queue`` bytes wait for it, so one slow reader cannot eat the server's
memory.

Run it for real with ``python examples/chat_server.py 8000`` and talk to it
with ``nc localhost 8000``.  The tests in ``test_chat_server.py`` run it on
in-memory sockets instead.
"""

from __future__ import annotations

import selectors
import socket
import sys


class Client:
    """What the server knows about one connection."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.name: bytes | None = None
        self.inbuf = bytearray()   # received, not yet a complete line
        self.outbuf = bytearray()  # to send, not yet accepted by the socket


class ChatServer:
    """Serve chat clients that connect to ``listener`` (a listening socket)."""

    def __init__(self, listener: socket.socket, selector: selectors.BaseSelector | None = None,
                 *, max_queue: int = 64 * 1024) -> None:
        self.listener = listener
        self.selector = selector if selector is not None else selectors.DefaultSelector()
        self.max_queue = max_queue
        self.clients: dict[socket.socket, Client] = {}
        listener.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ)

    def serve_forever(self) -> None:
        while True:
            self.handle_events()

    def handle_events(self, timeout: float | None = None) -> int:
        """Wait for events (at most ``timeout`` seconds) and handle them; return how many."""
        events = self.selector.select(timeout)
        for key, mask in events:
            if key.fileobj is self.listener:
                self._accept()
                continue
            client = key.data
            if client.sock not in self.clients:
                continue  # dropped by an earlier event of this batch
            if mask & selectors.EVENT_READ:
                self._read(client)
            if mask & selectors.EVENT_WRITE and client.sock in self.clients:
                self._flush(client)
        return len(events)

    def _accept(self) -> None:
        try:
            sock, _address = self.listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        client = Client(sock)
        self.clients[sock] = client
        self.selector.register(sock, selectors.EVENT_READ, client)

    def _read(self, client: Client) -> None:
        try:
            data = client.sock.recv(4096)
        except BlockingIOError:
            return
        except ConnectionError:
            data = b""
        if not data:
            self._drop(client)
            return
        client.inbuf += data
        while b"\n" in client.inbuf:
            line, _, rest = bytes(client.inbuf).partition(b"\n")
            client.inbuf[:] = rest
            self._handle_line(client, line.rstrip(b"\r"))

    def _handle_line(self, client: Client, line: bytes) -> None:
        if client.name is None:
            client.name = line
            self._broadcast(client, b"* " + line + b" joined\n")
        else:
            self._broadcast(client, client.name + b": " + line + b"\n")

    def _broadcast(self, sender: Client, message: bytes) -> None:
        for client in list(self.clients.values()):
            if client is not sender and client.name is not None:
                self._queue(client, message)

    def _queue(self, client: Client, data: bytes) -> None:
        client.outbuf += data
        if len(client.outbuf) > self.max_queue:
            self._drop(client)  # too slow a reader
        else:
            self._flush(client)

    def _flush(self, client: Client) -> None:
        try:
            sent = client.sock.send(client.outbuf)
        except BlockingIOError:
            sent = 0
        except ConnectionError:
            self._drop(client)
            return
        del client.outbuf[:sent]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if client.outbuf else 0)
        self.selector.modify(client.sock, events, client)

    def _drop(self, client: Client) -> None:
        del self.clients[client.sock]
        self.selector.unregister(client.sock)
        client.sock.close()
        if client.name is not None:
            self._broadcast(client, b"* " + client.name + b" left\n")


def main(port: int) -> None:  # pragma: no cover - runs a real server
    with socket.create_server(("", port)) as listener:
        ChatServer(listener).serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
