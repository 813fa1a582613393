"""``select.select``, ``select.poll`` and ``select.epoll`` inside a network.

Each stand-in splits what it is given: in-memory descriptors are answered
in memory (their sockets report their readiness), real ones go to the real
call, so a mixed set works.  An in-memory descriptor is known by its
:class:`~mockselector.FileDescriptor` (its ``source`` is the socket), or,
when a stdlib selector has turned it into a plain ``int``, by its number,
which the network maps back to its socket (in-memory sockets are numbered
from a range of their own, above any real descriptor).

A wait ends with an event, at the timeout (never early), or with
:class:`~mockselector.Stalled` when it has no timeout and no other thread
could ever make an in-memory descriptor ready.

On a seeded network (``Network(seed=...)``) each answer lists what is ready
in a seeded random order: each poller draws from a seed of its own, and each
``select.select`` call too (see :meth:`Network.seed
<mockselector.Network.seed>`).
"""

from __future__ import annotations

import errno
import random
import select as _select
import selectors
import time
from collections.abc import Iterable
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable

from . import _core
from ._core import Stalled
from .descriptors import SOCKET_FD_BASE, FileDescriptor

_real_select = _select.select
_real_fileobj_to_fd = selectors._fileobj_to_fd  # type: ignore[attr-defined]
_real_poll = getattr(_select, "poll", None)
_real_epoll = getattr(_select, "epoll", None)

# While other threads run, how long a wait on the real side lasts before the
# in-memory side is looked at again (a change there cannot wake a real call).
_SLICE = 0.005

_POLLIN, _POLLPRI, _POLLOUT = 1, 2, 4
_POLLNVAL = 32
_POLLRDNORM, _POLLWRNORM = 64, 256
_EPOLLIN, _EPOLLOUT = 1, 4
_EPOLLET = 1 << 31
_EPOLLONESHOT = 1 << 30


class _Gone:
    """The source of an in-memory descriptor the network does not know (closed)."""

    _dead = True

    def _readiness(self) -> int:
        return 0


_GONE = _Gone()


class _Never:
    """The source of a mock double's descriptor: never ready by itself."""

    _dead = False

    def _readiness(self) -> int:
        return 0


_NEVER = _Never()


def _order(what: str) -> random.Random | None:
    """The random order of the next ``what`` made on a seeded network, else ``None``."""
    network = _core.state.network
    seed = network._derive(what) if network is not None else None
    return None if seed is None else random.Random(seed)


def _number(fileobj: Any) -> int:
    """The descriptor number of ``fileobj``, as the real calls compute it."""
    if isinstance(fileobj, int):
        number = fileobj
    else:
        try:
            number = fileobj.fileno()
        except AttributeError:
            raise TypeError("argument must be an int, or have a fileno() method.") from None
        if not isinstance(number, int):
            raise TypeError("fileno() returned a non-integer")
    if number < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({int(number)})")
    return number


def _source(number: int) -> Any:
    """The in-memory object behind descriptor ``number``, or ``None`` for a real one."""
    if isinstance(number, FileDescriptor):
        source = number.source
        if source is not None:
            return source
        if number < SOCKET_FD_BASE:
            return _NEVER  # a mock double: made ready only through a TestSelector
    if number >= SOCKET_FD_BASE:
        network = _core.state.network
        found = network._sources.get(int(number)) if network is not None else None
        return found if found is not None else _GONE
    return None


def fileobj_to_fd(fileobj: Any) -> int:
    """``selectors._fileobj_to_fd`` inside a network: it also learns in-memory sockets.

    The stdlib selectors hand their poller plain numbers; an in-memory
    socket the network did not make itself (``mockselector.socketpair()``, a
    ``ListenSocket``) is known by its number from then on.
    """
    number: int = _real_fileobj_to_fd(fileobj)
    if number >= SOCKET_FD_BASE and not isinstance(fileobj, int):
        source = getattr(fileobj.fileno(), "source", None)
        network = _core.state.network
        if source is not None and network is not None:
            network._sources.setdefault(number, source)
    return number


def _wait(check: Callable[[], Any], poll_real: Callable[[float | None], Any] | None,
          timeout: float | None, what: Callable[[], str],
          peek: Callable[[], bool] | None = None) -> tuple[Any, Any]:
    """Wait for ``check()`` (in memory, holding the lock) or ``poll_real``; ``None`` for none.

    Returns ``(in-memory result, real result)``; both ``None`` at the timeout.
    ``peek`` tells, without changing anything, whether ``check()`` would find
    something (other threads ask it); by default ``check()`` itself, when it
    has no side effects.
    """
    if peek is None:
        def peek() -> bool:
            return check() is not None

    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _core.lock:
            clock = _core.state.clock
            if clock is not None and clock.heap:
                clock.run_due()  # bytes in flight that have arrived by now
            found = check()
        real = poll_real(0.0) if poll_real is not None else None
        if found is not None or real is not None:
            return found, real
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return None, None
        left = None if deadline is None else deadline - now
        if poll_real is not None:
            # Only another thread can change an in-memory socket: without one, the
            # real side is all that could end the wait.
            if _core.others_alive():
                left = _SLICE if left is None else min(left, _SLICE)
            clock = _core.state.clock
            if clock is not None and clock.heap:
                # Bytes in flight on the network: a virtual clock moves to their arrival
                # when no other thread could act first; a wall clock wakes for it.
                with _core.lock:
                    if clock.virtual and not _core.time_holders() and clock.jump():
                        continue
                # (Another thread holds a virtual clock back: then left is a slice.)
                left = clock.cap(left)
            real = poll_real(left)
            if real is not None:
                with _core.lock:
                    return check(), real
            continue
        with _core.lock:
            found = check()
            if found is not None:
                return found, None
            # The core's one waiting policy: woken by any change, the timeout exact
            # while another thread could act, Stalled when none could.
            if not _core.block(what, peek, deadline, None,
                               lambda reason: _stalled(what(), reason)):
                return None, None


def _stalled(what: str, reason: str) -> Stalled:
    why = "no in-memory descriptor it waits for is ready"
    return Stalled(f"{what} without a timeout would wait forever: {why}, and {reason}.\n"
                   "Send from the peer in another thread before waiting, or give the call "
                   "a timeout.", waiting_for=why, where=what)


def select(rlist: Iterable[Any], wlist: Iterable[Any], xlist: Iterable[Any],
           timeout: float | None = None) -> tuple[list[Any], list[Any], list[Any]]:
    """``select.select`` inside a network: in-memory descriptors answered in memory."""
    if timeout is not None:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a float or None")
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
    lists = (list(rlist), list(wlist), list(xlist))
    real: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    virtual: list[tuple[int, Any, Any]] = []
    for which, objects in enumerate(lists):
        for obj in objects:
            source = _source(_number(obj))
            if source is None:
                real[which].append(obj)
            else:
                virtual.append((which, obj, source))
    if not virtual:
        return _real_select(*lists, timeout)

    def check() -> Any:
        readable, writable = [], []
        for which, obj, source in virtual:
            if source is _GONE or source._dead:
                raise OSError(errno.EBADF, f"Bad file descriptor: select() on {obj!r}")
            if which == 2:
                continue  # no out-of-band data in memory
            events = source._readiness()
            if which == 0 and events & EVENT_READ:
                readable.append(obj)
            elif which == 1 and events & EVENT_WRITE:
                writable.append(obj)
        return (readable, writable, []) if readable or writable else None

    def poll_real(wait: float | None) -> Any:
        found = _real_select(*real, wait)
        return found if any(found) else None

    found, real_found = _wait(check, poll_real if any(real) else None, timeout,
                              lambda: f"select() on {[obj for _, obj, _ in virtual]!r}")
    result: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for part in (found, real_found):
        if part is not None:
            for which in range(3):
                result[which].extend(part[which])
    rng = _order("select")
    if rng is not None:
        for ready in result:
            rng.shuffle(ready)
    return result


def _events_of(mask: int) -> int:
    """The selector events a poll/epoll mask asks for (the bits coincide in both)."""
    return (EVENT_READ if mask & (_POLLIN | _POLLRDNORM) else 0) \
        | (EVENT_WRITE if mask & (_POLLOUT | _POLLWRNORM) else 0)


class _Poller:
    """What ``poll`` and ``epoll`` share: a real poller, and a table of in-memory entries."""

    _real: Any
    # number -> [event mask, source, events reported last (for EPOLLET)]
    _virtual: dict[int, list[Any]]
    # On a seeded network: the random order of what each call reports.
    _rng: random.Random | None = None

    def _events(self, number: int, entry: list[Any]) -> int:
        raise NotImplementedError

    def _ready(self, limit: int = -1) -> Any:
        ready = []
        for number, entry in list(self._virtual.items()):
            events = self._events(number, entry)
            if events:
                ready.append((number, events))
                if len(ready) == limit:
                    break
        return ready or None

    def _peek(self) -> bool:
        """Whether an entry is ready or gone, without the bookkeeping of ``_events``."""
        for entry in list(self._virtual.values()):
            source = entry[1]
            if source is _GONE or source._dead or source._readiness() & _events_of(entry[0]):
                return True
        return False

    def _wait(self, timeout: float | None, poll_real: Callable[[float | None], Any],
              what: str) -> list[tuple[int, int]]:
        found, real = _wait(self._ready, poll_real, timeout,
                            lambda: f"{what} on {sorted(self._virtual)!r}", self._peek)
        ready: list[tuple[int, int]] = (found or []) + (real or [])
        if self._rng is not None:
            self._rng.shuffle(ready)
        return ready


class poll(_Poller):
    """``select.poll()`` inside a network: in-memory descriptors answered in memory."""

    def __init__(self) -> None:
        self._real = _real_poll()  # type: ignore[misc]
        self._virtual = {}
        self._rng = _order("poll")

    def register(self, fd: Any, eventmask: int = _POLLIN | _POLLPRI | _POLLOUT) -> None:
        number = _number(fd)
        source = _source(number)
        if source is None:
            self._virtual.pop(int(number), None)
            self._real.register(fd, eventmask)
        else:
            self._virtual[int(number)] = [eventmask, source, 0]

    def modify(self, fd: Any, eventmask: int) -> None:
        number = _number(fd)
        entry = self._virtual.get(int(number))
        if entry is not None:
            entry[0] = eventmask
        elif _source(number) is not None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        else:
            self._real.modify(fd, eventmask)

    def unregister(self, fd: Any) -> None:
        number = int(_number(fd))
        if self._virtual.pop(number, None) is None:
            self._real.unregister(fd)

    def _events(self, number: int, entry: list[Any]) -> int:
        mask, source = entry[0], entry[1]
        if source is _GONE or source._dead:
            return _POLLNVAL
        ready = source._readiness()
        events = 0
        if ready & EVENT_READ:
            events |= mask & (_POLLIN | _POLLRDNORM)
        if ready & EVENT_WRITE:
            events |= mask & (_POLLOUT | _POLLWRNORM)
        return events

    def poll(self, timeout: float | None = None) -> list[tuple[int, int]]:
        if timeout is not None and timeout < 0:
            timeout = None
        if not self._virtual:
            return self._real.poll(timeout)  # type: ignore[no-any-return]

        def poll_real(wait: float | None) -> Any:
            return self._real.poll(None if wait is None else wait * 1000) or None

        return self._wait(None if timeout is None else timeout / 1000, poll_real, "poll()")


class epoll(_Poller):
    """``select.epoll()`` inside a network: in-memory descriptors answered in memory.

    ``EPOLLET`` reports an event when it was not ready at the previous
    ``poll()``; ``EPOLLONESHOT`` disables the entry after one report.
    """

    def __init__(self, sizehint: int = -1, flags: int = 0) -> None:
        self._real = _real_epoll(sizehint, flags)  # type: ignore[misc]
        self._virtual = {}
        self._rng = _order("epoll")

    @classmethod
    def fromfd(cls, fd: int) -> epoll:
        poller = cls.__new__(cls)
        poller._real = _real_epoll.fromfd(fd)  # type: ignore[union-attr]
        poller._virtual = {}
        poller._rng = _order("epoll")
        return poller

    @property
    def closed(self) -> bool:
        return bool(self._real.closed)

    def close(self) -> None:
        self._real.close()
        self._virtual.clear()

    def fileno(self) -> int:
        return int(self._real.fileno())

    def __enter__(self) -> epoll:
        self._check_open()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._real.closed:
            raise ValueError("I/O operation on closed epoll object")

    def register(self, fd: Any, eventmask: int = _EPOLLIN | _POLLPRI | _EPOLLOUT) -> None:
        self._check_open()
        number = _number(fd)
        source = _source(number)
        if source is None:
            self._real.register(fd, eventmask)
        elif int(number) in self._virtual:
            raise FileExistsError(errno.EEXIST, "File exists")
        else:
            self._virtual[int(number)] = [eventmask, source, 0]

    def modify(self, fd: Any, eventmask: int) -> None:
        self._check_open()
        number = _number(fd)
        entry = self._virtual.get(int(number))
        if entry is not None:
            entry[0], entry[2] = eventmask, 0
        elif _source(number) is not None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        else:
            self._real.modify(fd, eventmask)

    def unregister(self, fd: Any) -> None:
        self._check_open()
        number = _number(fd)
        if self._virtual.pop(int(number), None) is None:
            if _source(number) is not None:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory")
            self._real.unregister(fd)

    def _events(self, number: int, entry: list[Any]) -> int:
        mask, source, last = entry
        if source is _GONE or source._dead:
            del self._virtual[number]  # the kernel drops a closed descriptor
            return 0
        ready = source._readiness()
        events = 0
        if ready & EVENT_READ:
            events |= mask & _EPOLLIN
        if ready & EVENT_WRITE:
            events |= mask & _EPOLLOUT
        if mask & _EPOLLET:
            entry[2] = events
            events &= ~last
        if events and mask & _EPOLLONESHOT:
            entry[0] = mask & (_EPOLLET | _EPOLLONESHOT)
        return events

    def poll(self, timeout: float | None = -1, maxevents: int = -1) -> list[tuple[int, int]]:
        self._check_open()
        if timeout is not None and timeout < 0:
            timeout = None
        if not self._virtual:
            return self._real.poll(timeout, maxevents)  # type: ignore[no-any-return]

        def poll_real(wait: float | None) -> Any:
            return self._real.poll(wait, maxevents) or None

        found = self._wait(timeout, poll_real, "epoll.poll()")
        return found[:maxevents] if maxevents > 0 else found
