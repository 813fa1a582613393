"""UDP on the virtual network: datagram sockets by address and by name, policy, pollers, asyncio.

The datagram behaviour itself (boundaries, truncation, errors, readiness) is
checked against the kernel by ``test_udp_behaviour.py``, which runs on the
network's sockets too; this file checks what the network adds.
"""

from __future__ import annotations

import asyncio
import errno
import select
import selectors
import socket
from collections.abc import Iterator
from typing import Any

import pytest

import mockselector
from mockselector import Network

INET, INET6, DGRAM = socket.AF_INET, socket.AF_INET6, socket.SOCK_DGRAM


@pytest.fixture
def net() -> Iterator[Network]:
    with Network() as network:
        network.add_host("dns.internal", "10.0.0.53", "fd00::53")
        yield network


def udp(family: int = INET) -> Any:
    sock = socket.socket(family, DGRAM)
    sock.settimeout(2.0)
    return sock


def test_a_datagram_socket_of_the_network_is_in_memory(net: Network) -> None:
    sock = udp()
    assert isinstance(sock, mockselector.DatagramSocket) and isinstance(sock, socket.socket)
    assert sock.fileno() >= mockselector.descriptors.SOCKET_FD_BASE
    assert sock.type == DGRAM and sock.family == INET


def test_bind_to_port_0_takes_an_ephemeral_port_of_the_network(net: Network) -> None:
    sock = udp()
    sock.bind(("10.0.0.53", 0))
    host, port = sock.getsockname()
    assert host == "10.0.0.53" and port in range(32768, 61000)


def test_sendto_by_name_reaches_the_socket_bound_there_with_the_senders_address(
        net: Network) -> None:
    server, client = udp(), udp()
    server.bind(("10.0.0.53", 53))
    client.bind(("127.0.0.1", 0))
    assert client.sendto(b"query", ("dns.internal", 53)) == 5
    data, source = server.recvfrom(512)
    assert (data, source) == (b"query", client.getsockname())
    server.sendto(b"answer", source)
    assert client.recvfrom(512) == (b"answer", ("10.0.0.53", 53))


def test_a_wildcard_socket_receives_on_every_address_of_the_network(net: Network) -> None:
    server, client = udp(), udp()
    server.bind(("0.0.0.0", 5000))
    for host in ("dns.internal", "10.0.0.53", "localhost", "127.0.0.1"):
        client.sendto(host.encode(), (host, 5000))
        assert server.recv(100) == host.encode()


def test_udp_and_tcp_ports_are_apart(net: Network) -> None:
    tcp = socket.create_server(("127.0.0.1", 0))
    sock = udp()
    sock.bind(tcp.getsockname())  # the same number: another port space
    other = udp()
    with pytest.raises(OSError) as info:
        other.bind(tcp.getsockname())
    assert info.value.errno == errno.EADDRINUSE
    assert net._lookup(DGRAM, INET, "127.0.0.1", sock.getsockname()[1]) is sock


def test_connect_by_name_sets_the_peer_and_filters_other_senders(net: Network) -> None:
    server, client, stranger = udp(), udp(), udp()
    server.bind(("10.0.0.53", 53))
    client.connect(("dns.internal", 53))
    assert client.getpeername() == ("10.0.0.53", 53)
    stranger.sendto(b"noise", client.getsockname())
    server.sendto(b"answer", client.getsockname())
    assert client.recv(100) == b"answer"  # the stranger's datagram was not kept
    client.send(b"query")
    assert server.recvfrom(100) == (b"query", client.getsockname())


def test_a_connected_socket_is_refused_when_nobody_is_bound_at_its_peer(net: Network) -> None:
    client = udp()
    client.connect(("dns.internal", 53))
    client.send(b"query")
    with pytest.raises(ConnectionRefusedError):
        client.recv(100)
    assert client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0  # reported once


def test_an_unknown_name_fails_at_once_naming_it(net: Network) -> None:
    sock = udp()
    with pytest.raises(socket.gaierror, match=r"nowhere\.internal.*add_host"):
        sock.sendto(b"x", ("nowhere.internal", 53))
    with pytest.raises(socket.gaierror):
        sock.connect(("nowhere.internal", 53))
    with pytest.raises(socket.gaierror):
        sock.connect_ex(("nowhere.internal", 53))


def test_an_address_not_on_the_network_is_unreachable(net: Network) -> None:
    sock = udp()
    with pytest.raises(OSError, match=r"192\.0\.2\.1.*add_host") as info:
        sock.sendto(b"x", ("192.0.2.1", 53))
    assert info.value.errno == errno.ENETUNREACH
    with pytest.raises(OSError) as info:
        udp().bind(("192.0.2.1", 53))
    assert info.value.errno == errno.EADDRNOTAVAIL


def test_an_allowed_destination_does_not_take_datagrams_to_the_real_network() -> None:
    with Network(allow=["192.0.2.1:53"]):
        with pytest.raises(OSError, match="datagrams do not go to real destinations") as info:
            udp().sendto(b"x", ("192.0.2.1", 53))
        assert info.value.errno == errno.ENETUNREACH


def test_ipv6_by_name_and_an_ipv6_wildcard_receiving_ipv4(net: Network) -> None:
    server, client = udp(INET6), udp(INET6)
    server.bind(("fd00::53", 0))
    port = server.getsockname()[1]
    client.bind(("::1", 0))
    client.sendto(b"six", ("dns.internal", port))
    assert server.recvfrom(100) == (b"six", client.getsockname())
    assert client.getsockname()[0] == "::1" and len(client.getsockname()) == 4
    dual = udp(INET6)
    dual.bind(("::", 0))
    v4 = udp()
    v4.bind(("127.0.0.1", 0))
    v4.sendto(b"four", ("127.0.0.1", dual.getsockname()[1]))
    assert dual.recvfrom(100) == (b"four", ("::ffff:127.0.0.1", v4.getsockname()[1], 0, 0))


@pytest.mark.parametrize("kind", ["select", "poll", "epoll", "selector"])
def test_pollers_see_datagram_readiness(net: Network, kind: str) -> None:
    if kind != "select" and not hasattr(select, kind) and kind != "selector":
        pytest.skip(f"no select.{kind} here")
    server, client = udp(), udp()
    server.bind(("127.0.0.1", 0))

    def readable() -> bool:
        if kind == "select":
            return select.select([server], [], [], 0)[0] == [server]
        if kind == "selector":
            with selectors.DefaultSelector() as selector:
                selector.register(server, selectors.EVENT_READ)
                return bool(selector.select(0))
        poller = getattr(select, kind)()
        flag = select.POLLIN if kind == "poll" else select.EPOLLIN
        poller.register(server.fileno(), flag)
        events = poller.poll(0)
        return bool(events and events[0][1] & flag)

    assert not readable()
    client.sendto(b"x", server.getsockname())
    assert readable()
    server.recv(10)
    assert not readable()


def test_closing_frees_the_port_and_forgets_the_socket(net: Network) -> None:
    sock = udp()
    sock.bind(("127.0.0.1", 6000))
    fd = sock.fileno()
    sock.close()
    assert fd not in net._sources and 6000 not in net._ports
    udp().bind(("127.0.0.1", 6000))


def test_af_unix_datagrams_live_in_the_networks_namespace(net: Network, tmp_path: Any) -> None:
    path = str(tmp_path / "log.sock")
    server = socket.socket(socket.AF_UNIX, DGRAM)
    server.bind(path)
    client = socket.socket(socket.AF_UNIX, DGRAM)
    client.sendto(b"line", path)
    assert server.recv(100) == b"line"
    assert not (tmp_path / "log.sock").exists()
    a, b = socket.socketpair(socket.AF_UNIX, DGRAM)
    a.send(b"pair")
    assert b.recv(10) == b"pair"


def test_the_address_space_is_the_networks_only_inside_the_scope() -> None:
    before = mockselector._core.state.datagrams
    with Network() as net:
        assert mockselector._core.state.datagrams is net._datagram_space
    assert mockselector._core.state.datagrams is before


def test_network_faults_lose_datagrams_reproducibly() -> None:
    def run() -> tuple[list[bytes], int, int]:
        with Network() as net:
            faults = net.datagram_faults(seed=42, loss=0.3, duplicate=0.1)
            server, client = udp(), udp()
            server.bind(("127.0.0.1", 0))
            for n in range(200):
                client.sendto(b"%d" % n, server.getsockname())
            got = []
            server.setblocking(False)
            while True:
                try:
                    got.append(server.recv(10))
                except BlockingIOError:
                    return got, faults.lost, faults.duplicated
    first, second = run(), run()
    assert first == second  # the same seed, the same faults
    got, lost, duplicated = first
    assert 30 < lost < 90 and duplicated > 0
    assert len(got) == 200 - lost + duplicated


# -- asyncio ---------------------------------------------------------------------------------


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.transport.sendto(data.upper(), addr)


class Client(asyncio.DatagramProtocol):
    """Sends a request and retries it every second until an answer comes."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.answer: asyncio.Future[tuple[bytes, Any]] = \
            asyncio.get_running_loop().create_future()
        self.sent = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if not self.answer.done():
            self.answer.set_result((data, addr))

    async def ask(self, timeout: float = 1.0, tries: int = 50) -> tuple[bytes, Any]:
        for _ in range(tries):
            self.sent += 1
            self.transport.sendto(self.request)
            try:
                return await asyncio.wait_for(asyncio.shield(self.answer), timeout)
            except asyncio.TimeoutError:
                continue
        raise AssertionError("no answer")


def test_asyncio_datagram_endpoints_by_name_on_the_networks_loop(net: Network) -> None:
    async def main() -> tuple[bytes, Any]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, mockselector.TestSelectorEventLoop)
        server, _ = await loop.create_datagram_endpoint(Echo, local_addr=("dns.internal", 53))
        transport, client = await loop.create_datagram_endpoint(
            lambda: Client(b"ping"), local_addr=("localhost", 0),
            remote_addr=("dns.internal", 53))
        assert transport.get_extra_info("peername") == ("10.0.0.53", 53)
        try:
            return await client.ask()
        finally:
            transport.close()
            server.close()

    assert asyncio.run(main()) == (b"PING", ("10.0.0.53", 53))


def test_a_protocol_that_retries_gets_through_loss_under_virtual_time() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("echo.internal", "10.0.0.7")
        faults = net.datagram_faults(seed=3, loss=0.6)

        async def main() -> tuple[tuple[bytes, Any], int, float]:
            loop = asyncio.get_running_loop()
            server, _ = await loop.create_datagram_endpoint(
                Echo, local_addr=("10.0.0.7", 7))
            transport, client = await loop.create_datagram_endpoint(
                lambda: Client(b"ping"), remote_addr=("echo.internal", 7))
            try:
                return await client.ask(timeout=1.0), client.sent, loop.time()
            finally:
                transport.close()
                server.close()

        answer, sent, elapsed = asyncio.run(main())
    assert answer == (b"PING", ("10.0.0.7", 7))
    assert faults.lost >= 1 and sent > 1
    assert elapsed == pytest.approx(sent - 1)  # one virtual second per lost try
