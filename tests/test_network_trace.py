"""The trace of a Network: its events, the timeline, the pcapng file, the pytest option.

The pcapng file is read back by dpkt (the ``[trace]`` extra), which also
recomputes every checksum, and by ``tshark`` when it is on the PATH; each
of those tests is skipped, saying why, when its reader is missing.
"""

from __future__ import annotations

import asyncio
import errno
import io
import shutil
import socket
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockselector import Network, TraceEvent, _trace

pytest_plugins = ["pytester"]

CLIENT, SERVER = ("127.0.0.1", 32768), ("127.0.0.1", 8080)


def summary(net: Network) -> list[tuple[Any, ...]]:
    """``(connection, kind, source, destination, data, detail)`` of each event."""
    return [(event.connection, event.kind, event.source, event.destination, event.data,
             event.detail) for event in net.trace]


def exchange(net: Network, big: int = 0) -> None:
    """A client and a server talk, shut down and close (IPv4, port 8080)."""
    server = socket.create_server(SERVER)
    client = socket.create_connection(SERVER)
    conn, _ = server.accept()
    client.sendall(b"hello")
    assert conn.recv(10) == b"hello"
    conn.sendall(b"world" + b"x" * big)
    client.shutdown(socket.SHUT_WR)
    assert conn.recv(10) == b""
    received = b""
    while len(received) < 5 + big:
        received += client.recv(1 << 20)
    conn.close()
    assert client.recv(10) == b""
    client.close()
    server.close()


# -- events ---------------------------------------------------------------------------------


def test_nothing_is_recorded_without_trace() -> None:
    with Network() as net:
        exchange(net)
        a, _b = socket.socketpair()
        a.sendall(b"x")
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 5000))
        udp.sendto(b"x", ("127.0.0.1", 5000))
        socket.socket().connect_ex(("127.0.0.1", 9))
        assert a._out.taps == () and a._out.plain  # the fast path stays
        net._trace_event(None, "condition", "nothing")
    assert net.trace == []
    assert net.timeline() == ""
    assert net._traced is None


def test_a_connection_is_traced_from_connect_to_close_in_order() -> None:
    with Network(trace=True) as net:
        exchange(net)
    assert summary(net) == [
        (1, "connect", CLIENT, SERVER, b"", ""),
        (1, "accept", SERVER, CLIENT, b"", ""),
        (1, "data", CLIENT, SERVER, b"hello", ""),
        (1, "data", SERVER, CLIENT, b"world", ""),
        (1, "shutdown", CLIENT, SERVER, b"", "SHUT_WR"),
        (1, "close", SERVER, CLIENT, b"", ""),
        (1, "close", CLIENT, SERVER, b"", ""),
    ]
    assert [event.size for event in net.trace] == [0, 0, 5, 5, 0, 0, 0]
    assert all(isinstance(event, TraceEvent) for event in net.trace)


def test_events_are_frozen_and_the_trace_is_a_snapshot() -> None:
    with Network(trace=True) as net:
        a, _b = socket.socketpair()
        trace = net.trace
        a.sendall(b"later")
    assert len(trace) == 1 and len(net.trace) == 2
    with pytest.raises(AttributeError):
        trace[0].kind = "data"  # type: ignore[misc]


def test_connection_numbers_are_positions_in_net_connections() -> None:
    with Network(trace=True) as net:
        a, _b = socket.socketpair()
        _server = socket.create_server(SERVER)
        socket.create_connection(SERVER).sendall(b"2")
        a.sendall(b"1")
    assert [(event.connection, event.data) for event in net.trace if event.kind == "data"] \
        == [(2, b"2"), (1, b"1")]
    assert net.connections[1].server == SERVER


def test_every_write_is_one_data_event_with_a_copy_of_its_bytes() -> None:
    with Network(trace=True) as net:
        a, _b = socket.socketpair()
        buffer = bytearray(b"abc")
        a.send(buffer)
        buffer[:] = b"XYZ"  # the trace kept a copy
        a.sendmsg([b"de", b"f"])
        a.sendall(memoryview(b"ghij")[1:])
    assert [event.data for event in net.trace if event.kind == "data"] \
        == [b"abc", b"de", b"f", b"hij"]


def test_a_close_with_unread_data_is_a_reset() -> None:
    with Network(trace=True) as net:
        a, b = socket.socketpair()
        a.sendall(b"unread")
        b.close()
        a.close()
    assert [(event.kind, event.detail) for event in net.trace] == [
        ("connect", "socketpair()"), ("data", ""), ("reset", "close() with 6 bytes unread"),
        ("close", "")]


def test_reset_is_one_event_from_the_end_that_resets() -> None:
    with Network(trace=True) as net:
        server = socket.create_server(SERVER)
        client = socket.create_connection(SERVER)
        conn, _ = server.accept()
        conn.reset()
        with pytest.raises(ConnectionResetError):
            client.recv(10)
    assert summary(net)[2:] == [(1, "reset", SERVER, CLIENT, b"", "reset()")]


def test_closing_a_listener_resets_the_connections_it_did_not_accept() -> None:
    with Network(trace=True) as net:
        server = socket.create_server(SERVER)
        socket.create_connection(SERVER)
        server.close()
    assert summary(net)[1:] == [(1, "reset", SERVER, CLIENT, b"", "reset()")]


def test_refused_connects_are_traced() -> None:
    with Network(trace=True) as net:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", 9))
        quiet = socket.socket()
        quiet.setblocking(False)
        assert quiet.connect_ex(("127.0.0.1", 10)) != 0
        with pytest.raises(FileNotFoundError):
            socket.socket(socket.AF_UNIX).connect("/run/nobody.sock")
    assert [(event.connection, event.kind, event.destination, event.detail)
            for event in net.trace] == [
        (None, "refused", ("127.0.0.1", 9), "nothing listens there"),
        (None, "refused", ("127.0.0.1", 10), "nothing listens there"),
        (None, "refused", "/run/nobody.sock", "nothing is bound there")]
    assert net.trace[0].source == CLIENT


def test_a_connect_waiting_for_room_is_refused_when_the_listener_closes() -> None:
    with Network(trace=True) as net:
        server = socket.socket()
        server.bind(SERVER)
        server.listen(0)
        _first = socket.create_connection(SERVER)  # the queue holds backlog + 1: full
        waiting = socket.socket()
        waiting.setblocking(False)
        assert waiting.connect_ex(SERVER) == errno.EINPROGRESS
        server.close()
        assert waiting.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
    assert summary(net) == [
        (1, "connect", CLIENT, SERVER, b"", ""),
        (1, "reset", SERVER, CLIENT, b"", "reset()"),
        (None, "refused", ("127.0.0.1", 32769), SERVER, b"", "the listener was closed")]


def test_an_ipv4_client_of_an_ipv6_listener_is_traced_as_the_client_sees_it() -> None:
    with Network(trace=True) as net:
        server = socket.create_server(("::", 8080), family=socket.AF_INET6, dualstack_ipv6=True)
        _client = socket.create_connection(SERVER)
        conn, address = server.accept()
        assert address[0] == "::ffff:127.0.0.1"
        conn.sendall(b"hi")
    assert summary(net)[2] == (1, "data", SERVER, CLIENT, b"hi", "")


def test_datagrams_are_traced_even_on_the_fast_path() -> None:
    with Network(trace=True) as net:
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("0.0.0.0", 5353))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.bind(("127.0.0.1", 40000))
        for data in (b"one", b"two", b"three"):  # the same route: a fast path after one
            sender.sendto(data, ("127.0.0.1", 5353))
        a, _b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        a.send(b"unix")
    assert [(event.connection, event.kind, event.source, event.destination, event.data)
            for event in net.trace] == [
        (None, "datagram", ("127.0.0.1", 40000), ("127.0.0.1", 5353), data)
        for data in (b"one", b"two", b"three")] + [(None, "datagram", None, "", b"unix")]


def test_start_trace_later_traces_open_connections_and_cached_routes() -> None:
    with Network() as net:
        a, b = socket.socketpair()
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 5000))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(2):
            sender.sendto(b"before", ("127.0.0.1", 5000))
            a.sendall(b"before")
        net.start_trace()
        net.start_trace()  # again: nothing changes
        sender.sendto(b"after", ("127.0.0.1", 5000))
        a.sendall(b"after")
        b.sendall(b"back")
    assert [(event.kind, event.data) for event in net.trace] \
        == [("datagram", b"after"), ("data", b"after"), ("data", b"back")]


def test_stop_trace_keeps_the_events_and_other_taps() -> None:
    seen: list[bytes] = []
    with Network(trace=True) as net:
        a, b = socket.socketpair()
        pipe = a._out
        pipe.taps = (*pipe.taps, lambda pipe, chunk: seen.append(bytes(chunk)))
        pipe.refresh()
        a.sendall(b"1")
        net.stop_trace()
        a.sendall(b"2")
        assert len(pipe.taps) == 1 and not b._out.taps and b._out.plain
        net.start_trace()
        a.sendall(b"3")
    assert seen == [b"1", b"2", b"3"]
    assert [event.data for event in net.trace if event.kind == "data"] == [b"1", b"3"]


def test_trace_event_adds_an_event_for_a_connection_or_none() -> None:
    with Network(trace=True, virtual_time=True) as net:
        _server = socket.create_server(SERVER)
        socket.create_connection(SERVER)
        record = net.connections[0]
        net._trace_event(record, "condition", "latency 0.2 s")
        net._trace_event(None, "condition", "partition", source="10.0.0.1",
                         destination="10.0.0.2")
        net._trace_event(record, "condition", "dropped", data=b"abc")
        with pytest.raises(TypeError, match="colour"):
            net._trace_event(record, "condition", "", colour="red")
    assert summary(net)[1:] == [
        (1, "condition", CLIENT, SERVER, b"", "latency 0.2 s"),
        (None, "condition", "10.0.0.1", "10.0.0.2", b"", "partition"),
        (1, "condition", CLIENT, SERVER, b"abc", "dropped")]
    assert net.trace[-1].size == 3


def test_an_asyncio_exchange_is_traced_on_the_virtual_clock() -> None:
    async def main() -> None:
        async def upper(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            line = await reader.readline()
            await asyncio.sleep(0.25)
            writer.write(line.upper())
            writer.write_eof()
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(upper, *SERVER)
        reader, writer = await asyncio.open_connection(*SERVER)
        writer.write(b"hello\n")
        assert await reader.read() == b"HELLO\n"
        await asyncio.sleep(1.0)
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    with Network(trace=True, virtual_time=True) as net:
        asyncio.run(main())
    assert [(event.time, event.kind, event.source, event.data, event.detail)
            for event in net.trace] == [
        (0.0, "connect", CLIENT, b"", ""),
        (0.0, "accept", SERVER, b"", ""),
        (0.0, "data", CLIENT, b"hello\n", ""),
        (0.25, "data", SERVER, b"HELLO\n", ""),
        (0.25, "shutdown", SERVER, b"", "SHUT_WR"),
        (0.25, "close", SERVER, b"", ""),
        (1.25, "close", CLIENT, b"", ""),
    ]


# -- the timeline ---------------------------------------------------------------------------


def traced_scene() -> Network:
    with Network(trace=True, virtual_time=True) as net:
        exchange(net)
        a, _b = socket.socketpair()
        a.sendall(bytes(range(50)))
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("/run/app.sock")
        listener.listen()
        socket.socket(socket.AF_UNIX).connect("/run/app.sock")
        udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        udp.bind(("::1", 53))
        udp.sendto(b"q", ("::1", 53))
    return net


def test_the_timeline_has_a_line_per_event() -> None:
    assert traced_scene().timeline() == "\n".join([
        "  0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  connect",
        "  0.000000  #1 127.0.0.1:8080 -> 127.0.0.1:32768  accept",
        "  0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  data 5 bytes b'hello'",
        "  0.000000  #1 127.0.0.1:8080 -> 127.0.0.1:32768  data 5 bytes b'world'",
        "  0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  shutdown SHUT_WR",
        "  0.000000  #1 127.0.0.1:8080 -> 127.0.0.1:32768  close",
        "  0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  close",
        "  0.000000  #2 (unnamed) -> (unnamed)  connect socketpair()",
        "  0.000000  #2 (unnamed) -> (unnamed)  data 50 bytes "
        + repr(bytes(range(40))) + "...",
        "  0.000000  #3 (unnamed) -> /run/app.sock  connect",
        "  0.000000  udp [::1]:53 -> [::1]:53  datagram 1 byte b'q'",
    ])


@pytest.mark.parametrize("which, numbers", [
    (1, {1}), (2, {2}), (99, set()),
    (("127.0.0.1", 8080), {1}), ("127.0.0.1:32768", {1}), ("127.0.0.1", {1}),
    ("/run/app.sock", {3}), ("[::1]:53", {None}), (("::1", 53), {None}),
])
def test_the_timeline_shows_one_connection_or_address(which: Any, numbers: set[Any]) -> None:
    net = traced_scene()
    expected = [line for line, event in zip(net.timeline().splitlines(), net.trace)
                if event.connection in numbers]
    assert net.timeline(which).splitlines() == expected


def test_the_times_of_a_wall_clock_trace_grow_from_zero() -> None:
    with Network(trace=True) as net:
        a, _b = socket.socketpair()
        a.sendall(b"x")
    times = [event.time for event in net.trace]
    assert 0.0 <= times[0] <= times[1] < 60.0


# -- pcapng ---------------------------------------------------------------------------------


def naive_checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = 0
    for index in range(0, len(data), 2):
        total += data[index] << 8 | data[index + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@given(st.binary(max_size=300) | st.sampled_from([b"", b"\0" * 6, b"\xff" * 8, b"\xff\xff"]))
def test_the_checksum_is_rfc_1071s(data: bytes) -> None:
    assert _trace.checksum(data) == naive_checksum(data)


BIG = 150_000


def pcap_scene() -> Network:
    """IPv4 and IPv6 connections, a refused connect, datagrams, AF_UNIX, over time."""

    async def main() -> None:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.readexactly(5 + BIG)
            await asyncio.sleep(0.5)
            writer.write(data[:5].upper())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, *SERVER)
        reader, writer = await asyncio.open_connection(*SERVER)
        await asyncio.sleep(0.25)
        writer.write(b"hello" + b"x" * BIG)
        writer.write_eof()
        assert await reader.read() == b"HELLO"
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()

    with Network(trace=True, virtual_time=True) as net:
        asyncio.run(main())
        server6 = socket.create_server(("::1", 9000), family=socket.AF_INET6)
        client6 = socket.create_connection(("::1", 9000))
        client6.sendall(b"six")
        client6.reset()
        server6.close()
        assert socket.socket().connect_ex(("127.0.0.1", 9)) != 0
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 5000))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(b"datagram", ("127.0.0.1", 5000))
        sender.sendto(b"", ("127.0.0.1", 5000))
        a, _b = socket.socketpair()
        a.sendall(b"not in the capture")
    return net


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("trace") / "scene.pcapng"
    count = pcap_scene().write_pcapng(str(path))
    return path, count


def test_write_pcapng_takes_a_path_or_a_binary_file(capture: tuple[Path, int],
                                                    tmp_path: Path) -> None:
    path, count = capture
    net = pcap_scene()
    file = io.BytesIO()
    assert net.write_pcapng(file) == count
    assert net.write_pcapng(tmp_path / "again.pcapng") == count
    assert file.getvalue() == path.read_bytes() == (tmp_path / "again.pcapng").read_bytes()
    assert count == len(expected_rows())


def need_dpkt() -> Any:
    """dpkt, or a skip saying where it comes from."""
    return pytest.importorskip("dpkt", reason="dpkt is in the [trace] extra")


def read_with_dpkt(path: Path) -> tuple[int, list[tuple[float, Any]]]:
    dpkt = need_dpkt()
    with path.open("rb") as file:
        reader = dpkt.pcapng.Reader(file)
        packets = [(ts, dpkt.ip.IP(buf) if buf[0] >> 4 == 4 else dpkt.ip6.IP6(buf))
                   for ts, buf in reader]
        return reader.datalink(), packets


def flags_of(segment: Any) -> str:
    return "".join(name for bit, name in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"),
                                          (0x10, "A")) if segment.flags & bit)


def test_packets_read_back_by_dpkt(capture: tuple[Path, int]) -> None:
    dpkt = need_dpkt()

    path, count = capture
    linktype, packets = read_with_dpkt(path)
    assert linktype == 101 and len(packets) == count
    rows = []
    for ts, ip in packets:
        family = socket.AF_INET if isinstance(ip, dpkt.ip.IP) else socket.AF_INET6
        source = socket.inet_ntop(family, ip.src)
        destination = socket.inet_ntop(family, ip.dst)
        layer = ip.data
        kind = "tcp" if isinstance(layer, dpkt.tcp.TCP) else "udp"
        rows.append((round(ts, 6), kind, f"{source}:{layer.sport}",
                     f"{destination}:{layer.dport}",
                     flags_of(layer) if kind == "tcp" else "", len(layer.data)))
    assert rows == expected_rows()


def expected_rows() -> list[tuple[Any, ...]]:
    c, s = "127.0.0.1:32768", "127.0.0.1:8080"
    c6, s6 = "::1:32769", "::1:9000"
    r = "127.0.0.1:32770"
    u, udp = "127.0.0.1:32771", "127.0.0.1:5000"
    return [
        # the handshake at connect, the 150,005 bytes in three segments, the client's FIN
        (0.0, "tcp", c, s, "S", 0), (0.0, "tcp", s, c, "SA", 0), (0.0, "tcp", c, s, "A", 0),
        (0.25, "tcp", c, s, "A", 65000), (0.25, "tcp", c, s, "A", 65000),
        (0.25, "tcp", c, s, "PA", 20005),
        (0.25, "tcp", c, s, "FA", 0), (0.25, "tcp", s, c, "A", 0),
        # the answer half a second later, the server's close, the client's
        (0.75, "tcp", s, c, "PA", 5),
        (0.75, "tcp", s, c, "FA", 0), (0.75, "tcp", c, s, "A", 0),
        # IPv6, reset after its data; the server's close adds nothing after the RST
        (0.75, "tcp", c6, s6, "S", 0), (0.75, "tcp", s6, c6, "SA", 0),
        (0.75, "tcp", c6, s6, "A", 0),
        (0.75, "tcp", c6, s6, "PA", 3), (0.75, "tcp", c6, s6, "RA", 0),
        # a refused connect: a SYN, and the RST that answers it
        (0.75, "tcp", r, "127.0.0.1:9", "S", 0), (0.75, "tcp", "127.0.0.1:9", r, "RA", 0),
        # two datagrams (one empty); the AF_UNIX connection is not in the capture
        (0.75, "udp", u, udp, "", 8), (0.75, "udp", u, udp, "", 0),
    ]


def test_sequence_numbers_acknowledgements_and_payloads(capture: tuple[Path, int]) -> None:
    dpkt = need_dpkt()

    _, packets = read_with_dpkt(capture[0])
    following: dict[Any, int] = {}  # (source, destination) -> the next sequence number
    payloads: dict[Any, bytes] = {}
    for _, ip in packets:
        layer = ip.data
        way = ((ip.src, layer.sport), (ip.dst, layer.dport))
        payloads[way] = payloads.get(way, b"") + layer.data
        if not isinstance(layer, dpkt.tcp.TCP):
            continue
        back = (way[1], way[0])
        if layer.flags & dpkt.tcp.TH_SYN:
            following[way] = layer.seq
        elif way not in following:  # the RST that refuses a connect
            assert layer.flags & dpkt.tcp.TH_RST and layer.ack == following[back]
            continue
        assert layer.seq == following[way]
        following[way] = (layer.seq + len(layer.data)
                          + bool(layer.flags & (dpkt.tcp.TH_SYN | dpkt.tcp.TH_FIN))) & 0xFFFFFFFF
        if layer.flags & dpkt.tcp.TH_ACK:
            assert layer.ack == following[back]
        else:
            assert layer.ack == 0
    v4 = socket.inet_aton("127.0.0.1")
    v6 = socket.inet_pton(socket.AF_INET6, "::1")
    assert payloads[((v4, 32768), (v4, 8080))] == b"hello" + b"x" * BIG
    assert payloads[((v4, 8080), (v4, 32768))] == b"HELLO"
    assert payloads[((v6, 32769), (v6, 9000))] == b"six"
    assert payloads[((v4, 32771), (v4, 5000))] == b"datagram"


def test_checksums_are_those_dpkt_computes(capture: tuple[Path, int]) -> None:
    dpkt = need_dpkt()

    _, packets = read_with_dpkt(capture[0])
    for _, ip in packets:
        raw = bytes(ip)
        sums = (getattr(ip, "sum", None), ip.data.sum)
        assert ip.data.sum != 0
        if isinstance(ip, dpkt.ip.IP):
            ip.sum = 0
        ip.data.sum = 0
        again = dpkt.ip.IP(bytes(ip)) if isinstance(ip, dpkt.ip.IP) else dpkt.ip6.IP6(bytes(ip))
        assert (getattr(again, "sum", None), again.data.sum) == sums
        assert bytes(again) == raw


def test_the_pcapng_blocks_are_well_formed(capture: tuple[Path, int]) -> None:
    data = capture[0].read_bytes()
    kinds = []
    offset = 0
    while offset < len(data):
        kind, length = struct.unpack_from("<II", data, offset)
        assert length % 4 == 0
        assert struct.unpack_from("<I", data, offset + length - 4)[0] == length
        kinds.append(kind)
        offset += length
    assert offset == len(data)
    assert kinds == [0x0A0D0D0A, 1] + [6] * capture[1]


def tshark(*args: str) -> list[str]:
    program = shutil.which("tshark")
    if program is None:
        pytest.skip("tshark is not on the PATH (Debian: apt-get install tshark)")
    checks = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
              "-o", "udp.check_checksum:TRUE"]
    done = subprocess.run([program, *checks, *args], capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.splitlines()


def test_tshark_reads_the_capture_with_good_checksums(capture: tuple[Path, int]) -> None:
    rows = tshark("-r", str(capture[0]), "-T", "fields", "-E", "separator=,",
                  "-e", "frame.time_relative", "-e", "ip.src", "-e", "ipv6.src",
                  "-e", "tcp.srcport", "-e", "udp.srcport", "-e", "tcp.flags.str",
                  "-e", "tcp.len", "-e", "ip.checksum.status", "-e", "tcp.checksum.status",
                  "-e", "udp.checksum.status")
    assert len(rows) == capture[1]
    expected = expected_rows()
    for row, (when, kind, source, _, flags, size) in zip(rows, expected):
        fields = row.split(",")
        assert abs(float(fields[0]) - when) < 1e-6
        host, _, port = source.rpartition(":")
        assert host in (fields[1], fields[2])
        assert port == (fields[3] if kind == "tcp" else fields[4])
        if kind == "tcp":
            assert {letter for letter in fields[5] if letter.isalpha()} == set(flags)
            assert int(fields[6]) == size
        statuses = [status for status in fields[7:] if status]
        assert statuses and all(status == "1" for status in statuses), row  # 1: good


def test_tshark_sees_no_lost_or_out_of_order_segments(capture: tuple[Path, int]) -> None:
    assert tshark("-r", str(capture[0]), "-Y",
                  "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || "
                  "tcp.analysis.out_of_order || tcp.analysis.retransmission || "
                  "tcp.analysis.duplicate_ack || _ws.malformed") == []


def test_tshark_reassembles_the_stream(capture: tuple[Path, int]) -> None:
    lines = tshark("-r", str(capture[0]), "-q", "-z", "follow,tcp,raw,0")
    hexes = [line.strip() for line in lines if line.strip() and set(line.strip()) <=
             set("0123456789abcdef")]
    assert bytes.fromhex("".join(hexes)) == b"hello" + b"x" * BIG + b"HELLO"


# -- the pytest option ----------------------------------------------------------------------


@pytest.fixture
def run(pytester: pytest.Pytester, pytestconfig: pytest.Config) -> Any:
    """Run pytest on the files of ``pytester``, with the plugin loaded."""
    loaded = pytestconfig.pluginmanager.has_plugin("mockselector")
    plugin = [] if loaded else ["-p", "mockselector.pytest_plugin"]
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile("""
        import socket
        import pytest

        def talk():
            server = socket.create_server(("127.0.0.1", 8080))
            client = socket.create_connection(("127.0.0.1", 8080))
            client.sendall(b"the request")

        def test_fails(network):
            talk()
            assert network.trace == "something else"

        def test_passes(network):
            talk()

        @pytest.mark.network(trace=True)
        def test_fails_traced_by_its_marker(network):
            talk()
            assert False

        @pytest.mark.network(trace=False)
        def test_fails_untraced_by_its_marker(network):
            talk()
            assert False

        @pytest.fixture
        def broken_teardown():
            yield
            raise RuntimeError("teardown fails too")

        @pytest.mark.network(trace=True)
        def test_fails_and_its_teardown_too(network, broken_teardown):
            talk()
            assert False
    """)

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_inprocess(
            *plugin, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--strict-markers",
            *args)

    return run


SECTION = "mockselector trace"
REQUEST = "127.0.0.1:32768 -> 127.0.0.1:8080  data 11 bytes b'the request'"


def sections_of(result: pytest.RunResult) -> dict[str, str]:
    """The failure output of each test, by its name."""
    text = result.stdout.str()
    parts = text.split("_____ test_")[1:]
    return {part.split(" ", 1)[0]: part for part in parts}


def test_the_option_shows_the_timeline_of_a_failing_test(run: Any) -> None:
    result = run("--mockselector-trace")
    result.assert_outcomes(passed=1, failed=4, errors=1)
    failures = sections_of(result)
    assert SECTION in failures["fails"] and REQUEST in failures["fails"]
    assert "127.0.0.1:32768 -> 127.0.0.1:8080  connect" in failures["fails"]
    assert SECTION in failures["fails_traced_by_its_marker"]
    assert SECTION not in failures["fails_untraced_by_its_marker"]
    # Once for a test, even when its teardown fails too.
    assert result.stdout.str().count(f" {SECTION} ") == 3


def test_without_the_option_only_the_marker_traces(run: Any) -> None:
    result = run()
    result.assert_outcomes(passed=1, failed=4, errors=1)
    failures = sections_of(result)
    assert SECTION not in failures["fails"]
    assert SECTION in failures["fails_traced_by_its_marker"]
    assert REQUEST in failures["fails_traced_by_its_marker"]
    assert result.stdout.str().count(f" {SECTION} ") == 2
