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

**Waiting.**  One policy, :func:`block`, for every wait (a blocking
``recv``, a ``select()``, the asyncio loop asks the same questions): a
thread waits on :data:`condition` and is woken by :func:`notify` whenever a
state changes (a selector asleep in a real ``select()`` is poked through its
wake-up socket instead, :func:`poke`).  Before it waits, it registers in
``state.blocked`` what it waits for; :func:`others` tells, for every other
thread, whether it could still act (running, or waiting with a timeout) or
not (stuck in a library wait, or idle waiting for another thread), which
decides between waiting, timing out and :class:`Stalled`.

**Readiness.**  :class:`Source` is the protocol between an in-memory object
and the selectors that watch it (see its docstring).

**Stalled.**  :class:`Stalled` is what a wait that could never end raises;
:func:`report` is the one formatter of the lists in its messages.

**State.**  :data:`state` holds what is process-wide: the counter of made-up
ports, the patience, the blocked threads and sleeping selectors, the progress
counter, the datagram address space and the active network.

Lock order, for the record: :data:`lock` only.  A wrapped selector's own
``select()`` is called without it; the wake-up socket is written while
holding it (a non-blocking ``send`` that takes no Python lock).
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any, Callable

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


def seed_note(seed: int, maker: str) -> str:
    """The line of a report that names a schedule seed, and what replays the run with it.

    Example::

        >>> seed_note(1234, "Network")
        'schedule seed: 1234 (Network(seed=1234) reproduces this run)'
    """
    return f"schedule seed: {seed} ({maker}(seed={seed}) reproduces this run)"


class Stalled(BaseException):
    """Raised where the code under test would wait for something that can never happen.

    A :class:`~mockselector.TestSelector` raises it after a run of empty
    ``select()`` calls, a blocking ``recv`` on an in-memory socket raises it
    when no data could ever arrive, and an in-memory event loop raises it out
    of the run when nothing could ever wake it up.  It derives from
    :class:`BaseException`, so a server's ``except Exception:`` does not
    swallow it.

    Raised while a seeded :class:`~mockselector.Network` is active, its
    message ends with the line ``schedule seed: n (Network(seed=n) reproduces
    this run)``.

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
        seed = getattr(state.network, "_seed", None)
        if seed is not None:  # the schedule of a seeded network decided this run
            message = f"{message}\n{seed_note(seed, 'Network')}"
        super().__init__(message)
        self.selector = selector
        self.waiter = waiter
        self.waiting_for = waiting_for
        self.where = where


#: How long (seconds) a wait that another thread could still end waits without
#: any progress anywhere (a byte moved, a connection made, a registration
#: changed) before it raises :class:`Stalled`; progress restarts it.  Set it
#: for the process with ``mockselector.set_patience()``, or per socket,
#: selector or loop (their ``patience``).
DEFAULT_PATIENCE = 30.0

#: How often a waiting thread looks again at what the other threads are doing
#: (one that ended, or blocked elsewhere, tells nobody).  Wake-ups by events
#: are immediate; this only bounds how late a stall is seen.
RECHECK = 0.02


class _State:
    """What is process-wide, in one object: counters, blocked threads, the network.

    A virtual network (when one is active) registers itself here; lower
    layers reach it through :attr:`network`, never by importing it.
    """

    __slots__ = ("blocked", "clock", "datagrams", "network", "patience", "ports", "progress",
                 "sleepers", "waiters")

    def __init__(self) -> None:
        self.network: Any = None
        # The active network's clock (a _conditions.Clock): what it has scheduled
        # (bytes in flight) ends waits, and a virtual one jumps when nothing else could.
        self.clock: Any = None
        self.patience = DEFAULT_PATIENCE
        # Who is bound where, for datagram sockets (a _datagram.AddressSpace,
        # set when that module is imported; a network installs its own).
        self.datagrams: Any = None
        # Made-up ephemeral ports, 50000-64999, cycling.
        self.ports = itertools.count()
        # thread ident -> the Wait it is blocked in.
        self.blocked: dict[int, Wait] = {}
        # How many threads wait on `condition`, plus selectors asleep in a real
        # select(): notify() has work only then.
        self.waiters = 0
        # Selectors asleep in a real select(), by id() of their ready table: a
        # virtual object that becomes ready for one of them wakes it up.
        self.sleepers: dict[int, Any] = {}
        # Moves whenever a state change is notified: a waiter that sees it move
        # knows that something, somewhere, made progress.
        self.progress = 0

    def next_port(self) -> int:
        """An ephemeral port number for a made-up address (call holding :data:`lock`)."""
        return 50000 + next(self.ports) % 15000


state = _State()


def notify() -> None:
    """Tell the waiting threads that some state changed (call holding :data:`lock`)."""
    state.progress += 1
    condition.notify_all()


def wake() -> None:
    """Wake every thread waiting for in-memory state (call holding :data:`lock`)."""
    if state.waiters:
        notify()


def check_patience(patience: Any) -> float:
    """``patience`` as seconds (a number >= 0), else ``TypeError``/``ValueError``."""
    if isinstance(patience, bool) or not isinstance(patience, (int, float)):
        raise TypeError(f"patience must be a number of seconds, not {patience!r}")
    if not patience >= 0:
        raise ValueError(f"patience must be >= 0 seconds, not {patience!r}")
    return float(patience)


def set_patience(seconds: float) -> float:
    """Set the process-wide patience (seconds) of waits; return the one it replaces.

    It applies to every blocking call, ``select()`` and event loop that was
    not given its own.  See :data:`DEFAULT_PATIENCE`.

    Example::

        >>> import mockselector
        >>> old = mockselector.set_patience(5)
        >>> mockselector.set_patience(old)
        5.0
    """
    seconds = check_patience(seconds)
    with lock:
        old, state.patience = state.patience, seconds
    return old


# -- the other threads ------------------------------------------------------------------------
#
# One answer, for every wait, to "could another thread still end it?".  Each
# other live thread is, by where it is:
# - STUCK: blocked in a library wait without a deadline that could not proceed;
# - IDLE: waiting for another thread without a timeout (a Condition, Event,
#   queue or join without timeout, a thread-pool worker whose queue is empty):
#   it cannot act before some other thread does;
# - TIMED: waiting with a timeout (a library wait with a deadline, a Timer,
#   Event.wait(5)): it will act by itself, later (SOON: within SOON seconds);
# - RUNNING: anything else (running, sleeping, in real I/O, in C code, starting
#   or ending).

STUCK, IDLE, TIMED, SOON, RUNNING = "stuck", "idle", "timed", "soon", "running"

#: A wait with a timeout at most this long (seconds) counts as about to act: it
#: holds virtual time back, where a longer one (an idle ``threading.Timer``) does not.
SOON_LIMIT = 0.05

_WAIT_CODES = {threading.Condition.wait.__code__: "timeout"}
# Thread.join() waits in _wait_for_tstate_lock() up to 3.12, in C code from 3.13.
_JOIN_CODES = {getattr(threading.Thread, name).__code__
               for name in ("_wait_for_tstate_lock", "join")
               if hasattr(threading.Thread, name)}
try:
    import concurrent.futures.thread as _pool
except ImportError:  # pragma: no cover - no threads
    _POOL_WORKER = None
    _POOL_GET_LINES: frozenset[int] = frozenset()
else:
    _POOL_WORKER = _pool._worker.__code__

    def _get_lines() -> frozenset[int]:
        """The lines where a pool worker blocks for its next job (SimpleQueue.get, in C)."""
        import inspect
        try:
            lines, first = inspect.getsourcelines(_pool._worker)
        except (OSError, TypeError):  # pragma: no cover - no source
            return frozenset()
        return frozenset(first + number for number, line in enumerate(lines)
                         if "work_queue.get(block=True)" in line)

    _POOL_GET_LINES = _get_lines()


def _kind(ident: int, frame: Any, listed: Any = ()) -> str:
    wait = state.blocked.get(ident)
    if wait is not None:
        if wait.deadline is not None:
            return SOON if wait.deadline - time.monotonic() <= SOON_LIMIT else TIMED
        if wait.stalled or not wait.could_proceed():
            return STUCK
        return RUNNING
    if frame is None:
        return RUNNING  # starting or ending: it will act (and wake its joiners) soon
    code = frame.f_code
    if code in _WAIT_CODES:
        return _timed(frame.f_locals.get("timeout"))
    if code in _JOIN_CODES:
        # Joining a thread that is still listed: that thread is counted on its own.
        # One no longer listed is ending in C code: the join returns any moment.
        joined = frame.f_locals.get("self")
        if joined not in listed:
            return RUNNING
        timeout = frame.f_locals.get("timeout", -1)
        return IDLE if timeout is None or timeout < 0 else _timed(timeout)
    if code is _POOL_WORKER and frame.f_lineno in _POOL_GET_LINES:
        queue = frame.f_locals.get("work_queue")
        empty = getattr(queue, "empty", None)
        return IDLE if empty is not None and empty() else RUNNING
    return RUNNING


def _timed(timeout: Any) -> str:
    if timeout is None:
        return IDLE
    return SOON if timeout <= SOON_LIMIT else TIMED


def where(frame: Any) -> str:
    """``file:line (function)`` of a frame, for a report."""
    if frame is None:
        return "(no Python frame)"
    code = frame.f_code
    return f"{code.co_filename}:{frame.f_lineno} ({code.co_name})"


def others() -> list[tuple[threading.Thread, str, str]]:
    """Every other live thread: ``(thread, kind, where)`` (call holding :data:`lock`)."""
    me = threading.get_ident()
    frames = sys._current_frames()
    threads = threading.enumerate()
    listed = set(threads)
    result = []
    # Pool workers blocked for their next job, by executor: a job just handed to
    # one of them is out of the queue before the worker runs again.
    waiting_workers: dict[int, tuple[Any, list[int]]] = {}
    for thread in threads:
        ident = thread.ident
        if ident == me:
            continue
        if ident is None:  # being started: its starter waits for it, it will run
            result.append((thread, RUNNING, "(starting)"))
            continue
        frame = frames.get(ident)
        kind = _kind(ident, frame, listed)
        if kind == IDLE and frame is not None and frame.f_code is _POOL_WORKER:
            reference = frame.f_locals.get("executor_reference")
            pool = reference() if callable(reference) else None
            waiting_workers.setdefault(id(pool), (pool, []))[1].append(len(result))
        result.append((thread, kind, where(frame)))
    for pool, indexes in waiting_workers.values():
        # An idle worker has released its pool's idle semaphore, and submit() takes
        # it back: fewer releases than waiting workers means one of them was handed
        # a job it has not started yet.
        semaphore = getattr(pool, "_idle_semaphore", None)
        if getattr(semaphore, "_value", len(indexes)) < len(indexes):
            for index in indexes:
                thread, _, place = result[index]
                result[index] = (thread, RUNNING, place)
    return result


def others_alive() -> bool:
    """Whether a thread other than the caller is alive (cheap: no frame is read)."""
    return threading.active_count() > 1


def actors() -> list[tuple[threading.Thread, str, str]]:
    """The other threads that could still act by themselves (running or timed)."""
    if not others_alive():
        return []
    return [entry for entry in others() if entry[1] in (RUNNING, TIMED, SOON)]


def time_holders() -> list[tuple[threading.Thread, str, str]]:
    """The other threads that hold a network's virtual clock back.

    Those that could act (:func:`actors`), less those waiting in the library
    with a timeout: their timeouts are in real seconds, which the virtual
    clock outruns (the arrival they may wait for comes first).
    """
    return [entry for entry in actors() if entry[0].ident not in state.blocked]


def stall_others() -> None:
    """Tell every thread stuck in a library wait that nothing can end it (holding the lock)."""
    for wait in list(state.blocked.values()):
        if wait.unbounded and not wait.stalled and not wait.could_proceed():
            wait.stalled = True
    notify()


# -- waiting --------------------------------------------------------------------------------


class Wait:
    """A thread's registration while it waits for an in-memory object."""

    __slots__ = ("could_proceed", "deadline", "ident", "stalled", "target", "unbounded")

    def __init__(self, target: Any, could_proceed: Any, deadline: float | None) -> None:
        self.target = target
        self.could_proceed = could_proceed
        self.deadline = deadline
        self.unbounded = deadline is None
        self.stalled = False
        self.ident = threading.get_ident()


def block(target: Any, could_proceed: Callable[[], bool], deadline: float | None,
          patience: float | None, stalled: Callable[[str], BaseException],
          give_up: bool = False) -> bool:
    """Wait (holding :data:`lock`) until ``could_proceed()``; ``False`` at the deadline.

    The one waiting policy:

    - another thread's change of state wakes the wait at once (no polling);
    - a wait with a ``deadline`` (``time.monotonic()`` seconds) ends at the
      event or at the deadline, never earlier: the kernel's timeouts;
    - a wait without one, while another thread could still act (running,
      sleeping, waiting with a timeout), raises ``stalled(reason)`` after
      ``patience`` seconds (default: the process-wide one) in which nothing
      anywhere made progress; any progress restarts the patience;
    - when no other thread could ever act (none runs; all are stuck in
      library waits or idle, waiting for one another), a wait without a
      deadline raises ``stalled(reason)`` at once, and the stuck threads are
      told too; with ``give_up``, any wait then ends at once with ``False``
      (a ``select()`` that returns ``[]``, as asynctest's did).

    The other threads are looked at only when no other is alive (at once) or
    every :data:`RECHECK` seconds of waiting (a thread that ends or blocks
    tells nobody): a stall is seen within that time.
    """
    if patience is None:
        patience = state.patience
    wait = Wait(target, could_proceed, deadline)
    ident = wait.ident
    state.blocked[ident] = wait
    state.waiters += 1
    progress = state.progress
    quiet_since = time.monotonic()
    looked = False
    # Whether the last look found no other thread able to act.  A thread's frame
    # cannot tell that it was just notified and has not run yet: the verdict
    # "nothing could act" holds only when two looks in a row, RECHECK apart and
    # with no progress between them, find it.
    suspect = False
    try:
        while True:
            if wait.stalled:
                raise stalled("every thread is blocked on an in-memory object")
            clock = state.clock
            if clock is not None and clock.heap:
                clock.run_due()  # bytes in flight that have arrived by now
            if could_proceed():
                return True
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return False
            if state.progress != progress:
                progress, quiet_since, suspect = state.progress, now, False
            if looked or not others_alive():
                # Bytes in flight on a virtual clock: only what holds it back counts.
                able = time_holders() if clock is not None and clock.virtual \
                    and clock.heap else actors()
                if not able and not suspect and others_alive():
                    suspect = True
                elif not able:
                    if clock is not None and clock.heap:
                        # Only time could end the wait: a virtual clock moves to the next
                        # arrival of bytes in flight; on the wall clock, wait for it.
                        if clock.jump():
                            suspect = looked = False
                            continue
                        looked = True
                        condition.wait(clock.cap(RECHECK if deadline is None
                                                 else min(RECHECK, deadline - now)))
                        continue
                    if give_up:
                        return False
                    if deadline is not None:
                        looked = True  # only the deadline can end it: wait it out
                        condition.wait(max(0.0, deadline - now))
                        continue
                    stall_others()
                    raise stalled(
                        "no other thread is running" if not others_alive() else
                        "every other thread is blocked or idle:\n" + "\n".join(report(
                            f"{thread.name}: {kind} at {place}"
                            for thread, kind, place in others())))
                else:
                    suspect = False
                if able and deadline is None and now - quiet_since >= patience:
                    raise stalled(
                        f"nothing made progress for {patience:g} s (patience) while waiting "
                        "for:\n" + "\n".join(report(f"{thread.name}: {kind} at {place}"
                                                     for thread, kind, place in able))
                        + "\n(a longer patience: mockselector.set_patience(), or the "
                        "patience of the socket, selector or loop)")
            looked = True
            step = RECHECK
            if deadline is not None:
                step = min(step, deadline - now)
            elif not suspect:
                step = max(0.0, min(step, patience - (now - quiet_since)))
            if clock is not None and clock.heap:
                step = clock.cap(step)  # a wall clock: wake when bytes in flight arrive
            condition.wait(step)
    finally:
        state.waiters -= 1
        del state.blocked[ident]


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

    Each watch is kept as ``(ready table, slot, entries)``: ``entries`` holds,
    for each readiness 0 to 3, the ``(key, events & key.events)`` entry the
    table must hold then, or ``None``, made once at :meth:`_watch`: an update
    indexes it instead of building a tuple (the hot paths of the socket
    faces update their single watch inline the same way).
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
        entries = _entries(key)
        if self._watchers:
            self._watchers.append((ready, slot, entries))
        else:  # a list of one, not one grown by append() (room for four)
            self._watchers = [(ready, slot, entries)]
        self._events = events = self._readiness()  # type: ignore[misc]  # a subclass slot
        entry = entries[events]
        if entry is not None:
            ready[slot] = entry
            wake()
            if state.sleepers:
                poke(ready)
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
            notify()

    def _set_events(self, events: int) -> None:
        """Report the readiness now, when the caller knows it (holding :data:`lock`).

        Only valid while watched (``_events`` is kept up to date only then).
        """
        if events != self._events:
            self._events = events  # type: ignore[misc]  # a subclass slot
            for ready, slot, entries in self._watchers:
                entry = entries[events]
                if entry is not None:
                    ready[slot] = entry
                    if state.sleepers:
                        poke(ready)
                else:
                    ready.pop(slot, None)
        if state.waiters:
            notify()


def _entries(key: Any) -> tuple[Any, ...]:
    """What a ready table holds for ``key`` at each readiness 0-3: ``(key, mask)`` or ``None``.

    A key registered for one event shares one entry between the readiness
    that is that event alone and the readiness that is both (one tuple less
    per registration).
    """
    mask = key.events & 3
    read = (key, 1) if mask & 1 else None
    write = (key, 2) if mask & 2 else None
    return (None, read, write, (key, 3) if mask == 3 else read or write)


def poke(ready: dict[int, Any]) -> None:
    """Wake the selector asleep in a real select() whose ready table is ``ready``."""
    sleeper = state.sleepers.get(id(ready))
    if sleeper is not None:
        sleeper.poke()
