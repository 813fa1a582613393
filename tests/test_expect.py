"""Expected writes: the bytes the code must send, checked as it sends them.

Unit tests of the comparison and its messages on standalone and paired
sockets, then the network's expectations by address with unmodified clients
(``http.client``, asyncio streams), and the pytest fixture's teardown.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import socket
import threading
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockselector
from mockselector import Expectation, MockSocket, Network, UnexpectedWrite, socketpair

pytest_plugins = ["pytester"]

payloads = st.binary(min_size=1, max_size=300)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut at the (sorted, deduplicated) positions ``cuts``."""
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[start:end] for start, end in zip(points, points[1:])]


def fails(call: Any, *args: Any) -> UnexpectedWrite:
    with pytest.raises(UnexpectedWrite) as caught:
        call(*args)
    return caught.value


# -- matching -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=payloads, cuts=st.lists(st.integers(min_value=0), max_size=20),
       how=st.sampled_from(["send", "sendall", "sendmsg"]), paired=st.booleans(),
       seed=st.one_of(st.none(), st.integers(min_value=0, max_value=2**16)))
def test_any_split_of_the_expected_bytes_passes(data: bytes, cuts: list[int], how: str,
                                                paired: bool, seed: int | None) -> None:
    # With a seed, send and sendmsg accept random-length prefixes: split further.
    sock, peer = socketpair(seed=seed) if paired else (MockSocket(seed=seed), None)
    expectation = sock.expect_sent(data)
    for chunk in split(data, cuts):
        if how == "sendall":
            sock.sendall(chunk)
        while chunk and how == "send":
            chunk = chunk[sock.send(chunk):]
        while chunk and how == "sendmsg":
            half = len(chunk) // 2
            chunk = chunk[sock.sendmsg([chunk[:half], chunk[half:]]):]
    expectation.verify()
    assert expectation.matched == len(data) and expectation.remaining == b""
    if peer is not None:
        received = b""
        while len(received) < len(data):
            received += peer.recv(1000)
        assert received == data


@settings(max_examples=200, deadline=None)
@given(data=payloads, cuts=st.lists(st.integers(min_value=0), max_size=20),
       where=st.integers(min_value=0), change=st.integers(min_value=1, max_value=255))
def test_a_changed_byte_fails_the_write_that_carries_it_at_its_offset(
    data: bytes, cuts: list[int], where: int, change: int,
) -> None:
    where %= len(data)
    sent = bytearray(data)
    sent[where] = (sent[where] + change) % 256
    a, b = socketpair()
    expectation = a.expect_sent(data)
    delivered = 0
    for chunk in split(bytes(sent), cuts):
        if delivered + len(chunk) <= where:
            a.sendall(chunk)
            delivered += len(chunk)
            continue
        failure = fails(a.sendall, chunk)
        break
    assert failure.offset == where and failure.expectation is expectation
    assert expectation.failure is failure and expectation.matched == delivered
    assert f"at offset {where} " in str(failure)
    # The failing write did not happen: the peer has only the writes before it.
    b.setblocking(False)
    assert (b.recv(1000) if delivered else b"") == data[:delivered]


def test_a_write_after_a_failure_fails_too_with_the_same_message() -> None:
    sock = MockSocket()
    expectation = sock.expect_sent(b"abc")
    first = fails(sock.send, b"abX")
    again = fails(sock.send, b"ab")
    assert str(again) == str(first) and again.offset == 2
    assert expectation.failure is first
    assert sock.sent == b""


def test_expect_sent_again_expects_more_bytes_after_those() -> None:
    a, _b = socketpair()
    first = a.expect_sent(b"USER me\r\n")
    assert a.expect_sent(b"PASS ", b"secret\r\n") is first
    a.sendall(b"USER me\r\nPASS secret\r\n")
    first.verify()
    assert first.expected == b"USER me\r\nPASS secret\r\n"


def test_extend_appends_and_returns_the_expectation() -> None:
    sock = MockSocket()
    expectation = sock.expect_sent(b"a")
    assert expectation.extend(bytearray(b"b"), memoryview(b"c")) is expectation
    sock.sendall(b"abc")
    expectation.verify()


def test_expected_bytes_must_be_bytes_like() -> None:
    with pytest.raises(TypeError, match="bytes-like object, not str"):
        MockSocket().expect_sent("text")  # type: ignore[arg-type]


def test_an_expectation_on_one_direction_leaves_the_other_on_its_fast_path() -> None:
    a, b = socketpair()
    a.expect_sent(b"x")
    assert not a._out.plain
    assert b._out.plain


def test_a_standalone_socket_checks_its_writes_too() -> None:
    sock = MockSocket()
    assert sock._out.reader is None
    sock.expect_sent(b"ok")
    failure = fails(sock.sendall, b"no")
    assert failure.offset == 0 and "(the first byte)" in str(failure)


# -- messages -----------------------------------------------------------------------------


def test_a_text_protocol_shows_a_text_diff_with_escapes_and_a_caret() -> None:
    sock = MockSocket()
    sock.expect_sent(b"GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n")
    failure = fails(sock.sendall, b"GET /index.htm HTTP/1.1\r\nHost: example.test\r\n\r\n")
    lines = str(failure).splitlines()
    assert lines[0].startswith("<MockSocket fd=")
    assert lines[0].endswith("sent a byte other than expected at offset 14 "
                             "(the 14 bytes before matched):")
    assert lines[1] == '  expected: "GET /index.html HTTP/1.1\\r\\nHost: example.test\\r\\n"...'
    assert lines[2] == '  sent:     "GET /index.htm HTTP/1.1\\r\\nHost: example.test\\r\\n\\r"...'
    assert lines[3].index("^") == lines[2].index(" HTTP")


def test_text_beyond_the_window_is_cut_with_an_ellipsis_on_both_sides() -> None:
    sock = MockSocket()
    expected = b"x" * 100 + b"needle" + b"y" * 100
    sock.expect_sent(expected)
    failure = fails(sock.sendall, b"x" * 100 + b"noodle" + b"y" * 100)
    expected_line, sent_line, caret = str(failure).splitlines()[1:4]
    assert expected_line == '  expected: ...' + '"' + "x" * 31 + "needle" + "y" * 27 + '"...'
    assert sent_line == '  sent:     ...' + '"' + "x" * 31 + "noodle" + "y" * 27 + '"...'
    assert caret.index("^") == sent_line.index("oodle")


def test_utf8_text_shows_as_text_and_other_bytes_as_escapes() -> None:
    sock = MockSocket()
    sock.expect_sent("naïve\tcafé\x00!".encode())
    failure = fails(sock.sendall, "naïve\tcafé\x00?".encode())
    assert '"naïve\\tcafé\\x00!"' in str(failure)
    assert '"naïve\\tcafé\\x00?"' in str(failure)


def test_binary_data_shows_a_hex_dump_with_the_deviating_byte_in_brackets() -> None:
    sock = MockSocket()
    sock.expect_sent(bytes(range(64)))
    sent = bytearray(range(40))
    sent[33] = 0xFF
    failure = fails(sock.sendall, bytes(sent))
    assert str(failure).splitlines()[1:] == [
        "  expected:",
        "    00000010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f   |................|",
        "    00000020  20[21]22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f   | !\"#$%&'()*+,-./|",
        "    00000030  30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f   |0123456789:;<=>?|",
        "  sent:",
        "    00000010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f   |................|",
        "    00000020  20[ff]22 23 24 25 26 27                           | .\"#$%&'|",
    ]


def test_bytes_beyond_the_expected_ones_fail_as_more_than_expected() -> None:
    a, _b = socketpair()
    expectation = a.expect_sent(b"BYE\r\n")
    failure = fails(a.sendall, b"BYE\r\nand more")
    assert failure.offset == 5 and expectation.matched == 0
    text = str(failure)
    assert "sent more than expected: 8 bytes from offset 5, after all 5 expected bytes" in text
    assert '"BYE\\r\\n"  (the end of the expected bytes)' in text
    assert '"BYE\\r\\nand more"' in text


def test_binary_bytes_beyond_the_expected_ones_show_where_the_expected_end() -> None:
    sock = MockSocket()
    sock.expect_sent(b"\x00\x01")
    failure = fails(sock.sendall, b"\x00\x01\x02\x03")
    text = str(failure)
    assert "00000000 [00]01" not in text and "00000000  00 01[02]03" in text
    assert "(the expected bytes end at offset 2)" in text


def test_verify_names_the_expected_bytes_never_sent() -> None:
    sock = MockSocket()
    expectation = sock.expect_sent(b"HELLO\r\nQUIT\r\n")
    sock.sendall(b"HELLO\r\n")
    failure = fails(expectation.verify)
    assert failure.offset == 7
    lines = str(failure).splitlines()
    assert lines[0].endswith("did not send 6 expected bytes, from offset 7 "
                             "(the 7 bytes before were sent):")
    assert lines[1:3] == ['  expected: "HELLO\\r\\nQUIT\\r\\n"', '  sent:     "HELLO\\r\\n"']
    sock.sendall(b"QUIT\r\n")
    expectation.verify()


def test_verify_raises_the_failure_of_a_write_the_code_swallowed() -> None:
    sock = MockSocket()
    expectation = sock.expect_sent(b"ok")
    try:
        sock.sendall(b"ko")
    except Exception:
        pass
    assert fails(expectation.verify).offset == 0


def test_the_repr_tells_how_far_the_socket_got() -> None:
    sock = MockSocket()
    expectation = sock.expect_sent(b"abcd")
    sock.send(b"ab")
    assert repr(expectation).endswith(": 2 of 4 bytes sent>")
    fails(sock.send, b"x")
    assert repr(expectation).endswith(": 2 of 4 bytes sent, failed at offset 2>")


# -- memory -------------------------------------------------------------------------------


def test_streaming_through_an_expectation_keeps_no_copy_of_the_stream() -> None:
    size, chunk = 8 << 20, 64 << 10
    data = bytes(range(256)) * (size // 256)
    a, b = socketpair()
    expectation = a.expect_sent(data)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        with memoryview(data) as view:
            for start in range(0, size, chunk):
                a.sendall(view[start:start + chunk])
                assert len(b.recv(chunk)) == chunk
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    expectation.verify()
    assert peak < 1 << 20, peak  # a few chunks, not the 8 MB sent


# -- on a network -------------------------------------------------------------------------


def test_to_checks_what_the_next_client_of_an_address_sends_by_name() -> None:
    with Network() as net:
        net.add_host("kv.internal", "10.0.0.5")
        expectation = net.expect_sent(b"SET a 1\n", to=("kv.internal", 7000))
        server = socket.create_server(("10.0.0.5", 7000))
        client = socket.create_connection(("kv.internal", 7000))
        client.sendall(b"SET a ")
        client.sendall(b"1\n")
        assert expectation.matched == 8
        conn, _ = server.accept()
        assert conn.recv(100) == b"SET a 1\n"
        for sock in (client, conn, server):
            sock.close()


def test_by_checks_what_the_server_at_an_address_sends_back() -> None:
    with pytest.raises(UnexpectedWrite) as caught, Network() as net:
        net.expect_sent(b"220 ready\r\n", by=("127.0.0.1", 2525))
        server = socket.create_server(("127.0.0.1", 2525))
        client = socket.create_connection(("localhost", 2525))
        conn, _ = server.accept()
        client.sendall(b"anything\r\n")  # the client is not checked
        conn.sendall(b"220 ready\r\n")
        conn.sendall(b"221 bye\r\n")
    assert caught.value.offset == 11
    assert "(net.expect_sent(by=('127.0.0.1', 2525))) sent more than expected" \
        in str(caught.value)


def test_each_expectation_is_for_one_connection_made_after_it(network: Network) -> None:
    server = socket.create_server(("127.0.0.1", 9000))
    before = socket.create_connection(("127.0.0.1", 9000))
    first = network.expect_sent(b"one", to=("127.0.0.1", 9000))
    second = network.expect_sent(b"two", to=("127.0.0.1", 9000))
    before.sendall(b"not checked")
    socket.create_connection(("127.0.0.1", 9000)).sendall(b"one")
    socket.create_connection(("127.0.0.1", 9000)).sendall(b"two")
    socket.create_connection(("127.0.0.1", 9000)).sendall(b"not checked either")
    assert first.matched == 3 and second.matched == 3
    server.close()


def test_a_wildcard_host_matches_any_address_of_the_port_and_ipv6_too(network: Network) -> None:
    expectation = network.expect_sent(b"v6", to=("::", 8080))
    server = socket.create_server(("::", 8080), family=socket.AF_INET6, dualstack_ipv6=True)
    client = socket.create_connection(("127.0.0.1", 8080))
    client.sendall(b"v6")
    assert expectation.matched == 2
    server.close()


def test_an_af_unix_path_is_an_address_too(network: Network) -> None:
    expectation = network.expect_sent(b"hello", to="/run/app.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind("/run/app.sock")
    server.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect("/run/app.sock")
    client.sendall(b"hello")
    assert expectation.matched == 5


def test_a_failure_the_code_swallows_fails_at_the_network_exit() -> None:
    with pytest.raises(UnexpectedWrite) as caught, Network() as net:
        net.expect_sent(b"PING\r\n", to=("127.0.0.1", 6379))
        server = socket.create_server(("127.0.0.1", 6379))
        client = socket.create_connection(("127.0.0.1", 6379))
        try:  # code that swallows everything
            client.sendall(b"PONG\r\n")
        except Exception:
            pass
        server.close()
    assert caught.value.offset == 1
    assert "(net.expect_sent(to=('127.0.0.1', 6379))) sent a byte other than expected" \
        in str(caught.value)


def test_the_network_exit_reports_bytes_never_sent_and_connections_never_made() -> None:
    with pytest.raises(UnexpectedWrite) as caught, Network() as net:
        net.add_host("db.internal", "10.0.0.7")
        net.expect_sent(b"hello", to=("db.internal", 5432))
        net.expect_sent(b"QUIT", to=("127.0.0.1", 25))
        server = socket.create_server(("10.0.0.7", 5432))
        socket.create_connection(("db.internal", 5432)).sendall(b"hel")
        server.close()
    lines = str(caught.value).splitlines()
    assert lines[0] == "2 expectations failed:"
    assert lines[1].endswith("did not send 2 expected bytes, from offset 3 "
                             "(the 3 bytes before were sent):")
    assert "net.expect_sent(to=('127.0.0.1', 25)): no connection was made, 4 expected " \
        "bytes never sent:" in lines


def test_the_network_exit_verifies_sockets_the_test_holds_too() -> None:
    with pytest.raises(UnexpectedWrite, match="did not send 2 expected bytes"), Network():
        a, _b = socketpair()
        a.expect_sent(b"ab")


def test_the_network_exit_does_not_verify_when_the_block_raised() -> None:
    with pytest.raises(KeyError), Network() as net:
        net.expect_sent(b"never", to=("127.0.0.1", 80))
        raise KeyError("the block's own error")


def test_a_failure_verify_raised_is_not_raised_again_at_the_exit() -> None:
    with Network() as net:
        expectation = net.expect_sent(b"x", to=("127.0.0.1", 80))
        fails(expectation.verify)


def test_a_network_entered_again_does_not_raise_an_old_failure_again() -> None:
    net = Network()
    with pytest.raises(UnexpectedWrite, match="no connection was made"), net:
        net.expect_sent(b"x", to=("127.0.0.1", 80))
    with net:
        pass


def test_expect_sent_on_a_network_socket_not_connected_says_what_to_do() -> None:
    with Network(), pytest.raises(OSError, match=r"net.expect_sent\(data, to=address\)"):
        socket.socket().expect_sent(b"x")  # type: ignore[attr-defined]


def test_expect_sent_of_a_network_takes_one_address(network: Network) -> None:
    with pytest.raises(TypeError, match="one of them"):
        network.expect_sent(b"x")
    with pytest.raises(TypeError, match="one of them"):
        network.expect_sent(b"x", to=("127.0.0.1", 1), by=("127.0.0.1", 1))
    with pytest.raises(TypeError, match=r"\(host, port\) or an AF_UNIX path"):
        network.expect_sent(b"x", to=8080)
    with pytest.raises(socket.gaierror, match=r"nowhere\.test"):
        network.expect_sent(b"x", to=("nowhere.test", 80))


def test_an_http_client_request_is_checked_byte_for_byte() -> None:
    request = (b"GET /items?id=7 HTTP/1.1\r\nHost: shop.test\r\n"
               b"Accept-Encoding: identity\r\n\r\n")
    with Network() as net:
        net.add_host("shop.test", "192.0.2.80")
        expectation = net.expect_sent(request, to=("shop.test", 80))
        server = socket.create_server(("192.0.2.80", 80))
        connection = http.client.HTTPConnection("shop.test", 80)
        connection.request("GET", "/items?id=7")
        assert expectation.matched == len(request)
        connection.close()
        server.close()
    with pytest.raises(UnexpectedWrite) as caught, Network() as net:
        net.add_host("shop.test", "192.0.2.80")
        net.expect_sent(request, to=("shop.test", 80))
        server = socket.create_server(("192.0.2.80", 80))
        connection = http.client.HTTPConnection("shop.test", 80)
        connection.request("GET", "/items?id=8")
    assert caught.value.offset == request.index(b"7")


def test_an_asyncio_client_is_checked_and_its_failure_ends_the_connection() -> None:
    async def main(line: bytes) -> Any:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"echo " + await reader.readline())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 7000)
        reader, writer = await asyncio.open_connection("localhost", 7000)
        writer.write(line)
        try:
            return await reader.read()
        except UnexpectedWrite as failure:  # the transport closed with it as the reason
            return failure
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    with Network(virtual_time=True) as net:
        request = net.expect_sent(b"hello\n", to=("localhost", 7000))
        reply = net.expect_sent(b"echo hello\n", by=("127.0.0.1", 7000))
        assert asyncio.run(main(b"hello\n")) == b"echo hello\n"
        assert request.matched == 6 and reply.matched == 11
    with pytest.raises(UnexpectedWrite) as caught, Network(virtual_time=True) as net:
        net.expect_sent(b"hello\n", to=("localhost", 7000))
        outcome = asyncio.run(main(b"help\n"))
        assert isinstance(outcome, UnexpectedWrite) and outcome.offset == 3
    assert caught.value.offset == 3


def test_expectations_check_the_writes_under_network_conditions() -> None:
    async def main() -> bytes:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readexactly(10))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 7000)
        reader, writer = await asyncio.open_connection("127.0.0.1", 7000)
        writer.write(b"0123456789")
        reply = await reader.read()
        writer.close()
        server.close()
        await server.wait_closed()
        return reply

    with Network(virtual_time=True) as net:
        net.conditions(latency=0.5, segment=3)
        request = net.expect_sent(b"0123456789", to=("127.0.0.1", 7000))
        reply = net.expect_sent(b"0123456789", by=("127.0.0.1", 7000))
        assert asyncio.run(main()) == b"0123456789"
        assert request.matched == reply.matched == 10


def test_a_threaded_server_reply_is_checked() -> None:
    with Network() as net:
        reply = net.expect_sent(b"pong\n", by=("127.0.0.1", 4000))
        server = socket.create_server(("127.0.0.1", 4000))

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                if conn.recv(100) == b"ping\n":
                    conn.sendall(b"pong\n")

        thread = threading.Thread(target=serve)
        thread.start()
        with socket.create_connection(("127.0.0.1", 4000)) as client:
            client.sendall(b"ping\n")
            assert client.recv(100) == b"pong\n"
        thread.join()
        server.close()
        reply.verify()


# -- pytest -------------------------------------------------------------------------------


def test_the_network_fixture_fails_a_test_whose_code_swallowed_the_failure(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import socket

        def test_swallowed(network):
            network.expect_sent(b"PING", to=("127.0.0.1", 6379))
            server = socket.create_server(("127.0.0.1", 6379))
            client = socket.create_connection(("127.0.0.1", 6379))
            try:
                client.sendall(b"PONG")
            except Exception:
                pass

        def test_kept(network):
            network.expect_sent(b"PING", to=("127.0.0.1", 6379))
            server = socket.create_server(("127.0.0.1", 6379))
            socket.create_connection(("127.0.0.1", 6379)).sendall(b"PING")
    """)
    result = run()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_swallowed*",
                                 "*sent a byte other than expected at offset 1*"])


def test_the_network_fixture_does_not_report_a_failure_the_test_raised_twice(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import socket

        def test_raised(network):
            network.expect_sent(b"PING", to=("127.0.0.1", 6379))
            server = socket.create_server(("127.0.0.1", 6379))
            socket.create_connection(("127.0.0.1", 6379)).sendall(b"PONG")

        def test_failed_otherwise(network):
            network.expect_sent(b"PING", to=("127.0.0.1", 6379))
            assert False, "the test's own failure"
    """)
    result = run()
    # The second test's unmet expectation is news: its teardown reports it.
    result.assert_outcomes(failed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_failed_otherwise*",
                                 "*no connection was made, 4 expected bytes never sent*"])
    assert "ERROR at teardown of test_raised" not in result.stdout.str()


def test_the_expect_sent_fixture_verifies_after_the_test(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        from mockselector import socketpair

        def test_sent(expect_sent):
            a, b = socketpair()
            expect_sent(a, b"HELLO")
            a.sendall(b"HEL")
            assert expect_sent(a, b"\\r\\n").expected == b"HELLO\\r\\n"
            a.sendall(b"LO\\r\\n")

        def test_never_sent(expect_sent):
            a, b = socketpair()
            expect_sent(a, b"HELLO")
            a.sendall(b"HEL")

        def test_swallowed(expect_sent):
            a, b = socketpair()
            expect_sent(a, b"HELLO")
            try:
                a.sendall(b"HELP")
            except Exception:
                pass

        def test_raised(expect_sent):
            a, b = socketpair()
            expect_sent(a, b"HELLO")
            a.sendall(b"HELP")
    """)
    result = run()
    result.assert_outcomes(passed=3, failed=1, errors=2)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_never_sent*",
                                 "*did not send 2 expected bytes, from offset 3*",
                                 "*ERROR at teardown of test_swallowed*",
                                 "*sent a byte other than expected at offset 3*"])
    assert "ERROR at teardown of test_raised" not in result.stdout.str()


def test_public_names_are_exported() -> None:
    assert mockselector.Expectation is Expectation
    assert {"Expectation", "UnexpectedWrite"} <= set(mockselector.__all__)
    assert issubclass(UnexpectedWrite, AssertionError)
