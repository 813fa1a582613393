"""Unmodified servers and clients running on in-memory sockets.

The code under test is written as for the network (a ``selectors`` loop,
``socketserver``, ``http.server`` and ``http.client``); the tests only patch
where it gets its selector and its listening socket, and play the clients with
:meth:`ListenSocket.new_connection`.  Server loops end by themselves when
nothing more can happen (:class:`Stalled`, swallowed by the selector's ``with``).
Threads are joined with a timeout: no test can hang.
"""

from __future__ import annotations

import http.client
import http.server
import selectors
import socket
import socketserver

import pytest

from mockselector import ListenSocket, MockSocket, Stalled, TestSelector
from support import HelloHandler, UpperHandler, in_thread, read_to_eof, server_on

# -- the code under test, as it would be written for real sockets ------------------------------


def echo_server(listener: socket.socket) -> None:
    """A selectors echo loop that serves until it is stopped from outside."""
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    with selector:
        while True:
            for key, _events in selector.select():
                if key.fileobj is listener:
                    connection, _address = listener.accept()
                    connection.setblocking(False)
                    selector.register(connection, selectors.EVENT_READ)
                    continue
                connection = key.fileobj
                data = connection.recv(4096)
                if data:
                    connection.sendall(data)
                else:
                    selector.unregister(connection)
                    connection.close()


class KeepAliveHelloHandler(HelloHandler):
    protocol_version = "HTTP/1.1"


# -- helpers -----------------------------------------------------------------------------------


# -- a selectors loop --------------------------------------------------------------------------


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_selectors_echo_loop_echoes_every_client_until_nothing_is_left() -> None:
    listener = ListenSocket(address=("127.0.0.1", 7))
    messages = [bytes([65 + index]) * (1000 * (index + 1)) for index in range(4)]
    clients = [listener.new_connection(seed=index) for index in range(len(messages))]
    for client, message in zip(clients, messages):
        client.sendall(message)
        client.shutdown(socket.SHUT_WR)
    echo_server(listener)
    assert [read_to_eof(client) for client in clients] == messages


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_selectors_echo_loop_serves_a_client_in_another_thread() -> None:
    listener = ListenSocket(address=("127.0.0.1", 7))
    client = listener.new_connection()
    replies: list[bytes] = []

    def converse() -> None:
        client.settimeout(10)
        for word in (b"one", b"two", b"three"):
            client.sendall(word)
            replies.append(client.recv(100))
        client.close()

    thread = in_thread(converse)
    echo_server(listener)
    thread.join(10)
    assert (thread.is_alive(), replies) == (False, [b"one", b"two", b"three"])


def test_the_echo_loop_ends_with_stalled_when_its_selector_is_not_a_context() -> None:
    listener = ListenSocket(address=("127.0.0.1", 7))
    selector = TestSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    with pytest.raises(Stalled):
        while True:
            selector.select()


# -- socketserver ------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_socketserver_tcp_server_serves_forever_until_nothing_more_can_happen() -> None:
    listener = ListenSocket()
    server = server_on(listener, socketserver.TCPServer, UpperHandler)
    client = listener.new_connection()
    client.sendall(b"hello\nworld\n")
    client.shutdown(socket.SHUT_WR)
    server.serve_forever(poll_interval=0.01)
    server.server_close()
    assert read_to_eof(client) == b"HELLO\nWORLD\n"


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_socketserver_binds_and_listens_the_in_memory_socket() -> None:
    listener = ListenSocket()
    server = server_on(listener, socketserver.TCPServer, UpperHandler)
    assert (server.server_address, listener.listen.call_count) == (("127.0.0.1", 8080), 1)
    server.server_close()


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_socketserver_serves_several_clients_in_turn() -> None:
    listener = ListenSocket()
    server = server_on(listener, socketserver.TCPServer, UpperHandler)
    clients = [listener.new_connection(seed=seed) for seed in range(3)]
    for index, client in enumerate(clients):
        client.sendall(b"client %d\n" % index)
        client.shutdown(socket.SHUT_WR)
    server.serve_forever(poll_interval=0.01)
    server.server_close()
    assert [read_to_eof(client) for client in clients] == [b"CLIENT %d\n" % i for i in range(3)]


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_handler_waiting_for_data_that_never_comes_raises_stalled() -> None:
    listener = ListenSocket()
    server = server_on(listener, socketserver.TCPServer, UpperHandler)
    client = listener.new_connection()
    client.sendall(b"no end of line and no EOF")
    with pytest.raises(Stalled, match="recv"):
        server.serve_forever(poll_interval=0.01)
    server.server_close()


@pytest.mark.usefixtures("in_memory_selectors")
def test_a_threaded_socketserver_shuts_down_on_request() -> None:
    listener = ListenSocket()
    server = server_on(listener, socketserver.TCPServer, UpperHandler)
    thread = in_thread(lambda: server.serve_forever(poll_interval=0.01))
    client = listener.new_connection()
    client.settimeout(10)
    client.sendall(b"threaded\n")
    client.shutdown(socket.SHUT_WR)
    reply = read_to_eof(client)
    server.shutdown()
    thread.join(10)
    server.server_close()
    assert (thread.is_alive(), reply) == (False, b"THREADED\n")


# -- http.server and http.client ---------------------------------------------------------------


@pytest.mark.usefixtures("in_memory_selectors")
def test_http_server_answers_http_client_in_one_thread() -> None:
    listener = ListenSocket()
    server = server_on(listener, http.server.HTTPServer, HelloHandler)
    connection = http.client.HTTPConnection("127.0.0.1", 8080)
    connection.sock = listener.new_connection(seed=1)
    connection.request("GET", "/greeting")  # only written into the socket yet
    server.serve_forever(poll_interval=0.01)  # reads it, answers, ends when idle
    response = connection.getresponse()
    # An HTTP/1.0 answer makes http.client close the socket before the body is read.
    assert (response.status, response.getheader("Content-Type")) == (200, "text/plain")
    assert response.read() == b"hello from /greeting"
    connection.close()
    server.server_close()


@pytest.mark.usefixtures("in_memory_selectors")
def test_http_client_reads_the_body_after_closing_its_connection() -> None:
    listener = ListenSocket()
    server = server_on(listener, http.server.HTTPServer, HelloHandler)
    connection = http.client.HTTPConnection("127.0.0.1", 8080)
    client = connection.sock = listener.new_connection(record=True)
    connection.request("GET", "/late")
    server.serve_forever(poll_interval=0.01)
    response = connection.getresponse()
    closed_before_body = connection.sock is None and client.close.call_count == 1
    assert (closed_before_body, response.read()) == (True, b"hello from /late")
    server.server_close()


@pytest.mark.usefixtures("in_memory_selectors")
def test_http_server_in_a_thread_answers_keep_alive_requests() -> None:
    listener = ListenSocket()
    server = server_on(listener, http.server.HTTPServer, KeepAliveHelloHandler)
    thread = in_thread(lambda: server.serve_forever(poll_interval=0.01))
    connection = http.client.HTTPConnection("127.0.0.1", 8080, timeout=10)
    client = listener.new_connection(seed=7)
    client.settimeout(10)
    connection.sock = client
    bodies = []
    try:
        for path in ("/one", "/two"):
            connection.request("GET", path)
            bodies.append(connection.getresponse().read())
    finally:
        connection.close()
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert (thread.is_alive(), bodies) == (False, [b"hello from /one", b"hello from /two"])


def test_http_client_reads_a_scripted_response_from_a_standalone_socket() -> None:
    response_bytes = (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", b"ok")
    connection = http.client.HTTPConnection("example.com", 80)
    connection.sock = sock = MockSocket(response_bytes)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert (response.read(), sock.sent.split(b"\r\n")[0]) == (b"ok", b"GET / HTTP/1.1")
