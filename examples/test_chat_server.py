"""Tests of chat_server.py: the same server, scripted and in memory."""

from __future__ import annotations

import pytest
from chat_server import ChatServer

from mockselector import ListenSocket, MockSelector, MockSocket, TestSelector

ADDRESS = ("127.0.0.1", 8000)


def run_until_idle(server: ChatServer) -> None:
    """Handle events until none is ready."""
    while server.handle_events(timeout=0):
        pass


# -- in memory: the test plays the clients ------------------------------------------------

def test_a_line_is_relayed_to_the_other_clients() -> None:
    listener = ListenSocket(address=ADDRESS)
    server = ChatServer(listener, TestSelector())
    alice, bob = listener.new_connection(), listener.new_connection()

    alice.sendall(b"alice\n")
    bob.sendall(b"bob\n")
    run_until_idle(server)
    alice.sendall(b"hello bob\n")
    run_until_idle(server)

    assert alice.recv(1024) == b"* bob joined\n"
    assert bob.recv(1024) == b"alice: hello bob\n"


def test_the_server_loop_ends_when_nothing_more_can_happen() -> None:
    listener = ListenSocket(address=ADDRESS)
    selector = TestSelector()
    server = ChatServer(listener, selector)
    bob = listener.new_connection()
    bob.sendall(b"bob\n")
    run_until_idle(server)
    alice = listener.new_connection()
    alice.sendall(b"alice\nbye\n")
    alice.close()

    with selector:          # swallows the Stalled that ends serve_forever()
        server.serve_forever()

    assert bob.recv(1024) == b"* alice joined\nalice: bye\n* alice left\n"


# -- scripted (mockselector 0.2 style): the test dictates every event ----------------------

def test_scripted_session() -> None:
    alice = MockSocket([b"alice\n", b"hi\n"])   # what alice's recv() returns, then EOF
    bob = MockSocket([b"bob\n"])
    listener = ListenSocket([alice, bob], address=ADDRESS)
    selector = MockSelector([listener, alice, listener, bob, alice, alice])

    with selector:                          # swallows the end of the script
        ChatServer(listener, selector).serve_forever()

    assert bob.sent == b"alice: hi\n* alice left\n"
    assert alice.sent == b"* bob joined\n"
    alice.close.assert_called_once_with()


# -- faults and fragmentation ---------------------------------------------------------------

def joined(listener: ListenSocket, server: ChatServer, *names: bytes, **options: int):
    """Connect one client per name, and let each say its name."""
    clients = []
    for name in names:
        client = listener.new_connection(**options)
        client.sendall(name + b"\n")
        run_until_idle(server)
        clients.append(client)
    return clients


@pytest.mark.parametrize("seed", range(20))
def test_lines_split_anywhere_are_reassembled(seed: int) -> None:
    listener = ListenSocket(address=ADDRESS)
    server = ChatServer(listener, TestSelector())
    alice, bob = joined(listener, server, b"alice", b"bob", seed=seed)
    bob.setblocking(False)
    received = bytearray()
    for line in (b"first line\n", b"second\n", b"third and last\n"):
        alice.sendall(line)          # alice's socket sends random-length prefixes,
        run_until_idle(server)       # the server's ends recv and send random lengths
        while True:
            try:
                received += bob.recv(1024)
            except BlockingIOError:
                break

    assert received == b"alice: first line\nalice: second\nalice: third and last\n"


def test_a_reset_connection_leaves_the_room() -> None:
    listener = ListenSocket(address=ADDRESS)
    server = ChatServer(listener, TestSelector())
    alice, bob = joined(listener, server, b"alice", b"bob")
    alice.recv(1024)                 # * bob joined

    bob.reset()                      # the server's next recv() on bob raises ConnectionResetError
    run_until_idle(server)

    assert alice.recv(1024) == b"* bob left\n"
    assert len(server.clients) == 1


def test_a_message_larger_than_the_send_window_is_sent_in_parts() -> None:
    listener = ListenSocket(address=ADDRESS)
    server = ChatServer(listener, TestSelector())
    (alice,) = joined(listener, server, b"alice")
    (bob,) = joined(listener, server, b"bob", capacity=16)   # bob's receive buffer: 16 bytes
    alice.recv(1024)

    alice.sendall(b"x" * 100 + b"\n")
    run_until_idle(server)
    received = bob.recv(1024)            # only what fitted in bob's buffer
    assert received == b"alice: xxxxxxxxx"
    while len(received) < 108:
        run_until_idle(server)           # bob's end is writable again: the server sends more
        received += bob.recv(1024)

    assert received == b"alice: " + b"x" * 100 + b"\n"


def test_a_client_that_does_not_read_is_dropped() -> None:
    listener = ListenSocket(address=ADDRESS)
    server = ChatServer(listener, TestSelector(), max_queue=1000)
    (alice,) = joined(listener, server, b"alice")
    (bob,) = joined(listener, server, b"bob", capacity=100)

    for _ in range(20):              # bob never reads: 20 * 59 bytes > 100 + 1000
        alice.sendall(b"a line of fifty bytes, give or take, to fill the queue\n")
        run_until_idle(server)

    assert [client.name for client in server.clients.values()] == [b"alice"]
    assert bob.recv(1024).startswith(b"alice: a line")   # bob's buffer, then EOF...
    assert alice.recv(4096).endswith(b"* bob left\n")
