"""Network conditions: the network's clock, and links that carry bytes through time.

**The clock.**  A :class:`Clock` is the network's time: the wall clock
(``time.monotonic()``), or a virtual one that starts at 0.0 and moves only
when something moves it - a virtual-time event loop jumping to its next
timer, or a wait that nothing but a delivery could end (see
:func:`mockselector._core.block`).  It keeps the actions it has scheduled
(deliveries, timed resets) in a heap; whoever waits runs those that are due
(:meth:`Clock.run_due`) and waits no longer than the next one
(:meth:`Clock.cap`).  A network registers its clock as
``_core.state.clock`` while it is active: the waiting places of the lower
layers reach it there.

**A link** (:class:`Link`) holds the conditions of one direction of one
connection: latency and seeded jitter, a bandwidth, a segment size, and
whether it is held.  A pipe with a link (``pipe.link``) hands what is
written to :meth:`Link.carry`, which puts it in flight (``pipe.transit``)
with the time it arrives; :meth:`Link.deliver`, run by the clock, moves it
into the reader's buffer.  Bytes stay in order, arrive once, and count
against the window while in flight, as unacknowledged TCP data does; EOF
travels behind them.

Every function here is called holding :data:`mockselector._core.lock`.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from . import _core

#: Arrival time of what is held (:meth:`Link.hold`): never, until released.
NEVER = float("inf")


class Clock:
    """The network's clock, and the actions scheduled on it.

    Example::

        >>> clock = Clock(virtual=True)
        >>> clock.at(2.5, lambda: print("due"))
        >>> clock.run_due(), clock.advance(2.5), clock.run_due()
        due
        (False, None, True)
    """

    __slots__ = ("_now", "_seq", "epoch", "heap", "virtual")

    def __init__(self, virtual: bool) -> None:
        self.virtual = virtual
        self._now = 0.0
        #: Where the network's time starts: 0.0 (virtual) or the monotonic time of creation.
        self.epoch = 0.0 if virtual else time.monotonic()
        self.heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """The time: virtual seconds, or ``time.monotonic()``."""
        return self._now if self.virtual else time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the clock started (what a trace shows)."""
        return self.now() - self.epoch

    def advance(self, when: float) -> None:
        """Move a virtual clock forward to ``when`` (never back)."""
        if when > self._now:
            self._now = when

    def at(self, when: float, action: Callable[[], None]) -> None:
        """Run ``action`` once the clock reaches ``when``."""
        with _core.lock:
            heap = self.heap
            first = not heap or when < heap[0][0]
            heapq.heappush(heap, (when, next(self._seq), action))
            if first:
                # An earlier deadline than any before: waits recompute how long they wait.
                _core.wake()
                for sleeper in list(_core.state.sleepers.values()):
                    sleeper.poke()

    def run_due(self) -> bool:
        """Run the actions that are due; whether there were any."""
        heap = self.heap
        if not heap:
            return False
        now = self.now()
        ran = False
        while heap and heap[0][0] <= now:
            heapq.heappop(heap)[2]()
            ran = True
        return ran

    def cap(self, timeout: float | None) -> float | None:
        """``timeout``, shortened to end when the next action is due (a wall clock)."""
        heap = self.heap
        if not heap or self.virtual:
            return timeout
        left = max(0.0, heap[0][0] - time.monotonic())
        return left if timeout is None else min(timeout, left)

    def jump(self) -> bool:
        """Advance a virtual clock to the next action and run what is due then.

        Called by a wait that nothing else could end; ``False`` when nothing
        is scheduled (or the clock is the wall's).
        """
        heap = self.heap
        if not heap or not self.virtual:
            return False
        self.advance(heap[0][0])
        self.run_due()
        return True


class Link:
    """The conditions of one direction of a connection (see the module).

    Example::

        >>> link = Link(Clock(virtual=True), latency=0.2)
        >>> link.latency, link.bandwidth, link.held
        (0.2, None, False)
    """

    __slots__ = ("bandwidth", "budget", "budget_rule", "busy", "clock", "held", "jitter", "last",
                 "latency", "on_spent", "rng", "segment", "stats")

    def __init__(self, clock: Clock, *, latency: float = 0.0, jitter: float = 0.0,
                 seed: int | None = None, bandwidth: float | None = None,
                 segment: int | None = None, held: bool = False,
                 stats: tuple[Any, ...] = ()) -> None:
        self.clock = clock
        self.latency = latency
        self.jitter = jitter
        self.rng = random.Random(seed) if jitter else None
        self.bandwidth = bandwidth
        self.segment = segment
        self.held = held
        self.stats = stats
        # When the link is free to send again (bandwidth), and the arrival time of
        # the last piece put in flight (nothing overtakes it).
        self.busy = 0.0
        self.last = 0.0
        # Bytes the link still carries before ``on_spent(pipe)`` is called (a reset
        # after N bytes), and the rule that set it; None: no such limit.
        self.budget: int | None = None
        self.budget_rule: Any = None
        self.on_spent: Callable[[Any], None] | None = None

    def delays(self) -> bool:
        """Whether anything written on this link arrives later than at once."""
        return bool(self.latency or self.jitter or self.bandwidth or self.held)

    def carry(self, pipe: Any, data: bytes | None) -> None:
        """Put ``data`` (``None``: EOF) in flight on ``pipe``; the clock delivers it."""
        transit = pipe.transit
        if transit is None:
            transit = pipe.transit = deque()
        clock = self.clock
        now = clock.now()
        was_idle = not transit
        spent = False
        budget = self.budget
        if budget is not None and data is not None:
            if len(data) > budget:  # the first bytes go; the rest is lost in the reset
                data, spent = data[:budget], True
            self.budget = budget - len(data)
        pieces: list[bytes | None]
        segment = self.segment
        if data == b"":
            pieces = []
        elif data is not None and segment and len(data) > segment:
            pieces = [data[start:start + segment] for start in range(0, len(data), segment)]
        else:
            pieces = [data]
        stats = self.stats
        for piece in pieces:
            size = len(piece) if piece is not None else 0
            when = now
            if self.bandwidth and size:
                start = max(now, self.busy)
                when = self.busy = start + size / self.bandwidth
            when += self.latency
            if self.rng is not None:
                when += self.rng.uniform(0.0, self.jitter)
            when = max(when, self.last)  # a stream: nothing overtakes what went before
            self.last = when
            if self.held:
                when = NEVER
            transit.append([when, piece])
            pipe.flight += size
            if size:
                for counter in stats:
                    counter.carried(size, when - now)
        if not self.delays():
            self.deliver(pipe)  # cut in segments only: they arrive at once
        elif was_idle and transit and transit[0][0] != NEVER:  # (held: release() does)
            clock.at(transit[0][0], lambda: self.deliver(pipe))
        if spent:
            self.budget = None
            if self.on_spent is not None:
                self.on_spent(pipe)

    def deliver(self, pipe: Any) -> None:
        """Move what has arrived by now from flight into ``pipe``'s buffer."""
        transit = pipe.transit
        if not transit or pipe.link is not self:
            return
        now = self.clock.now()
        buf = pipe.buf
        before = len(buf)
        ended = False
        while transit and transit[0][0] <= now:
            _, piece = transit.popleft()
            if piece is None:
                ended = True
                continue
            buf += piece
            pipe.flight -= len(piece)
        reader = pipe.reader
        if reader is not None and ((not before and buf) or ended or not transit):
            reader._changed()
        if transit and transit[0][0] != NEVER:
            head = transit[0][0]
            self.clock.at(head, lambda: self.deliver(pipe))

    def release(self, pipe: Any) -> None:
        """Send what was held on ``pipe`` now, with the link's latency."""
        self.held = False
        transit = pipe.transit
        if not transit:
            return
        now = self.clock.now()
        when = max(now + self.latency, self.last if self.last != NEVER else 0.0)
        for entry in transit:
            if entry[0] == NEVER:
                entry[0] = when
        self.last = when
        self.clock.at(transit[0][0], lambda: self.deliver(pipe))

    def flush(self, pipe: Any) -> None:
        """Deliver everything in flight at once (the link goes away)."""
        transit = pipe.transit
        if transit:
            for entry in transit:
                entry[0] = 0.0
            self.deliver(pipe)
