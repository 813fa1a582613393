"""Seeded schedule perturbation: ``TestSelector(seed=)``, loops, ``Network(seed=)``, pytest.

What is genuinely unordered - the order of the events a ``select()`` finds ready
together, where a stream's reads and writes split - varies with the seed, the same on
every run; the seed is named wherever a run fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import select
import selectors
import socket
import threading
from collections.abc import Iterator
from selectors import EVENT_READ
from typing import Any

import pytest

import mockselector
from mockselector import (
    MockSelector,
    MockSocket,
    Network,
    Stalled,
    TestSelector,
    new_event_loop,
    socketpair,
)
from mockselector._pipe import derive_seed

pytest_plugins = ["pytester"]

SEEDS = range(1, 41)


@pytest.fixture
def pairs() -> Iterator[list[tuple[MockSocket, MockSocket]]]:
    """Six connected pairs, closed after the test."""
    made = [socketpair() for _ in range(6)]
    yield made
    for a, b in made:
        a.close()
        b.close()


def select_orders(seed: int | None, rounds: int = 10) -> list[list[int]]:
    """The order of six sockets readable together, in ``rounds`` select() calls."""
    with contextlib.ExitStack() as stack:
        sel = stack.enter_context(TestSelector(seed=seed))
        for n in range(6):
            a, b = socketpair()
            stack.callback(a.close)
            stack.callback(b.close)
            sel.register(b, EVENT_READ, n)
            a.sendall(b"ready")
        return [[key.data for key, _ in sel.select()] for _ in range(rounds)]


# -- TestSelector(seed=) ----------------------------------------------------------------------


def test_same_seed_gives_the_same_select_orders_on_every_run() -> None:
    assert select_orders(1234) == select_orders(1234)


def test_a_seeded_select_shuffles_the_events_ready_together() -> None:
    orders = select_orders(1234)
    assert all(sorted(order) == list(range(6)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1


def test_different_seeds_give_different_orders() -> None:
    assert len({tuple(map(tuple, select_orders(seed))) for seed in range(5)}) == 5


def test_without_a_seed_select_reports_in_the_order_objects_became_ready() -> None:
    assert select_orders(None) == [list(range(6))] * 10


def test_an_unseeded_selector_keeps_the_plain_select_method() -> None:
    # No wrapper, so not one test more on the hot path of select().
    with TestSelector() as sel:
        assert "select" not in vars(sel)
        assert sel.seed is None


def test_seed_is_read_only() -> None:
    with TestSelector(seed=3) as sel:
        with pytest.raises(AttributeError):
            sel.seed = 4  # type: ignore[misc]


def test_a_seeded_selector_reports_one_event_as_an_unseeded_one(
    pairs: list[tuple[MockSocket, MockSocket]],
) -> None:
    (a, b) = pairs[0]
    with TestSelector(seed=9) as sel:
        key = sel.register(b, EVENT_READ)
        assert sel.select(timeout=0) == []
        a.sendall(b"x")
        assert sel.select() == [(key, EVENT_READ)]


def test_a_seeded_selector_shuffles_mock_events_and_in_memory_events_together(
    pairs: list[tuple[MockSocket, MockSocket]],
) -> None:
    mocks = [mockselector.SocketMock() for _ in range(3)]
    orders = set()
    with TestSelector(seed=5) as sel:
        for n, mock in enumerate(mocks):
            sel.register(mock, EVENT_READ, f"mock {n}")
        for n, (a, b) in enumerate(pairs[:3]):
            sel.register(b, EVENT_READ, f"socket {n}")
            a.sendall(b"x")
        for _ in range(10):
            for mock in mocks:
                sel.set_read_ready(mock)
            found = [key.data for key, _ in sel.select()]
            assert sorted(found) == sorted([f"mock {n}" for n in range(3)]
                                           + [f"socket {n}" for n in range(3)])
            orders.add(tuple(found))
    assert len(orders) > 1


def test_the_scripted_mock_selector_is_never_perturbed() -> None:
    first, second = MockSocket([b"1"]), MockSocket([b"2"])
    with Network(seed=1234):
        sel = MockSelector([[first, second]] * 20)
        sel.register(first, EVENT_READ, "first")
        sel.register(second, EVENT_READ, "second")
        for _ in range(20):
            assert [key.data for key, _ in sel.select()] == ["first", "second"]
        assert sel.seed is None


@pytest.mark.parametrize("seed", ["x", 1.5, True, False, [1]])
def test_a_seed_that_is_no_int_is_a_type_error(seed: Any) -> None:
    message = f"seed must be an int or None, not {seed!r}"
    with pytest.raises(TypeError, match=re.escape(message)):
        TestSelector(seed=seed)
    with pytest.raises(TypeError, match=re.escape(message)):
        Network(seed=seed)
    with pytest.raises(TypeError, match=re.escape(message)):
        new_event_loop(seed=seed)


def test_stalled_of_a_seeded_selector_names_the_seed() -> None:
    sel = TestSelector(seed=1234, stall_limit=0)
    with pytest.raises(Stalled) as caught:
        sel.select()
    assert "schedule seed: 1234 (TestSelector(seed=1234) reproduces this run)" \
        in str(caught.value)
    sel.close()


def test_stalled_of_an_unseeded_selector_names_no_seed() -> None:
    sel = TestSelector(stall_limit=0)
    with pytest.raises(Stalled) as caught:
        sel.select()
    assert "seed" not in str(caught.value)
    sel.close()


def test_stalled_of_a_seeded_selector_out_of_patience_names_the_seed(
    pairs: list[tuple[MockSocket, MockSocket]],
) -> None:
    # The other way to stall: select() without timeout while another thread could act.
    _, b = pairs[0]
    sel = TestSelector(seed=77, patience=0.05)
    sel.register(b, EVENT_READ)
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait, args=(10,))  # could act: a timed wait
    waiter.start()
    try:
        with pytest.raises(Stalled) as caught:
            sel.select()
    finally:
        stop.set()
        waiter.join()
        sel.close()
    assert "schedule seed: 77 (TestSelector(seed=77) reproduces this run)" \
        in str(caught.value)


# -- a race that a seed exposes, on every run ------------------------------------------------


def serve_in_arrival_order(sel: selectors.BaseSelector) -> list[bytes]:
    """A server with a race: it assumes the client that connected first is served first.

    Both clients have sent their request before the loop runs: nothing orders
    them, yet the server hands out ticket 1 to whichever select() reports first.
    """
    early_client, early = socketpair()
    late_client, late = socketpair()
    try:
        sel.register(early, EVENT_READ, early_client)
        sel.register(late, EVENT_READ, late_client)
        early_client.sendall(b"I was first")
        late_client.sendall(b"I was second")
        ticket = 0
        for key, _ in sel.select():
            key.fileobj.recv(100)
            ticket += 1
            key.fileobj.sendall(b"ticket %d" % ticket)
        return [early_client.recv(100), late_client.recv(100)]
    finally:
        for sock in (early_client, early, late_client, late):
            sock.close()


def race_shows(seed: int | None) -> bool:
    with TestSelector(seed=seed) as sel:
        return serve_in_arrival_order(sel) != [b"ticket 1", b"ticket 2"]


def test_without_perturbation_the_race_never_shows() -> None:
    assert not any(race_shows(None) for _ in range(20))


def test_a_seed_that_exposes_the_race_reproduces_it_on_every_run() -> None:
    exposing = [seed for seed in SEEDS if race_shows(seed)]
    hiding = [seed for seed in SEEDS if not race_shows(seed)]
    assert exposing and hiding  # the order really is drawn from the seed
    for seed in exposing[:3]:
        assert all(race_shows(seed) for _ in range(10))
    for seed in hiding[:3]:
        assert not any(race_shows(seed) for _ in range(10))


# -- the event loop ----------------------------------------------------------------------------


def reader_order(seed: int | None) -> list[Any]:
    """The order in which the loop runs the readers of four sockets readable together,
    and of four call_soon callbacks scheduled meanwhile."""
    loop = new_event_loop(seed=seed)
    made = [socketpair() for _ in range(4)]
    ran: list[Any] = []
    try:
        for n, (a, b) in enumerate(made):
            b.setblocking(False)
            loop.add_reader(b, lambda n=n, b=b: (ran.append(n), b.recv(10)))
            a.sendall(b"x")
        for n in range(4):
            loop.call_soon(ran.append, f"soon {n}")
        loop.run_until_complete(asyncio.sleep(0))
        loop.run_until_complete(asyncio.sleep(0))
        for _, b in made:
            loop.remove_reader(b)
    finally:
        loop.close()
        for a, b in made:
            a.close()
            b.close()
    return ran


def test_a_seeded_loop_runs_ready_readers_in_the_same_order_on_every_run() -> None:
    assert reader_order(8) == reader_order(8)
    assert sorted(map(str, reader_order(8))) == sorted(map(str, reader_order(None)))


def test_a_seeded_loop_varies_the_order_of_readers_with_the_seed() -> None:
    orders = {tuple(n for n in reader_order(seed) if isinstance(n, int)) for seed in SEEDS}
    assert len(orders) > 1


def test_a_seeded_loop_keeps_the_order_of_call_soon() -> None:
    for seed in range(10):
        soon = [n for n in reader_order(seed) if isinstance(n, str)]
        assert soon == [f"soon {n}" for n in range(4)]


def test_the_loop_tells_its_seed() -> None:
    loop = new_event_loop(seed=42)
    assert loop.seed == 42
    loop.close()
    assert loop.seed == 42
    plain = new_event_loop()
    assert plain.seed is None
    plain.close()


def test_the_loop_policy_passes_the_seed_on() -> None:
    loop = mockselector.EventLoopPolicy(seed=11).new_event_loop()
    assert loop.seed == 11
    loop.close()


def test_stalled_of_a_seeded_loop_names_the_seed() -> None:
    loop = new_event_loop(seed=1234)
    a, b = socketpair()
    a.setblocking(False)
    try:
        with pytest.raises(Stalled) as caught:
            loop.run_until_complete(loop.sock_recv(a, 10))
    finally:
        loop.close()
        a.close()
        b.close()
    assert "schedule seed: 1234 (TestSelectorEventLoop(seed=1234) reproduces this run)" \
        in str(caught.value)


# -- Network(seed=) ----------------------------------------------------------------------------


def network_splits(seed: int | None, connections: int = 3) -> list[list[bytes]]:
    """What a server's recv() calls return of one message on each connection."""
    message = b"GET /index.html HTTP/1.0\r\nHost: example.test\r\n\r\n"
    found = []
    with Network(seed=seed):
        server = socket.create_server(("127.0.0.1", 8080))
        for _ in range(connections):
            client = socket.create_connection(("127.0.0.1", 8080))
            conn, _ = server.accept()
            client.sendall(message)
            client.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                chunk = conn.recv(1024)
                if not chunk:
                    break
                chunks.append(chunk)
            assert b"".join(chunks) == message
            found.append(chunks)
            client.close()
            conn.close()
        server.close()
    return found


def test_a_seeded_network_splits_reads_the_same_on_every_run() -> None:
    first = network_splits(1234)
    assert first == network_splits(1234)
    assert any(len(chunks) > 1 for chunks in first)


def test_an_unseeded_network_does_not_split_reads() -> None:
    assert [len(chunks) for chunks in network_splits(None)] == [1, 1, 1]


def test_different_network_seeds_split_reads_differently() -> None:
    assert len({repr(network_splits(seed)) for seed in range(5)}) > 1


def test_one_connection_more_leaves_the_splits_of_the_others_as_they_were() -> None:
    assert network_splits(99, connections=3)[:2] == network_splits(99, connections=2)


def test_each_connection_gets_its_seed_from_the_network_seed_and_its_index() -> None:
    with Network(seed=5) as net:
        assert net.seed == 5
        ends = [socket.socketpair() for _ in range(3)]
        for index, (a, b) in enumerate(ends):
            assert a.seed == derive_seed(5, "connection", index)
            assert b.seed == a.seed + 1
            assert net.connections[index]._client_end is a
            a.close()
            b.close()


def test_a_connection_splits_as_a_socketpair_with_its_seed() -> None:
    data = bytes(range(256)) * 4
    with Network(seed=21):
        a, b = socket.socketpair()
        a.sendall(data)
        a.close()
        seed = b.seed - 1
        in_network = list(iter(lambda: b.recv(300), b""))
        b.close()
    c, d = socketpair(seed=seed)
    c.sendall(data)
    c.close()
    assert list(iter(lambda: d.recv(300), b"")) == in_network
    d.close()


def test_the_derivation_of_seeds_is_the_documented_one_and_never_changes() -> None:
    assert derive_seed(5, "connection", 2) == random.Random("5/connection/2").getrandbits(32)
    assert derive_seed(1234, "connection", 0) == 2587572984  # a replayed seed stays valid


def test_network_seed_is_read_only() -> None:
    net = Network(seed=1)
    with pytest.raises(AttributeError):
        net.seed = 2  # type: ignore[misc]


def test_a_reader_that_assumes_one_recv_per_message_fails_with_a_seed_on_every_run() -> None:
    """A race on message boundaries, shown by the seed, the same way on every run."""

    def naive_exchange(seed: int | None) -> bytes:
        with Network(seed=seed):
            server = socket.create_server(("127.0.0.1", 7000))
            client = socket.create_connection(("127.0.0.1", 7000))
            conn, _ = server.accept()
            client.sendall(b"PING 12345678\n")
            request = conn.recv(1024)  # the bug: assumes the whole line arrives at once
            for sock in (client, conn, server):
                sock.close()
            return request

    assert all(naive_exchange(None) == b"PING 12345678\n" for _ in range(5))
    exposing = next(seed for seed in SEEDS if naive_exchange(seed) != b"PING 12345678\n")
    seen = {naive_exchange(exposing) for _ in range(5)}
    assert len(seen) == 1 and seen != {b"PING 12345678\n"}


def selector_orders_in_network(seed: int | None, kind: str) -> list[list[int]]:
    """The order in which a stdlib poller reports six sockets readable together."""
    with Network(seed=seed):
        made = [socket.socketpair() for _ in range(6)]
        for a, _ in made:
            a.sendall(b"x")
        readers = [b for _, b in made]
        orders = []
        if kind == "select":
            for _ in range(10):
                readable, _, _ = select.select(readers, [], [])
                orders.append([readers.index(sock) for sock in readable])
        elif kind in ("poll", "epoll"):
            poller = getattr(select, kind)()
            numbers = [sock.fileno() for sock in readers]
            for number in numbers:
                poller.register(number, select.POLLIN)
            for _ in range(10):
                orders.append([numbers.index(number) for number, _ in poller.poll()])
        else:
            maker = TestSelector if kind == "TestSelector" else getattr(selectors, kind)
            with maker() as sel:
                for n, sock in enumerate(readers):
                    sel.register(sock, EVENT_READ, n)
                for _ in range(10):
                    orders.append([key.data for key, _ in sel.select()])
        for a, b in made:
            a.close()
            b.close()
    return orders


# (Not SelectSelector: it puts what select.select() found in a set, whose order follows
# the descriptor numbers, whatever the order of the lists.)
POLLERS = ["select", "poll", "DefaultSelector", "PollSelector", "TestSelector"]
if hasattr(select, "epoll"):
    POLLERS.append("epoll")


@pytest.mark.parametrize("kind", POLLERS)
def test_a_seeded_network_shuffles_what_its_pollers_report_the_same_on_every_run(
    kind: str,
) -> None:
    orders = selector_orders_in_network(1234, kind)
    assert orders == selector_orders_in_network(1234, kind)
    assert all(sorted(order) == list(range(6)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1


@pytest.mark.parametrize("kind", POLLERS)
def test_an_unseeded_network_reports_in_registration_order(kind: str) -> None:
    assert selector_orders_in_network(None, kind) == [list(range(6))] * 10


def test_a_selector_made_in_a_seeded_network_gets_a_seed_of_its_own() -> None:
    with Network(seed=3):
        first, second = TestSelector(), TestSelector()
        assert first.seed == derive_seed(3, "selector", 0)
        assert second.seed == derive_seed(3, "selector", 1)
        own = TestSelector(seed=8)
        assert own.seed == 8
        for sel in (first, second, own):
            sel.close()


def test_a_loop_made_in_a_seeded_network_is_seeded_too() -> None:
    with Network(seed=3):
        loop = asyncio.new_event_loop()
        try:
            assert loop.seed is not None
        finally:
            loop.close()


def test_stalled_in_a_seeded_network_names_the_network_seed() -> None:
    with Network(seed=1234):
        a, b = socket.socketpair()
        with pytest.raises(Stalled) as caught:
            a.recv(10)
        a.close()
        b.close()
    assert str(caught.value).endswith(
        "schedule seed: 1234 (Network(seed=1234) reproduces this run)")


def test_stalled_of_a_loop_in_a_seeded_network_names_the_network_seed_once() -> None:
    async def main() -> None:
        reader, _ = await asyncio.open_connection(sock=socket.socketpair()[0])
        await reader.read(10)

    with Network(seed=1234):
        with pytest.raises(Stalled) as caught:
            asyncio.run(main())
    message = str(caught.value)
    assert message.count("schedule seed") == 1
    assert "Network(seed=1234) reproduces this run" in message


def test_stalled_outside_a_seeded_network_names_no_seed() -> None:
    with Network(seed=1234):
        pass
    a, b = socketpair()
    with pytest.raises(Stalled) as caught:
        a.recv(10)
    assert "seed" not in str(caught.value)
    a.close()
    b.close()


# -- pytest ----------------------------------------------------------------------------------


RACY_TEST = """
    import socket

    def test_reads_a_line(network):
        server = socket.create_server(("127.0.0.1", 7000))
        client = socket.create_connection(("127.0.0.1", 7000))
        conn, _ = server.accept()
        client.sendall(b"PING 12345678\\n")
        assert conn.recv(1024) == b"PING 12345678\\n"
"""


def test_the_seed_option_seeds_the_fixtures(pytester: pytest.Pytester, run: Any) -> None:
    pytester.makepyfile("""
        def test_seeded(network, memory_loop, virtual_time_loop, mock_selector):
            assert network.seed == 1234
            assert memory_loop.seed == 1234
            assert virtual_time_loop.seed == 1234
            assert mock_selector.seed == 1234
    """)
    result = run("--mockselector-seed=1234")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["mockselector: schedule seed 1234 (--mockselector-seed)"])


def test_without_the_option_the_fixtures_are_not_seeded(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        def test_plain(network, memory_loop, mock_selector):
            assert network.seed is None
            assert memory_loop.seed is None
            assert mock_selector.seed is None
    """)
    result = run()
    result.assert_outcomes(passed=1)
    assert "schedule seed" not in result.stdout.str()


def test_a_failing_seeded_test_reports_the_seed_and_how_to_replay_it(
    pytester: pytest.Pytester, run: Any,
) -> None:
    exposing = next(seed for seed in SEEDS if _naive_line(seed) != b"PING 12345678\n")
    pytester.makepyfile(test_racy=RACY_TEST)
    result = run(f"--mockselector-seed={exposing}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*- mockselector schedule seed -*",
        f"network: Network(seed={exposing})",
        f"replay: pytest --mockselector-seed={exposing} test_racy.py::test_reads_a_line",
    ])
    again = run(f"--mockselector-seed={exposing}")  # the replay fails the same way
    again.assert_outcomes(failed=1)
    assert run().ret == 0  # and without perturbation the bug hides


def _naive_line(seed: int) -> bytes:
    with Network(seed=seed):
        server = socket.create_server(("127.0.0.1", 7000))
        client = socket.create_connection(("127.0.0.1", 7000))
        conn, _ = server.accept()
        client.sendall(b"PING 12345678\n")
        line = conn.recv(1024)
        for sock in (client, conn, server):
            sock.close()
    return line


def test_a_seed_from_the_marker_is_reported_and_wins_over_the_option(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.network(seed=5)
        def test_fails(network):
            assert network.seed == 5
            assert False, "the bug"
    """)
    result = run("--mockselector-seed=9")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["network: Network(seed=5)"])


def test_a_passing_seeded_test_gets_no_report_section(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        def test_passes(network):
            pass
    """)
    result = run("--mockselector-seed=3", "-rA")
    result.assert_outcomes(passed=1)
    assert "mockselector schedule seed" not in result.stdout.str()


def test_a_stalled_seeded_loop_fixture_reports_the_seed(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import mockselector

        def test_waits_for_nothing(memory_loop):
            a, b = mockselector.socketpair()
            a.setblocking(False)
            memory_loop.run_until_complete(memory_loop.sock_recv(a, 10))
    """)
    result = run("--mockselector-seed=31")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*schedule seed: 31 (TestSelectorEventLoop(seed=31) reproduces this run)*",
        "memory_loop: TestSelectorEventLoop(seed=31)",
    ])


def test_the_seed_is_a_user_property_in_junit_xml(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        def test_passes(network):
            pass
    """)
    run("--mockselector-seed=4321", "--junitxml=report.xml").assert_outcomes(passed=1)
    xml = (pytester.path / "report.xml").read_text()
    assert '<property name="mockselector_seed" value="4321"' in xml


def test_a_seed_option_that_is_no_int_is_a_usage_error(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run("--mockselector-seed=x")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mockselector-seed*invalid int value*"])
