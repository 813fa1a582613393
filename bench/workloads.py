"""The workloads: each runs the kernel's variant and ours in one process, interleaved."""

from __future__ import annotations

import asyncio
import cProfile
import gc
import http.client
import http.server
import os
import resource
import selectors
import socket
import sys
import threading
import time
import tracemalloc
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from selectors import EVENT_READ
from typing import Any, Callable
from unittest import mock

from harness import (
    OURS,
    REAL,
    Row,
    Stopwatch,
    Target,
    Trial,
    gc_paused,
    interleave,
    median,
    medians,
)
from predecessors import PRED_02, PRED_ASYNCTEST, Predecessors

import mockselector
from mockselector import ListenSocket, MockSocket, TestSelector

LEAN = "lean floor"
MSG_SIZE = 64
MSG = bytes(range(MSG_SIZE))
_Pair = Callable[[], tuple[Any, Any]]
_NA_AIO = "n/a (not available)"


@dataclass
class Config:
    """Sizes and repetitions of a run (``--quick`` shrinks them)."""

    quick: bool
    trials: int
    echo_ns: tuple[int, ...]
    echo_rounds: int
    aio_conns: int
    aio_msgs: int
    pair_batch: int
    send_count: int
    select_ks: tuple[int, ...]
    select_calls: int
    select_trials: int
    scale_cap: int
    scale_seconds: float
    pred: Predecessors | None = None

    @classmethod
    def make(cls, quick: bool, pred: Predecessors | None = None,
             scale_cap: int | None = None) -> Config:
        if quick:
            return cls(True, 2, (100, 1_000), 5, 5, 20, 500, 2_000, (10, 1_000, 10_000), 1_000,
                       3, scale_cap or 100_000, 10.0, pred)
        return cls(False, 7, (100, 1_000, 10_000), 10, 10, 100, 2_000, 10_000,
                   (10, 100, 1_000, 10_000, 100_000), 5_000, 15, scale_cap or 250_000, 60.0,
                   pred)


# -- the environment -----------------------------------------------------------------


def nofile_limit() -> int:
    """RLIMIT_NOFILE, after raising the soft limit to the hard one where allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return int(soft)


def open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 32


def fd_room() -> int:
    """How many more descriptors this process may open, with a margin."""
    return nofile_limit() - open_fds() - 64


def _meminfo(field: str) -> int | None:
    """A field of ``/proc/meminfo`` in bytes (Linux), else ``None``."""
    try:
        with open("/proc/meminfo") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss() -> int:
    """The resident set size of this process in bytes."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _real_pair() -> tuple[socket.socket, socket.socket]:
    return socket.socketpair()


def _ours_pair() -> tuple[Any, Any]:
    return mockselector.socketpair()


def _close_all(pairs: list[Any]) -> None:
    for pair in pairs:
        for sock in pair:
            sock.close()


def _value(meds: Mapping[str, Mapping[str, float]], variant: str, metric: str) -> float | None:
    return meds.get(variant, {}).get(metric)


def _others(meds: Mapping[str, Mapping[str, float]], metric: str) -> dict[str, Any]:
    return {name: meds[name][metric] for name in (PRED_02, PRED_ASYNCTEST)
            if name in meds and metric in meds[name]}


def _samples(raw: Mapping[str, Mapping[str, list[float]]], metric: str) -> dict[str, list[float]]:
    return {variant: list(metrics[metric]) for variant, metrics in raw.items() if metric in metrics}


# -- 1. sync selectors echo ----------------------------------------------------------


def echo_trial(make_pair: _Pair, make_selector: Callable[[], selectors.BaseSelector], n: int,
               rounds: int, profiler: cProfile.Profile | None = None) -> dict[str, float]:
    """N connections served by one selector loop, ``rounds`` echo messages each.

    Timed: setup (pair + setblocking + register), the server loop (select, then
    recv + send per ready connection), teardown (unregister + close both ends).
    The clients' send and recv are not timed.  A ``profiler`` runs during the server loop.
    """
    sel = make_selector()
    pairs = []
    start = time.perf_counter()
    for _ in range(n):
        client, server = make_pair()
        server.setblocking(False)
        sel.register(server, EVENT_READ)
        pairs.append((client, server))
    setup = time.perf_counter() - start
    watch, events = Stopwatch(), 0
    for _ in range(rounds):
        for client, _server in pairs:
            client.send(MSG)
        if profiler is not None:
            profiler.enable()
        with watch:
            handled = 0
            while handled < n:
                for key, _mask in sel.select():
                    sock: Any = key.fileobj
                    sock.send(sock.recv(4096))
                    handled += 1
        if profiler is not None:
            profiler.disable()
        events += handled
        for client, _server in pairs:
            got = client.recv(4096)
            if got != MSG:
                raise AssertionError(f"{type(client).__name__} echo: got {len(got)} bytes "
                                     f"{got[:16]!r}..., expected {MSG_SIZE}")
    start = time.perf_counter()
    for client, server in pairs:
        sel.unregister(server)
        server.close()
        client.close()
    teardown = time.perf_counter() - start
    sel.close()
    return {"event": watch.total / events * 1e6, "setup": setup / n * 1e6,
            "teardown": teardown / n * 1e6}


# -- the lean floor: what pure Python allows for the same echo ---------------------------


class _LeanSocket:
    """The leanest in-memory socket for the echo: a buffer, a lock, a ready table entry."""

    __slots__ = ("buf", "key", "lock", "peer", "ready")

    def __init__(self) -> None:
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.peer: Any = None
        self.ready: dict[int, Any] | None = None
        self.key: Any = None

    def fileno(self) -> int:
        return id(self)

    def setblocking(self, flag: bool) -> None:
        pass

    def recv(self, size: int) -> bytes:
        with self.lock:
            buf = self.buf
            data = bytes(buf[:size])
            del buf[:size]
            if not buf and self.ready is not None:
                self.ready.pop(id(self), None)
            return data

    def send(self, data: bytes) -> int:
        peer = self.peer
        with peer.lock:
            buf = peer.buf
            was_empty = not buf
            buf += data
            if was_empty and peer.ready is not None:
                peer.ready[id(peer)] = (peer.key, EVENT_READ)
            return len(data)

    def close(self) -> None:
        pass


class _LeanSelector:
    """The leanest selector over :class:`_LeanSocket`: a dict of ready entries."""

    def __init__(self) -> None:
        self.ready: dict[int, Any] = {}

    def register(self, sock: _LeanSocket, events: int) -> None:
        sock.ready = self.ready
        sock.key = selectors.SelectorKey(sock, id(sock), events, None)
        if sock.buf:
            self.ready[id(sock)] = (sock.key, EVENT_READ)

    def unregister(self, sock: _LeanSocket) -> None:
        self.ready.pop(id(sock), None)
        sock.ready = None

    def select(self, timeout: float | None = None) -> list[Any]:
        return list(self.ready.values())

    def close(self) -> None:
        pass


def _lean_pair() -> tuple[_LeanSocket, _LeanSocket]:
    a, b = _LeanSocket(), _LeanSocket()
    a.peer, b.peer = b, a
    return a, b


def echo_trial_02(mod: Any, n: int, rounds: int) -> dict[str, float]:
    """The 0.2.3 equivalent: scripted MockSockets and a MockSelector scripted to match."""
    start = time.perf_counter()
    socks = []
    for _ in range(n):
        sock = mod.MockSocket([MSG] * rounds)
        socks.append(sock)
    sel = mod.MockSelector([socks] * rounds)
    for sock in socks:
        sock.setblocking(False)
        sel.register(sock, EVENT_READ)
    setup = time.perf_counter() - start
    watch, events = Stopwatch(), 0
    for _ in range(rounds):
        with watch:
            for key, _mask in sel.select():
                scripted: Any = key.fileobj
                scripted.send(scripted.recv(4096))
                events += 1
    start = time.perf_counter()
    for sock in socks:
        sel.unregister(sock)
        sock.close()
    teardown = time.perf_counter() - start
    return {"event": watch.total / events * 1e6, "setup": setup / n * 1e6,
            "teardown": teardown / n * 1e6}


def sync_echo(cfg: Config) -> list[Row]:
    rows: list[Row] = []
    for n in cfg.echo_ns:
        variants: dict[str, Trial] = {
            OURS: partial(echo_trial, _ours_pair, TestSelector, n, cfg.echo_rounds),
            LEAN: partial(echo_trial, _lean_pair, _LeanSelector, n, cfg.echo_rounds)}
        real_na: str | None = None
        if 2 * n <= fd_room():
            variants[REAL] = partial(echo_trial, _real_pair, selectors.DefaultSelector, n,
                                     cfg.echo_rounds)
        else:
            real_na = f"n/a (fd limit {nofile_limit():,})"
        if cfg.pred is not None and cfg.pred.mockselector02 is not None:
            variants[PRED_02] = partial(echo_trial_02, cfg.pred.mockselector02, n,
                                        cfg.echo_rounds)
        raw = interleave(variants, cfg.trials)
        meds = {name: medians(metrics) for name, metrics in raw.items()}
        for metric, label, target in (
            ("event", f"sync echo N={n:,} x{cfg.echo_rounds}: per event (recv+send)",
             Target("ratio_le", 0.5, "<= 0.5x real") if n == 1_000 else None),
            ("setup", f"sync echo N={n:,}: setup per connection", None),
            ("teardown", f"sync echo N={n:,}: teardown per connection", None),
        ):
            rows.append(Row(label, "us", real_na or _value(meds, REAL, metric),
                            _value(meds, OURS, metric), target, _others(meds, metric),
                            _samples(raw, metric)))
        lean, ours = _value(meds, LEAN, "event"), _value(meds, OURS, "event")
        floor = Row(f"sync echo N={n:,}: lean floor (bytearray+lock+dict)", "us",
                    real_na or _value(meds, REAL, "event"), lean,
                    samples={LEAN: raw[LEAN]["event"]})
        if lean and ours:
            floor.note = f"ours is {ours / lean:.2f}x the lean floor"
        rows.append(floor)
    return rows


# -- 2. asyncio streams echo ---------------------------------------------------------


async def _echo_handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.readexactly(MSG_SIZE)
            writer.write(data)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _echo_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       messages: int) -> None:
    for _ in range(messages):
        writer.write(MSG)
        await writer.drain()
        if await reader.readexactly(MSG_SIZE) != MSG:
            raise AssertionError("echo corrupted the message")


class _LeanTransport(asyncio.Transport):
    """The leanest in-memory transport for the streams echo: a bytearray and ``call_soon``.

    It does what the echo needs and nothing else (no flow control, no faults,
    no readiness for selectors): the same asyncio streams over it measure
    what asyncio itself costs, the floor any in-memory transport stands on.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._loop = loop
        self._buf = bytearray()  # bytes written to this end, not yet delivered
        self._scheduled = False
        self._closing = False
        self.peer: Any = None
        self.protocol: Any = None

    def write(self, data: Any) -> None:
        peer = self.peer
        peer._buf += data
        if not peer._scheduled:
            peer._scheduled = True
            self._loop.call_soon(peer._deliver)

    def _deliver(self) -> None:
        self._scheduled = False
        if self._buf and not self._closing:
            data = bytes(self._buf)
            self._buf.clear()
            self.protocol.data_received(data)

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._loop.call_soon(self.protocol.connection_lost, None)
        if not self.peer._closing:
            self._loop.call_soon(self.peer.protocol.eof_received)

    def get_write_buffer_size(self) -> int:
        return 0


async def _lean_connection(handler: Any) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A client's streams over a :class:`_LeanTransport`, the server's handed to ``handler``."""
    loop = asyncio.get_running_loop()
    client, server = _LeanTransport(loop), _LeanTransport(loop)
    client.peer, server.peer = server, client
    server.protocol = asyncio.StreamReaderProtocol(asyncio.StreamReader(), handler)
    reader = asyncio.StreamReader()
    client.protocol = asyncio.StreamReaderProtocol(reader)
    server.protocol.connection_made(server)
    client.protocol.connection_made(client)
    return reader, asyncio.StreamWriter(client, client.protocol, reader, loop)


class _LeanServer:
    """What the echo needs of an ``asyncio.Server`` over lean transports."""

    def close(self) -> None:
        pass

    async def wait_closed(self) -> None:
        pass


async def _aio_main(ours: bool | None, conns: int, messages: int) -> dict[str, float]:
    """The echo on in-memory sockets (``ours``), kernel ones, or lean transports (``None``)."""
    server: Any
    if ours is None:
        server = _LeanServer()

        async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
            return await _lean_connection(_echo_handler)
    elif ours:
        listener = ListenSocket(address=("127.0.0.1", 8080))
        server = await asyncio.start_server(_echo_handler, sock=listener)

        async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
            return await asyncio.open_connection(sock=listener.new_connection())
    else:
        server = await asyncio.start_server(_echo_handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]

        async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
            return await asyncio.open_connection("127.0.0.1", port)

    start = time.perf_counter()
    streams = [await connect() for _ in range(conns)]
    connect_time = time.perf_counter() - start
    start = time.perf_counter()
    await asyncio.gather(*(_echo_client(reader, writer, messages) for reader, writer in streams))
    echo_time = time.perf_counter() - start
    for _reader, writer in streams:
        writer.close()
    await asyncio.wait_for(asyncio.gather(*(w.wait_closed() for _r, w in streams)), 10)
    server.close()
    await asyncio.wait_for(server.wait_closed(), 10)
    return {"message": echo_time / (conns * messages) * 1e6,
            "connect": connect_time / conns * 1e6}


def aio_trial(ours: bool | None, conns: int, messages: int) -> dict[str, float]:
    """``conns`` concurrent stream clients, each doing ``messages`` echo round trips.

    ``ours``: on in-memory sockets and our loop; ``False``: kernel sockets on
    the stock loop; ``None``: lean transports on the stock loop (the floor).
    """
    loop = mockselector.new_event_loop() if ours else asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_aio_main(ours, conns, messages))
    finally:
        loop.close()


async def _spin(iterations: int) -> None:
    for _ in range(iterations):
        await asyncio.sleep(0)


def loop_iteration_trial(ours: bool, iterations: int) -> dict[str, float]:
    """A task that yields ``iterations`` times: one loop iteration each, nothing ready."""
    loop = mockselector.new_event_loop() if ours else asyncio.new_event_loop()
    try:
        start = time.perf_counter()
        loop.run_until_complete(_spin(iterations))
        return {"iteration": (time.perf_counter() - start) / iterations * 1e6}
    finally:
        loop.close()


def aio_available() -> bool:
    return hasattr(mockselector, "new_event_loop")


def asyncio_echo(cfg: Config) -> list[Row]:
    variants: dict[str, Trial] = {
        REAL: partial(aio_trial, False, cfg.aio_conns, cfg.aio_msgs)}
    available = aio_available()
    if available:
        variants[OURS] = partial(aio_trial, True, cfg.aio_conns, cfg.aio_msgs)
    variants[LEAN] = partial(aio_trial, None, cfg.aio_conns, cfg.aio_msgs)
    raw = interleave(variants, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows = []
    for metric, label, target in (
        ("message", f"asyncio streams echo {cfg.aio_conns}x{cfg.aio_msgs}: per message",
         Target("ratio_le", 0.7, "<= 0.7x real")),
        ("connect", "asyncio open_connection: per connection", None),
    ):
        ours = _value(meds, OURS, metric) if available else _NA_AIO
        rows.append(Row(label, "us", _value(meds, REAL, metric), ours, target,
                        samples=_samples(raw, metric)))
    lean, ours = _value(meds, LEAN, "message"), _value(meds, OURS, "message")
    floor = Row(f"asyncio streams echo {cfg.aio_conns}x{cfg.aio_msgs}: lean floor "
                "(stock loop, bytearray transport)", "us", _value(meds, REAL, "message"), lean,
                samples={LEAN: raw[LEAN]["message"]})
    if lean and ours:
        floor.note = f"ours is {ours / lean:.2f}x the lean floor"
    rows.append(floor)
    if available:
        iterations = 2_000 if cfg.quick else 20_000
        raw = interleave({REAL: partial(loop_iteration_trial, False, iterations),
                          OURS: partial(loop_iteration_trial, True, iterations)}, cfg.trials)
        rows.append(Row("asyncio loop iteration (await asyncio.sleep(0))", "us",
                        median(raw[REAL]["iteration"]), median(raw[OURS]["iteration"]),
                        samples=_samples(raw, "iteration")))
    return rows


# -- 3. object cost ------------------------------------------------------------------


def pair_trial(make_pair: _Pair, batch: int) -> dict[str, float]:
    """us to create one connected pair (``batch`` of them, then closed untimed)."""
    start = time.perf_counter()
    pairs = [make_pair() for _ in range(batch)]
    elapsed = time.perf_counter() - start
    _close_all(pairs)
    return {"pair": elapsed / batch * 1e6}


def idle_bytes(make_pair: _Pair, batch: int, kernel: bool = False) -> tuple[float, float]:
    """Bytes per idle socket: Python heap (tracemalloc), and kernel slab growth if ``kernel``."""
    store: list[Any] = [None] * (2 * batch)
    gc.collect()
    slab_before = _meminfo("Slab") if kernel else None
    tracemalloc.start()
    try:
        with gc_paused():
            before = tracemalloc.get_traced_memory()[0]
            for index in range(batch):
                store[2 * index], store[2 * index + 1] = make_pair()
            heap = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    slab_after = _meminfo("Slab") if kernel else None
    slab = slab_after - slab_before if slab_before is not None and slab_after is not None else 0
    for sock in store:
        sock.close()
    return heap / (2 * batch), max(slab, 0) / (2 * batch)


def send_bytes(make_pair: _Pair, sends: int) -> float:
    """Bytes each ``send`` of a 64-byte message leaves behind once the peer has read it.

    The message objects exist before the measurement: what remains is what the
    double keeps per send (a connected in-memory pair records nothing unless asked).
    """
    sender, receiver = make_pair()
    messages = [bytes(MSG) for _ in range(sends)]
    for _ in range(8):  # warm up lazily created state
        sender.send(MSG)
        if receiver is not None:
            receiver.recv(4096)
    gc.collect()
    tracemalloc.start()
    try:
        with gc_paused():
            before = tracemalloc.get_traced_memory()[0]
            for message in messages:
                sender.send(message)
                if receiver is not None:
                    receiver.recv(4096)
            grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    sender.close()
    if receiver is not None:
        receiver.close()
    return grown / sends


def _one_end(make: _Pair) -> tuple[Any, Any]:
    """One socket double of ``make``'s two, and no peer."""
    return make()[0], None


def _pred_pairs(pred: Predecessors | None) -> dict[str, _Pair]:
    """Two unconnected socket doubles: the nearest the predecessors have to a pair."""
    pairs: dict[str, _Pair] = {}
    if pred is not None and pred.mockselector02 is not None:
        mod = pred.mockselector02
        pairs[PRED_02] = lambda: (mod.MockSocket(), mod.MockSocket())
    if pred is not None and pred.asynctest is not None:
        at = pred.asynctest
        pairs[PRED_ASYNCTEST] = lambda: (at.SocketMock(), at.SocketMock())
    return pairs


def object_cost(cfg: Config) -> list[Row]:
    preds = _pred_pairs(cfg.pred)
    makers: dict[str, _Pair] = {REAL: _real_pair, OURS: _ours_pair, **preds}
    batch = min(cfg.pair_batch, fd_room() // 2)
    variants: dict[str, Trial] = {
        name: partial(pair_trial, make, batch) for name, make in makers.items()}
    raw = interleave(variants, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows = [Row("create a connected pair", "us", meds[REAL]["pair"], meds[OURS]["pair"],
                Target("ratio_le", 0.5, "<= 0.5x real"), _others(meds, "pair"),
                _samples(raw, "pair"),
                note="predecessors: two unconnected socket doubles")]

    idle: dict[str, list[float]] = {name: [] for name in makers}
    kernel: list[float] = []
    sent: dict[str, list[float]] = {name: [] for name in makers}
    trials = max(3, cfg.trials // 2)
    for _ in range(trials):
        for name, make in makers.items():
            heap, slab = idle_bytes(make, batch, kernel=name == REAL)
            idle[name].append(heap + slab)
            if name == REAL:
                kernel.append(slab)
            if name in (REAL, OURS):
                sent[name].append(send_bytes(make, cfg.send_count))
            else:
                sent[name].append(send_bytes(partial(_one_end, make), cfg.send_count))
    idle_med = {name: median(values) for name, values in idle.items()}
    sent_med = {name: median(values) for name, values in sent.items()}
    rows.append(Row("bytes per idle socket", "B", idle_med[REAL], idle_med[OURS],
                    Target("ours_le", 700.0, "<= 700 B"),
                    {name: idle_med[name] for name in preds}, idle,
                    note=f"real: {idle_med[REAL] - median(kernel):,.0f} B Python heap + "
                    f"{median(kernel):,.0f} B kernel slab (/proc/meminfo); ours and "
                    "predecessors: Python heap (tracemalloc)"))
    rows.append(Row("bytes per 64-B send, beyond the data", "B", sent_med[REAL], sent_med[OURS],
                    Target("ours_le", 32.0, "<= 32 B"),
                    {name: sent_med[name] for name in preds}, sent,
                    note="a connected pair that records nothing (the default)",
                    show_ratio=False))
    return rows


# -- 4. select() with K registered, 1 ready --------------------------------------------


def _select_calls(sel: Any, calls: int) -> dict[str, float]:
    select = sel.select
    start = time.perf_counter()
    for _ in range(calls):
        if len(select(0)) != 1:
            raise AssertionError("select() did not report exactly the one ready socket")
    return {"select": (time.perf_counter() - start) / calls * 1e6}


def _select_02_calls(sel: Any, ready: Any, calls: int) -> dict[str, float]:
    sel.iter_event = iter([ready] * calls)  # refill the 0.2.3 script, untimed
    return _select_calls(sel, calls)


def select_scaling(cfg: Config) -> list[Row]:
    rows: list[Row] = []
    base: dict[str, float] = {}
    last: dict[str, tuple[int, float]] = {}
    room = fd_room()
    mod = cfg.pred.mockselector02 if cfg.pred is not None else None
    for k in cfg.select_ks:
        variants: dict[str, Trial] = {}
        cleanup: list[Callable[[], None]] = []

        ours_sel = TestSelector()
        ours_socks = [MockSocket(eof=False) for _ in range(k)]
        for sock in ours_socks:
            ours_sel.register(sock, EVENT_READ)
        ours_socks[k // 2].feed(b"x")
        variants[OURS] = partial(_select_calls, ours_sel, cfg.select_calls)
        cleanup.append(ours_sel.close)

        real_na: str | None = None
        if 2 * k <= room:
            real_sel = selectors.DefaultSelector()
            real_pairs = [socket.socketpair() for _ in range(k)]
            for _client, server in real_pairs:
                real_sel.register(server, EVENT_READ)
            real_pairs[k // 2][0].send(b"x")
            variants[REAL] = partial(_select_calls, real_sel, cfg.select_calls)
            cleanup.append(real_sel.close)
            cleanup.append(partial(_close_all, real_pairs))
        else:
            real_na = f"n/a ({2 * k:,} fds > limit {nofile_limit():,})"

        if mod is not None:
            listeners = [mod.ListenSocket() for _ in range(k)]
            sel02 = mod.MockSelector([])
            for listener in listeners:
                sel02.register(listener, EVENT_READ)
            variants[PRED_02] = partial(_select_02_calls, sel02, listeners[k // 2],
                                        cfg.select_calls)

        raw = interleave(variants, cfg.select_trials)
        meds = {name: medians(metrics) for name, metrics in raw.items()}
        for func in cleanup:
            func()
        del ours_socks
        for name, metrics in meds.items():
            base.setdefault(name, metrics["select"])
            last[name] = (k, metrics["select"])
        rows.append(Row(f"select(), K={k:,} registered, 1 ready", "us",
                        real_na or _value(meds, REAL, "select"), _value(meds, OURS, "select"),
                        None, _others(meds, "select"), _samples(raw, "select")))

    def growth(name: str) -> Any:
        if name not in last:
            return None
        k, value = last[name]
        text = f"{value / base[name]:.2f}x (K={k:,})"
        return value / base[name] if k == cfg.select_ks[-1] else text

    first, final = cfg.select_ks[0], cfg.select_ks[-1]
    rows.append(Row(f"select() growth, K={first:,} -> {final:,}", "x", growth(REAL), growth(OURS),
                    Target("ours_le", 1.2, "<= 1.2x"),
                    {name: growth(name) for name in (PRED_02,) if name in last},
                    note="real: up to the largest K the fd limit allows"))
    return rows


# -- 5. scale ------------------------------------------------------------------------


def real_capacity() -> tuple[float, str]:
    """Simultaneous real socketpairs this process can hold: opened until EMFILE."""
    limit = nofile_limit()
    if limit > 400_000:
        return float(limit // 2), f"RLIMIT_NOFILE {limit:,} / 2 (not opened)"
    pairs = []
    try:
        while True:
            pairs.append(socket.socketpair())
    except OSError:
        pass
    finally:
        _close_all(pairs)
    return float(len(pairs)), f"opened until EMFILE; RLIMIT_NOFILE {limit:,} / 2"


def ours_capacity(cap: int, seconds: float) -> dict[str, float]:
    """Hold up to ``cap`` in-memory connections (accepted, each carrying a byte both ways).

    Stops early past ``seconds`` or when the process grew by half the memory available.
    """
    available = _meminfo("MemAvailable") or 8 << 30
    gc.collect()
    rss_before = _rss()
    listener = ListenSocket(address=("127.0.0.1", 8080))
    conns: list[tuple[MockSocket, Any]] = []
    start = time.perf_counter()
    while len(conns) < cap:
        for _ in range(min(10_000, cap - len(conns))):
            client = listener.new_connection()
            server, _address = listener.accept()
            conns.append((client, server))
        if time.perf_counter() - start > seconds or _rss() - rss_before > available // 2:
            break
    created = time.perf_counter() - start
    for client, server in conns:
        client.send(b"?")
        server.send(server.recv(1))
        if client.recv(1) != b"?":
            raise AssertionError("a held connection lost its byte")
    rss = _rss() - rss_before
    held = len(conns)
    _close_all(conns)
    listener.close()
    del conns
    gc.collect()
    per_conn = rss / held if held else 0.0
    return {"held": float(held), "create_us": created / held * 1e6 if held else 0.0,
            "bytes_per_conn": per_conn,
            "projected": available * 0.8 / per_conn if per_conn else 0.0}


def scale(cfg: Config) -> list[Row]:
    real, how = real_capacity()
    ours = ours_capacity(cfg.scale_cap, cfg.scale_seconds)
    note = (f"real: {how}; ours: {ours['bytes_per_conn']:,.0f} B RSS per connection, "
            f"{ours['create_us']:.1f} us each, ~{ours['projected']:,.0f} projected from "
            f"MemAvailable (cap {cfg.scale_cap:,})")
    return [Row("simultaneous connections held", "connections", real, ours["held"],
                Target("ours_ge", 100_000.0, ">= 100,000"), samples={OURS: [ours["held"]]},
                note=note)]


# -- 6. UDP round trip ----------------------------------------------------------------


def _real_udp() -> tuple[Any, Any]:
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    return client, server


def _ours_udp() -> tuple[Any, Any]:
    return mockselector.DatagramSocket(), mockselector.DatagramSocket(address=("127.0.0.1", 0))


def udp_trial(make: _Pair, rounds: int) -> dict[str, float]:
    """``rounds`` request/response exchanges of one 64-byte datagram, blocking sockets.

    Timed: the client's ``sendto``, the server's ``recvfrom`` and ``sendto`` back,
    the client's ``recv``: one round trip.
    """
    client, server = make()
    address = server.getsockname()
    start = time.perf_counter()
    for _ in range(rounds):
        client.sendto(MSG, address)
        data, peer = server.recvfrom(4096)
        server.sendto(data, peer)
        if client.recv(4096) != MSG:
            raise AssertionError(f"{type(client).__name__}: the answer is not the request")
    elapsed = time.perf_counter() - start
    client.close()
    server.close()
    return {"round_trip": elapsed / rounds * 1e6}


def udp_round_trip(cfg: Config) -> list[Row]:
    rounds = 2_000 if cfg.quick else 20_000
    raw = interleave({REAL: partial(udp_trial, _real_udp, rounds),
                      OURS: partial(udp_trial, _ours_udp, rounds)}, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    return [Row(f"UDP round trip (sendto, recvfrom, sendto, recv) x{rounds:,}", "us",
                _value(meds, REAL, "round_trip"), _value(meds, OURS, "round_trip"),
                Target("ratio_le", 0.5, "<= 0.5x real"), samples=_samples(raw, "round_trip"))]


# -- 7. TLS ----------------------------------------------------------------------------


def _tls_pair(ours: bool) -> tuple[Any, Any]:
    """``(client, server)`` plain stream sockets: loopback TCP, or an in-memory pair."""
    if ours:
        server, client = mockselector.socketpair(socket.AF_INET)
        return client, server
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    for sock in (client, server):  # no Nagle delay between a write and the next read
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client, server


def _tls_handshake(ours: bool, client_ctx: Any, server_ctx: Any,
                   pair: tuple[Any, Any] | None = None) -> tuple[Any, Any]:
    """Wrap a (new) pair and run both handshakes in one thread, in turns, non-blocking."""
    import ssl

    raw_client, raw_server = pair or _tls_pair(ours)
    server = server_ctx.wrap_socket(raw_server, server_side=True, do_handshake_on_connect=False)
    client = client_ctx.wrap_socket(raw_client, server_hostname="localhost",
                                    do_handshake_on_connect=False)
    client.setblocking(False)
    server.setblocking(False)
    pending = [client, server]
    first = True
    while pending:
        for tls in list(pending):
            if not (first and tls is client):  # the client speaks first
                _wait_readable(tls)
            first = False
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                continue
            pending.remove(tls)
    client.setblocking(True)
    server.setblocking(True)
    return client, server


def _wait_readable(sock: Any) -> None:
    """Wait until a real socket is readable (loopback bytes may take a moment)."""
    if not isinstance(sock.fileno(), mockselector.FileDescriptor):
        import select

        select.select([sock], [], [], 1.0)


def tls_trial(ours: bool, handshakes: int, megabytes: int) -> dict[str, float]:
    """``handshakes`` TLS handshakes, then ``megabytes`` MB from server to client (TLS 1.3)."""
    from mockselector import client_context, server_context

    client_ctx, server_ctx = client_context(), server_context()
    total = 0.0
    for _ in range(handshakes):
        pair = _tls_pair(ours)  # connected before the clock starts
        start = time.perf_counter()
        client, server = _tls_handshake(ours, client_ctx, server_ctx, pair)
        total += time.perf_counter() - start
        client.close()
        server.close()
    client, server = _tls_handshake(ours, client_ctx, server_ctx)
    chunk = bytes(65536)
    start = time.perf_counter()
    for _ in range(megabytes * 16):
        server.sendall(chunk)
        got = 0
        while got < len(chunk):
            got += len(client.recv(65536))
    bulk = time.perf_counter() - start
    client.close()
    server.close()
    return {"handshake": total / handshakes * 1e6, "bulk": bulk / megabytes * 1e3}


def tls(cfg: Config) -> list[Row]:
    handshakes, megabytes = (20, 4) if cfg.quick else (100, 32)
    variants: dict[str, Trial] = {REAL: partial(tls_trial, False, handshakes, megabytes),
                                  OURS: partial(tls_trial, True, handshakes, megabytes)}
    raw = interleave(variants, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows = []
    for metric, label, unit in (
        ("handshake", "TLS handshake (TLS 1.3, EC P-256, both sides in one thread)", "us"),
        ("bulk", "TLS bulk transfer: per MB, 64 kB writes", "ms"),
    ):
        rows.append(Row(label, unit, _value(meds, REAL, metric), _value(meds, OURS, metric),
                        Target("ratio_le", 1.0, "<= 1x loopback"),
                        samples=_samples(raw, metric)))
    return rows


# -- 8. threads -----------------------------------------------------------------------


def _thread_echo(sock: Any, rounds: int) -> threading.Thread:
    def echo() -> None:
        for _ in range(rounds):
            sock.sendall(sock.recv(4096))

    thread = threading.Thread(target=echo, daemon=True)
    thread.start()
    return thread


def thread_round_trip(make_pair: _Pair, rounds: int) -> dict[str, float]:
    """A thread echoes what the main thread sends: blocking ``sendall``/``recv``."""
    a, b = make_pair()
    thread = _thread_echo(b, rounds)
    start = time.perf_counter()
    for _ in range(rounds):
        a.sendall(MSG)
        if a.recv(4096) != MSG:
            raise AssertionError("thread echo: not the message sent")
    elapsed = time.perf_counter() - start
    thread.join()
    a.close()
    b.close()
    return {"round_trip": elapsed / rounds * 1e6}


def loop_round_trip(ours: bool, rounds: int) -> dict[str, float]:
    """A thread writes to a socket the loop reads; the loop answers; the thread reads."""
    loop = mockselector.new_event_loop() if ours else asyncio.new_event_loop()
    a, b = mockselector.socketpair() if ours else socket.socketpair()
    a.setblocking(False)

    async def serve() -> None:
        for _ in range(rounds):
            data = await loop.sock_recv(a, 4096)
            await loop.sock_sendall(a, data)

    def client() -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            b.sendall(MSG)
            if b.recv(4096) != MSG:
                raise AssertionError("loop echo: not the message sent")
        return time.perf_counter() - start

    timing: list[float] = []
    thread = threading.Thread(target=lambda: timing.append(client()), daemon=True)
    thread.start()
    try:
        loop.run_until_complete(serve())
    finally:
        thread.join()
        loop.close()
        a.close()
        b.close()
    return {"round_trip": timing[0] / rounds * 1e6}


class _KeepAliveHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def http_keep_alive(ours: bool, requests: int) -> dict[str, float]:
    """``ThreadingHTTPServer`` in a thread, ``http.client`` keep-alive requests."""
    patches: list[Any] = []
    if ours:
        listener = ListenSocket(record=False)
        patches = [mock.patch.object(socket, "socket", lambda *args, **kwargs: listener),
                   mock.patch("socketserver._ServerSelector", TestSelector)]
        for patch in patches:
            patch.start()
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveHandler)
    finally:
        if patches:
            patches[0].stop()
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05),
                              daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=30)
    if ours:
        connection.sock = listener.new_connection()
    try:
        start = time.perf_counter()
        for _ in range(requests):
            connection.request("GET", "/")
            if connection.getresponse().read() != b"hello":
                raise AssertionError("http keep-alive: wrong body")
        elapsed = time.perf_counter() - start
    finally:
        connection.close()
        server.shutdown()
        thread.join()
        server.server_close()
        for patch in patches[1:]:
            patch.stop()
    return {"request": elapsed / requests * 1e6}


def threads(cfg: Config) -> list[Row]:
    rounds = 300 if cfg.quick else 2_000
    requests = 50 if cfg.quick else 300
    raw = interleave({REAL: partial(thread_round_trip, _real_pair, rounds),
                      OURS: partial(thread_round_trip, _ours_pair, rounds)}, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows = [Row(f"thread-to-thread round trip (sendall, recv) x{rounds:,}", "us",
                _value(meds, REAL, "round_trip"), _value(meds, OURS, "round_trip"),
                Target("ratio_le", 2.0, "<= 2x real"), samples=_samples(raw, "round_trip"))]
    raw = interleave({REAL: partial(loop_round_trip, False, rounds),
                      OURS: partial(loop_round_trip, True, rounds)}, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows.append(Row(f"thread-to-loop round trip x{rounds:,}", "us",
                    _value(meds, REAL, "round_trip"), _value(meds, OURS, "round_trip"),
                    Target("ratio_le", 2.0, "<= 2x real"), samples=_samples(raw, "round_trip")))
    raw = interleave({REAL: partial(http_keep_alive, False, requests),
                      OURS: partial(http_keep_alive, True, requests)}, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    rows.append(Row(f"ThreadingHTTPServer + http.client keep-alive x{requests}: per request",
                    "us", _value(meds, REAL, "request"), _value(meds, OURS, "request"),
                    Target("ratio_le", 1.0, "<= 1x real"), samples=_samples(raw, "request")))
    return rows


# -- 9. the virtual network --------------------------------------------------------------


def connect_trial(batch: int) -> dict[str, float]:
    """us per connect by address + accept (+ closing both ends, untimed), on the module.

    Run outside a network, ``socket.socket`` is the kernel's (loopback TCP); inside
    one, the same code makes in-memory sockets.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(batch)
    address = server.getsockname()
    opened = []
    start = time.perf_counter()
    for _ in range(batch):
        client = socket.socket()
        client.connect(address)
        opened.append(client)
        opened.append(server.accept()[0])
    elapsed = time.perf_counter() - start
    for sock in opened:
        sock.close()
    server.close()
    return {"connect": elapsed / batch * 1e6}


def network_connect_trial(batch: int) -> dict[str, float]:
    with mockselector.Network():
        return connect_trial(batch)


def enter_trial(count: int) -> dict[str, float]:
    """us to enter and leave a ``Network``."""
    start = time.perf_counter()
    for _ in range(count):
        with mockselector.Network():
            pass
    return {"enter": (time.perf_counter() - start) / count * 1e6}


def network(cfg: Config) -> list[Row]:
    batch = min(200 if cfg.quick else 1_000, fd_room() // 2 - 8)
    raw = interleave({REAL: partial(connect_trial, batch),
                      OURS: partial(network_connect_trial, batch)}, cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    count = 200 if cfg.quick else 2_000
    enter = interleave({OURS: partial(enter_trial, count)}, cfg.trials)
    return [
        Row("connect by address + accept", "us", meds[REAL]["connect"], meds[OURS]["connect"],
            Target("ratio_le", 0.5, "<= 0.5x kernel"), samples=_samples(raw, "connect"),
            note="socket.socket() + connect((ip, port)) + accept(); real: loopback TCP"),
        Row("enter and leave a Network", "us", "n/a (no kernel equivalent)",
            median(enter[OURS]["enter"]), Target("ours_le", 100.0, "<= 100 us"),
            samples={OURS: enter[OURS]["enter"]}),
    ]


# -- network conditions ----------------------------------------------------------------


NET = "ours in a Network"


NET_SOCKETS = "the network's own sockets"


def _network_pair() -> tuple[Any, Any]:
    return socket.socketpair()  # looked up in the module: the network's, inside one


def _network_echo_trial(make_pair: _Pair, n: int, rounds: int) -> dict[str, float]:
    """The sync echo with a network active and no conditions."""
    with mockselector.Network():
        return echo_trial(make_pair, TestSelector, n, rounds)


async def _round_trips(count: int) -> float:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            writer.write(line)
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 7)
    reader, writer = await asyncio.open_connection("127.0.0.1", 7)
    start = asyncio.get_running_loop().time()  # after the handshake
    for _ in range(count):
        writer.write(b"ping\n")
        await reader.readline()
    elapsed = asyncio.get_running_loop().time() - start
    writer.close()
    await asyncio.sleep(1)  # virtual: the server sees EOF and ends its handler
    server.close()
    return elapsed


def latency_trial(count: int, latency: float) -> dict[str, float]:
    """Wall seconds of ``count`` asyncio round trips on a virtual clock, ``latency`` per hop."""
    with mockselector.Network(virtual_time=True) as net:
        if latency:
            net.conditions(latency=latency)
        start = time.perf_counter()
        virtual = asyncio.run(_round_trips(count))
        wall = time.perf_counter() - start
    if abs(virtual - 2 * count * latency) > 1e-6 * count:
        raise AssertionError(f"virtual time {virtual} is not {2 * count} hops of {latency}")
    return {"wall": wall}


def conditions(cfg: Config) -> list[Row]:
    n = 100 if cfg.quick else 1_000
    raw = interleave({
        REAL: partial(echo_trial, _real_pair, selectors.DefaultSelector, n, cfg.echo_rounds),
        OURS: partial(echo_trial, _ours_pair, TestSelector, n, cfg.echo_rounds),
        NET: partial(_network_echo_trial, _ours_pair, n, cfg.echo_rounds),
        NET_SOCKETS: partial(_network_echo_trial, _network_pair, n, cfg.echo_rounds)},
        cfg.trials)
    meds = {name: medians(metrics) for name, metrics in raw.items()}
    count = 10_000
    trips = interleave({OURS: partial(latency_trial, count, 0.01),
                        REAL: partial(latency_trial, count, 0.0)}, max(3, cfg.trials // 2))
    with_latency, without = median(trips[OURS]["wall"]), median(trips[REAL]["wall"])
    real, plain = _value(meds, REAL, "event"), _value(meds, OURS, "event")
    net_sockets = _value(meds, NET_SOCKETS, "event")
    note = "in-memory pairs with a Network active; conditions unset cost nothing"
    if isinstance(real, float) and isinstance(plain, float) and isinstance(net_sockets, float):
        note += (f"; outside a Network: {plain / real:.2f}x; the network's own sockets "
                 f"(socket.socketpair() inside it): {net_sockets / real:.2f}x")
    return [
        Row(f"sync echo N={n:,} in a Network, no conditions: per event", "us",
            real, _value(meds, NET, "event"),
            Target("ratio_le", 0.5, "<= 0.5x real, as outside one") if n == 1_000 else None,
            {"ours outside a Network": plain, NET_SOCKETS: net_sockets},
            _samples(raw, "event"), note=note),
        Row(f"{count:,} asyncio round trips, virtual time, 10 ms latency", "s",
            "n/a (no kernel equivalent)", with_latency, Target("ours_le", 1.0, "< 1 s wall"),
            samples={OURS: trips[OURS]["wall"], "no latency": trips[REAL]["wall"]},
            note=f"the same without latency: {without:.2f} s (200 s of network time "
                 "each way in none)"),
    ]


WORKLOADS: dict[str, Callable[[Config], list[Row]]] = {
    "echo": sync_echo,
    "asyncio": asyncio_echo,
    "objects": object_cost,
    "select": select_scaling,
    "scale": scale,
    "udp": udp_round_trip,
    "tls": tls,
    "threads": threads,
    "network": network,
    "conditions": conditions,
}
