"""Tests of kv_handler.py: a socketserver handler on in-memory sockets."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from kv_handler import KVHandler, KVServer

from mockselector import ListenSocket, TestSelector

ADDRESS = ("127.0.0.1", 8000)


@pytest.fixture
def server():
    """A KVServer listening on an in-memory socket instead of a real one."""
    server = KVServer(ADDRESS, KVHandler, bind_and_activate=False)
    server.socket.close()                     # the real socket TCPServer made, unused
    server.socket = ListenSocket(address=ADDRESS)
    yield server
    server.server_close()


def request(server: KVServer, data: bytes) -> bytes:
    """Send ``data`` as one client, let the handler answer it, return the answer."""
    client = server.socket.new_connection()
    client.sendall(data)
    client.shutdown(socket.SHUT_WR)           # the handler reads until EOF
    connection, address = server.socket.accept()
    server.process_request(connection, address)  # runs KVHandler, then closes the connection
    return client.recv(65536)


def test_get_returns_what_set_stored(server: KVServer) -> None:
    assert request(server, b"SET colour blue\nGET colour\n") == b"OK\nblue\n"


def test_get_of_a_missing_key(server: KVServer) -> None:
    assert request(server, b"GET colour\n") == b"NOT FOUND\n"


def test_values_are_shared_between_connections(server: KVServer) -> None:
    request(server, b"SET colour blue\n")
    assert request(server, b"GET colour\n") == b"blue\n"


@pytest.mark.parametrize("line", [b"DELETE colour\n", b"GET\n", b"SET colour\n"])
def test_a_bad_command_is_an_error(server: KVServer, line: bytes) -> None:
    assert request(server, line) == b"ERROR unknown command\n"


@pytest.mark.parametrize("seed", range(10))
def test_commands_split_across_reads(server: KVServer, seed: int) -> None:
    client = server.socket.new_connection(seed=seed)   # random-length reads and writes
    client.sendall(b"SET greeting hello world\r\nget greeting\r\n\r\n")
    client.shutdown(socket.SHUT_WR)
    server.process_request(*server.socket.accept())
    answer = b""
    while chunk := client.recv(1024):
        answer += chunk
    assert answer == b"OK\nhello world\n"


def test_serve_forever_handles_every_waiting_client(server: KVServer) -> None:
    writer, reader = server.socket.new_connection(), server.socket.new_connection()
    writer.sendall(b"SET colour blue\n")
    writer.shutdown(socket.SHUT_WR)
    reader.sendall(b"GET colour\n")
    reader.shutdown(socket.SHUT_WR)

    # serve_forever() waits on a socketserver._ServerSelector (a private name of the
    # standard library): make it a TestSelector, whose "with" block ends the loop
    # once every connection has been served.
    with mock.patch("socketserver._ServerSelector", TestSelector):
        server.serve_forever()

    assert (writer.recv(1024), reader.recv(1024)) == (b"OK\n", b"blue\n")
