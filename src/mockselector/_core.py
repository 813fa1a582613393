"""The core every in-memory object shares: one lock, waiting, readiness, ``Stalled``, state.

**The lock.**  One re-entrant lock, :data:`lock`, guards all in-memory state:
pipe buffers, socket states, the tables of the selectors that watch them,
and the allocation of virtual descriptor numbers.  Its rules, which make a
deadlock impossible:

1. It is the only lock the library takes while it holds state; no other lock
   is taken while holding it (so there is no order to invert).
2. No user code runs while it is held: script callables, ``ListenSocket``
   factories, ``Mock`` side effects and selector callbacks are called after
   it is released.
3. It is re-entrant: the garbage collector may run a finalizer (a
   ``makefile()`` or a transport closing its socket) inside any allocation,
   including one made while the lock is held; that finalizer takes the lock
   again in the same thread.

**Waiting.**  A thread that must wait for in-memory state (a blocking
``recv``, a ``select()`` with a timeout) waits on :data:`condition`, and is
woken by :func:`wake` whenever a watched state changes.  Before it waits, it
registers in :data:`state` ``.blocked`` what it waits for, so a thread that
finds every other thread blocked on in-memory objects knows that nothing
could ever end the wait (:func:`deadlocked`).

**Readiness.**  :class:`Source` is the protocol between an in-memory object
and the selectors that watch it (see its docstring).

**Stalled.**  :class:`Stalled` is what a wait that could never end raises;
:func:`report` is the one formatter of the lists in its messages.

**State.**  :data:`state` holds what is process-wide: the counters of made-up
ports and of socket descriptors, the blocked threads, and the active network.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable
from typing import Any

lock = threading.RLock()
acquire, release = lock.acquire, lock.release
condition = threading.Condition(lock)

#: How many items a report lists before it says "... and N more".
REPORT_LIMIT = 20


def report(items: Iterable[str], indent: str = "  ", limit: int = REPORT_LIMIT) -> list[str]:
    """The lines of a list in a message: the first ``limit`` items, then how many more.

    Example::

        >>> report(["a", "b", "c"], limit=2)
        ['  a', '  b', '  ... and 1 more']
    """
    lines: list[str] = []
    count = 0
    for item in items:
        count += 1
        if count <= limit:
            lines.append(indent + item)
    if count > limit:
        lines.append(f"{indent}... and {count - limit} more")
    return lines


class Stalled(BaseException):
    """Raised where the code under test would wait for something that can never happen.

    A :class:`~mockselector.TestSelector` raises it after a run of empty
    ``select()`` calls, a blocking ``recv`` on an in-memory socket raises it
    when no data could ever arrive, and an in-memory event loop raises it out
    of the run when nothing could ever wake it up.  It derives from
    :class:`BaseException`, so a server's ``except Exception:`` does not
    swallow it.

    Besides the message, it carries what a test or a tool may want to read:
    :attr:`selector` (the selector that raised it, if any: ``with
    selector:`` swallows the ``Stalled`` of that selector only),
    :attr:`waiter` (the object that waits), :attr:`waiting_for` (what it
    waits for) and :attr:`where` (where it waits: the call).

    Example::

        >>> from mockselector import TestSelector
        >>> with TestSelector(stall_limit=3) as sel:
        ...     while True:           # a server loop that never ends by itself
        ...         events = sel.select()
        >>> sel.get_map() is None     # it ended, and the selector is closed
        True
    """

    def __init__(self, message: str, *, selector: Any = None, waiter: Any = None,
                 waiting_for: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.selector = selector
        self.waiter = waiter
        self.waiting_for = waiting_for
        self.where = where


class _State:
    """What is process-wide, in one object: counters, blocked threads, the network.

    A virtual network (when one is active) registers itself here; lower
    layers reach it through :attr:`network`, never by importing it.
    """

    __slots__ = ("blocked", "datagrams", "network", "ports", "waiters")

    def __init__(self) -> None:
        self.network: Any = None
        # Who is bound where, for datagram sockets (a _datagram.AddressSpace,
        # set when that module is imported; a network installs its own).
        self.datagrams: Any = None
        # Made-up ephemeral ports, 50000-64999, cycling.
        self.ports = itertools.count()
        # thread ident -> the Wait it is blocked in.
        self.blocked: dict[int, Wait] = {}
        # How many threads wait on `condition` now (wake() notifies only then).
        self.waiters = 0

    def next_port(self) -> int:
        """An ephemeral port number for a made-up address (call holding :data:`lock`)."""
        return 50000 + next(self.ports) % 15000


state = _State()


def wake() -> None:
    """Wake every thread waiting for in-memory state (call holding :data:`lock`)."""
    if state.waiters:
        condition.notify_all()


# -- waiting --------------------------------------------------------------------------------
#
# A blocked call registers a Wait: what it waits on and a test that says
# whether it could proceed now.  A thread that would block finds out whether
# any other thread could still act: if every other live thread is blocked in a
# Wait that could not proceed either, nothing can ever change, and all of them
# are stalled (each is told, and raises Stalled).

#: How often a blocked call looks again whether it is deadlocked with other
#: blocked threads (a thread that ended or blocked elsewhere changes nothing
#: it would be told of).
WAIT_SLICE = 0.05


class Wait:
    """A thread's registration while it waits for an in-memory object."""

    __slots__ = ("could_proceed", "ident", "stalled", "target", "unbounded")

    def __init__(self, target: Any, could_proceed: Any, unbounded: bool) -> None:
        self.target = target
        self.could_proceed = could_proceed
        self.unbounded = unbounded
        self.stalled = False
        self.ident = threading.get_ident()


def others_alive() -> bool:
    """Whether a thread other than the caller could still change something."""
    return threading.active_count() > 1


def deadlocked(extra: int = 0) -> bool:
    """Whether every other live thread is blocked in a wait that nothing could end.

    Call holding :data:`lock`; ``extra`` counts threads that the caller knows
    to be idle.  When they all are, they are marked stalled and woken up.
    """
    others = threading.active_count() - 1 - extra
    if others <= 0:
        return True
    stuck = [wait for wait in state.blocked.values()
             if wait.unbounded and not wait.stalled and not wait.could_proceed()]
    if len(stuck) < others:
        return False
    for wait in stuck:
        wait.stalled = True
    condition.notify_all()
    return True


def wait_for_change(wait: Wait, timeout: float) -> bool:
    """Wait (holding :data:`lock`) up to ``timeout`` seconds for a change; ``False`` if stalled."""
    state.blocked[wait.ident] = wait
    state.waiters += 1
    try:
        condition.wait(timeout)
    finally:
        state.waiters -= 1
        del state.blocked[wait.ident]
    return not wait.stalled


def idle_wait(timeout: float) -> float:
    """Wait (holding :data:`lock`) up to ``timeout`` for any change; return the time waited."""
    start = time.monotonic()
    state.waiters += 1
    try:
        condition.wait(timeout)
    finally:
        state.waiters -= 1
    return time.monotonic() - start


# -- readiness ------------------------------------------------------------------------------


class Source:
    """An object that reports the readiness of its virtual descriptor.

    The protocol between in-memory objects and the selectors that watch them:
    the object sets itself as its descriptor's ``source``.  A selector that
    registers it calls :meth:`_watch` with its table of ready events, the
    object's slot in that table and its key; from then on the object keeps
    that entry up to date itself, ``(key, events)`` while some registered
    event is ready and absent otherwise, so ``select()`` costs O(ready
    events) and a change costs no call into the selector.  The object calls
    :meth:`_changed` (or :meth:`_set_events` when it knows its new
    readiness), holding :data:`lock`, whenever its state may have changed.
    """

    __slots__ = ()

    # Slots of the classes that implement the protocol:
    # () until a selector watches, then a list of (ready table, slot, key).
    _watchers: Any
    # The readiness last reported; kept up to date only while watched.
    _events: int

    def _readiness(self) -> int:
        """The events (``EVENT_READ | EVENT_WRITE``) this object is ready for now."""
        raise NotImplementedError

    def _watch(self, ready: dict[int, Any], slot: int, key: Any) -> None:
        """Keep ``ready[slot]`` equal to ``(key, events ready & key.events)`` from now on."""
        if not self._watchers:
            self._watchers = []
        self._watchers.append((ready, slot, key))
        self._events = events = self._readiness()  # type: ignore[misc]  # a subclass slot
        mine = events & key.events
        if mine:
            ready[slot] = (key, mine)
            wake()
        else:
            ready.pop(slot, None)

    def _unwatch(self, ready: dict[int, Any]) -> None:
        """Stop updating the table ``ready``; its entry is the caller's to remove."""
        if self._watchers:
            self._watchers = [watch for watch in self._watchers if watch[0] is not ready]

    def _changed(self) -> None:
        """Report a change of state: readiness is computed anew (holding :data:`lock`)."""
        if self._watchers:
            self._set_events(self._readiness())
        elif state.waiters:
            condition.notify_all()

    def _set_events(self, events: int) -> None:
        """Report the readiness now, when the caller knows it (holding :data:`lock`).

        Only valid while watched (``_events`` is kept up to date only then).
        """
        if events != self._events:
            self._events = events  # type: ignore[misc]  # a subclass slot
            for ready, slot, key in self._watchers:
                mine = events & key.events
                if mine:
                    ready[slot] = (key, mine)
                else:
                    ready.pop(slot, None)
        if state.waiters:
            condition.notify_all()
