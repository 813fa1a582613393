"""asyncio support: telling a selector event loop that a mock is ready.

:func:`set_read_ready` and :func:`set_write_ready` play the part of the
operating system for :class:`~mockselector.FileMock` and
:class:`~mockselector.SocketMock` doubles: they make the loop run the reader or
writer callback registered for the object, as a selector reporting the event
would.
"""

from __future__ import annotations

import asyncio
import functools
import selectors
import threading
import time
from collections.abc import Mapping
from typing import Any

from .descriptors import FileDescriptor, Stalled, _virtual_fd, fd, isfilemock
from .selector import TestSelector

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
    transport, ...) runs in a later iteration of the loop, like the callback of
    a real event; nothing happens if no reader is registered by then.  The
    event is reported once (edge-triggered).  It is safe to call from another
    thread: the loop is woken up.

    With ``loop._selector = TestSelector(loop._selector)`` the event is handed
    to :meth:`TestSelector.set_ready`, which reports it at the next
    ``select()`` if ``fileobj`` is registered for reading then: a reader added
    later in the same iteration (``sock_recv`` adds it only after ``recv``
    raised :class:`BlockingIOError`) still receives it, and its callback runs
    in the next iteration, as a real event's would.  With any other selector,
    the reader is looked up at the start of the next iteration and its
    callback runs in the iteration after; a reader added before that lookup
    is found too.

    Raises :class:`TypeError` if ``loop`` is not a selector event loop and
    :class:`RuntimeError` if it is closed.

    Example::

        >>> import asyncio, mockselector
        >>> loop = asyncio.new_event_loop()
        >>> loop._selector = mockselector.TestSelector(loop._selector)
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
    later iteration; nothing happens if no writer is registered by then.

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
        set_ready = functools.partial(selector.set_ready, fileobj, event, strict=False)
        if _in_loop_thread(loop):
            set_ready()
        else:
            # The loop thread may be inside select(): let it record the event
            # itself (call_soon_threadsafe also wakes it up).
            loop.call_soon_threadsafe(set_ready)
    else:
        # A selector reports events at the start of an iteration: let the
        # current one finish, then dispatch as _run_once would.
        loop.call_soon_threadsafe(_dispatch, loop, fileobj, event)


def _in_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether the caller may touch ``loop``'s selector without racing its thread."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    return running is loop or not loop.is_running()


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

# How long a loop that only threads or signals could wake waits before it
# concludes that nothing will (a wait on a real file object is never cut short).
_PATIENCE = 10.0
_SLICE = 0.1


class _RealSide(selectors.BaseSelector):
    """The real selector of a :class:`TestSelectorEventLoop`, seen by its TestSelector.

    The TestSelector asks it to wait (a timeout other than 0) only when no
    virtual event is ready: that is where the loop decides whether anything
    could still wake it, jumps its virtual clock, or raises :class:`Stalled`.
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

    def get_map(self) -> Mapping[Any, selectors.SelectorKey] | None:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and timeout <= 0:
            return self._real.select(0)
        loop = self._loop
        waker = loop._outside_waker()
        if waker is None or waker == "thread":
            events = self._real.select(0)
            if events:
                return events
            if waker is None and timeout is None:
                if loop._stall_detection:
                    raise Stalled(loop._stall_report(), selector=loop._selector)
            elif waker is None and loop._virtual_time:
                assert timeout is not None
                loop._jump(timeout)
                return []
            elif waker == "thread":
                return self._wait_for_thread(timeout)
        return self._wait(timeout)

    def _wait(self, timeout: float | None) -> list[tuple[selectors.SelectorKey, int]]:
        loop = self._loop
        if not loop._virtual_time:
            return self._real.select(timeout)
        start = time.monotonic()
        try:
            return self._real.select(timeout)
        finally:
            loop._clock += time.monotonic() - start

    def _wait_for_thread(self, timeout: float | None) -> list[tuple[selectors.SelectorKey, int]]:
        """Wait for a thread to wake the loop, in slices, with bounded patience."""
        loop = self._loop
        deadline = None if timeout is None else time.monotonic() + timeout
        patience = time.monotonic() + _PATIENCE
        while True:
            now = time.monotonic()
            limit = _SLICE if deadline is None else min(_SLICE, max(0.0, deadline - now))
            events = self._wait(limit)
            if events or (deadline is not None and time.monotonic() >= deadline):
                return events
            waker = loop._outside_waker()
            if waker != "thread":
                return events  # the thread ended, or a real object appeared: decide again
            if deadline is None and time.monotonic() >= patience and loop._stall_detection:
                raise Stalled(loop._stall_report(waited=_PATIENCE), selector=loop._selector)


class TestSelectorEventLoop(asyncio.SelectorEventLoop):  # type: ignore[misc,valid-type]
    """A stock asyncio selector event loop whose selector is a :class:`TestSelector`.

    In-memory sockets (:func:`~mockselector.socketpair`,
    :class:`~mockselector.ListenSocket`) work with everything asyncio offers
    over stream sockets - ``start_server(sock=...)``,
    ``open_connection(sock=...)``, transports and protocols, ``loop.sock_*``
    - and real file objects keep working side by side: they are forwarded to
    ``selector``, a real selector (default :class:`selectors.DefaultSelector`).

    **Never hang.**  When the loop would wait forever - no callback ready, no
    timer, no virtual event, and nothing outside the loop that could wake it
    (a real file object other than its own wake-up pipe, a job in an
    executor, a thread, a signal handler) - it raises :class:`Stalled` out of
    ``run_until_complete`` / ``asyncio.run``, naming the pending tasks, where
    each waits, and the readers and writers registered.  Threads that live
    on without waking the loop are given 10 seconds.  Pass
    ``stall_detection=False`` to wait for real instead, e.g. when wake-ups
    come from threads the loop cannot see.

    **Virtual time** (``virtual_time=True``): ``loop.time()`` starts at 0.0
    and, when only virtual objects could wake the loop, jumps to the next
    timer at once, so ``await asyncio.sleep(3600)`` returns immediately with
    ``loop.time()`` advanced by exactly 3600, and timeouts fire
    deterministically.  While the loop waits for a real object, virtual time
    advances with the real time waited.

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

    def __init__(
        self, selector: selectors.BaseSelector | None = None, *,
        virtual_time: bool = False, stall_detection: bool = True,
    ) -> None:
        self._virtual_time = virtual_time
        self._stall_detection = stall_detection
        self._clock = 0.0
        self._executor_jobs = 0
        real = selector if selector is not None else selectors.DefaultSelector()
        super().__init__(TestSelector(_RealSide(real, self)))

    def time(self) -> float:
        """The loop's clock: virtual (from 0.0) with ``virtual_time=True``, else monotonic."""
        if self._virtual_time:
            return self._clock
        return super().time()  # type: ignore[no-any-return]

    def _jump(self, timeout: float) -> None:
        """Move the virtual clock to the next timer, ``timeout`` away."""
        scheduled = self._scheduled
        target = scheduled[0]._when if scheduled else self._clock + timeout
        self._clock = max(self._clock, min(target, self._clock + timeout))

    def run_in_executor(self, executor: Any, func: Any, *args: Any) -> asyncio.Future[Any]:
        future = super().run_in_executor(executor, func, *args)
        self._executor_jobs += 1
        future.add_done_callback(self._executor_job_done)
        return future  # type: ignore[no-any-return]

    def _executor_job_done(self, future: asyncio.Future[Any]) -> None:
        self._executor_jobs -= 1

    def _ensure_fd_no_transport(self, fd: Any) -> None:
        # asyncio's own version turns a file object's fileno() into a plain
        # int, which would mistake a virtual descriptor for a real one.
        virtual = _virtual_fd(fd)
        if virtual is None:
            super()._ensure_fd_no_transport(fd)
            return
        transport = self._transports.get(virtual)
        if transport is not None and not transport.is_closing():
            raise RuntimeError(f"File descriptor {fd!r} is used by transport {transport!r}")

    def _wakeup_fd(self) -> int:
        return self._ssock.fileno()  # type: ignore[no-any-return]

    def _outside_waker(self) -> str | None:
        """What outside the loop could still wake it: 'real', 'thread', or None."""
        real = self._selector._selector.get_map() or {}
        wakeup = self._wakeup_fd()
        if any(key.fd != wakeup for key in real.values()):
            return "real"
        if self._executor_jobs or getattr(self, "_signal_handlers", None):
            return "thread"
        if _foreign_threads(self):
            return "thread"
        return None

    def _stall_report(self, waited: float | None = None) -> str:
        if waited is None:
            head = (f"{self!r} would wait forever: no callback is ready, no timer is "
                    "scheduled, and nothing outside the loop (a real file object, an "
                    "executor job, a thread, a signal handler) could wake it.")
        else:
            head = (f"{self!r} waited {waited:.0f} s for a thread or signal to wake it, "
                    "and none did (pass stall_detection=False to wait for ever).")
        lines = [head]
        tasks = [task for task in asyncio.all_tasks(self) if not task.done()]
        lines.append(f"Pending tasks: {len(tasks)}")
        for task in tasks[:20]:
            lines.append(f"  {_where(task)}")
        watchers = _watchers(self)
        lines.append(f"Readers and writers: {len(watchers)}")
        for fileobj, kind, handle in watchers[:20]:
            lines.append(f"  {fileobj!r} waits to be {kind} for {handle!r}")
        lines.append(
            "Something must feed the sockets these wait on (the test playing the peer), "
            "or a timer must be set."
        )
        return "\n".join(lines)


def _foreign_threads(loop: asyncio.AbstractEventLoop) -> list[threading.Thread]:
    """Live threads, other than the caller and idle executor workers, that could wake the loop."""
    current = threading.current_thread()
    executor = getattr(loop, "_default_executor", None)
    workers = set(getattr(executor, "_threads", ()) or ())
    return [
        thread for thread in threading.enumerate()
        if thread is not current and not thread.daemon and thread not in workers
    ]


def _where(task: asyncio.Task[Any]) -> str:
    """Where a task is suspended and what it awaits, for a stall report."""
    coro: Any = task.get_coro()
    frame = None
    awaited: Any = None
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or frame
        inner = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        if inner is None or not (hasattr(inner, "cr_frame") or hasattr(inner, "gi_frame")):
            awaited = inner
            break
        coro = inner
    waiter = getattr(task, "_fut_waiter", None)  # what asyncio's Task is blocked on
    if waiter is not None:
        awaited = waiter
    name = task.get_name()
    if frame is None:
        return f"task {name!r}: {task!r}"
    code = frame.f_code
    what = f", awaiting {awaited!r}" if awaited is not None else ""
    return f"task {name!r} at {code.co_filename}:{frame.f_lineno} in {code.co_name}(){what}"


def _watchers(loop: asyncio.AbstractEventLoop) -> list[tuple[Any, str, Any]]:
    """The readers and writers registered on ``loop``, without its wake-up pipe."""
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
            found.append((fileobj, "readable", reader))
        if writer is not None and not writer.cancelled():
            found.append((fileobj, "writable", writer))
    return found


def new_event_loop(**kwargs: Any) -> TestSelectorEventLoop:
    """A new :class:`TestSelectorEventLoop`; keyword arguments are passed on.

    Usable as ``loop_factory`` of :class:`asyncio.Runner` (3.11+),
    :func:`asyncio.run` (3.12+) and :class:`unittest.IsolatedAsyncioTestCase`
    (3.13+); use :class:`EventLoopPolicy` on earlier versions.

    Example::

        >>> import asyncio, functools, mockselector
        >>> loop = mockselector.new_event_loop(virtual_time=True)
        >>> loop.run_until_complete(asyncio.sleep(60)); loop.time()
        60.0
        >>> loop.close()
    """
    return TestSelectorEventLoop(**kwargs)


class EventLoopPolicy(asyncio.DefaultEventLoopPolicy):  # type: ignore[misc,valid-type]
    """An event loop policy whose new loops are :class:`TestSelectorEventLoop` objects.

    For Python 3.9-3.12 code that creates loops through the policy
    (``asyncio.run``, ``IsolatedAsyncioTestCase``, pytest-asyncio's
    ``event_loop_policy`` fixture).  Keyword arguments are passed to each loop.

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
        return TestSelectorEventLoop(**self._loop_kwargs)


class assert_no_watchers:  # noqa: N801 - used like a function
    """Fail when readers or writers added inside the block are still registered at its end.

    The check of asynctest's ``fail_on(active_selector_callbacks=True)``:
    a leaked reader or writer is a socket or transport the code forgot to
    close.  At the end of the ``with`` block (if it raised nothing), any
    reader or writer registered on ``loop`` that was not there at its start
    raises :class:`AssertionError` naming the file object and the callback.
    :func:`check_no_watchers` is the same check as a plain function.

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

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._before = {(id(fileobj), kind, id(handle)) for fileobj, kind, handle in
                        _watchers(loop)}

    def __enter__(self) -> assert_no_watchers:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            _fail_on(
                [w for w in _watchers(self._loop)
                 if (id(w[0]), w[1], id(w[2])) not in self._before],
                self._loop,
            )


def check_no_watchers(loop: asyncio.AbstractEventLoop) -> None:
    """Raise :class:`AssertionError` if ``loop`` has readers or writers registered.

    The loop's own wake-up pipe does not count.  Example::

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
    _fail_on(_watchers(loop), loop)


def _fail_on(watchers: list[tuple[Any, str, Any]], loop: asyncio.AbstractEventLoop) -> None:
    if watchers:
        lines = [f"{len(watchers)} reader or writer left registered on {loop!r}:"]
        lines += [f"  {fileobj!r} waits to be {kind} for {handle!r}"
                  for fileobj, kind, handle in watchers]
        raise AssertionError("\n".join(lines))
