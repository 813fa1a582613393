"""Network conditions: latency, bandwidth, segments, holds, partitions, resets, datagrams.

Timings on a virtual clock are exact (``net.time()``, ``loop.time()``); on
the wall clock they are real delays, checked with generous bounds only.
"""

from __future__ import annotations

import asyncio
import errno
import selectors
import socket
import threading
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockselector import Network, Stalled, TestSelector


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()


def _pair_over(net: Network, host: str = "127.0.0.1", port: int = 80) -> tuple[Any, Any]:
    server = socket.create_server((host, port))
    client = socket.create_connection((host, port))
    conn, _ = server.accept()
    server.close()
    return client, conn


# -- latency -------------------------------------------------------------------------------


def test_latency_is_exact_per_hop_on_an_asyncio_loop_with_virtual_time() -> None:
    async def main() -> list[float]:
        server = await asyncio.start_server(_echo, "127.0.0.1", 7)
        reader, writer = await asyncio.open_connection("127.0.0.1", 7)
        loop = asyncio.get_running_loop()
        times = [loop.time()]  # the handshake: one round trip
        for _ in range(3):
            writer.write(b"ping\n")
            assert await reader.readline() == b"ping\n"
            times.append(loop.time())
        writer.close()
        server.close()
        return times

    with Network(virtual_time=True) as net:
        net.conditions(latency=0.2)
        times = asyncio.run(main())
    assert times == pytest.approx([0.4, 0.8, 1.2, 1.6], abs=1e-9)


def test_a_connect_takes_one_round_trip_and_so_does_a_refusal() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("far", "10.1.0.1")
        net.conditions("far", latency=0.05, direction="to")
        net.conditions("far", latency=0.15, direction="from")
        server = socket.create_server(("10.1.0.1", 80))
        socket.create_connection(("far", 80)).close()
        assert net.time() == pytest.approx(0.2)
        server.close()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("far", 80))
        assert net.time() == pytest.approx(0.4)


def test_a_connect_timeout_shorter_than_the_round_trip_fires_on_asyncio() -> None:
    async def main() -> str:
        server = await asyncio.start_server(_echo, "127.0.0.1", 7)
        try:
            await asyncio.wait_for(asyncio.open_connection("127.0.0.1", 7), 0.3)
        except asyncio.TimeoutError:
            outcome = f"timed out at {asyncio.get_running_loop().time()}"
        else:
            outcome = "connected"
        _reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", 7), 1)
        writer.close()
        server.close()
        return outcome

    with Network(virtual_time=True) as net:
        net.conditions(latency=0.2)
        assert asyncio.run(main()) == "timed out at 0.3"


def test_latency_costs_no_wall_time_with_virtual_time() -> None:
    async def main() -> float:
        server = await asyncio.start_server(_echo, "127.0.0.1", 7)
        reader, writer = await asyncio.open_connection("127.0.0.1", 7)
        start = asyncio.get_running_loop().time()
        for _ in range(200):
            writer.write(b"x\n")
            await reader.readline()
        writer.close()
        server.close()
        return asyncio.get_running_loop().time() - start

    start = time.perf_counter()
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.5)
        virtual = asyncio.run(main())
    assert virtual == pytest.approx(200.0)
    assert time.perf_counter() - start < 10  # 200 s of network time, no real wait


def test_latency_delays_a_blocking_recv_by_real_time_on_the_wall_clock() -> None:
    with Network() as net:
        net.conditions(latency=0.2)
        client, conn = _pair_over(net)
        start = time.monotonic()
        client.sendall(b"hello")
        assert conn.recv(10) == b"hello"
        assert time.monotonic() - start >= 0.2
        assert net.stats.bytes_delayed == 5


def test_a_blocking_recv_alone_jumps_the_virtual_clock_to_the_arrival() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=1.5)
        client, conn = _pair_over(net)
        assert net.time() == 3.0  # the handshake: one round trip
        client.sendall(b"hello")
        start = time.perf_counter()
        assert conn.recv(10) == b"hello"
        assert net.time() == 4.5
        assert time.perf_counter() - start < 1.0


def test_nothing_arrives_before_its_time_on_a_non_blocking_socket() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.3)
        client, conn = _pair_over(net)
        conn.setblocking(False)
        client.sendall(b"hello")
        with pytest.raises(BlockingIOError):
            conn.recv(10)
        conn.setblocking(True)
        assert conn.recv(10) == b"hello"


def test_eof_travels_behind_the_bytes_in_flight() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.25)
        client, conn = _pair_over(net)
        start = net.time()
        client.sendall(b"last words")
        client.close()
        assert conn.recv(100) == b"last words"
        assert conn.recv(100) == b""
        assert net.time() - start == 0.25


def test_a_wall_clock_selector_wakes_when_bytes_arrive(network: Network) -> None:
    network.conditions(latency=0.05)
    a, b = socket.socketpair()
    selector = selectors.DefaultSelector()
    selector.register(b, selectors.EVENT_READ)
    start = time.monotonic()
    a.send(b"x")
    assert selector.select(timeout=0) == []
    assert [key.fileobj for key, _ in selector.select()] == [b]
    assert time.monotonic() - start >= 0.05


def test_a_bare_test_selector_jumps_the_virtual_clock() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=2.0)
        a, b = socket.socketpair()
        selector = TestSelector()
        selector.register(b, selectors.EVENT_READ)
        a.send(b"x")
        assert [key.fileobj for key, _ in selector.select()] == [b]
        assert net.time() == 2.0


def test_a_wrapping_test_selector_jumps_the_virtual_clock_unless_a_real_event_comes_first(
) -> None:
    # A TestSelector that also waits on a real object: a real event that is ready
    # comes first; with none, virtual time moves to the arrival of the bytes.
    real_a, real_b = socket.socketpair()  # made before the network: kernel sockets
    try:
        with Network(virtual_time=True) as net:
            net.conditions(latency=2.0)
            a, b = socket.socketpair()
            selector = TestSelector(selectors.DefaultSelector())
            selector.register(b, selectors.EVENT_READ)
            selector.register(real_b, selectors.EVENT_READ)
            a.send(b"x")
            real_a.send(b"!")
            assert [key.fileobj for key, _ in selector.select(timeout=5)] == [real_b]
            assert net.time() == 0.0
            assert real_b.recv(1) == b"!"
            assert [key.fileobj for key, _ in selector.select(timeout=5)] == [b]
            assert net.time() == 2.0
            selector.close()
    finally:
        real_a.close()
        real_b.close()


def test_another_thread_receives_after_the_latency(network: Network) -> None:
    network.conditions(latency=0.1)
    client, conn = _pair_over(network)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(conn.recv(10)))
    reader.start()
    client.sendall(b"hi")
    reader.join(10)
    assert got == [b"hi"]


def test_jitter_is_reproducible_with_a_seed_and_keeps_bytes_in_order() -> None:
    def run(seed: int) -> tuple[list[float], bytes]:
        with Network(virtual_time=True) as net:
            net.conditions(latency=0.1, jitter=0.05, seed=seed, segment=1)
            a, b = socket.socketpair()
            a.sendall(b"0123456789")
            a.close()
            arrivals, data = [], b""
            while True:
                chunk = b.recv(1)
                if not chunk:
                    break
                data += chunk
                arrivals.append(net.time())
            return arrivals, data

    first, data = run(7)
    assert data == b"0123456789"
    assert first == sorted(first)
    assert all(0.1 <= t <= 0.15 + 1e-9 for t in first)
    assert run(7)[0] == first
    assert run(8)[0] != first


# -- bandwidth and segments ----------------------------------------------------------------


def test_a_transfer_under_a_bandwidth_limit_takes_exactly_the_computed_time() -> None:
    async def main() -> tuple[int, float]:
        async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.read()
            writer.write(b"%d" % len(data))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(sink, "10.0.0.2", 9000)
        reader, writer = await asyncio.open_connection("10.0.0.2", 9000)
        writer.write(b"x" * 10_000)
        writer.write_eof()
        size = int(await reader.read())
        writer.close()
        server.close()
        return size, asyncio.get_running_loop().time()

    with Network(virtual_time=True) as net:
        net.add_host("files", "10.0.0.2")
        net.conditions("files", bandwidth=1000, direction="to")
        size, elapsed = asyncio.run(main())
    assert size == 10_000
    assert elapsed == pytest.approx(10.0, abs=1e-9)  # 10 KB at 1 KB/s; the answer is free


def test_bandwidth_and_latency_add_up() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(bandwidth=100, latency=0.5)
        a, b = socket.socketpair()
        a.sendall(b"x" * 50)
        assert b.recv(100) == b"x" * 50
        assert net.time() == pytest.approx(1.0)


def test_segments_cut_writes_into_pieces_that_arrive_one_by_one() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(segment=4, bandwidth=4)
        a, b = socket.socketpair()
        a.sendall(b"abcdefghij")
        pieces = [b.recv(100), b.recv(100), b.recv(100)]
        assert pieces == [b"abcd", b"efgh", b"ij"]
        assert net.time() == pytest.approx(2.5)
        assert net.stats.segments == 3


def test_bytes_in_flight_count_against_the_send_window() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=1.0)
        a, b = socket.socketpair()
        a.setblocking(False)
        sent = 0
        with pytest.raises(BlockingIOError):
            while True:
                sent += a.send(b"x" * 65536)
        # The window holds what is in flight: memory stays bounded by the capacity.
        assert 0 < sent <= 2 * 212992
        received = 0
        b.settimeout(5)
        while received < sent:
            received += len(b.recv(1 << 20))
        assert received == sent


# -- targets and directions ----------------------------------------------------------------


def test_a_condition_applies_only_to_its_target_and_says_whether_it_fired() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("slow", "10.0.0.9")
        slow = net.conditions("slow", latency=1.0)
        client, conn = _pair_over(net, "127.0.0.1", 80)
        client.sendall(b"fast")
        assert conn.recv(10) == b"fast"
        assert net.time() == 0.0
        assert not slow.fired
        client, conn = _pair_over(net, "10.0.0.9", 80)
        assert net.time() == 2.0  # the handshake
        client.sendall(b"slow")
        assert conn.recv(10) == b"slow"
        assert net.time() == 3.0
        assert slow.fired and slow.bytes_delayed == 4


def test_a_direction_applies_to_one_way_only() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("db", "10.0.0.7")
        net.conditions("db", latency=0.5, direction="from")
        client, conn = _pair_over(net, "10.0.0.7", 5432)
        assert net.time() == 0.5  # the handshake: the answer comes from db
        client.sendall(b"query")
        assert conn.recv(10) == b"query"
        assert net.time() == 0.5
        conn.sendall(b"rows")
        assert client.recv(10) == b"rows"
        assert net.time() == 1.0


def test_a_condition_set_later_applies_to_open_connections_and_clearing_flushes() -> None:
    with Network(virtual_time=True) as net:
        client, conn = _pair_over(net)
        net.conditions(latency=3.0)
        client.sendall(b"a")
        conn.setblocking(False)
        with pytest.raises(BlockingIOError):
            conn.recv(1)
        net.clear_conditions()  # what is in flight arrives at once
        assert conn.recv(1) == b"a"


def test_a_later_rule_overrides_what_an_earlier_one_set() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=1.0, bandwidth=1000)
        net.conditions("localhost", latency=0.25)
        a, b = _pair_over(net)
        start = net.time()
        a.sendall(b"x" * 100)
        assert b.recv(1000) == b"x" * 100
        assert net.time() - start == pytest.approx(0.35)  # 0.1 s on the wire, 0.25 s away


# -- holds ---------------------------------------------------------------------------------


def test_hold_keeps_bytes_in_flight_until_release() -> None:
    with Network() as net:
        client, conn = _pair_over(net)
        rule = net.hold(("127.0.0.1", 80), direction="to")
        client.sendall(b"held")
        conn.sendall(b"free")
        assert client.recv(10) == b"free"
        conn.setblocking(False)
        with pytest.raises(BlockingIOError):
            conn.recv(10)
        net.release(("127.0.0.1", 80))
        assert conn.recv(10) == b"held"
        assert rule.bytes_held == 4


def test_a_blocking_recv_on_held_bytes_that_nothing_releases_stalls() -> None:
    with Network(virtual_time=True) as net:
        client, conn = _pair_over(net)
        net.hold()
        client.sendall(b"held")
        with pytest.raises(Stalled):
            conn.recv(10)


# -- partitions ----------------------------------------------------------------------------


def test_a_partition_stalls_a_stream_until_heal_then_it_goes_on() -> None:
    with Network() as net:
        net.add_host("db", "10.0.0.7")
        client, conn = _pair_over(net, "10.0.0.7", 5432)
        client.sendall(b"before")
        assert conn.recv(100) == b"before"
        net.partition({"db"})
        client.sendall(b"during")
        conn.setblocking(False)
        with pytest.raises(BlockingIOError):
            conn.recv(100)
        net.heal()
        assert conn.recv(100) == b"during"


def test_a_partition_with_reset_resets_the_connections_across_it(network: Network) -> None:
    network.add_host("db", "10.0.0.7")
    client, conn = _pair_over(network, "10.0.0.7", 5432)
    network.partition({"db"}, reset=True)
    with pytest.raises(ConnectionResetError):
        client.recv(10)
    with pytest.raises(ConnectionResetError):
        conn.send(b"x")
    assert network.stats.resets == 1


def test_a_connect_across_a_partition_times_out_as_linux_gives_up() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("db", "10.0.0.7")
        server = socket.create_server(("10.0.0.7", 5432))
        net.partition({"db"})
        with pytest.raises(TimeoutError) as caught:
            socket.create_connection(("db", 5432))
        assert caught.value.errno == errno.ETIMEDOUT
        assert net.time() == 127.0
        assert net.stats.connects_blocked == 1
        server.close()


def test_a_connect_across_a_partition_ends_at_the_socket_timeout(network: Network) -> None:
    network.add_host("db", "10.0.0.7")
    server = socket.create_server(("10.0.0.7", 5432))
    network.partition({"db"})
    with pytest.raises(socket.timeout):
        socket.create_connection(("db", 5432), timeout=0.05)
    server.close()


def test_hosts_in_one_group_still_reach_one_another() -> None:
    with Network(virtual_time=True) as net:
        net.add_host("app", "10.0.0.1")
        net.add_host("db", "10.0.0.7")
        server = socket.create_server(("10.0.0.7", 5432))
        net.partition({"app", "db"}, {"10.0.0.8"})
        client = socket.create_connection(("db", 5432), source_address=("10.0.0.1", 0))
        conn, _ = server.accept()
        client.sendall(b"ok")
        assert conn.recv(10) == b"ok"


def test_a_partition_mid_stream_heal_and_reconnect_on_asyncio() -> None:
    async def main(net: Network) -> list[Any]:
        server = await asyncio.start_server(_echo, "10.0.0.7", 7)
        events: list[Any] = []
        reader, writer = await asyncio.open_connection("db", 7)
        writer.write(b"one\n")
        events.append(await reader.readline())
        net.partition({"db"})
        writer.write(b"two\n")
        try:
            await asyncio.wait_for(reader.readline(), 5)
        except asyncio.TimeoutError:
            events.append(("stalled at", asyncio.get_running_loop().time()))
        writer.close()
        try:
            await asyncio.wait_for(asyncio.open_connection("db", 7), 2)
        except asyncio.TimeoutError:
            events.append(("connect timed out at", asyncio.get_running_loop().time()))
        net.heal()
        reader, writer = await asyncio.open_connection("db", 7)
        writer.write(b"three\n")
        events.append(await reader.readline())
        writer.close()
        server.close()
        return events

    with Network(virtual_time=True) as net:
        net.add_host("db", "10.0.0.7")
        events = asyncio.run(main(net))
    assert events == [b"one\n", ("stalled at", 5.0), ("connect timed out at", 7.0),
                      b"three\n"]


def test_a_non_blocking_connect_across_a_partition_completes_when_healed(network: Network) -> None:
    network.add_host("db", "10.0.0.7")
    server = socket.create_server(("10.0.0.7", 5432))
    network.partition({"db"})
    client = socket.socket()
    client.setblocking(False)
    assert client.connect_ex(("10.0.0.7", 5432)) == errno.EINPROGRESS
    network.heal()
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_WRITE)
    assert selector.select(timeout=5)
    assert client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    conn, _ = server.accept()
    client.send(b"x")
    assert conn.recv(1) == b"x"


def test_partition_rejects_a_bare_string() -> None:
    with Network() as net, pytest.raises(TypeError, match="set of hosts"):
        net.partition("db")  # type: ignore[arg-type]


# -- resets --------------------------------------------------------------------------------


def test_reset_after_bytes_delivers_that_many_then_resets_both_ends() -> None:
    with Network() as net:
        server = socket.create_server(("127.0.0.1", 80))
        rule = net.reset(("127.0.0.1", 80), after_bytes=3)
        client = socket.create_connection(("127.0.0.1", 80))
        conn, _ = server.accept()
        client.sendall(b"abcdef")
        assert conn.recv(10) == b"abc"
        with pytest.raises(ConnectionResetError):
            conn.recv(10)
        with pytest.raises(ConnectionResetError):
            client.recv(10)
        assert rule.resets == 1 and net.stats.resets == 1


def test_reset_now_resets_the_open_connections_of_the_target(network: Network) -> None:
    client, _conn = _pair_over(network)
    rule = network.reset("127.0.0.1")
    with pytest.raises(ConnectionResetError):
        client.send(b"x")
    assert rule.resets == 1


def test_reset_at_a_network_time() -> None:
    async def main() -> tuple[str, float]:
        server = await asyncio.start_server(_echo, "127.0.0.1", 7)
        reader, writer = await asyncio.open_connection("127.0.0.1", 7)
        try:
            await reader.readline()
        except ConnectionResetError:
            outcome = "reset"
        else:
            outcome = "eof"
        writer.close()
        server.close()
        return outcome, asyncio.get_running_loop().time()

    with Network(virtual_time=True) as net:
        net.reset(at=42.0)
        assert asyncio.run(main()) == ("reset", 42.0)


def test_a_retrying_client_behind_a_reset_rate_is_fast_and_exact() -> None:
    """A client with exponential backoff against a server behind a 10 % reset rate."""
    latency, first_backoff = 0.01, 0.1

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            writer.write(b"ok " + line)
            await writer.drain()
        except ConnectionResetError:
            pass
        writer.close()

    async def call() -> list[tuple[str, float]]:
        loop = asyncio.get_running_loop()
        backoff, attempts = first_backoff, []
        while True:
            start = loop.time()
            try:
                reader, writer = await asyncio.open_connection("api.test", 80)
                writer.write(b"req\n")
                line = await reader.readline()
                writer.close()
                if line == b"ok req\n":
                    attempts.append(("ok", loop.time() - start))
                    return attempts
                raise ConnectionResetError
            except ConnectionResetError:
                attempts.append(("reset", loop.time() - start))
                await asyncio.sleep(backoff)
                backoff *= 2

    async def main() -> list[list[tuple[str, float]]]:
        server = await asyncio.start_server(handle, "10.0.0.5", 80)
        calls = [await call() for _ in range(50)]
        server.close()
        return calls

    def run() -> tuple[list[list[tuple[str, float]]], float, int]:
        with Network(virtual_time=True) as net:
            net.add_host("api.test", "10.0.0.5")
            rule = net.reset("api.test", after_bytes=0, probability=0.1, seed=4)
            net.conditions("api.test", latency=latency)
            calls = asyncio.run(main())
            return calls, net.time(), rule.resets

    start = time.perf_counter()
    calls, total, resets = run()
    wall = time.perf_counter() - start
    outcomes = [attempt for attempts in calls for attempt in attempts]
    assert resets == sum(1 for kind, _ in outcomes if kind == "reset") > 0
    # Exact virtual timings: the handshake takes a round trip, a request and its answer
    # one latency each way; a reset reaches the client one latency after the request.
    for kind, duration in outcomes:
        assert duration == pytest.approx((4 if kind == "ok" else 3) * latency, abs=1e-9)
    expected = sum(duration for _, duration in outcomes) + sum(
        first_backoff * (2 ** n - 1) for n in
        (sum(1 for kind, _ in attempts if kind == "reset") for attempts in calls))
    assert total == pytest.approx(expected, abs=1e-9)
    assert run() == (calls, total, resets)  # the seed reproduces the run
    assert wall < 5  # generous: about 0.1 s here, for minutes of backoff in virtual time


def test_reset_rejects_a_negative_byte_count() -> None:
    with Network() as net, pytest.raises(ValueError, match="after_bytes"):
        net.reset(after_bytes=-1)


# -- datagrams -----------------------------------------------------------------------------


def _udp_pair() -> tuple[socket.socket, socket.socket, Any]:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 5000))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    return server, client, ("127.0.0.1", 5000)


def test_datagram_latency_on_the_virtual_clock() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.3)
        server, client, address = _udp_pair()
        client.sendto(b"ping", address)
        assert server.recvfrom(100)[0] == b"ping"
        assert net.time() == 0.3
        assert net.stats.datagrams_delayed == 1


def test_datagram_loss_is_seeded_and_counted() -> None:
    def run() -> tuple[int, int]:
        with Network() as net:
            rule = net.conditions(loss=0.3, seed=11)
            server, client, address = _udp_pair()
            server.setblocking(False)
            for n in range(200):
                client.sendto(b"%d" % n, address)
            received = 0
            while True:
                try:
                    server.recv(100)
                except BlockingIOError:
                    break
                received += 1
            return received, rule.datagrams_dropped

    received, lost = run()
    assert received + lost == 200
    assert 30 < lost < 90
    assert run() == (received, lost)


def test_datagram_duplicates_and_reorders() -> None:
    with Network(virtual_time=True) as net:
        rule = net.conditions(duplicate=0.5, reorder=0.5, latency=0.01, seed=2)
        server, client, address = _udp_pair()
        for n in range(50):
            client.sendto(b"%02d" % n, address)
        server.settimeout(0)
        got = []
        deadline = net.time() + 1
        while True:
            try:
                got.append(server.recv(10))
            except BlockingIOError:
                if net.time() >= deadline:
                    break
                time.sleep(0)
                server.settimeout(None)
                try:
                    got.append(server.recv(10))
                except Stalled:
                    break
                server.settimeout(0)
        assert rule.datagrams_duplicated > 0 and rule.datagrams_reordered > 0
        assert len(got) == 50 + rule.datagrams_duplicated
        assert got != sorted(got)


def test_datagrams_across_a_partition_are_lost(network: Network) -> None:
    network.add_host("dns", "10.0.0.53")
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("10.0.0.53", 53))
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    network.partition({"dns"})
    client.sendto(b"query", ("10.0.0.53", 53))
    server.setblocking(False)
    with pytest.raises(BlockingIOError):
        server.recv(100)
    assert network.stats.datagrams_dropped == 1
    network.heal()
    client.sendto(b"query", ("10.0.0.53", 53))
    assert server.recv(100) == b"query"


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error", [
    ({"latency": -1}, ValueError),
    ({"latency": "1"}, TypeError),
    ({"jitter": float("nan")}, ValueError),
    ({"bandwidth": 0}, ValueError),
    ({"segment": 0}, ValueError),
    ({"segment": 1.5}, ValueError),
    ({"loss": 2}, ValueError),
    ({"direction": "up"}, ValueError),
    ({"seed": "x"}, TypeError),
])
def test_conditions_reject_bad_settings(kwargs: dict[str, Any], error: type) -> None:
    with Network() as net, pytest.raises(error):
        net.conditions(**kwargs)


def test_conditions_reject_a_target_of_the_wrong_kind() -> None:
    with Network() as net, pytest.raises(TypeError, match="target"):
        net.conditions(42, latency=1.0)


def test_conditions_of_an_unknown_name_say_so() -> None:
    with Network() as net, pytest.raises(socket.gaierror, match=r"nowhere\.test"):
        net.conditions("nowhere.test", latency=1.0)


def test_stats_say_nothing_happened_without_conditions() -> None:
    with Network() as net:
        client, conn = _pair_over(net)
        client.sendall(b"plain")
        assert conn.recv(10) == b"plain"
        assert not net.stats.fired
        assert net.stats.counts() == {}
        assert "nothing happened" in repr(net.stats)


def test_a_network_without_conditions_keeps_the_fast_path() -> None:
    with Network() as net:
        client, conn = _pair_over(net)
        assert client._out.plain and conn._out.plain
        rule = net.conditions(latency=0.1)
        assert not client._out.plain
        net.clear_conditions()
        assert client._out.plain and not rule.fired


# -- with the trace ------------------------------------------------------------------------


def test_the_trace_shows_conditions_and_the_resets_they_make_at_network_times() -> None:
    with Network(virtual_time=True, trace=True) as net:
        net.conditions(latency=0.5)
        rule = net.reset(("127.0.0.1", 80), after_bytes=2)
        client, conn = _pair_over(net)
        client.sendall(b"abc")
        assert conn.recv(10) == b"ab"
        with pytest.raises(ConnectionResetError):
            conn.recv(10)
        assert rule.resets == 1
    kinds = [(event.kind, event.time) for event in net.trace]
    assert ("condition", 0.0) in kinds
    sent = next(event.time for event in net.trace if event.kind == "data")
    assert ("reset", sent + 0.5) in kinds  # the reset travels behind the bytes it let in
    assert "reset" in net.timeline() and "Condition" in net.timeline()


def test_a_network_reset_is_an_rst_in_the_capture(tmp_path: Any) -> None:
    dpkt = pytest.importorskip("dpkt", reason="dpkt is in the [trace] extra")
    with Network(virtual_time=True, trace=True) as net:
        _ends = _pair_over(net)
        net.reset("127.0.0.1")
    path = tmp_path / "reset.pcapng"
    net.write_pcapng(str(path))
    with open(path, "rb") as file:
        flags = [dpkt.ip.IP(buf).data.flags for _, buf in dpkt.pcapng.Reader(file)]
    assert any(flag & dpkt.tcp.TH_RST for flag in flags)


def test_data_arrives_at_times_the_trace_and_the_clock_agree_on() -> None:
    with Network(virtual_time=True, trace=True) as net:
        net.conditions(latency=0.125)
        a, b = socket.socketpair()
        a.sendall(b"one")
        assert b.recv(10) == b"one"
        a.sendall(b"two")
        assert b.recv(10) == b"two"
    sent = [event.time for event in net.trace if event.kind == "data"]
    assert sent == [0.0, 0.125]  # each sent when the previous one had arrived


# -- with expected writes and seeds ---------------------------------------------------------


def test_expected_writes_hold_under_segments_and_latency() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.01, segment=3)
        a, b = socket.socketpair()
        expectation = a.expect_sent(b"hello world")
        a.sendall(b"hello ")
        a.sendall(b"world")
        received = b""
        while len(received) < 11:
            received += b.recv(100)
        assert received == b"hello world"
        expectation.verify()


def test_a_seeded_network_splits_reads_of_delayed_bytes_reproducibly() -> None:
    def run() -> list[bytes]:
        with Network(virtual_time=True, seed=5) as net:
            net.conditions(latency=0.1)
            a, b = socket.socketpair()
            a.sendall(b"0123456789" * 3)
            a.close()
            pieces = []
            while True:
                piece = b.recv(100)
                if not piece:
                    return pieces
                pieces.append(piece)

    first = run()
    assert b"".join(first) == b"0123456789" * 3
    assert len(first) > 1 and run() == first


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(writes=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=12),
       latency=st.sampled_from([0.0, 0.001, 0.25]),
       bandwidth=st.sampled_from([None, 100.0, 4096.0]),
       segment=st.sampled_from([None, 1, 7, 64]),
       jitter=st.sampled_from([0.0, 0.05]),
       reads=st.lists(st.integers(1, 500), min_size=1, max_size=8))
def test_every_byte_arrives_once_in_order_within_the_window_and_on_time(
        writes: list[bytes], latency: float, bandwidth: float | None, segment: int | None,
        jitter: float, reads: list[int]) -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=latency, bandwidth=bandwidth, segment=segment, jitter=jitter,
                       seed=1)
        a, b = socket.socketpair()
        capacity = a._out.capacity
        for data in writes:
            a.sendall(data)
            pipe = a._out
            assert len(pipe.buf) + pipe.flight <= capacity
        a.shutdown(socket.SHUT_WR)
        received, turn = b"", 0
        while True:
            chunk = b.recv(reads[turn % len(reads)])
            turn += 1
            if not chunk:
                break
            received += chunk
        sent = b"".join(writes)
        assert received == sent
        # The last byte arrives once the link has carried everything, one latency
        # (and at most one jitter) later: never earlier, never later.
        wire = len(sent) / bandwidth if bandwidth else 0.0
        assert wire + latency - 1e-9 <= net.time() <= wire + latency + jitter + 1e-9


def test_delayed_datagrams_beyond_the_receive_buffer_are_dropped() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=1.0)
        server, client, address = _udp_pair()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        capacity = server._in.capacity  # type: ignore[attr-defined]
        for _ in range(1000):
            client.sendto(b"x" * 1000, address)
        space = net._datagram_space
        assert sum(space.flight.values()) <= capacity  # memory bounded by the buffer
        assert net.stats.datagrams_dropped > 0
        assert len(server.recv(2000)) == 1000
        assert net.time() == 1.0


def test_a_threaded_server_and_a_client_with_a_timeout_share_the_virtual_clock() -> None:
    import socketserver

    class Upper(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(self.rfile.readline().upper())

    with Network(virtual_time=True) as net:
        net.conditions(latency=0.05)
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 9000), Upper)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5})
        thread.start()
        try:
            start = time.perf_counter()
            for _ in range(5):
                # A timeout in real seconds does not hold the virtual clock back.
                with socket.create_connection(("127.0.0.1", 9000), timeout=10) as client:
                    client.sendall(b"hi\n")
                    assert client.recv(100) == b"HI\n"
            # Each: the handshake (0.1 s) and the request and its answer (0.1 s).
            assert net.time() == pytest.approx(1.0)
            assert time.perf_counter() - start < 5
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def test_bytes_in_flight_arrive_when_the_network_is_left() -> None:
    with Network(virtual_time=True) as net:
        net.conditions(latency=5.0)
        a, b = socket.socketpair()
        a.sendall(b"late")
    assert b.recv(10) == b"late"  # the clock is gone: what it carried is there
    a.sendall(b"plain")  # and no condition holds outside the network
    assert b.recv(10) == b"plain"
    with net:
        a.sendall(b"slow again")
        assert b.recv(20) == b"slow again"
        assert net.time() == 5.0  # (leaving moved no time: the clock stood still)


def test_tls_over_a_slow_link_in_virtual_time() -> None:
    from mockselector.tls import client_context, server_context

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()

    async def main() -> tuple[bytes, float, float]:
        server = await asyncio.start_server(handle, "127.0.0.1", 8443,
                                            ssl=server_context("localhost"))
        loop = asyncio.get_running_loop()
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", 8443, ssl=client_context(), server_hostname="localhost")
        connected = loop.time()
        writer.write(b"secret\n")
        line = await reader.readline()
        writer.close()
        server.close()
        return line, connected, loop.time() - connected

    start = time.perf_counter()
    with Network(virtual_time=True) as net:
        net.conditions(latency=0.1)
        line, connected, echo = asyncio.run(main())
    assert line == b"secret\n"
    # The TCP handshake (one round trip) and the TLS 1.3 one (one more), then one for
    # the echo: exact, on the network's clock.
    assert connected == pytest.approx(0.4) and echo == pytest.approx(0.2)
    assert time.perf_counter() - start < 5
