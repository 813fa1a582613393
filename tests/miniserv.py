"""A tiny selector-based echo server, the code under test of ``test_mockselector.py``.

It is written as a user's server would be, with no thought of tests: it makes
its listening socket with ``socket.socket()`` and its selector with the
``DefaultSelector`` it imported, so a test drives it by patching
``socket.socket`` and ``miniserv.DefaultSelector``.  It has no way to stop
except its ``stop`` flag, which nothing in it ever sets.
"""

from __future__ import annotations

import socket
from selectors import EVENT_READ, DefaultSelector


class EchoServer:
    """Accept clients on ``port`` and send back whatever each one sends."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = False

    def run(self) -> None:
        listener = socket.socket()
        listener.bind(("0.0.0.0", self.port))
        listener.listen()
        selector = DefaultSelector()
        selector.register(listener, EVENT_READ)
        while not self.stop:
            for key, _ in selector.select():
                if key.fileobj is listener:
                    client, _ = listener.accept()
                    selector.register(client, EVENT_READ)
                    continue
                client = key.fileobj
                data = client.recv(1024)
                if data:
                    client.send(data)
                else:
                    selector.unregister(client)
                    client.close()
