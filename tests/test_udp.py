"""In-memory datagram sockets: what has no kernel counterpart to compare with.

Seeded faults, the address space a network will replace, stalls instead of
hangs, threads, selectors, asyncio datagram endpoints under virtual time, and
the property that without faults every datagram arrives once and in order.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import io
import selectors
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockselector
from mockselector import DatagramSocket, Stalled, TestSelector, TestSelectorEventLoop, _core
from mockselector._datagram import AddressSpace

INET, INET6, UNIX, DGRAM = socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.SOCK_DGRAM


@pytest.fixture
def made() -> Iterator[list[Any]]:
    """Sockets to close after the test (they hold addresses in the address space)."""
    sockets: list[Any] = []
    yield sockets
    for sock in sockets:
        sock.close()


def pair(made: list[Any], family: int = INET, **kwargs: Any) -> tuple[Any, Any]:
    a, b = mockselector.socketpair(family, DGRAM, **kwargs)
    made += [a, b]
    return a, b


def drain(sock: Any) -> list[bytes]:
    received = []
    while True:
        try:
            received.append(sock.recv(65536, socket.MSG_DONTWAIT))
        except BlockingIOError:
            return received


# -- pairs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", [INET, INET6, UNIX])
def test_socketpair_of_sock_dgram_makes_two_connected_datagram_sockets(
        made: list[Any], family: int) -> None:
    a, b = pair(made, family)
    assert isinstance(a, DatagramSocket) and isinstance(a, socket.socket)
    assert (a.type, a.family) == (DGRAM, family)
    assert (a.getpeername(), b.getpeername()) == (b.getsockname(), a.getsockname())
    a.send(b"ping")
    b.send(b"pong")
    assert (b.recv(10), a.recv(10)) == (b"ping", b"pong")


def test_an_inet_pair_has_made_up_loopback_addresses(made: list[Any]) -> None:
    a, _ = pair(made, INET6)
    host, port, flowinfo, scope = a.getsockname()
    assert (host, port > 0, flowinfo, scope) == ("::1", True, 0, 0)


def test_stream_socketpair_rejects_datagram_faults() -> None:
    with pytest.raises(TypeError):
        mockselector.socketpair(INET, socket.SOCK_STREAM, loss=0.5)


def test_a_closed_peer_of_an_inet_pair_refuses_on_the_next_call(made: list[Any]) -> None:
    a, b = pair(made)
    b.close()
    assert a.send(b"x") == 1
    with pytest.raises(ConnectionRefusedError):
        a.send(b"x")


# -- seeded faults ----------------------------------------------------------------------------


def run_faults(made: list[Any], seed: int, **faults: float) -> tuple[list[bytes], Any]:
    a, b = pair(made, seed=seed, **faults)
    for n in range(200):
        a.send(b"%d" % n)
    return drain(b), b.faults


def test_faults_are_reproducible_from_the_seed(made: list[Any]) -> None:
    knobs = {"loss": 0.2, "duplicate": 0.1, "reorder": 0.2}
    first, _ = run_faults(made, 7, **knobs)
    second, _ = run_faults(made, 7, **knobs)
    other, _ = run_faults(made, 8, **knobs)
    assert first == second != other


def test_loss_drops_datagrams_and_counts_them(made: list[Any]) -> None:
    received, faults = run_faults(made, 1, loss=0.3)
    assert faults.lost > 0 and len(received) == 200 - faults.lost == faults.delivered
    assert received == sorted(received, key=int)  # nothing else happened


def test_duplicate_queues_copies_and_counts_them(made: list[Any]) -> None:
    received, faults = run_faults(made, 1, duplicate=0.25)
    assert faults.duplicated > 0 and len(received) == 200 + faults.duplicated
    assert sorted(set(received), key=int) == [b"%d" % n for n in range(200)]


def test_reorder_swaps_queued_datagrams_and_counts_them(made: list[Any]) -> None:
    received, faults = run_faults(made, 1, reorder=0.25)
    assert faults.reordered > 0 and sorted(received, key=int) == [b"%d" % n for n in range(200)]
    assert received != sorted(received, key=int)


def test_certain_loss_drops_everything(made: list[Any]) -> None:
    received, faults = run_faults(made, 0, loss=1.0)
    assert (received, faults.lost, faults.delivered) == ([], 200, 0)


def test_the_seed_and_knobs_are_in_the_repr(made: list[Any]) -> None:
    a, b = pair(made, seed=7, loss=0.1, reorder=0.05)
    assert "seed=7 loss=0.1 reorder=0.05" in repr(a)
    assert "seed=8" in repr(b)
    assert "seed=7" in repr(a.faults)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.1", True])
def test_a_probability_outside_zero_to_one_raises_value_error(bad: Any) -> None:
    with pytest.raises(ValueError):
        DatagramSocket(loss=bad)


def test_overflow_is_counted(made: list[Any]) -> None:
    a, b = pair(made, capacity=10000)
    for _ in range(100):
        a.send(b"x" * 1000)
    assert len(drain(b)) == 100 - b.faults.overflowed
    assert b.faults.overflowed > 80


# -- the address space ------------------------------------------------------------------------


def test_sendto_a_bound_address_delivers_there(made: list[Any]) -> None:
    server = DatagramSocket(address=("127.0.0.1", 5300))
    client = DatagramSocket()
    made += [server, client]
    client.sendto(b"q", ("localhost", 5300))
    data, address = server.recvfrom(10)
    assert (data, address) == (b"q", ("127.0.0.1", client.getsockname()[1]))


def test_close_releases_the_address(made: list[Any]) -> None:
    first = DatagramSocket(address=("127.0.0.1", 5301))
    first.close()
    second = DatagramSocket(address=("127.0.0.1", 5301))
    made.append(second)
    assert second.getsockname() == ("127.0.0.1", 5301)


def test_af_unix_sockets_bind_paths_in_memory(made: list[Any], tmp_path: Any) -> None:
    path = str(tmp_path / "server.sock")
    server = DatagramSocket(UNIX, address=path)
    client = DatagramSocket(UNIX, address=str(tmp_path / "client.sock"))
    made += [server, client]
    client.sendto(b"hi", path)
    assert server.recvfrom(10) == (b"hi", str(tmp_path / "client.sock"))
    assert not (tmp_path / "server.sock").exists()
    client.connect(path)
    client.send(b"again")
    assert server.recv(10) == b"again"
    with pytest.raises(OSError) as raised:
        DatagramSocket(UNIX, address=path)
    assert raised.value.errno == errno.EADDRINUSE


def test_broadcast_reaches_the_sockets_bound_to_the_wildcard(made: list[Any]) -> None:
    listeners = []
    for _ in range(2):
        sock = DatagramSocket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", 5302))
        listeners.append(sock)
    sender = DatagramSocket()
    made += [*listeners, sender]
    sender.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sender.sendto(b"all", ("255.255.255.255", 5302))
    assert [sock.recv(10) for sock in listeners] == [b"all", b"all"]


class RecordingSpace(AddressSpace):
    """An address space that records the lookups: what a network would route."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[Any] = []

    def lookup(self, family: int, address: Any) -> list[Any]:
        self.lookups.append(address)
        return super().lookup(family, address)


def test_sockets_route_through_the_address_space_in_core_state(made: list[Any]) -> None:
    saved = _core.state.datagrams
    _core.state.datagrams = space = RecordingSpace()
    try:
        server = DatagramSocket(address=("10.0.0.1", 53))
        client = DatagramSocket()
        made += [server, client]
        client.sendto(b"q", ("10.0.0.1", 53))
        assert server.recv(10) == b"q"
        assert space.lookups == [("10.0.0.1", 53)]
        assert ("10.0.0.1", 53) not in [key[1:] for key in saved.bound]
    finally:
        _core.state.datagrams = saved
    server.close()  # unbinds from the space it was bound in
    assert space.lookup(socket.AF_INET, ("10.0.0.1", 53)) == []
    assert not [key for key in space.bound if key[1:] == ("10.0.0.1", 53)]


def test_a_socket_nobody_refers_to_frees_its_address() -> None:
    sock = DatagramSocket(address=("127.0.0.1", 5303))
    del sock
    gc.collect()
    again = DatagramSocket(address=("127.0.0.1", 5303))
    again.close()


# -- waiting ----------------------------------------------------------------------------------


def test_a_blocking_recv_that_nothing_could_end_raises_stalled(made: list[Any]) -> None:
    _, b = pair(made)
    with pytest.raises(Stalled) as raised:
        b.recv(10)
    assert raised.value.waiter is b and "no datagram" in str(raised.value)


def test_a_blocking_recv_wakes_when_another_thread_sends(made: list[Any]) -> None:
    a, b = pair(made)

    def later() -> None:
        time.sleep(0.05)
        a.send(b"late")

    thread = threading.Thread(target=later)
    thread.start()
    try:
        assert b.recv(10) == b"late"
    finally:
        thread.join()


def test_a_blocked_af_unix_sender_stalls_when_nobody_reads(made: list[Any]) -> None:
    a, _ = pair(made, UNIX, capacity=5000)
    with pytest.raises(Stalled):
        for _ in range(100):
            a.send(b"x" * 1000)


# -- selectors --------------------------------------------------------------------------------


def test_a_selector_server_loop_answers_datagrams(made: list[Any]) -> None:
    server = DatagramSocket(address=("127.0.0.1", 0))
    clients = [DatagramSocket() for _ in range(3)]
    made += [server, *clients]
    server.setblocking(False)
    for n, client in enumerate(clients):
        client.sendto(b"%d" % n, server.getsockname())
    with TestSelector(stall_limit=3) as selector:
        selector.register(server, selectors.EVENT_READ)
        while True:  # ends with Stalled, which the selector swallows
            for _key, _events in selector.select():
                data, address = server.recvfrom(100)
                server.sendto(data * 2, address)
    assert [client.recv(10) for client in clients] == [b"00", b"11", b"22"]


# -- asyncio ----------------------------------------------------------------------------------


class Client(asyncio.DatagramProtocol):
    """Asks one question at a time, and asks again every second until the answer comes."""

    def __init__(self) -> None:
        self.answer: asyncio.Future[bytes] | None = None
        self.attempts = 0
        self.errors: list[Exception] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(data)

    def error_received(self, exc: Exception) -> None:
        self.errors.append(exc)

    async def ask(self, request: bytes) -> bytes:
        while True:
            self.attempts += 1
            self.answer = asyncio.get_running_loop().create_future()
            self.transport.sendto(request)
            try:
                return await asyncio.wait_for(self.answer, 1.0)
            except asyncio.TimeoutError:
                continue


class Server(asyncio.DatagramProtocol):
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.transport.sendto(data.upper(), addr)


def test_an_asyncio_request_response_over_lossy_udp_retries_in_virtual_time(
    virtual_time_loop: TestSelectorEventLoop,
) -> None:
    server_sock = DatagramSocket(address=("127.0.0.1", 0))
    client_sock = DatagramSocket(seed=4, loss=0.5)  # half the answers are lost
    client_sock.connect(server_sock.getsockname())

    async def main() -> list[bytes]:
        server, _ = await virtual_time_loop.create_datagram_endpoint(Server, sock=server_sock)
        transport, client = await virtual_time_loop.create_datagram_endpoint(
            Client, sock=client_sock)
        answers = [await client.ask(b"req %d" % n) for n in range(20)]
        transport.close()
        server.close()
        return answers

    start = time.monotonic()
    answers = virtual_time_loop.run_until_complete(main())
    attempts = client_sock.faults.lost + client_sock.faults.delivered
    assert answers == [b"REQ %d" % n for n in range(20)]
    assert attempts > 20 and client_sock.faults.lost == attempts - 20
    assert virtual_time_loop.time() >= attempts - 20  # one virtual second per retry
    assert time.monotonic() - start < 2.0


def test_asyncio_error_received_gets_connection_refused(
    memory_loop: TestSelectorEventLoop,
) -> None:
    sock = DatagramSocket()
    sock.connect(("127.0.0.1", 9))  # nobody is bound there

    async def main() -> list[Exception]:
        transport, protocol = await memory_loop.create_datagram_endpoint(Client, sock=sock)
        transport.sendto(b"x")
        for _ in range(3):
            await asyncio.sleep(0)
        transport.close()
        return protocol.errors

    errors = memory_loop.run_until_complete(main())
    assert [type(error) for error in errors] == [ConnectionRefusedError]


def test_asyncio_datagram_endpoint_reports_its_addresses(
    memory_loop: TestSelectorEventLoop,
) -> None:
    a, b = mockselector.socketpair(INET, DGRAM)
    expected = (a.getsockname(), b.getsockname())

    async def main() -> tuple[Any, Any]:
        transport, _ = await memory_loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=a)
        names = transport.get_extra_info("sockname"), transport.get_extra_info("peername")
        transport.close()
        await asyncio.sleep(0)
        return names

    try:
        assert memory_loop.run_until_complete(main()) == expected
    finally:
        b.close()


# -- properties -------------------------------------------------------------------------------

families = st.sampled_from([INET, INET6, UNIX])
datagrams = st.lists(st.binary(max_size=2000), max_size=60)


@settings(max_examples=60, deadline=None)
@given(family=families, payloads=datagrams, reads=st.lists(st.integers(0, 5), max_size=60))
def test_without_faults_every_datagram_arrives_once_and_in_order(
        family: int, payloads: list[bytes], reads: list[int]) -> None:
    a, b = mockselector.socketpair(family, DGRAM)
    try:
        received: list[bytes] = []
        reads_left = iter(reads)
        for payload in payloads:
            assert a.send(payload) == len(payload)
            for _ in range(next(reads_left, 0)):  # the receiver reads now and then
                try:
                    received.append(b.recv(65536, socket.MSG_DONTWAIT))
                except BlockingIOError:
                    break
        received += drain(b)
        assert received == payloads
    finally:
        a.close()
        b.close()


# -- the remembered route of the fast path ----------------------------------------------------


def test_a_new_socket_at_the_address_receives_after_the_old_one_closed(made: list[Any]) -> None:
    sender, first = DatagramSocket(), DatagramSocket(address=("127.0.0.1", 5304))
    made.append(sender)
    sender.sendto(b"1", ("127.0.0.1", 5304))
    first.close()
    second = DatagramSocket(address=("127.0.0.1", 5304))
    made.append(second)
    sender.sendto(b"2", ("127.0.0.1", 5304))
    assert second.recv(10) == b"2"


def test_a_receiver_that_connects_elsewhere_stops_receiving(made: list[Any]) -> None:
    sender, receiver = DatagramSocket(), DatagramSocket(address=("127.0.0.1", 0))
    made += [sender, receiver]
    sender.sendto(b"1", receiver.getsockname())
    receiver.connect(("127.0.0.1", 9))
    sender.sendto(b"2", receiver.getsockname())
    receiver.setblocking(False)
    assert drain(receiver) == [b"1"]


def test_a_closed_sender_cannot_send_along_its_last_route(made: list[Any]) -> None:
    sender, receiver = DatagramSocket(), DatagramSocket(address=("127.0.0.1", 0))
    made.append(receiver)
    sender.sendto(b"1", receiver.getsockname())
    sender.close()
    with pytest.raises(OSError) as raised:
        sender.sendto(b"2", receiver.getsockname())
    assert raised.value.errno == errno.EBADF


def test_a_pending_error_is_raised_before_a_send_along_a_route(made: list[Any]) -> None:
    sock, other = DatagramSocket(), DatagramSocket(address=("127.0.0.1", 0))
    made += [sock, other]
    sock.sendto(b"1", other.getsockname())
    sock.connect(("127.0.0.1", 9))
    sock.send(b"nobody")
    with pytest.raises(ConnectionRefusedError):
        sock.sendto(b"2", other.getsockname())


def test_a_replaced_address_space_routes_anew(made: list[Any]) -> None:
    sender, receiver = DatagramSocket(), DatagramSocket(address=("127.0.0.1", 5305))
    made += [sender, receiver]
    sender.sendto(b"1", ("127.0.0.1", 5305))
    saved = _core.state.datagrams
    _core.state.datagrams = AddressSpace()  # nobody is bound in this one
    try:
        sender.sendto(b"2", ("127.0.0.1", 5305))
    finally:
        _core.state.datagrams = saved
    receiver.setblocking(False)
    assert drain(receiver) == [b"1"]


@pytest.mark.parametrize(("address", "family"), [
    (("127.0.0.1", 0), INET), (("::1", 0, 0, 0), INET6), ("/run/mockselector-test.sock", UNIX)])
def test_the_family_follows_the_address(address: Any, family: int) -> None:
    sock = DatagramSocket(address=address)
    try:
        assert sock.family == family
    finally:
        sock.close()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="loop.sock_recvfrom is new in 3.11")
def test_asyncio_sock_sendto_and_sock_recvfrom_wait_for_datagrams(
    virtual_time_loop: TestSelectorEventLoop,
) -> None:
    a, b = mockselector.socketpair(INET, DGRAM)
    a.setblocking(False)
    b.setblocking(False)

    async def main() -> Any:
        waiting = asyncio.ensure_future(virtual_time_loop.sock_recvfrom(b, 100))
        await asyncio.sleep(1)
        await virtual_time_loop.sock_sendto(a, b"hi", b.getsockname())
        return await waiting

    try:
        assert virtual_time_loop.run_until_complete(main()) == (b"hi", a.getsockname())
    finally:
        a.close()
        b.close()


def test_sendfile_is_for_stream_sockets_only(made: list[Any]) -> None:
    real = socket.socket(INET, DGRAM)
    ours = DatagramSocket()
    made += [real, ours]
    for sock in (real, ours):
        with pytest.raises(ValueError):
            sock.sendfile(io.BytesIO(b"x"))


class TracingSpace(AddressSpace):
    """A space that sees every datagram, as a network with conditions or a trace must."""

    direct = False

    def __init__(self) -> None:
        super().__init__()
        self.trace: list[tuple[bytes, Any]] = []

    def deliver(self, receiver: Any, data: bytes, source: Any) -> None:
        self.trace.append((data, source))
        if data != b"drop":
            super().deliver(receiver, data, source)


def test_a_space_that_is_not_direct_sees_every_datagram(made: list[Any]) -> None:
    saved = _core.state.datagrams
    _core.state.datagrams = space = TracingSpace()
    try:
        a, b = pair(made)
        for data in (b"1", b"drop", b"2", b"3"):
            a.send(data)
        b.setblocking(False)
        assert drain(b) == [b"1", b"2", b"3"]
        assert [data for data, _ in space.trace] == [b"1", b"drop", b"2", b"3"]
    finally:
        _core.state.datagrams = saved


def test_create_datagram_endpoint_by_address_needs_only_a_socket_stand_in(
    memory_loop: TestSelectorEventLoop,
) -> None:
    # What a network installs: socket.socket(..., SOCK_DGRAM) makes an in-memory socket.
    real = socket.socket

    def stand_in(family: int = INET, type: int = socket.SOCK_STREAM, proto: int = 0,
                 fileno: Any = None) -> Any:
        return DatagramSocket(family) if type == DGRAM else real(family, type, proto, fileno)

    class Recorder(asyncio.DatagramProtocol):
        def __init__(self) -> None:
            self.received: list[tuple[bytes, Any]] = []

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.received.append((data, addr))


    async def main() -> tuple[list[tuple[bytes, Any]], Any]:
        with mock.patch("socket.socket", stand_in):
            server, protocol = await memory_loop.create_datagram_endpoint(
                Recorder, local_addr=("127.0.0.1", 0))
            client, _ = await memory_loop.create_datagram_endpoint(
                Recorder, remote_addr=server.get_extra_info("sockname"))
        client.sendto(b"hi")
        for _ in range(3):  # the reader runs once the selector reported the datagram
            await asyncio.sleep(0)
        sent_from = client.get_extra_info("sockname")
        client.close()
        server.close()
        await asyncio.sleep(0)
        return protocol.received, sent_from

    received, sent_from = memory_loop.run_until_complete(main())
    assert received == [(b"hi", sent_from)]


def test_datagrams_from_several_threads_each_arrive_once(made: list[Any]) -> None:
    # Room for all 400 (the default buffer would drop some, as the kernel's does).
    receiver = DatagramSocket(address=("127.0.0.1", 0), capacity=1 << 20)
    made.append(receiver)
    address = receiver.getsockname()

    def send(thread: int) -> None:
        sock = DatagramSocket()
        for n in range(100):
            sock.sendto(b"%d:%d" % (thread, n), address)
        sock.close()

    threads = [threading.Thread(target=send, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    received = [receiver.recv(100) for _ in range(400)]  # blocks while senders run
    for thread in threads:
        thread.join()
    assert sorted(received) == sorted(b"%d:%d" % (t, n) for t in range(4) for n in range(100))
    for t in range(4):  # each sender's datagrams in its order
        mine = [data for data in received if data.startswith(b"%d:" % t)]
        assert mine == [b"%d:%d" % (t, n) for n in range(100)]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), loss=st.floats(0, 1), duplicate=st.floats(0, 1),
       reorder=st.floats(0, 1), count=st.integers(0, 50))
def test_the_same_seed_gives_the_same_faults(seed: int, loss: float, duplicate: float,
                                             reorder: float, count: int) -> None:
    runs = []
    for _ in range(2):
        a, b = mockselector.socketpair(INET, DGRAM, seed=seed, loss=loss,
                                       duplicate=duplicate, reorder=reorder)
        try:
            for n in range(count):
                a.send(b"%d" % n)
            b.setblocking(False)
            faults = b.faults
            runs.append((drain(b), faults.lost, faults.duplicated, faults.reordered))
        finally:
            a.close()
            b.close()
    assert runs[0] == runs[1]
    received, lost, duplicated, _ = runs[0]
    assert len(received) == count - lost + duplicated
