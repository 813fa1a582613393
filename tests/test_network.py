"""The virtual network: scope, DNS, sockets by address, pollers, asyncio, policy."""

from __future__ import annotations

import asyncio
import errno
import http.client
import http.server
import os
import select
import selectors
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import mockselector
from mockselector import Network, Stalled, TestSelectorEventLoop, new_event_loop

# -- the scope ------------------------------------------------------------------------------


def _patched_names() -> dict[str, Any]:
    names = {f"socket.{name}": getattr(socket, name) for name in (
        "socket", "socketpair", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
        "gethostbyaddr", "getnameinfo", "create_connection", "create_server")}
    names.update({f"select.{name}": getattr(select, name) for name in ("select", "poll", "epoll")
                  if hasattr(select, name)})
    names["SelectSelector._select"] = vars(selectors.SelectSelector)["_select"]
    names["PollSelector._selector_cls"] = selectors.PollSelector._selector_cls
    names["EpollSelector._selector_cls"] = selectors.EpollSelector._selector_cls
    names["DefaultSelector"] = selectors.DefaultSelector
    names["os.sendfile"] = os.sendfile
    names["selectors._fileobj_to_fd"] = selectors._fileobj_to_fd  # type: ignore[attr-defined]
    names["policy._loop_factory"] = vars(asyncio.DefaultEventLoopPolicy).get("_loop_factory")
    names["ssl.SSLContext.load_default_certs"] = vars(ssl.SSLContext)["load_default_certs"]
    names["ssl.SSLContext.sslsocket_class"] = ssl.SSLContext.sslsocket_class
    names["ssl.create_default_context"] = ssl.create_default_context
    names["_core.state.datagrams"] = mockselector._core.state.datagrams
    return names


def test_after_the_scope_every_patched_name_is_the_original_object() -> None:
    before = _patched_names()
    with Network():
        inside = _patched_names()
    after = _patched_names()
    assert all(after[name] is before[name] for name in before)
    assert inside["socket.socket"] is not before["socket.socket"]
    assert inside["select.select"] is not before["select.select"]
    assert inside["ssl.SSLContext.load_default_certs"] is not \
        before["ssl.SSLContext.load_default_certs"]
    assert inside["_core.state.datagrams"] is not before["_core.state.datagrams"]


def test_the_scope_is_restored_when_the_block_raises() -> None:
    before = _patched_names()
    with pytest.raises(ZeroDivisionError), Network():
        1 / 0  # noqa: B018
    assert all(_patched_names()[name] is before[name] for name in before)
    assert mockselector._core.state.network is None


def test_networks_do_not_nest() -> None:
    with Network() as outer:
        with pytest.raises(RuntimeError, match="already active"), Network():
            pass
        assert mockselector._core.state.network is outer
    assert mockselector._core.state.network is None


def test_the_active_network_is_registered_in_the_core_state() -> None:
    net = Network()
    with net:
        assert mockselector._core.state.network is net
    assert mockselector._core.state.network is None


def test_isinstance_holds_for_real_and_in_memory_sockets() -> None:
    real = socket.socket()
    try:
        with Network():
            memory = socket.socket()
            assert isinstance(memory, socket.socket)
            assert isinstance(real, socket.socket)
            assert isinstance(memory.fileno(), mockselector.FileDescriptor)
            memory.close()
    finally:
        real.close()


def test_a_socket_from_a_real_descriptor_stays_real() -> None:
    a, b = socket.socketpair()
    with Network():
        c = socket.socket(fileno=os.dup(a.fileno()))
        assert type(c.fileno()) is int
        c.close()
    a.close()
    b.close()


# -- DNS ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("network")
def test_localhost_and_loopback_addresses_exist_by_default() -> None:
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    addresses = {info[4][0] for info in socket.getaddrinfo("localhost", 80)}
    assert addresses == {"127.0.0.1", "::1"}
    assert socket.gethostbyaddr("::1")[0] == "localhost"


def test_an_unknown_name_raises_gaierror_naming_it_and_the_remedy() -> None:
    with Network(), pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("db.internal", 5432)
    assert info.value.errno == socket.EAI_NONAME
    assert "db.internal" in str(info.value) and "add_host" in str(info.value)


@pytest.mark.parametrize("args", [
    ("127.0.0.1", 80), ("::1", "80"), ("127.0.0.1", None, 0, socket.SOCK_STREAM),
    (None, 80, 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE),
    (None, 80, socket.AF_INET, socket.SOCK_STREAM),
    ("127.0.0.1", 53, 0, socket.SOCK_DGRAM, 0, socket.AI_CANONNAME),
])
def test_getaddrinfo_answers_numeric_hosts_as_the_kernel_does(args: tuple[Any, ...]) -> None:
    kernel = socket.getaddrinfo(*args)
    with Network():
        assert socket.getaddrinfo(*args) == kernel


def test_getaddrinfo_entries_have_the_kernels_shape() -> None:
    kernel = socket.getaddrinfo("127.0.0.1", 80)
    with Network():
        memory = socket.getaddrinfo("127.0.0.1", 80)
        assert memory == kernel
        assert socket.getaddrinfo("127.0.0.1", "http", type=socket.SOCK_STREAM) == \
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))]
        with pytest.raises(socket.gaierror) as info:
            socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET6)
        assert info.value.errno == socket.EAI_ADDRFAMILY


def test_resolver_functions_answer_from_added_hosts(network: Network) -> None:
    network.add_host("db.internal", "10.0.0.7", "fd00::7")
    assert socket.gethostbyname("db.internal") == "10.0.0.7"
    assert socket.gethostbyname_ex("db.internal") == ("db.internal", [], ["10.0.0.7"])
    assert socket.gethostbyaddr("fd00::7") == ("db.internal", [], ["fd00::7"])
    assert socket.getnameinfo(("10.0.0.7", 80), 0) == ("db.internal", "http")
    assert socket.getnameinfo(("10.0.0.7", 80), socket.NI_NUMERICHOST
                              | socket.NI_NUMERICSERV) == ("10.0.0.7", "80")
    infos = socket.getaddrinfo("db.internal", 5432, type=socket.SOCK_STREAM)
    assert [info[4] for info in infos] == [("10.0.0.7", 5432), ("fd00::7", 5432, 0, 0)]
    assert network.hosts["db.internal"] == ("10.0.0.7", "fd00::7")
    with pytest.raises(socket.herror):
        socket.gethostbyaddr("10.0.0.99")


# -- sockets by address: the kernel is the oracle -------------------------------------------


@pytest.fixture(params=["kernel", "network"])
def where(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a behaviour on kernel loopback sockets, then inside a Network."""
    if request.param == "kernel":
        yield "kernel"
    else:
        with Network():
            yield "network"


def _errno_of(call: Any) -> int | None:
    try:
        call()
    except OSError as error:
        return error.errno
    return None


def test_bind_and_listen_misuse_errors_match_the_kernel(where: str) -> None:
    first = socket.socket()
    first.bind(("127.0.0.1", 0))
    first.listen()
    port = first.getsockname()[1]
    second = socket.socket()
    second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    assert _errno_of(lambda: second.bind(("127.0.0.1", port))) == errno.EADDRINUSE
    assert _errno_of(lambda: first.bind(("127.0.0.1", 0))) == errno.EINVAL
    assert _errno_of(lambda: first.connect(("127.0.0.1", port))) == errno.EISCONN
    assert _errno_of(second.accept) == errno.EINVAL
    assert _errno_of(lambda: second.recv(1)) == errno.ENOTCONN
    assert _errno_of(lambda: second.send(b"x")) == errno.EPIPE
    assert _errno_of(second.getpeername) == errno.ENOTCONN
    first.close()
    second.bind(("127.0.0.1", port))  # free again once the listener is closed
    second.close()


def test_reuseaddr_lets_a_socket_bind_beside_one_that_does_not_listen(where: str) -> None:
    first, second = socket.socket(), socket.socket()
    for sock in (first, second):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    first.bind(("127.0.0.1", 0))
    second.bind(first.getsockname())
    first.close()
    second.close()


def test_connect_misuse_errors_match_the_kernel(where: str) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    client = socket.socket()
    with pytest.raises(OverflowError):
        client.connect(("127.0.0.1", 70000))
    with pytest.raises(socket.gaierror):
        client.connect(("::1", server.getsockname()[1]))
    client.connect(server.getsockname())
    assert client.getsockname()[0] == "127.0.0.1" and client.getsockname()[1] > 0
    assert client.getpeername() == server.getsockname()
    assert client.connect_ex(server.getsockname()) == errno.EISCONN
    assert _errno_of(lambda: client.bind(("127.0.0.1", 0))) == errno.EINVAL
    assert _errno_of(client.listen) == errno.EINVAL
    conn, address = server.accept()
    assert address == client.getsockname() == conn.getpeername()
    assert conn.getsockname() == server.getsockname()
    for sock in (client, conn, server):
        sock.close()


def test_nobody_listening_refuses(where: str) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    client = socket.socket()
    with pytest.raises(ConnectionRefusedError):
        client.connect(("127.0.0.1", port))
    assert client.getsockname()[1] != 0  # bound to an ephemeral port on the way
    with socket.socket() as other:
        assert other.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED
    nonblocking = socket.socket()
    nonblocking.setblocking(False)
    assert nonblocking.connect_ex(("127.0.0.1", port)) == errno.EINPROGRESS
    select.select([], [nonblocking], [], 5)
    assert nonblocking.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
    for sock in (client, nonblocking):
        sock.close()


def test_nonblocking_connect_is_in_progress_then_writable(where: str) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.socket()
    client.setblocking(False)
    assert client.connect_ex(server.getsockname()) == errno.EINPROGRESS
    _, writable, _ = select.select([], [client], [], 5)
    assert writable == [client]
    assert client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    assert client.connect_ex(server.getsockname()) == 0  # once: the connect completed
    assert client.connect_ex(server.getsockname()) == errno.EISCONN
    conn, _ = server.accept()
    client.send(b"x")
    assert conn.recv(1) == b"x"
    for sock in (client, conn, server):
        sock.close()


def test_a_full_accept_queue_holds_backlog_plus_one(where: str) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    clients = [socket.create_connection(server.getsockname(), timeout=5) for _ in range(2)]
    late = socket.socket()
    late.settimeout(0.2)
    with pytest.raises(socket.timeout):
        late.connect(server.getsockname())
    for sock in [*clients, late, server]:
        sock.close()


def test_listen_on_an_unbound_socket_binds_an_ephemeral_port(where: str) -> None:
    sock = socket.socket()
    sock.listen()
    assert sock.getsockname()[0] == "0.0.0.0" and sock.getsockname()[1] > 0
    sock.close()


def test_unix_paths_live_in_the_networks_namespace(tmp_path: Any) -> None:
    path = str(tmp_path / "server.sock")
    with Network():
        server = socket.socket(socket.AF_UNIX)
        server.bind(path)
        server.listen()
        assert not os.path.exists(path)
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        conn, address = server.accept()
        assert (address, conn.getsockname(), client.getpeername()) == ("", path, path)
        with pytest.raises(FileNotFoundError):
            socket.socket(socket.AF_UNIX).connect(path + ".missing")
        for sock in (client, conn, server):
            sock.close()


def test_ipv6_listeners_and_clients(network: Network) -> None:
    network.add_host("v6.test", "fd00::1")
    server = socket.create_server(("fd00::1", 0), family=socket.AF_INET6)
    port = server.getsockname()[1]
    client = socket.create_connection(("v6.test", port))
    conn, address = server.accept()
    assert client.getpeername() == ("fd00::1", port, 0, 0)
    assert address == client.getsockname()
    for sock in (client, conn, server):
        sock.close()


@pytest.mark.usefixtures("network")
def test_a_dual_stack_listener_sees_ipv4_clients_as_mapped_addresses() -> None:
    server = socket.create_server(("", 0), family=socket.AF_INET6, dualstack_ipv6=True)
    client = socket.create_connection(("127.0.0.1", server.getsockname()[1]))
    conn, address = server.accept()
    assert address[0] == "::ffff:127.0.0.1"
    for sock in (client, conn, server):
        sock.close()


def test_socketpair_inside_a_network_is_in_memory() -> None:
    with Network() as net:
        a, b = socket.socketpair()
        assert isinstance(a.fileno(), mockselector.FileDescriptor)
        a.sendall(b"ping")
        assert b.recv(10) == b"ping"
        assert net.connections[0].bytes_to_server == 4


# -- strict by default ----------------------------------------------------------------------


@pytest.mark.usefixtures("network")
def test_an_address_not_on_the_network_fails_at_once_naming_it() -> None:
    with pytest.raises(OSError) as info:
        socket.create_connection(("192.0.2.1", 80))
    assert info.value.errno == errno.ENETUNREACH
    assert "192.0.2.1" in str(info.value) and "add_host" in str(info.value)
    assert "allow" in str(info.value)
    with pytest.raises(OSError) as bound:
        socket.socket().bind(("192.0.2.1", 80))
    assert bound.value.errno == errno.EADDRNOTAVAIL


def _real_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_no_real_socket_is_made_for_traffic_inside_the_network(network: Network) -> None:
    network.add_host("db.internal", "10.0.0.7")
    before = _real_descriptors()
    server = socket.create_server(("10.0.0.7", 5432))
    clients = [socket.create_connection(("db.internal", 5432)) for _ in range(5)]
    accepted = [server.accept()[0] for _ in clients]
    pair = socket.socketpair()
    poller = select.poll()
    for sock in clients:
        poller.register(sock, select.POLLIN)
    assert _real_descriptors() == before  # poll() holds no descriptor
    for sock in [*clients, *accepted, *pair, server]:
        sock.close()


def test_allowed_destinations_use_real_sockets() -> None:
    real_server = socket.create_server(("127.0.0.1", 0))
    port = real_server.getsockname()[1]
    try:
        with Network(allow=[f"127.0.0.1:{port}"]):
            client = socket.create_connection(("127.0.0.1", port))
            assert type(client.fileno()) is int
            conn, _ = real_server.accept()
            client.sendall(b"through")
            assert conn.recv(10) == b"through"
            conn.close()
            client.close()
            with pytest.raises(ConnectionRefusedError):  # other ports stay in memory
                socket.create_connection(("127.0.0.1", port + 1 if port < 65535 else 1))
    finally:
        real_server.close()


# -- outcomes by address --------------------------------------------------------------------


def test_a_black_hole_times_out_at_the_deadline(network: Network) -> None:
    network.blackhole(("10.1.1.1", 443))
    start = time.monotonic()
    with pytest.raises(socket.timeout):
        socket.create_connection(("10.1.1.1", 443), timeout=0.1)
    assert time.monotonic() - start >= 0.1


def test_a_black_hole_without_timeout_stalls_naming_the_address(network: Network) -> None:
    network.blackhole("10.1.1.1")
    with pytest.raises(Stalled, match=r"10\.1\.1\.1"):
        socket.socket().connect(("10.1.1.1", 80))


@pytest.mark.usefixtures("network")
def test_a_blocking_connect_to_a_full_queue_waits_for_accept() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    first = socket.create_connection(server.getsockname())
    accepted: list[Any] = []
    timer = threading.Timer(0.05, lambda: accepted.append(server.accept()))
    timer.start()
    second = socket.create_connection(server.getsockname())  # waits for the accept
    timer.join()
    assert len(accepted) == 1
    for sock in (first, second, server, accepted[0][0]):
        sock.close()


def test_connections_and_listeners_are_listed(network: Network) -> None:
    server = socket.create_server(("127.0.0.1", 7000))
    assert network.listeners == [("127.0.0.1", 7000)]
    client = socket.create_connection(("localhost", 7000))
    conn, _ = server.accept()
    client.sendall(b"abc")
    conn.sendall(b"de")
    (record,) = network.connections
    assert (record.client, record.server) == (client.getsockname(), ("127.0.0.1", 7000))
    assert (record.bytes_to_server, record.bytes_to_client, record.state) == (3, 2, "open")
    client.close()
    assert record.state == "closing"
    conn.close()
    server.close()
    assert record.state == "closed" and network.listeners == []


def test_a_socket_used_after_its_network_is_left_fails_loudly_with_real_pollers() -> None:
    with Network():
        a, _b = socket.socketpair()
    with pytest.raises((ValueError, OSError)):
        select.select([a], [], [], 0)
    poller = select.poll()
    poller.register(a, select.POLLIN)
    assert poller.poll(0) == [(a.fileno(), select.POLLNVAL)]


# -- pollers --------------------------------------------------------------------------------


def test_select_answers_in_memory_and_real_descriptors_together() -> None:
    real_a, real_b = socket.socketpair()
    try:
        with Network():
            a, b = socket.socketpair()
            assert select.select([b, real_b], [], [], 0) == ([], [], [])
            a.sendall(b"x")
            real_a.sendall(b"y")
            readable, writable, _ = select.select([b, real_b], [a], [], 1)
            assert set(readable) == {b, real_b} and writable == [a]
    finally:
        real_a.close()
        real_b.close()


@pytest.mark.usefixtures("network")
def test_select_waits_for_another_thread() -> None:
    a, b = socket.socketpair()
    timer = threading.Timer(0.05, a.sendall, (b"late",))
    timer.start()
    assert select.select([b], [], [], 5)[0] == [b]
    timer.join()


@pytest.mark.usefixtures("network")
def test_select_with_a_timeout_waits_it_out() -> None:
    _a, b = socket.socketpair()
    start = time.monotonic()
    assert select.select([b], [], [], 0.05) == ([], [], [])
    assert time.monotonic() - start >= 0.05


@pytest.mark.usefixtures("network")
def test_select_without_timeout_that_could_never_return_stalls() -> None:
    _a, b = socket.socketpair()
    with pytest.raises(Stalled):
        select.select([b], [], [])


@pytest.mark.parametrize("kind", ["poll", "epoll", "DefaultSelector", "SelectSelector",
                                  "PollSelector", "EpollSelector"])
def test_pollers_report_in_memory_readiness(kind: str) -> None:
    with Network():
        a, b = socket.socketpair()
        if kind == "poll":
            poller: Any = select.poll()
            poller.register(b, select.POLLIN)
            assert poller.poll(0) == []
            a.sendall(b"x")
            assert poller.poll(1000) == [(b.fileno(), select.POLLIN)]
        elif kind == "epoll":
            with select.epoll() as poller:
                poller.register(b.fileno(), select.EPOLLIN)
                assert poller.poll(0) == []
                a.sendall(b"x")
                assert poller.poll(1) == [(b.fileno(), select.EPOLLIN)]
        else:
            with getattr(selectors, kind)() as selector:
                key = selector.register(b, selectors.EVENT_READ)
                assert selector.select(0) == []
                a.sendall(b"x")
                assert selector.select(1) == [(key, selectors.EVENT_READ)]


# -- unmodified servers and clients ---------------------------------------------------------


def _selectors_echo_server(address: tuple[str, int], ready: threading.Event,
                           done: threading.Event) -> None:
    """A plain selectors server that makes its own listening socket."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen()
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    ready.set()
    while not done.is_set():
        for key, _ in selector.select(0.1):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                conn.setblocking(False)
                selector.register(conn, selectors.EVENT_READ)
            else:
                data = key.fileobj.recv(1024)
                if data:
                    key.fileobj.sendall(data.upper())
                else:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
    selector.close()
    listener.close()


def test_an_unmodified_selectors_server_and_a_client_by_name() -> None:
    with Network() as net:
        net.add_host("echo.internal", "10.0.0.5")
        ready, done = threading.Event(), threading.Event()
        server = threading.Thread(target=_selectors_echo_server,
                                  args=(("10.0.0.5", 7), ready, done))
        server.start()
        ready.wait(5)
        try:
            with socket.create_connection(("echo.internal", 7), timeout=5) as client:
                client.sendall(b"hello")
                assert client.recv(100) == b"HELLO"
        finally:
            done.set()
            server.join(5)


class _Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = f"hello from {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_threading_tcp_server_with_http_client_and_urllib(network: Network) -> None:
    network.add_host("web.internal", "10.0.0.80")
    server = socketserver.ThreadingTCPServer(("10.0.0.80", 8080), _Hello)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        connection = http.client.HTTPConnection("web.internal", 8080, timeout=5)
        connection.request("GET", "/a")
        assert connection.getresponse().read() == b"hello from /a"
        connection.request("GET", "/b")  # the same keep-alive connection
        assert connection.getresponse().read() == b"hello from /b"
        connection.close()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open("http://web.internal:8080/c", timeout=5) as response:
            assert response.read() == b"hello from /c"
        assert len(network.connections) == 2
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- asyncio --------------------------------------------------------------------------------


async def _echo_upper(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    data = await reader.readline()
    writer.write(data.upper())
    await writer.drain()
    writer.close()


def test_asyncio_run_inside_a_network_uses_an_in_memory_loop_by_address() -> None:
    async def main() -> tuple[bytes, Any]:
        loop = asyncio.get_running_loop()
        server = await asyncio.start_server(_echo_upper, "10.0.0.9", 8000)
        reader, writer = await asyncio.open_connection("api.internal", 8000)
        writer.write(b"ping\n")
        line = await reader.readline()
        writer.close()
        server.close()
        await server.wait_closed()
        return line, loop

    with Network() as net:
        net.add_host("api.internal", "10.0.0.9")
        line, loop = asyncio.run(main())
    assert line == b"PING\n"
    assert isinstance(loop, TestSelectorEventLoop)


def test_asyncio_resolves_names_on_the_loop_without_a_thread() -> None:
    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        threads = threading.active_count()
        infos = await loop.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
        assert threading.active_count() == threads
        return infos

    with Network():
        infos = asyncio.run(main())
    assert infos[0][4] == ("127.0.0.1", 80)


def test_asyncio_unix_server_and_connection() -> None:
    async def main() -> bytes:
        server = await asyncio.start_unix_server(_echo_upper, "/run/app.sock")
        reader, writer = await asyncio.open_unix_connection("/run/app.sock")
        writer.write(b"unix\n")
        line = await reader.readline()
        writer.close()
        server.close()
        await server.wait_closed()
        return line

    with Network():
        assert asyncio.run(main()) == b"UNIX\n"


def test_asyncio_sock_connect_by_name() -> None:
    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        server = await asyncio.start_server(_echo_upper, "127.0.0.1", 8001)
        sock = socket.socket()
        sock.setblocking(False)
        await loop.sock_connect(sock, ("localhost", 8001))
        await loop.sock_sendall(sock, b"raw\n")
        data = await loop.sock_recv(sock, 100)
        sock.close()
        server.close()
        await server.wait_closed()
        return data

    with Network():
        assert asyncio.run(main()) == b"RAW\n"


def test_asyncio_connection_refused() -> None:
    async def main() -> None:
        await asyncio.open_connection("127.0.0.1", 9)

    with Network(), pytest.raises(ConnectionRefusedError):
        asyncio.run(main())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.Runner is new in 3.11")
def test_asyncio_runner_inside_a_network_makes_an_in_memory_loop() -> None:
    with Network(), asyncio.Runner() as runner:  # type: ignore[attr-defined]
        assert isinstance(runner.get_loop(), TestSelectorEventLoop)


def test_a_socket_of_a_network_that_was_left_says_the_network_is_down() -> None:
    with Network():
        sock = socket.socket()
    with pytest.raises(OSError) as info:
        sock.connect(("127.0.0.1", 80))
    assert info.value.errno == errno.ENETDOWN and "left" in str(info.value)
    sock.close()  # closing still works


def test_socket_types_without_a_maker_are_refused_clearly_and_makers_plug_in(
    network: Network,
) -> None:
    with pytest.raises(OSError, match="not served by the network"):
        socket.socket(socket.AF_INET, socket.SOCK_RAW)
    made: list[Any] = []
    network._factories[int(socket.SOCK_RAW)] = lambda *args: made.append(args) or "raw"
    assert socket.socket(socket.AF_INET, socket.SOCK_RAW) == "raw"
    assert made[0][1:4] == (socket.AF_INET, socket.SOCK_RAW, 0)


def test_lookup_finds_the_socket_bound_to_an_address_or_its_wildcard(network: Network) -> None:
    exact = socket.socket()
    exact.bind(("127.0.0.1", 5000))
    wildcard = socket.socket()
    wildcard.bind(("0.0.0.0", 5001))
    assert network._lookup(socket.SOCK_STREAM, socket.AF_INET, "127.0.0.1", 5000) is exact
    assert network._lookup(socket.SOCK_STREAM, socket.AF_INET, "127.0.0.1", 5001) is wildcard
    assert network._lookup(socket.SOCK_DGRAM, socket.AF_INET, "127.0.0.1", 5000) is None


def test_os_sendfile_to_an_in_memory_socket_sends_the_file(tmp_path: Any) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"0123456789")
    with Network(), open(path, "rb") as file:
        a, b = socket.socketpair()
        assert os.sendfile(a.fileno(), file.fileno(), 2, 5) == 5
        assert b.recv(100) == b"23456"
        assert os.sendfile(a.fileno(), file.fileno(), None, 4) == 4
        assert b.recv(100) == b"0123" and file.tell() == 4
        assert os.sendfile(a.fileno(), file.fileno(), 10, 5) == 0


def test_an_asyncio_server_in_a_thread_answers_a_blocking_client() -> None:
    ready, stop = threading.Event(), threading.Event()

    async def serve() -> None:
        server = await asyncio.start_server(_echo_upper, "127.0.0.1", 8002)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.01)
        server.close()
        await server.wait_closed()

    with Network():
        thread = threading.Thread(target=asyncio.run, args=(serve(),))
        thread.start()
        assert ready.wait(5)
        try:
            for _ in range(10):
                with socket.create_connection(("localhost", 8002), timeout=5) as client:
                    client.sendall(b"threads\n")
                    assert client.makefile("rb").readline() == b"THREADS\n"
        finally:
            stop.set()
            thread.join(5)


def test_allowed_destinations_work_from_asyncio_too() -> None:
    real_server = socket.create_server(("127.0.0.1", 0))
    port = real_server.getsockname()[1]

    async def main() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        conn, _ = real_server.accept()
        conn.sendall(b"real\n")
        line = await reader.readline()
        writer.close()
        conn.close()
        return line

    try:
        with Network(allow=[f"127.0.0.1:{port}"]):
            assert asyncio.run(main()) == b"real\n"
    finally:
        real_server.close()


def test_allow_takes_a_list_not_one_str() -> None:
    with pytest.raises(TypeError, match="list"):
        Network(allow="pypi.org:443")


def test_an_allowed_name_is_resolved_by_the_real_dns() -> None:
    name = socket.gethostname()
    try:
        real = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
    except OSError:
        pytest.skip(f"this machine's own name {name!r} does not resolve here")
    with Network(allow=[name]):
        assert socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM) == real
    with Network(), pytest.raises(socket.gaierror):
        socket.getaddrinfo(name, 80)


@pytest.mark.usefixtures("network")
def test_select_never_reports_a_mock_double_and_never_mistakes_it_for_a_real_file() -> None:
    a, b = socket.socketpair()
    a.sendall(b"x")
    mock = mockselector.SocketMock()
    assert select.select([mock, b], [], [], 0) == ([b], [], [])


def test_asyncio_new_event_loop_inside_a_network_is_an_in_memory_loop() -> None:
    with Network():
        loop = asyncio.new_event_loop()
        try:
            assert isinstance(loop, TestSelectorEventLoop)
            infos = loop.run_until_complete(loop.getaddrinfo("localhost", 80))
            assert infos[0][4] == ("127.0.0.1", 80)
        finally:
            loop.close()
    loop = asyncio.new_event_loop()
    assert not isinstance(loop, TestSelectorEventLoop)
    loop.close()


def test_a_loop_made_before_the_network_fails_loudly_on_in_memory_sockets() -> None:
    loop = asyncio.new_event_loop()  # a stock loop: its selector is the kernel's
    try:
        with Network():
            server = socket.create_server(("127.0.0.1", 8003))
            with pytest.raises(OSError) as info:
                loop.run_until_complete(asyncio.open_connection("127.0.0.1", 8003))
            assert info.value.errno == errno.EBADF
            server.close()
    finally:
        loop.close()


def test_closing_a_listener_resets_the_connections_nobody_accepted(where: str) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname(), timeout=5)
    server.close()
    with pytest.raises(ConnectionResetError):
        client.recv(10)
    client.close()


def test_a_peer_that_closes_gives_eof_and_keeps_its_address(where: str) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname(), timeout=5)
    conn, _ = server.accept()
    conn.sendall(b"bye")
    conn.close()
    assert client.recv(10) == b"bye"
    assert client.recv(10) == b""
    assert client.getpeername() == server.getsockname()
    for sock in (client, server):
        sock.close()
    with pytest.raises(OSError) as info:
        client.getsockname()
    assert info.value.errno == errno.EBADF


@pytest.mark.parametrize("kind", ["PollSelector", "EpollSelector", "SelectSelector"])
def test_stdlib_selectors_wait_on_real_and_in_memory_sockets_together(kind: str) -> None:
    real_a, real_b = socket.socketpair()
    try:
        with Network(), getattr(selectors, kind)() as selector:
            a, b = socket.socketpair()
            memory_key = selector.register(b, selectors.EVENT_READ)
            real_key = selector.register(real_b, selectors.EVENT_READ)
            timer = threading.Timer(0.02, real_a.sendall, (b"real",))
            timer.start()
            assert selector.select(5) == [(real_key, selectors.EVENT_READ)]
            timer.join()
            a.sendall(b"memory")
            ready = {key.fd for key, _ in selector.select(5)}
            assert ready == {memory_key.fd, real_key.fd}
    finally:
        real_a.close()
        real_b.close()


def test_epoll_oneshot_and_edge_triggered_entries(where: str) -> None:
    with select.epoll() as poller:
        a, b = socket.socketpair()
        poller.register(b.fileno(), select.EPOLLIN | select.EPOLLONESHOT)
        a.sendall(b"x")
        assert poller.poll(0) == [(b.fileno(), select.EPOLLIN)]
        assert poller.poll(0) == []  # disabled until modified
        poller.modify(b.fileno(), select.EPOLLIN | select.EPOLLET)
        assert poller.poll(0) == [(b.fileno(), select.EPOLLIN)]
        assert poller.poll(0) == []  # no new edge
        b.recv(10)
        assert poller.poll(0) == []
        a.sendall(b"y")
        assert poller.poll(0) == [(b.fileno(), select.EPOLLIN)]
        with pytest.raises(FileExistsError):
            poller.register(b.fileno(), select.EPOLLIN)
        poller.unregister(b.fileno())
        with pytest.raises(FileNotFoundError):
            poller.unregister(b.fileno())
    a.close()
    b.close()


def test_closed_sockets_leave_nothing_behind_in_the_network(network: Network) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    conn, _ = server.accept()
    pair = socket.socketpair()
    unbound = socket.socket()
    for sock in (client, conn, server, *pair, unbound):
        sock.close()
    assert network._sources == {} and network._ports == {} and network._clients == {}
    assert network.listeners == []


def test_stdlib_selectors_in_a_network_watch_the_librarys_own_sockets_too() -> None:
    with Network(), selectors.DefaultSelector() as selector:
        a, b = mockselector.socketpair()
        listener = mockselector.ListenSocket(address=("127.0.0.1", 80))
        key = selector.register(b, selectors.EVENT_READ)
        listen_key = selector.register(listener, selectors.EVENT_READ)
        a.sendall(b"x")
        client = listener.new_connection()
        assert {k.fd for k, _ in selector.select(1)} == {key.fd, listen_key.fd}
        for sock in (a, b, client, listener):
            sock.close()


def test_a_socket_whose_connect_failed_cannot_listen(where: str) -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sock = socket.socket()
    with pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))
    assert _errno_of(sock.listen) == errno.EINVAL
    with pytest.raises(ConnectionRefusedError):  # it may try to connect again
        sock.connect(("127.0.0.1", port))
    sock.close()


def test_unix_bind_and_connect_errors_match_the_kernel(where: str, tmp_path: Any) -> None:
    path = str(tmp_path / "s.sock")
    first = socket.socket(socket.AF_UNIX)
    first.bind(path)
    assert first.getsockname() == path
    second = socket.socket(socket.AF_UNIX)
    assert _errno_of(lambda: second.bind(path)) == errno.EADDRINUSE
    assert _errno_of(lambda: second.connect(path)) == errno.ECONNREFUSED  # bound, not listening
    assert _errno_of(lambda: second.connect(path + ".missing")) == errno.ENOENT
    first.listen(0)
    clients = [socket.socket(socket.AF_UNIX)]
    clients[0].connect(path)
    late = socket.socket(socket.AF_UNIX)
    late.setblocking(False)
    assert _errno_of(lambda: late.connect(path)) == errno.EAGAIN  # the queue holds backlog + 1
    for sock in (first, second, late, *clients):
        sock.close()


def test_an_ipv6_wildcard_holds_the_ipv4_port_unless_v6only(where: str) -> None:
    v4 = socket.socket()
    v4.bind(("0.0.0.0", 0))
    v4.listen()
    port = v4.getsockname()[1]
    v6 = socket.socket(socket.AF_INET6)
    assert _errno_of(lambda: v6.bind(("::", port))) == errno.EADDRINUSE
    v6only = socket.socket(socket.AF_INET6)
    v6only.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    v6only.bind(("::", port))
    assert v6only.getsockname()[:2] == ("::", port)
    for sock in (v4, v6, v6only):
        sock.close()


def test_many_threads_connect_at_once(network: Network) -> None:
    server = socket.create_server(("127.0.0.1", 9000), backlog=4)
    served: list[bytes] = []

    def serve() -> None:
        for _ in range(8 * 50):
            conn, _ = server.accept()
            served.append(conn.recv(10))
            conn.close()

    def connect(n: int) -> None:
        for _ in range(50):
            with socket.create_connection(("localhost", 9000), timeout=10) as client:
                client.sendall(b"%d" % n)

    threads = [threading.Thread(target=serve)] + [
        threading.Thread(target=connect, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(served) == sorted(b"%d" % n for n in range(8) for _ in range(50))
    assert len(network.connections) == 400
    server.close()


@pytest.mark.parametrize("reuse", [False, True])
def test_accepted_connections_hold_the_port_of_a_closed_listener(where: str, reuse: bool) -> None:
    listener = socket.socket()
    if reuse:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    address = listener.getsockname()
    client = socket.create_connection(address, timeout=5)
    conn, _ = listener.accept()
    listener.close()
    again = socket.socket()
    if reuse:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    assert _errno_of(lambda: again.bind(address)) == (None if reuse else errno.EADDRINUSE)
    for sock in (client, conn, again):
        sock.close()


def _a_connect_waiting_for_room() -> tuple[socket.socket, socket.socket, socket.socket]:
    """``(server, first, waiting)``: a listener whose accept queue (backlog 0) ``first``
    filled, and a non-blocking connect ``waiting`` for room in it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    first = socket.create_connection(server.getsockname())
    waiting = socket.socket()
    waiting.setblocking(False)
    assert waiting.connect_ex(server.getsockname()) == errno.EINPROGRESS
    return server, first, waiting


@pytest.mark.usefixtures("network")
def test_a_nonblocking_connect_to_a_full_queue_completes_when_room_is_made() -> None:
    server, first, waiting = _a_connect_waiting_for_room()
    assert select.select([], [waiting], [], 0)[1] == []
    assert waiting.connect_ex(server.getsockname()) == errno.EALREADY
    accepted = [server.accept()[0]]  # room: the waiting connect completes
    assert select.select([], [waiting], [], 0)[1] == [waiting]
    assert waiting.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    accepted.append(server.accept()[0])
    waiting.send(b"x")
    assert accepted[1].recv(1) == b"x"
    for sock in (first, waiting, server, *accepted):
        sock.close()


@pytest.mark.usefixtures("network")
def test_closing_a_listener_refuses_the_connects_waiting_for_room() -> None:
    server, first, waiting = _a_connect_waiting_for_room()
    server.close()
    assert select.select([], [waiting], [], 0)[1] == [waiting]
    assert waiting.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
    first.close()
    waiting.close()


def test_asyncio_connect_to_a_black_hole_times_out() -> None:
    async def main() -> None:
        await asyncio.wait_for(asyncio.open_connection("10.2.2.2", 80), 0.05)

    with Network() as net:
        net.blackhole("10.2.2.2")
        with pytest.raises(asyncio.TimeoutError):
            asyncio.run(main())


def test_asyncio_connect_to_a_black_hole_without_timeout_stalls() -> None:
    async def main() -> None:
        await asyncio.open_connection("10.2.2.2", 80)

    with Network() as net:
        net.blackhole("10.2.2.2")
        with pytest.raises(Stalled):
            asyncio.run(main())


@pytest.mark.usefixtures("network")
def test_a_test_loop_with_virtual_time_made_inside_a_network_runs() -> None:
    loop = new_event_loop(virtual_time=True)
    try:
        loop.run_until_complete(asyncio.sleep(3600))
        assert loop.time() == 3600.0
    finally:
        loop.close()
