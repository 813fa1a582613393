"""What several test modules share: small servers, protocols and socket helpers."""

from __future__ import annotations

import asyncio
import http.server
import socket
import socketserver
import threading
from typing import Any, Callable
from unittest import mock

from mockselector import ListenSocket


def read_to_eof(sock: Any) -> bytes:
    """Everything ``sock`` receives until the peer's EOF."""
    received = bytearray()
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return bytes(received)
        received += chunk


def in_thread(target: Callable[[], Any]) -> threading.Thread:
    """Run ``target`` in a daemon thread, started."""
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def server_on(listener: ListenSocket, server_class: Any, handler: Any,
              address: Any = ("127.0.0.1", 8080)) -> Any:
    """Build a socketserver server whose ``socket.socket()`` call returns ``listener``."""
    with mock.patch.object(socket, "socket", lambda *args, **kwargs: listener):
        return server_class(address, handler)


class UpperHandler(socketserver.StreamRequestHandler):
    """Answers each line with the line in upper case."""

    def handle(self) -> None:
        for line in self.rfile:
            self.wfile.write(line.upper())


class HelloHandler(http.server.BaseHTTPRequestHandler):
    """Answers GET with a greeting that names the path."""

    def do_GET(self) -> None:
        body = f"hello from {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class RecordingProtocol(asyncio.Protocol):
    """A protocol that records what happens to it; ``eof`` and ``lost`` are futures."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.data = bytearray()
        self.transport: Any = None
        self.eof = asyncio.get_running_loop().create_future()
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.events.append("made")

    def data_received(self, data: bytes) -> None:
        self.data += data

    def eof_received(self) -> None:
        self.events.append("eof")
        self.eof.set_result(None)

    def pause_writing(self) -> None:
        self.events.append("pause")

    def resume_writing(self) -> None:
        self.events.append("resume")

    def connection_lost(self, exc: Exception | None) -> None:
        self.events.append(("lost", exc))
        if not self.lost.done():
            self.lost.set_result(exc)
