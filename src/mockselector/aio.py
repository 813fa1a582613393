"""asyncio support: an event loop for tests, and telling a loop that a mock is ready.

- :class:`TestSelectorEventLoop` (made by :func:`new_event_loop`, or by
  :class:`EventLoopPolicy`) is a stock selector event loop whose selector is a
  :class:`~mockselector.TestSelector`: in-memory sockets work with everything
  asyncio offers over stream sockets, real file objects keep working, a wait
  that nothing could ever end raises :class:`~mockselector.Stalled`, and
  time can be virtual.
- :func:`set_read_ready` and :func:`set_write_ready` play the part of the
  operating system for :class:`~mockselector.FileMock` and
  :class:`~mockselector.SocketMock` doubles: they make the loop run the
  reader or writer callback registered for the object, as a selector
  reporting the event would.
- :func:`assert_no_watchers` and :func:`check_no_watchers` fail a test that
  leaves readers or writers registered: a socket or transport left open.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.thread
import functools
import selectors
import socket
import sys
import threading
import time
import warnings
from collections.abc import Mapping, MutableMapping
from typing import Any

from . import _core
from ._conditions import Clock
from ._pipe import check_seed
from .descriptors import FileDescriptor, Stalled, _virtual_fd, fd, isfilemock
from .selector import WAKEUP, TestSelector

# Captured at import: code under test (or a Network) may patch socket.socketpair.
_real_socketpair = socket.socketpair

__all__ = [
    "EventLoopPolicy",
    "TestSelectorEventLoop",
    "assert_no_watchers",
    "check_no_watchers",
    "new_event_loop",
    "set_read_ready",
    "set_write_ready",
]


def set_read_ready(fileobj: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop`` run the reader callback of ``fileobj``, as if it became readable.

    ``loop`` must be a selector event loop (such as
    :class:`asyncio.SelectorEventLoop`); ``fileobj`` is a file object or
    descriptor, usually a :class:`~mockselector.SocketMock`.  The callback
    registered with ``loop.add_reader`` (or by ``loop.sock_recv``, a
    transport, ...) runs in a later iteration of the loop, with asynctest's
    timing: the event is taken in the loop's queue of callbacks, after those
    already scheduled (a reader they add is found), and the callback runs in
    the iteration after that.  Called before the loop runs, the callback
    runs in its second iteration; called from a callback, two iterations
    later.  The event is reported once (edge-triggered).  It is safe to
    call from another thread: the loop is woken up.

    **An event before its reader.**  On a loop whose selector is a
    :class:`~mockselector.TestSelector` (a :class:`TestSelectorEventLoop`, or
    ``loop._selector = TestSelector(loop._selector)``), the event is handed
    to :meth:`TestSelector.set_ready <mockselector.TestSelector.set_ready>`
    with ``strict=False``: for an object with no reader nor writer yet, it is
    kept until one is added, later in the same iteration (``sock_recv`` adds
    its reader only after ``recv`` raised :class:`BlockingIOError`) or in a
    later one, and the callback then runs in the next iteration, as a real
    event's would.  An event the object is not registered for when the next
    ``select()`` reports it (a read event where only a writer was added) is
    dropped.  With any other selector, an event for an object that has no
    reader when the event is taken is dropped.

    Raises :class:`TypeError` if ``loop`` is not a selector event loop and
    :class:`RuntimeError` if it is closed.

    Example::

        >>> import asyncio, mockselector
        >>> loop = mockselector.new_event_loop()
        >>> sock = mockselector.SocketMock()
        >>> loop.add_reader(sock, print, "readable")
        >>> set_read_ready(sock, loop)
        >>> loop.run_until_complete(asyncio.sleep(0))
        readable
        >>> loop.close()
    """
    _set_ready(fileobj, loop, selectors.EVENT_READ)


def set_write_ready(fileobj: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop`` run the writer callback of ``fileobj``, as if it became writable.

    The writing twin of :func:`set_read_ready`, with the same timing, thread
    safety and errors: the callback registered with ``loop.add_writer`` (or by
    ``loop.sock_sendall``, a transport with a write buffer, ...) runs in a
    later iteration.

    Example::

        >>> import asyncio, mockselector
        >>> loop = asyncio.new_event_loop()
        >>> loop._selector = mockselector.TestSelector(loop._selector)
        >>> sock = mockselector.SocketMock()
        >>> loop.add_writer(sock, print, "writable")
        >>> set_write_ready(sock, loop)
        >>> loop.run_until_complete(asyncio.sleep(0))
        writable
        >>> loop.close()
    """
    _set_ready(fileobj, loop, selectors.EVENT_WRITE)


def _set_ready(fileobj: Any, loop: asyncio.AbstractEventLoop, event: int) -> None:
    if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_closed():
        raise RuntimeError("Event loop is closed")
    selector = getattr(loop, "_selector", None)
    if not isinstance(selector, selectors.BaseSelector):
        raise TypeError(f"{loop!r} is not a selector event loop")
    if isinstance(selector, TestSelector):
        # asynctest's timing: the event is taken in the loop's queue of callbacks, after
        # those already scheduled (which may add the reader), and reported by the next
        # select().  call_soon_threadsafe also wakes a loop waiting in another thread.
        loop.call_soon_threadsafe(
            functools.partial(selector.set_ready, fileobj, event, strict=False))
    else:
        # A selector reports events at the start of an iteration: let the
        # current one finish, then dispatch as _run_once would.
        loop.call_soon_threadsafe(_dispatch, loop, fileobj, event)


def _dispatch(loop: Any, fileobj: Any, event: int) -> None:
    """Queue the callbacks of ``loop`` waiting for ``event`` on ``fileobj``."""
    selector: selectors.BaseSelector = loop._selector
    key = _find_key(selector, fileobj)
    if key is not None:
        loop._process_events([(key, event & key.events)])


def _find_key(selector: selectors.BaseSelector, fileobj: Any) -> selectors.SelectorKey | None:
    # A double may be registered under its FileDescriptor (asyncio registers
    # ``sock.fileno()``) or under the plain int a selector derives from the
    # object itself; their hashes differ, so look for both forms.
    candidates = [fileobj]
    if isfilemock(fileobj):
        virtual = fd(fileobj)
        candidates.append(int(virtual) if virtual is fileobj else virtual)
    for candidate in candidates:
        try:
            return selector.get_key(candidate)
        except (KeyError, ValueError):  # not registered, or not a valid file object
            pass
    return None


# -- an event loop on in-memory sockets ----------------------------------------

#: The default ``patience`` (seconds) of every wait, a
#: :class:`TestSelectorEventLoop`'s included: how long a loop that only a
#: thread or a signal could wake waits without any progress before it
#: concludes that none will.  Pass ``patience=``, or set it for the process
#: with :func:`mockselector.set_patience`.
DEFAULT_PATIENCE = _core.DEFAULT_PATIENCE


_stock_process_events = asyncio.SelectorEventLoop._process_events  # type: ignore[attr-defined]


class _RealSide(selectors.BaseSelector):
    """The real selector of a :class:`TestSelectorEventLoop`, seen by its TestSelector.

    The TestSelector asks it to wait (a timeout other than 0) only when no
    virtual event is ready: the loop then decides whether anything could
    still wake it, and waits, jumps its virtual clock, or raises
    :class:`Stalled` (in :meth:`TestSelectorEventLoop._wait_outside`).
    """

    def __init__(self, selector: selectors.BaseSelector, loop: TestSelectorEventLoop) -> None:
        self._real = selector
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout == 0 and _core.state.clock is None:
            # A poll (virtual events are ready, or callbacks), no network clock to
            # run: nothing for the loop to decide but that it looked (_wait_outside).
            self._loop._looked_again = False
            return self._real.select(0)
        return self._loop._wait_outside(self._real, timeout)

    def select_first(self, timeout: float | None) -> list[tuple[selectors.SelectorKey, int]] | None:
        """What :meth:`select` returns when it needs no wake-up socket, else ``None``.

        The TestSelector asks before a wait, ahead of its sleeper bookkeeping
        (virtual time that moves to an arrival of bytes in flight needs no
        waking), and leaves the decision of when time moves to the loop (see
        :meth:`TestSelectorEventLoop._to_arrival`).
        """
        return self._loop._to_arrival(timeout)


class TestSelectorEventLoop(asyncio.SelectorEventLoop):  # type: ignore[misc,valid-type,unused-ignore]
    """A stock asyncio selector event loop whose selector is a :class:`TestSelector`.

    In-memory sockets (:func:`~mockselector.socketpair`,
    :class:`~mockselector.ListenSocket`) work with everything asyncio offers
    over stream sockets - ``start_server(sock=...)``,
    ``open_connection(sock=...)``, ``create_server`` /
    ``create_connection`` / ``connect_accepted_socket`` with ``sock=``,
    transports and protocols, ``loop.sock_*`` - and report their readiness
    by themselves.  :class:`~mockselector.SocketMock` doubles are made ready
    with :func:`set_read_ready` / :func:`set_write_ready`.  Real file objects
    keep working side by side: they go to ``selector``, a real selector
    (default :class:`selectors.DefaultSelector`), which also holds the loop's
    wake-up pipe.

    **Never hang.**  When the loop would wait forever - no callback ready, no
    timer, no virtual event - it looks at what outside could still wake it:

    - a real file object other than its own wake-up pipe, or a job started
      with ``run_in_executor`` (``asyncio.to_thread``, ``getaddrinfo``): it
      waits, as a stock loop would;
    - another thread that could act (running, sleeping, or waiting with a
      timeout), or a signal handler: it waits up to ``patience`` seconds
      (default: the process-wide patience, :data:`DEFAULT_PATIENCE`; a number
      >= 0, else :class:`TypeError` or :class:`ValueError`) in which nothing
      anywhere made progress, then carries on as if nothing could wake it.
      Threads that wait for other threads without a timeout (an ``Event``, a
      ``queue``, a ``join()``, an idle thread-pool worker) are not counted:
      they cannot act first.  (The ``Threads`` page of the documentation says
      how threads are told apart);
    - nothing: it raises :class:`Stalled` out of ``run_until_complete`` /
      ``asyncio.run``, naming the pending tasks, where each waits, and the
      readers and writers registered.

    Pass ``stall_detection=False`` to wait for real instead, when wake-ups come
    from threads the loop cannot see (started before it, or outside Python).

    **Schedule perturbation** (``seed``, an int): the I/O events that are
    ready together reach the loop in an order drawn from the seed (its
    :class:`~mockselector.TestSelector`'s ``seed``), so the callbacks of
    sockets that became ready at once run in a seeded order, the same on
    every run; the order of ``call_soon`` callbacks, which asyncio
    guarantees, is never changed.  Its :class:`Stalled` names the seed.

    **Virtual time** (``virtual_time=True``): ``loop.time()`` starts at 0.0
    and, when nothing outside could wake the loop, jumps to the next timer at
    once, so ``await asyncio.sleep(3600)`` returns immediately with
    ``loop.time()`` advanced by exactly 3600, and timeouts fire
    deterministically, after everything that could happen first has
    happened.  While the loop waits for something outside (above), virtual
    time advances with the real time waited.

    The loop is made by :func:`new_event_loop` (a ``loop_factory``) or by
    :class:`EventLoopPolicy` (Python 3.9-3.12 code that creates loops
    through the policy).

    Example::

        >>> import asyncio
        >>> from mockselector import ListenSocket, TestSelectorEventLoop
        >>> async def main():
        ...     async def echo(reader, writer):
        ...         writer.write(await reader.readline())
        ...         await writer.drain()
        ...         writer.close()
        ...     listener = ListenSocket(address=("127.0.0.1", 8080))
        ...     server = await asyncio.start_server(echo, sock=listener)
        ...     reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        ...     writer.write(b"hello\\n")
        ...     line = await reader.readline()
        ...     writer.close()
        ...     server.close()
        ...     await asyncio.sleep(3600)
        ...     return line, asyncio.get_running_loop().time()
        >>> loop = TestSelectorEventLoop(virtual_time=True)
        >>> loop.run_until_complete(main())
        (b'hello\\n', 3600.0)
        >>> loop.close()
    """

    __test__ = False  # not a pytest test class, despite the name

    # The state of asyncio's selector loop used here (private, so not in typeshed).
    _selector: TestSelector
    _ssock: socket.socket
    _scheduled: list[asyncio.TimerHandle]
    _transports: MutableMapping[Any, Any]

    def __init__(
        self, selector: selectors.BaseSelector | None = None, *,
        virtual_time: bool = False, stall_detection: bool = True,
        patience: float | None = None, seed: int | None = None,
    ) -> None:
        # Closed until asyncio's __init__ has run: a bad argument leaves nothing to
        # close, and BaseEventLoop.__del__ must find _closed set.
        self._closed = True
        if patience is not None:
            patience = _core.check_patience(patience)
        check_seed(seed)
        self._virtual_time = virtual_time
        self._stall_detection = stall_detection
        self._own_patience = patience
        self._progress_seen = -1
        # The virtual clock: the active network's when it has a virtual one (bytes in
        # flight and the loop's timers then share one time), else the loop's own.
        network = _core.state.network
        shared = None if network is None else network._clock
        self._clock = shared if virtual_time and shared is not None and shared.virtual \
            else Clock(virtual=True)
        self._executor_jobs = 0
        # Since when the loop has waited for a thread without any I/O event.
        self._quiet_since: float | None = None
        # Whether the last wait found that nothing could wake the loop (see _wait_outside).
        self._looked_again = False
        # Whether the loop, with nothing to do and no timer, already waited a moment
        # for an event before it looks at what could still wake it (see _wait_outside).
        self._probed = False
        self._real_selector = selector if selector is not None else selectors.DefaultSelector()
        test_selector = TestSelector(_RealSide(self._real_selector, self), seed=seed)
        if seed is not None:
            test_selector._seed_maker = type(self).__name__
        self._seed = test_selector.seed  # its own, or one from a seeded network
        super().__init__(test_selector)

    @property
    def _patience(self) -> float:
        own = self._own_patience
        return _core.state.patience if own is None else own

    def __del__(self, _warn: Any = warnings.warn) -> None:
        # A stock loop warns and closes; its close() runs no loop code.  Ours would
        # run the pending tasks to their end (in the garbage collector, or at exit,
        # starting a thread to shut the executor down): close the stock way instead.
        if not self.is_closed():
            _warn(f"unclosed event loop {self!r}", ResourceWarning, source=self)
            if not self.is_running():
                asyncio.SelectorEventLoop.close(self)

    @property
    def seed(self) -> int | None:
        """The seed that orders the I/O events ready together, or ``None`` (see the class).

        Example::

            >>> import mockselector
            >>> loop = mockselector.new_event_loop(seed=42)
            >>> loop.seed
            42
            >>> loop.close()
        """
        return self._seed

    def time(self) -> float:
        """The loop's clock: virtual (from 0.0) with ``virtual_time=True``, else monotonic.

        Example::

            >>> import asyncio, mockselector
            >>> loop = mockselector.new_event_loop(virtual_time=True)
            >>> loop.time(), loop.run_until_complete(asyncio.sleep(2.5)), loop.time()
            (0.0, None, 2.5)
            >>> loop.close()
        """
        if self._virtual_time:
            return self._clock._now
        return time.monotonic()  # what super().time() returns, one call less per iteration

    def close(self) -> None:
        """Close the loop, after cancelling the tasks still pending.

        What :func:`asyncio.run` does on its way out, for loops run with
        ``run_until_complete``: a test that stalled leaves its tasks pending;
        closing the loop cancels them and runs them to their end (their
        ``finally`` clauses close what they opened), finishes the
        asynchronous generators and the default executor, then closes.
        (Tasks that refuse to end are left as they are.)  Nothing is run
        when the loop is running or another loop runs in this thread.

        Example::

            >>> import asyncio, mockselector
            >>> loop = mockselector.new_event_loop()
            >>> task = loop.create_task(asyncio.sleep(3600))
            >>> loop.close()
            >>> task.cancelled(), loop.is_closed()
            (True, True)
        """
        if not self.is_closed() and not self.is_running() \
                and asyncio._get_running_loop() is None:
            self._finish_pending()
        super().close()

    def _finish_pending(self) -> None:
        tasks = [task for task in asyncio.all_tasks(self) if not task.done()]
        for task in tasks:
            task.cancel()
        try:
            if tasks:
                self.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self.run_until_complete(self.shutdown_asyncgens())
            self.run_until_complete(self.shutdown_default_executor())
        except Stalled:
            pass  # a task that ignores its cancellation: leave it

    def run_in_executor(  # type: ignore[override]
        self, executor: Any, func: Any, *args: Any,
    ) -> asyncio.Future[Any]:
        """Run ``func(*args)`` in ``executor``, as asyncio does; the loop waits for it.

        While the job runs, a wait for it is no stall, and virtual time advances
        with the real time waited.  Example::

            >>> import mockselector
            >>> loop = mockselector.new_event_loop()
            >>> loop.run_until_complete(loop.run_in_executor(None, sum, [1, 2]))
            3
            >>> loop.close()
        """
        future = super().run_in_executor(executor, func, *args)
        self._executor_jobs += 1
        future.add_done_callback(self._executor_job_done)
        return future

    def _executor_job_done(self, future: asyncio.Future[Any]) -> None:
        self._executor_jobs -= 1

    def _process_events(self, event_list: list[tuple[selectors.SelectorKey, int]]) -> None:
        if event_list:
            self._quiet_since = None
            self._looked_again = False
            self._probed = False
        _stock_process_events(self, event_list)  # super()'s, called once per iteration

    def _make_self_pipe(self) -> None:
        # A real pair even where socket.socketpair is patched (inside a Network, or
        # by the test): the loop's wake-up is no traffic, and only a real descriptor
        # wakes the real wait at once.
        self._ssock, self._csock = _real_socketpair()
        self._ssock.setblocking(False)
        self._csock.setblocking(False)
        self._internal_fds += 1  # type: ignore[attr-defined]
        self._add_reader(self._ssock.fileno(), self._read_from_self)  # type: ignore[attr-defined]

    def _ensure_fd_no_transport(self, fd: Any) -> None:
        # asyncio's own version turns a file object's fileno() into a plain
        # int, which would mistake a virtual descriptor for a real one.
        virtual = _virtual_fd(fd)
        if virtual is None:
            super()._ensure_fd_no_transport(fd)  # type: ignore[misc]
            return
        transport = self._transports.get(virtual)
        if transport is not None and not transport.is_closing():
            raise RuntimeError(f"File descriptor {fd!r} is used by transport {transport!r}")

    async def _sock_sendfile_native(self, sock: Any, file: Any, offset: int, count: Any) -> int:
        # os.sendfile() would take a virtual descriptor's number for a real one (and
        # write the file to whatever real file has that number): send it with send().
        if _virtual_fd(sock) is not None:
            raise asyncio.SendfileNotAvailableError(f"{sock!r} is an in-memory socket")
        return await super()._sock_sendfile_native(  # type: ignore[misc,no-any-return]
            sock, file, offset, count)

    # -- waiting ---------------------------------------------------------------

    def _wait_outside(
        self, real: selectors.BaseSelector, timeout: float | None,
    ) -> list[tuple[selectors.SelectorKey, int]]:
        """Wait for what outside the loop could wake it (no virtual event is ready).

        The core's one answer to "who could still wake us?" decides (see
        ``_core.others``): real file objects and executor jobs are waited for as
        a stock loop would; running threads with patience; threads that only
        wait with a timeout (a ``threading.Timer``) keep a loop without timers
        waiting, but never hold virtual time back; nothing: ``Stalled``, or a
        jump of virtual time to the next timer.
        """
        clock = _core.state.clock
        if clock is not None and clock.heap:
            if clock is not self._clock:
                with _core.lock:
                    if clock.run_due():  # bytes in flight have arrived: look again
                        return real.select(0)
                    due = clock.heap[0][0] - clock.now() if clock.heap else None
                if due is not None:
                    # On the wall clock: wait for them (or an event), as for a timer.
                    return self._wait(real, due if timeout is None else min(timeout, due))
            else:
                if timeout is not None and timeout <= 0:
                    # A poll (a wait asked select_first() already, before this).
                    polled = self._to_arrival(timeout)
                    if polled is not None:
                        return polled
                # On the loop's virtual clock: their arrival is one more timer.
                due = clock.heap[0][0] - clock._now
                timeout = due if timeout is None else min(timeout, due)
        if timeout is not None and timeout <= 0:
            self._looked_again = False
            return real.select(0)
        if timeout is None and not self._probed:
            # Nothing to do and no timer: wait a moment for an event first (events
            # wake this wait at once), and look at the threads only if none came.
            self._probed = True
            return self._wait(real, _core.RECHECK)
        wakers, threads = self._outside_wakers()
        # Running threads, and those about to act, hold virtual time back; threads
        # that wait with a longer timeout (an idle Timer) only keep a loop with no
        # timer from concluding that nothing could ever wake it.
        running = [entry for entry in threads if entry[1] in (_core.RUNNING, _core.SOON)]
        timed = [entry for entry in threads if entry[1] == _core.TIMED]
        # Polled after looking at the threads: one that has just ended has woken the loop.
        events = real.select(0)
        if events:
            return events
        if wakers:
            self._looked_again = False
            return self._wait(real, timeout)
        if running or (timed and timeout is None):
            left = self._patience_left()
            if left > 0:
                self._looked_again = False
                step = min(left, _core.RECHECK)  # to look at the threads again
                return self._wait(real, step if timeout is None else min(timeout, step))
        if not self._looked_again:
            # Nothing could wake the loop.  Let the TestSelector look once more at the
            # virtual side too: a thread that has just ended may have fed a socket.
            # A thread's frame cannot tell that it was just woken and has not run
            # yet: before Stalled, the second look comes after a real pause; before
            # a jump of virtual time, after the interpreter let such a thread run.
            self._looked_again = True
            if threads and timeout is None:
                return self._wait(real, _core.RECHECK)
            if threads:
                time.sleep(0)
            return []
        self._looked_again = False
        if timeout is None:
            if self._stall_detection:
                raise Stalled(self._stall_report([*running, *timed]), selector=self._selector)
            return self._wait(real, None)
        if self._virtual_time:
            self._jump(timeout)
            return []
        return self._wait(real, timeout)

    def _to_arrival(self, timeout: float | None) -> list[Any] | None:
        """``[]`` after moving virtual time to the next arrival of bytes in flight, if it may.

        It may when the network's clock is the loop's, something is in flight,
        and nothing outside could come first: no other thread, no signal
        handler, no executor job, no real object (nothing can even write to
        the wake-up pipe).  A poll (``timeout`` 0) then finds nothing, and a
        wait moves time to the arrival or the timer before it, without
        looking twice.  ``None`` otherwise: the full policy decides.
        """
        clock = self._clock
        if not clock.heap or _core.state.clock is not clock or self._executor_jobs \
                or _core.others_alive() or getattr(self, "_signal_handlers", None) \
                or self._real_wakers():
            return None
        due = clock.heap[0][0] - clock._now  # (the TestSelector ran what is due now)
        timeout = due if timeout is None else min(timeout, due)
        self._looked_again = False
        if timeout > 0:
            self._jump(timeout)
        return []

    def _patience_left(self) -> float:
        """Seconds of patience left: since the last progress anywhere (or event here)."""
        now = time.monotonic()
        progress = _core.state.progress
        if self._quiet_since is None or progress != self._progress_seen:
            self._quiet_since, self._progress_seen = now, progress
        return self._patience - (now - self._quiet_since)

    def _wait(
        self, real: selectors.BaseSelector, timeout: float | None,
    ) -> list[tuple[selectors.SelectorKey, int]]:
        """Wait on the real selector; virtual time advances with the real time waited.

        An in-memory object that another thread makes ready ends the wait at
        once: the TestSelector registered its wake-up socket in ``real``.
        """
        start = time.monotonic()
        try:
            return real.select(timeout)
        finally:
            if self._virtual_time:
                self._clock.advance(self._clock._now + time.monotonic() - start)

    def _jump(self, timeout: float) -> None:
        """Move the virtual clock to the next timer, ``timeout`` away."""
        scheduled = self._scheduled
        now = self._clock._now
        target = scheduled[0].when() if scheduled else now + timeout
        self._clock.advance(min(target, now + timeout))
        if self._clock.heap:
            with _core.lock:
                self._clock.run_due()  # the bytes in flight that arrive then

    def _real_wakers(self) -> list[selectors.SelectorKey]:
        """The real objects the loop waits for, less its own wake-up sockets."""
        mapping = self._real_selector.get_map()
        wrapped = self._selector._real
        own = 1 + (wrapped is not None and wrapped.wakeup is not None)
        if not mapping or len(mapping) <= own:
            return []  # the loop's own wake-up pipe and its selector's wake-up socket
        wakeup = self._ssock.fileno()
        return [key for key in list(mapping.values())
                if key.fd != wakeup and key.data is not WAKEUP]

    def _outside_wakers(self) -> tuple[list[str], list[tuple[Any, str, str]]]:
        """What outside could wake the loop: what it waits for, and the other threads."""
        wakers = [f"{key.fileobj!r} (real FD {key.fd})" for key in self._real_wakers()]
        if self._executor_jobs:
            wakers.append(f"{self._executor_jobs} job(s) in an executor")
        with _core.lock:
            threads: list[tuple[Any, str, str]] = list(_core.others())
        # A thread-pool worker with work queued or running: work the program handed over.
        wakers += [f"{thread.name}: a thread-pool job at {place}"
                   for thread, kind, place in threads
                   if kind == _core.RUNNING and _is_pool_worker(thread)]
        # A signal handler may wake the loop, like a running thread: with patience.
        threads += [(f"the handler of signal {signum}", _core.RUNNING, "(a signal)")
                    for signum in getattr(self, "_signal_handlers", None) or ()]
        return wakers, threads

    def _stall_report(self, threads: list[tuple[Any, str, str]]) -> str:
        if threads:
            head = (f"{self!r} waited {self._patience:g} s for a thread to wake it, with no "
                    "progress anywhere, and none did:\n"
                    + "\n".join(_core.report(f"{getattr(thread, 'name', thread)}: {kind} at "
                                              f"{place}" for thread, kind, place in threads))
                    + "\n(pass patience= or call mockselector.set_patience() to wait longer, "
                    "or stall_detection=False to wait for ever)")
        else:
            head = (f"{self!r} would wait forever: no callback is ready, no timer is "
                    "scheduled, and nothing outside the loop (a real file object, an "
                    "executor job, a thread, a signal handler) could wake it.")
        lines = [head]
        tasks = [task for task in asyncio.all_tasks(self) if not task.done()]
        lines.append(f"Pending tasks: {len(tasks)}")
        lines += [f"  {_where(task)}" for task in tasks[:20]]
        if len(tasks) > 20:
            lines.append(f"  ... and {len(tasks) - 20} more")
        watchers = _watchers(self)
        lines.append(f"Readers and writers: {len(watchers)}")
        lines += [f"  {fileobj!r} waits to be {kind} for {handle!r}"
                  for _, fileobj, kind, handle in watchers[:20]]
        if len(watchers) > 20:
            lines.append(f"  ... and {len(watchers) - 20} more")
        lines.append(
            "Something must feed the sockets these wait on (the test playing the peer), "
            "or a timer must be set."
        )
        return "\n".join(lines + self._selector._seed_lines())


def _is_pool_worker(thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker of a ``concurrent.futures`` thread pool."""
    target = getattr(thread, "_target", None)
    return target is concurrent.futures.thread._worker


def _where(task: asyncio.Task[Any]) -> str:
    """Where a task is suspended and what it awaits, for a stall report (several lines)."""
    coro: Any = task.get_coro()
    steps = []
    awaited: Any = None
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        code = frame.f_code
        steps.append(f"    {code.co_name}() at {code.co_filename}:{frame.f_lineno}")
        inner = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        if inner is None or not (hasattr(inner, "cr_frame") or hasattr(inner, "gi_frame")):
            awaited = inner
            break
        coro = inner
    waiter = getattr(task, "_fut_waiter", None)  # what asyncio's Task is blocked on
    if waiter is not None:
        awaited = waiter
    what = f", awaiting {awaited!r}" if awaited is not None else ""
    return "\n".join([f"task {task.get_name()!r}{what}:", *steps]) if steps else repr(task)


def _watchers(loop: asyncio.AbstractEventLoop) -> list[tuple[Any, Any, str, Any]]:
    """The ``(fd, fileobj, kind, handle)`` readers and writers of ``loop``, not its own."""
    selector = getattr(loop, "_selector", None)
    mapping = selector.get_map() if selector is not None else None
    ssock = getattr(loop, "_ssock", None)
    wakeup = ssock.fileno() if ssock is not None else None
    found = []
    for key in list((mapping or {}).values()):
        if wakeup is not None and not isinstance(key.fd, FileDescriptor) and key.fd == wakeup:
            continue
        reader, writer = key.data if isinstance(key.data, tuple) else (None, None)
        # asyncio registers bare descriptors: show the socket behind a virtual one.
        fileobj = getattr(key.fd, "source", None) or key.fileobj
        if reader is not None and not reader.cancelled():
            found.append((key.fd, fileobj, "readable", reader))
        if writer is not None and not writer.cancelled():
            found.append((key.fd, fileobj, "writable", writer))
    return found


def new_event_loop(**kwargs: Any) -> TestSelectorEventLoop:
    """A new :class:`TestSelectorEventLoop`; keyword arguments are passed on.

    It is a ``loop_factory``:

    - ``asyncio.Runner(loop_factory=mockselector.new_event_loop)`` (3.11+);
    - ``asyncio.run(main(), loop_factory=mockselector.new_event_loop)`` (3.12+);
    - ``loop_factory = mockselector.new_event_loop`` in a
      :class:`unittest.IsolatedAsyncioTestCase` (3.13+; on every version,
      derive from :class:`mockselector.testcase.AsyncioTestCase` instead):
      from Python 3.10 on it is a :class:`staticmethod`, so a class
      attribute does not turn it into a method;
    - ``functools.partial(mockselector.new_event_loop, virtual_time=True)``
      for a variant (as a class attribute, wrap it in ``staticmethod()``:
      Python 3.13 warns that a partial will become a method there);
      ``seed=1234`` is such a variant: I/O events ready together reach the
      loop in a seeded order (see :class:`TestSelectorEventLoop`).

    On Python 3.9-3.12, code that creates its loop through the event loop
    policy (``asyncio.run``, ``IsolatedAsyncioTestCase``, pytest-asyncio)
    uses :class:`EventLoopPolicy`.

    Example::

        >>> import asyncio, mockselector
        >>> loop = mockselector.new_event_loop(virtual_time=True)
        >>> loop.run_until_complete(asyncio.sleep(60)); loop.time()
        60.0
        >>> loop.close()
    """
    return TestSelectorEventLoop(**kwargs)


if sys.version_info >= (3, 10):  # staticmethod objects are callable from 3.10 on
    # ``loop_factory = mockselector.new_event_loop`` on a test case must not bind the
    # test case as an argument.
    new_event_loop = staticmethod(new_event_loop)  # type: ignore[assignment,unused-ignore]


class EventLoopPolicy(asyncio.DefaultEventLoopPolicy):  # type: ignore[misc,valid-type,unused-ignore]
    """An event loop policy whose new loops are :class:`TestSelectorEventLoop` objects.

    For Python 3.9-3.12 code that creates loops through the policy
    (``asyncio.run``, :class:`unittest.IsolatedAsyncioTestCase`,
    pytest-asyncio's ``event_loop_policy`` fixture); on 3.11+ prefer a
    ``loop_factory`` (:func:`new_event_loop`).  Keyword arguments are passed
    to each loop (``EventLoopPolicy(seed=1234)``: each loop orders its I/O
    events with that seed).  Set it for the duration of a test only::

        asyncio.set_event_loop_policy(mockselector.EventLoopPolicy())
        try:
            asyncio.run(main())
        finally:
            asyncio.set_event_loop_policy(None)

    Example::

        >>> import asyncio, mockselector
        >>> policy = mockselector.EventLoopPolicy(virtual_time=True)
        >>> loop = policy.new_event_loop()
        >>> type(loop).__name__, loop.run_until_complete(asyncio.sleep(5)), loop.time()
        ('TestSelectorEventLoop', None, 5.0)
        >>> loop.close()
    """

    def __init__(self, **loop_kwargs: Any) -> None:
        super().__init__()
        self._loop_kwargs = loop_kwargs

    def new_event_loop(self) -> TestSelectorEventLoop:
        """A new :class:`TestSelectorEventLoop` with the policy's keyword arguments.

        Example::

            >>> import mockselector
            >>> loop = mockselector.EventLoopPolicy(patience=1.0).new_event_loop()
            >>> loop._patience
            1.0
            >>> loop.close()
        """
        return TestSelectorEventLoop(**self._loop_kwargs)


# -- the leak check ---------------------------------------------------------------


class assert_no_watchers:  # a class used like a function, hence the name
    """Fail when readers or writers added inside the block are still registered at its end.

    The check of asynctest's ``fail_on(active_selector_callbacks=True)``:
    a leaked reader or writer is a socket or transport the code forgot to
    close.  At the end of the ``with`` block (if it raised nothing), any
    reader or writer registered on ``loop`` for a file object that had none
    of that kind at its start raises :class:`AssertionError` naming the file
    object and the callback.  ``loop`` defaults to the running loop, for use
    inside a coroutine.  :func:`check_no_watchers` is the same check as a
    plain function.  Any selector event loop can be checked.

    Example::

        >>> import mockselector
        >>> loop = mockselector.new_event_loop()
        >>> a, b = mockselector.socketpair()
        >>> with assert_no_watchers(loop):
        ...     loop.add_reader(a, print)
        Traceback (most recent call last):
        ...
        AssertionError: 1 reader or writer left registered on ...
        >>> loop.remove_reader(a)
        True
        >>> loop.close()
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._before = {(fd, kind) for fd, _, kind, _ in _watchers(self._loop)}

    def __enter__(self) -> assert_no_watchers:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            _fail_on(
                [w for w in _watchers(self._loop) if (w[0], w[2]) not in self._before],
                self._loop,
            )


def check_no_watchers(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Raise :class:`AssertionError` if ``loop`` has readers or writers registered.

    ``loop`` defaults to the running loop.  The loop's own wake-up pipe does
    not count.  Example::

        >>> import mockselector
        >>> loop = mockselector.new_event_loop()
        >>> check_no_watchers(loop)
        >>> a, b = mockselector.socketpair()
        >>> loop.add_writer(b, print)
        >>> check_no_watchers(loop)
        Traceback (most recent call last):
        ...
        AssertionError: 1 reader or writer left registered on ...
        >>> loop.close()
    """
    if loop is None:
        loop = asyncio.get_running_loop()
    _fail_on(_watchers(loop), loop)


def _fail_on(watchers: list[tuple[Any, Any, str, Any]], loop: asyncio.AbstractEventLoop) -> None:
    if watchers:
        lines = [f"{len(watchers)} reader or writer left registered on {loop!r}:"]
        lines += [f"  {fileobj!r} waits to be {kind} for {handle!r}"
                  for _, fileobj, kind, handle in watchers]
        lines.append("Close the sockets, transports and servers the code opened.")
        raise AssertionError("\n".join(lines))
