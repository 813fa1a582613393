"""Selectors for tests: :class:`TestSelector` and the scripted :class:`MockSelector`.

Both obey the :class:`selectors.BaseSelector` contract (CPython's own
``test.test_selectors`` is run against them): ``KeyError`` for an object
registered twice or not registered, ``ValueError`` for a bad event mask or
file object, ``RuntimeError`` once closed, ``select(timeout=...)``, and a
context manager that closes.  What this module adds is where events come from:

- objects with a virtual descriptor (a :class:`~mockselector.FileDescriptor`)
  are kept here.  In-memory sockets report their own readiness, level-
  triggered: readable while data waits, writable while the send window has
  room.  Mock doubles are made ready from outside, once for each call of
  :meth:`TestSelector.set_read_ready` / :meth:`TestSelector.set_write_ready`
  (edge-triggered);
- real file objects go to the wrapped selector, when there is one, and
  ``select()`` merges both sides;
- a loop that can make no more progress ends with :class:`Stalled`.

:class:`MockSelector` (the mockselector 0.2 API) returns scripted events instead.
"""

from __future__ import annotations

import random
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from typing import Any, cast

from . import _core
from ._core import Stalled
from ._pipe import check_seed
from .descriptors import FileDescriptor, _virtual_fd
from .sockets import ListenSocket, MockSocket

__all__ = [
    "DEFAULT_STALL_LIMIT", "ListenSocket", "MockSelector", "MockSocket", "Stalled", "TestSelector",
]

_Ready = list[tuple[SelectorKey, int]]

_ALL_EVENTS = EVENT_READ | EVENT_WRITE

#: How many ``select()`` calls in a row may find nothing ready before a
#: :class:`TestSelector` with nothing to wait for raises :class:`Stalled`.  A
#: loop that spins that long without an event would spin forever.  Code that
#: polls on purpose raises it: ``TestSelector(stall_limit=10 * DEFAULT_STALL_LIMIT)``.
DEFAULT_STALL_LIMIT = 1000

# How long (seconds) empty select() calls that no thread could end must last,
# besides their count, before Stalled, when other threads are alive.
_SETTLE = 0.2

# One lock guards all in-memory state, the tables of the selectors included.
_LOCK = _core.lock
_acquire, _release = _core.acquire, _core.release

# Captured at import: code under test may patch ``socket.socketpair``.
_real_socketpair = socket.socketpair


def _event_names(events: int) -> str:
    names = [name for bit, name in ((EVENT_READ, "EVENT_READ"), (EVENT_WRITE, "EVENT_WRITE"))
             if events & bit]
    return " | ".join(names) or "no event"


def _fd_text(fd: int) -> str:
    """How messages name a descriptor: ``virtual FD 7`` or ``FD 7``."""
    return f"virtual FD {int(fd)}" if isinstance(fd, FileDescriptor) else f"FD {int(fd)}"


def _check_events(fileobj: Any, events: int) -> None:
    if not isinstance(events, int) or not events or events & ~_ALL_EVENTS:
        raise ValueError(
            f"Invalid events: {events!r} for {fileobj!r}: use EVENT_READ, EVENT_WRITE or both"
        )


def _slot(fd: int) -> int:
    """The key of ``fd`` in a selector's tables: a plain ``int`` either way.

    A virtual descriptor ``n`` has the slot ``~n`` (negative), a real one its
    own number, so the two never collide, and the tables hash plain ints (a
    :class:`FileDescriptor`'s own hash runs Python code, on the hot path).
    """
    return ~fd if isinstance(fd, FileDescriptor) else fd


def _real_fd(fileobj: Any) -> int:
    """The descriptor of a real file object, as ``selectors`` computes it."""
    if isinstance(fileobj, int):
        number = fileobj
    else:
        try:
            number = int(fileobj.fileno())
        except (AttributeError, TypeError, ValueError):
            raise ValueError(f"Invalid file object: {fileobj!r}") from None
    if number < 0:
        raise ValueError(f"Invalid file descriptor: {number}")
    return number


class _SelectorMapping(Mapping[Any, SelectorKey]):
    """What ``get_map()`` returns: a read-only view, file object -> key.

    Iterating gives the descriptors, as with CPython's selectors.
    """

    __slots__ = ("_selector",)

    def __init__(self, selector: TestSelector) -> None:
        self._selector = selector

    def __len__(self) -> int:
        return len(self._selector._fd_to_key)

    def __getitem__(self, fileobj: Any) -> SelectorKey:
        selector = self._selector
        key = selector._fd_to_key.get(_slot(selector._lookup(fileobj)))
        if key is None:
            raise KeyError(f"{fileobj!r} is not registered")
        return key

    def __iter__(self) -> Iterator[Any]:
        with _LOCK:  # a snapshot: other threads may register meanwhile
            return iter([key.fd for key in self._selector._fd_to_key.values()])


#: The ``data`` of the key of a selector's own wake-up socket in the selector it
#: wraps (so that whoever looks at that selector's keys can tell it apart).
WAKEUP = object()


_get_ident = threading.get_ident


class _Wakeup:
    """A real socket pair that ends a wait in a real ``select()`` from another thread.

    Registered in the wrapped selector while a :class:`TestSelector` sleeps in
    it; a virtual object that becomes ready for that selector pokes it.
    """

    __slots__ = ("poked", "reader", "sleeper", "writer")

    def __init__(self) -> None:
        self.reader, self.writer = _real_socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        self.poked = False
        self.sleeper = 0  # the thread that sleeps in the selector (set while it does)

    def poke(self) -> None:
        """Make the reader readable (called holding the lock; never blocks)."""
        if self.sleeper == _get_ident():
            # The selecting thread made it ready itself (an asyncio loop's clock that
            # delivers bytes in flight): it is awake, and looks before it sleeps.
            return
        if not self.poked:
            self.poked = True
            try:
                self.writer.send(b"\0")
            except OSError:  # full (already readable) or closed: nothing to do
                pass

    def drain(self) -> None:
        try:
            while self.reader.recv(4096):
                pass
        except OSError:
            pass
        self.poked = False

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


class _WrappedSide:
    """The real side of a :class:`TestSelector`: the wrapped selector and what it holds."""

    __slots__ = ("count", "first", "inner", "opaque", "wakeup")

    def __init__(self, inner: selectors.BaseSelector) -> None:
        self.inner = inner
        # What a wait asks first, when the wrapped selector answers it itself (an
        # asyncio loop's real side: the loop decides when its virtual time moves).
        self.first: Callable[[float | None], _Ready | None] | None = getattr(
            inner, "select_first", None)
        self.count = 0  # the keys of real objects, registered with ``inner``
        # Whether the wrapped selector hides what it holds (its get_map() is no
        # mapping, as with a Mock(BaseSelector)): then it is always asked.
        self.opaque = not isinstance(inner.get_map(), Mapping)
        self.wakeup: _Wakeup | None = None

    def adopt(self, keys: dict[int, SelectorKey]) -> None:
        """Copy the keys the wrapped selector already holds (an event loop's wake-up pipe)."""
        if self.opaque:
            return
        for key in list(cast(Mapping[Any, SelectorKey], self.inner.get_map()).values()):
            if isinstance(key, SelectorKey) and not isinstance(key.fd, FileDescriptor):
                keys[key.fd] = key
                self.count += 1

    def register(self, fileobj: Any, fd: int, events: int, data: Any) -> SelectorKey:
        key = self.inner.register(fileobj, events, data)
        if not isinstance(key, SelectorKey):  # a Mock(BaseSelector)'s answer
            key = SelectorKey(fileobj, fd, events, data)
        self.count += 1
        return key

    def unregister(self, fileobj: Any) -> None:
        self.count -= 1
        self.inner.unregister(fileobj)

    def modify(self, key: SelectorKey, events: int, data: Any) -> SelectorKey:
        """Modify in the wrapped selector (which unregisters the object if that fails)."""
        self.count -= 1
        changed = self.inner.modify(key.fileobj, events, data)
        if not isinstance(changed, SelectorKey):  # a Mock(BaseSelector)'s answer
            changed = key._replace(events=events, data=data)
        self.count += 1
        return changed

    def poll(self) -> _Ready:
        """What the wrapped selector has ready now: a ``select(0)``, less the wake-up socket.

        ``select(owner, 0)`` gives the same; this is its form for an event loop's
        every iteration, which calls :meth:`_without` only when there is
        something to remove (a loop iteration: 1.43x -> 1.36x the stock loop's).
        """
        events = self.inner.select(0)
        wakeup = self.wakeup
        if wakeup is not None and (events or wakeup.poked):
            return self._without(wakeup, events)
        return events

    def select(self, owner: TestSelector, timeout: float | None) -> _Ready:
        """Wait in the wrapped selector; a virtual object made ready for ``owner`` ends it."""
        if (timeout is not None and timeout <= 0) or self.opaque:
            return self._without(self.wakeup, self.inner.select(timeout))
        if self.first is not None:  # an asyncio loop's real side: its time may move
            events = self.first(timeout)
            if events is not None:
                return events
        wakeup = self.wakeup
        if wakeup is None:  # registered once, for good: two system calls less a wait
            wakeup = self.wakeup = _Wakeup()
            self.inner.register(wakeup.reader, EVENT_READ, WAKEUP)
        table = id(owner._ready)
        with _LOCK:
            if owner._ready or owner._edge:  # made ready meanwhile: do not sleep
                return self._without(wakeup, self.inner.select(0))
            _core.state.sleepers[table] = wakeup
            _core.state.waiters += 1
            wakeup.sleeper = _get_ident()
        try:
            events = self.inner.select(timeout)
        finally:
            with _LOCK:
                del _core.state.sleepers[table]
                _core.state.waiters -= 1
                wakeup.sleeper = 0
        return self._without(wakeup, events)

    @staticmethod
    def _without(wakeup: _Wakeup | None, events: _Ready) -> _Ready:
        """``events`` less the wake-up socket's (drained if it was poked)."""
        if wakeup is None:
            return events
        if wakeup.poked:
            wakeup.drain()
        if not events:  # the usual answer to a poll: nothing to filter
            return events
        return [(key, mask) for key, mask in events if key.fileobj is not wakeup.reader]

    def close(self) -> None:
        if self.wakeup is not None:
            self.wakeup.close()
        self.inner.close()


class TestSelector(selectors.BaseSelector):
    """A selector for tests: virtual descriptors kept here, real ones in a wrapped selector.

    **Readiness.**  In-memory sockets (:func:`~mockselector.socketpair`,
    :class:`ListenSocket`, and any object whose ``fileno()`` is theirs, such
    as a ``socketserver`` server) report their readiness by themselves:
    ``select()`` reports them while they are ready, at a cost that grows
    with the number of ready objects, not registered ones.  Mock doubles
    (:class:`~mockselector.FileMock`, :class:`~mockselector.SocketMock`)
    are reported once for each :meth:`set_read_ready` / :meth:`set_write_ready`.

    **Real file objects.**  ``TestSelector(selectors.DefaultSelector())``
    registers them with the wrapped selector.  ``select()`` then returns the
    virtual events ready now together with the real ones, polled with
    timeout 0 when virtual events are ready, else waited for with the
    caller's timeout: an in-memory object that another thread makes ready
    ends that wait at once (through a real wake-up socket the selector
    registers in the wrapped one while it waits).  Keys the wrapped
    selector already holds (an event loop's wake-up pipe) are adopted, and
    :meth:`close` closes it too.  A bare ``TestSelector()`` keeps real file
    objects registered but never polls them: they are reported only when
    made ready with :meth:`set_read_ready` / :meth:`set_write_ready`.

    **Waiting, and never hanging.**  With nothing ready and only virtual
    objects to wait for (no wrapped selector, or one holding nothing):

    - while another thread could still act (running, sleeping, waiting with
      a timeout), ``select(timeout)`` waits for an event or the timeout,
      exactly, as the kernel's does; ``select()`` without timeout waits for
      an event, and raises :class:`Stalled` after ``patience`` seconds in
      which nothing anywhere made progress (default: the process-wide
      patience, :func:`mockselector.set_patience`);
    - when no other thread could (none runs, or all are blocked or idle),
      it returns ``[]`` at once, whatever its timeout (asynctest's
      behaviour).  After ``stall_limit`` such empty calls in a row (default
      :data:`DEFAULT_STALL_LIMIT`) the next one raises :class:`Stalled`,
      naming what is registered and what it waits for.

    (A wrapped selector whose ``get_map()`` is no mapping, a
    ``Mock(selectors.BaseSelector)`` say, may hold anything: it is always
    asked, with the caller's timeout, and its empty answers count towards
    ``stall_limit``.)  ``with selector:`` swallows the ``Stalled`` of that
    selector, so a server loop run inside it ends cleanly when nothing more
    can happen.

    **Schedule perturbation** (``seed``, an int): the events ready at once
    are in no particular order, as with the kernel's; with a seed, each
    ``select()`` returns them shuffled by ``random.Random(seed)``, so code
    that assumes an order shows it, and the same calls give the same orders
    on every run.  Its :class:`Stalled` names the seed.  Made inside a
    seeded :class:`~mockselector.Network` without a seed of its own, a
    selector gets one from the network's.  Without a seed, the order is
    that in which the objects became ready, and ``select()`` costs nothing
    more.

    All methods may be called from any thread.

    Example::

        >>> import selectors
        >>> from mockselector import TestSelector, SocketMock, socketpair
        >>> mock, (a, b) = SocketMock(), socketpair()
        >>> with TestSelector() as sel:
        ...     _ = sel.register(mock, selectors.EVENT_READ, "mock")
        ...     _ = sel.register(b, selectors.EVENT_READ, "in memory")
        ...     sel.set_read_ready(mock)
        ...     a.sendall(b"ping")
        ...     sorted(key.data for key, events in sel.select())
        ['in memory', 'mock']
    """

    __test__ = False  # not a pytest test class, despite its name

    # Whether a seeded network perturbs the order of this class's select() (not a
    # scripted one's).
    _perturbable = True
    # What to call with the seed to replay the run (a line of Stalled); None when the
    # seed came from a seeded network, whose own line says it.
    _seed_maker: str | None = None
    _seed: int | None = None
    _rng: random.Random | None = None

    def __init__(
        self, selector: selectors.BaseSelector | None = None, *,
        stall_limit: int = DEFAULT_STALL_LIMIT, patience: float | None = None,
        seed: int | None = None,
    ) -> None:
        if not isinstance(stall_limit, int) or stall_limit < 0:
            raise ValueError(f"stall_limit must be an int >= 0, not {stall_limit!r}")
        if check_seed(seed) is not None:
            self._seed_maker = type(self).__name__
        elif self._perturbable:
            network = _core.state.network
            if network is not None and network._seed is not None:
                seed = network._derive("selector")
        if seed is not None:
            self._seed = seed
            self._rng = random.Random(seed)
            # An instance attribute over the method: an unseeded selector's select()
            # stays the plain method, with not one test more on its hot path.
            self.select = self._select_perturbed  # type: ignore[method-assign]
        self._selector = selector
        #: Empty ``select()`` calls in a row allowed before :class:`Stalled`.
        self.stall_limit = stall_limit
        #: Seconds without progress a ``select()`` without timeout waits for other
        #: threads before :class:`Stalled`; ``None``: the process-wide patience.
        self.patience = None if patience is None else _core.check_patience(patience)
        # Every key, by the slot of its descriptor (see _slot()), both sides.
        # Keys of real objects are a copy of what the wrapped selector returned.
        self._fd_to_key: dict[int, SelectorKey] = {}
        # The virtual side: the level-triggered events ready now, as select()
        # returns them, kept up to date by the objects (see _core.Source), and
        # the one-shot events of set_ready(), for the next select(), by slot.
        self._ready: dict[int, tuple[SelectorKey, int]] = {}
        self._edge: dict[int, int] = {}
        # Whether _edge holds an event for an object of the wrapped selector.
        self._edge_real = False
        self._idle = 0
        self._progress = -1  # _core.state.progress at the last empty select()
        self._quiet_since = 0.0
        self._map: _SelectorMapping | None = _SelectorMapping(self)
        self._real: _WrappedSide | None = None
        if selector is not None:
            self._real = _WrappedSide(selector)
            self._real.adopt(self._fd_to_key)

    def _source_of(self, fd: int) -> Any:
        """The object that reports the readiness of ``fd`` here, if any."""
        return getattr(fd, "source", None)

    @property
    def seed(self) -> int | None:
        """The seed that shuffles what each ``select()`` returns, or ``None``.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, socketpair
            >>> def orders(seed):
            ...     sel, pairs = TestSelector(seed=seed), [socketpair() for _ in range(4)]
            ...     for n, (a, b) in enumerate(pairs):
            ...         _ = sel.register(b, selectors.EVENT_READ, n)
            ...         a.sendall(b"ready")
            ...     return sel.seed, [[key.data for key, _ in sel.select()] for _ in range(2)]
            >>> orders(None)
            (None, [[0, 1, 2, 3], [0, 1, 2, 3]])
            >>> orders(3)
            (3, [[3, 0, 2, 1], [0, 1, 3, 2]])
            >>> orders(3) == orders(3)
            True
        """
        return self._seed

    def _select_perturbed(self, timeout: float | None = None) -> _Ready:
        """``select()`` of a seeded selector: the same events, in a seeded random order."""
        ready = type(self).select(self, timeout)
        if len(ready) > 1:
            ready = list(ready)  # the wrapped selector's list may be shared (a Mock's)
            self._rng.shuffle(ready)  # type: ignore[union-attr]  # set with the seed
        return ready

    def _seed_lines(self) -> list[str]:
        """The line of a report that names this selector's seed, if the seed is its own."""
        maker = self._seed_maker
        return [] if maker is None or self._seed is None else [_core.seed_note(self._seed,
                                                                                maker)]

    # -- the BaseSelector contract ------------------------------------------
    #
    # The contract is documented by selectors.BaseSelector; these docstrings
    # say only where each object goes.

    def register(self, fileobj: Any, events: int, data: Any = None) -> SelectorKey:
        """Register ``fileobj`` here, or with the wrapped selector if it is real.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, socketpair
            >>> a, b = socketpair()
            >>> sel = TestSelector()
            >>> sel.register(a, selectors.EVENT_WRITE, "data").data
            'data'
            >>> sel.register(a.fileno(), selectors.EVENT_READ)
            Traceback (most recent call last):
            ...
            KeyError: 'FileDescriptor(...) (virtual FD ...) is already registered'
        """
        _check_events(fileobj, events)
        fd = self._lookup(fileobj)
        slot = _slot(fd)
        with _LOCK:
            self._check_open()
            if slot in self._fd_to_key:
                raise KeyError(f"{fileobj!r} ({_fd_text(fd)}) is already registered")
            real = self._real
            if real is not None and not isinstance(fd, FileDescriptor):
                key = self._fd_to_key[slot] = real.register(fileobj, fd, events, data)
                return key
            key = self._fd_to_key[slot] = SelectorKey(fileobj, fd, events, data)
            source = self._source_of(fd)
            if source is not None:
                source._watch(self._ready, slot, key)
            _core.wake()  # a registration is progress
        return key

    def unregister(self, fileobj: Any) -> SelectorKey:
        """Unregister ``fileobj``, from here or from the wrapped selector.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> key = sel.register(sock, selectors.EVENT_READ)
            >>> sel.unregister(sock) == key, len(sel.get_map())
            (True, 0)
        """
        fd = self._lookup(fileobj)
        slot = _slot(fd)
        with _LOCK:
            self._check_open()
            key = self._fd_to_key.pop(slot, None)
            if key is None:
                raise KeyError(f"{fileobj!r} is not registered")
            self._edge.pop(slot, None)
            real = self._real
            if real is not None and not isinstance(fd, FileDescriptor):
                real.unregister(fileobj)
                return key
            self._ready.pop(slot, None)
            source = self._source_of(fd)
            if source is not None:
                source._unwatch(self._ready)
            _core.wake()
        return key

    def modify(self, fileobj: Any, events: int, data: Any = None) -> SelectorKey:
        """Change the events or data of ``fileobj``, here or in the wrapped selector.

        An invalid event mask raises ``ValueError`` and changes nothing.  When
        the wrapped selector's ``modify()`` fails, it has unregistered the
        object (CPython bpo-30014), and so has this selector.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> _ = sel.register(sock, selectors.EVENT_READ, "old")
            >>> sel.modify(sock, selectors.EVENT_WRITE, "new")[2:]
            (2, 'new')
        """
        fd = self._lookup(fileobj)
        slot = _slot(fd)
        with _LOCK:
            self._check_open()
            key = self._fd_to_key.get(slot)
            if key is None:
                raise KeyError(f"{fileobj!r} is not registered")
            if events != key.events:
                _check_events(fileobj, events)
            real = self._real
            if real is not None and not isinstance(fd, FileDescriptor):
                del self._fd_to_key[slot]  # gone if the wrapped modify() fails
                self._edge.pop(slot, None)
                changed = self._fd_to_key[slot] = real.modify(key, events, data)
                return changed
            key = self._fd_to_key[slot] = key._replace(events=events, data=data)
            source = self._source_of(fd)
            if source is not None:
                source._unwatch(self._ready)
                source._watch(self._ready, slot, key)
            _core.wake()
        return key

    def select(self, timeout: float | None = None) -> _Ready:
        """Return the ``(key, events)`` ready now; see the class for when it waits.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, socketpair
            >>> a, b = socketpair()
            >>> sel = TestSelector()
            >>> _ = sel.register(b, selectors.EVENT_READ)
            >>> sel.select(timeout=10)
            []
            >>> a.sendall(b"ping")
            >>> [(key.fileobj is b, events) for key, events in sel.select()]
            [(True, 1)]
        """
        # The timeouts an event loop passes (None, 0, a float >= 0) need no parsing.
        if timeout is not None and not (
                (type(timeout) is int or type(timeout) is float) and timeout >= 0):
            timeout = _check_timeout(timeout)
        real = self._real
        _acquire()  # not ``with``: half the cost, once per event loop iteration
        try:
            if self._map is None:
                raise RuntimeError(f"{self!r} is closed")
            clock = _core.state.clock
            if clock is not None and clock.heap:
                clock.run_due()  # bytes in flight on a network that have arrived by now
            ready = self._take_ready() if self._edge else list(self._ready.values())  # _collect()
            if real is None or not (real.count or real.opaque):  # nothing real to ask
                if ready:
                    self._idle = 0
                    return ready
                return self._wait_virtual(timeout)
        finally:
            _release()
        if ready:
            return self._merge(ready, real.poll())
        if timeout == 0 and clock is None and not real.opaque:
            # A poll, an event loop's usual call.  With no network clock (whose due
            # arrivals the wrapped side may run) the poll makes nothing virtual ready;
            # what another thread makes ready meanwhile, the next call returns.
            self._idle = 0
            return real.poll()
        if clock is not None and clock.heap and timeout != 0 and real.first is None:
            if clock.virtual:
                # Bytes in flight on a virtual clock: when neither a real event nor
                # another thread could come first, time moves to their arrival.
                events = real.select(self, 0)
                if events:
                    return self._merge([], events)
                with _LOCK:
                    if not _core.time_holders() and clock.jump():
                        return self._collect()
            timeout = clock.cap(timeout)  # a wall clock: wake when they arrive
        events = real.select(self, timeout)
        with _LOCK:
            self._check_open()
            ready = self._collect()
            if real.opaque and not ready and not events:
                return self._nothing_ready(0)  # a wrapped Mock's empty answers count
            self._idle = 0
        return self._merge(ready, events)

    def close(self) -> None:
        """Unregister everything and close the wrapped selector; a second call does nothing.

        Example::

            >>> from mockselector import TestSelector
            >>> sel = TestSelector()
            >>> sel.close()
            >>> sel.get_map() is None
            True
        """
        with _LOCK:
            if self._map is None:
                return
            for key in self._fd_to_key.values():
                source = self._source_of(key.fd)
                if source is not None:
                    source._unwatch(self._ready)
            self._fd_to_key.clear()
            self._ready.clear()
            self._edge.clear()
            self._map = None
            _core.wake()  # a thread waiting in select() sees it closed
        if self._real is not None:
            self._real.close()

    def get_key(self, fileobj: Any) -> SelectorKey:
        """The key of ``fileobj``, here or in the wrapped selector.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> sel.get_key(sock)
            Traceback (most recent call last):
            ...
            KeyError: "<SocketMock ...> is not registered"
        """
        mapping = self._map
        if mapping is None:
            raise RuntimeError(f"{self!r} is closed")
        return mapping[fileobj]

    # typeshed omits that get_map() returns None once the selector is closed.
    def get_map(self) -> Mapping[Any, SelectorKey] | None:  # type: ignore[override]
        """The registered keys, both sides, by file object; ``None`` once closed.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> key = sel.register(sock, selectors.EVENT_READ)
            >>> sel.get_map()[sock] == key, list(sel.get_map()) == [sock.fileno()]
            (True, True)
        """
        return self._map

    # BaseSelector.__exit__ returns None: this one swallows its own Stalled.
    def __exit__(self, *exc_info: Any) -> bool:  # type: ignore[override]
        """Close the selector; swallow a :class:`Stalled` it raised itself.

        Example::

            >>> from mockselector import TestSelector
            >>> with TestSelector(stall_limit=0) as sel:
            ...     sel.select()
            ...     print("not reached")
            >>> sel.get_map() is None
            True
        """
        self.close()
        exc = exc_info[1] if len(exc_info) > 1 else None
        return isinstance(exc, Stalled) and exc.selector is self

    def __repr__(self) -> str:
        if self._map is None:
            state = "closed"
        else:
            state = f"{len(self._fd_to_key)} registered"
        wrapped = f", wrapping {self._real.inner!r}" if self._real is not None else ""
        return f"<{type(self).__name__} {state}{wrapped}>"

    # -- readiness told from outside -------------------------------------------

    def set_read_ready(self, fileobj: Any) -> None:
        """Make the next :meth:`select` report ``fileobj`` readable, once.

        ``fileobj`` must be registered (else :class:`KeyError`); the event is
        reported only if it is registered for ``EVENT_READ`` when that
        ``select()`` runs.  Safe to call from another thread.

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> _ = sel.register(sock, selectors.EVENT_READ)
            >>> sel.set_read_ready(sock)
            >>> [events for key, events in sel.select()], sel.select()
            ([1], [])
        """
        self.set_ready(fileobj, EVENT_READ)

    def set_write_ready(self, fileobj: Any) -> None:
        """Make the next :meth:`select` report ``fileobj`` writable, once.

        The writing twin of :meth:`set_read_ready`.  Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> _ = sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
            >>> sel.set_write_ready(sock)
            >>> [events for key, events in sel.select()]
            [2]
        """
        self.set_ready(fileobj, EVENT_WRITE)

    def set_ready(self, fileobj: Any, events: int, *, strict: bool = True) -> None:
        """Make the next :meth:`select` report ``events`` for ``fileobj``, once.

        The events are masked by those ``fileobj`` is registered for when
        that ``select()`` runs; they add to the events an in-memory socket
        reports by itself.  With ``strict=True`` (the default) an object not
        registered now is a :class:`KeyError`; with ``strict=False`` the
        events of an object not registered yet wait until it is, and are
        reported by the first ``select()`` after its registration (what an
        event loop needs when a reader is added after the event).

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> sel.set_ready(sock, selectors.EVENT_READ)
            Traceback (most recent call last):
            ...
            KeyError: "<SocketMock ...> (virtual FD ...) is not registered with <TestSelector 0 registered>: register it before making it ready"
            >>> sel.set_ready(sock, selectors.EVENT_READ, strict=False)
            >>> _ = sel.register(sock, selectors.EVENT_READ)
            >>> [events for key, events in sel.select()]
            [1]
        """  # noqa: E501
        _check_events(fileobj, events)
        try:
            fd = self._lookup(fileobj)
        except ValueError:
            if strict:
                raise
            return
        with _LOCK:
            self._check_open()
            slot = _slot(fd)
            registered = slot in self._fd_to_key
            if strict and not registered:
                raise KeyError(
                    f"{fileobj!r} ({_fd_text(fd)}) is not registered with {self!r}: "
                    "register it before making it ready"
                )
            self._edge[slot] = self._edge.get(slot, 0) | events
            if self._real is not None and not isinstance(fd, FileDescriptor):
                self._edge_real = True
            _core.wake()
            if _core.state.sleepers:
                _core.poke(self._ready)

    # -- mechanism -------------------------------------------------------------

    def _lookup(self, fileobj: Any) -> int:
        """The descriptor of ``fileobj``: a :class:`FileDescriptor` for a virtual object.

        Raises ``ValueError`` for an invalid file object that is not registered.
        """
        virtual = _virtual_fd(fileobj)
        if virtual is not None:
            return virtual
        try:
            return _real_fd(fileobj)
        except ValueError:
            # A closed object no longer tells its descriptor: search the keys.
            for key in list(self._fd_to_key.values()):
                if key.fileobj is fileobj:
                    return key.fd
            raise

    def _check_open(self) -> None:
        if self._map is None:
            raise RuntimeError(f"{self!r} is closed")

    def _take_ready(self) -> _Ready:
        """The level and one-shot events, one entry per key; clears the one-shot ones."""
        ready = dict(self._ready)
        keys = self._fd_to_key
        waiting: dict[int, int] = {}
        for slot, events in self._edge.items():
            key = keys.get(slot)
            if key is None:  # set_ready(strict=False) before register(): keep it
                waiting[slot] = events
                continue
            events &= key.events
            if events:
                entry = ready.get(slot)
                ready[slot] = (key, events | entry[1]) if entry is not None else (key, events)
        self._edge = waiting
        return list(ready.values())

    def _collect(self) -> _Ready:
        """Everything ready on the virtual side (holding the lock)."""
        return self._take_ready() if self._edge else list(self._ready.values())

    def _merge(self, ready: _Ready, real: _Ready) -> _Ready:
        """Both sides' events, one entry per key."""
        if not real:
            return ready
        if not ready:
            return real
        if self._edge_real:  # set_ready() on a real object: it may be in both lists
            self._edge_real = False
            index = {key.fd: i for i, (key, _) in enumerate(ready)}
            for key, events in real:
                i = index.get(key.fd)
                if i is None:
                    ready.append((key, events))
                else:
                    ready[i] = (key, ready[i][1] | events)
            return ready
        ready.extend(real)
        return ready

    def _wait_virtual(self, timeout: float | None) -> _Ready:
        """Nothing is ready and only virtual objects could be: wait, or not (holding the lock)."""
        clock = _core.state.clock
        if timeout != 0 and (_core.actors() or (clock is not None and clock.heap)):
            # Another thread could make something ready, or bytes in flight arrive
            # (see _core.block): wait for it as the kernel would.
            self._idle = 0
            deadline = None if timeout is None else time.monotonic() + timeout
            if _core.block(self, self._woken, deadline, self.patience, self._stalled,
                           give_up=True) or deadline is not None:
                self._check_open()
                return self._collect()
            self._check_open()
            ready = self._collect()
            return ready or self._nothing_ready(timeout)
        if clock is not None and clock.jump():
            return self._collect()  # a poll on a virtual clock: time moves to the arrival
        return self._nothing_ready(timeout)

    def _woken(self) -> bool:
        return bool(self._ready or self._edge) or self._map is None

    def _stalled(self, reason: str) -> Stalled:
        return Stalled(f"{self!r}: select() would wait forever: {reason}\n"
                       + "\n".join([*self._registered_lines(), *self._seed_lines()]),
                       selector=self,
                       waiter=self, waiting_for="an event", where="select()")

    def _nothing_ready(self, timeout: float | None) -> _Ready:
        """What an empty select() no thread could end returns (holding the lock)."""
        progress = _core.state.progress
        if progress != self._progress:  # something changed since the last empty one
            self._progress = progress
            self._idle = 0
        now = time.monotonic()
        if not self._idle:
            self._quiet_since = now
        self._idle += 1
        # With other threads alive, also a little time: one that was just woken up
        # may not have run yet (nothing tells it apart from one that waits).
        if self._idle > self.stall_limit and (
                now - self._quiet_since >= _SETTLE or not _core.others_alive()):
            calls, self._idle = self._idle, 0
            raise Stalled(self._stall_message(calls), selector=self, waiter=self,
                          waiting_for="an event", where="select()")
        return []

    def _stall_message(self, calls: int) -> str:
        lines = [f"{self!r}: {calls} select() calls in a row found nothing ready "
                 f"(stall_limit={self.stall_limit}), so the code under test would wait forever.",
                 *self._registered_lines()]
        lines.append("Feed an in-memory socket (sendall() from its peer, feed(), feed_eof()), "
                     "make a mock ready with set_read_ready()/set_write_ready(), or raise "
                     "stall_limit if the code polls on purpose.")
        return "\n".join(lines + self._seed_lines())

    def _registered_lines(self) -> list[str]:
        keys = list(self._fd_to_key.values())
        if not keys:
            return ["Nothing is registered: no select() can ever report an event."]
        return ["Registered:", *_core.report(
            f"{key.fileobj!r} ({_fd_text(key.fd)}) waits for {_event_names(key.events)}: "
            f"{self._how_ready(key)}" for key in keys)]

    def _how_ready(self, key: SelectorKey) -> str:
        if not isinstance(key.fd, FileDescriptor):
            return ("a real file object, which a TestSelector without a wrapped selector "
                    "never polls (use TestSelector(selectors.DefaultSelector()))")
        if self._source_of(key.fd) is not None:
            return "in memory, ready when its state allows (data, EOF, room to send, a connection)"
        wanted = [f"set_{name}_ready()" for bit, name in ((EVENT_READ, "read"),
                                                         (EVENT_WRITE, "write"))
                  if key.events & bit]
        return f"a mock, ready only when told with {' / '.join(wanted)}"


class MockSelector(TestSelector):
    """A selector whose ``select()`` calls return scripted events (mockselector 0.2).

    ``events`` (or ``event_list=``, the 0.2 keyword) is the script, one entry
    per ``select()`` call (timeouts are ignored).  An entry is a registered
    file object (reported with ``EVENT_READ``), a ``(fileobj, events)``
    pair (a tuple whose second item is an event mask), or an iterable of
    those: simultaneous events, one result per object; an empty one is a
    timeout.  When the script is
    exhausted, ``select()`` raises :class:`MockSelector.EndException`;
    ``with selector:`` swallows it (its own only), so a never-ending server
    loop ends cleanly.

    Registration follows the selector contract, as for :class:`TestSelector`.
    An entry naming an object that is not registered at that step is a
    :class:`KeyError`; one reporting an event the object is not registered
    for is a :class:`ValueError`: the message names the step.

    Example::

        >>> import selectors
        >>> from mockselector import MockSelector, MockSocket
        >>> client = MockSocket([b"hello"])
        >>> with MockSelector([client, [], (client, selectors.EVENT_WRITE)]) as sel:
        ...     _ = sel.register(client, selectors.EVENT_READ | selectors.EVENT_WRITE)
        ...     while True:
        ...         print([events for key, events in sel.select()])
        [1]
        []
        [2]
    """

    _perturbable = False  # the script says what each select() returns, in its order

    class EndException(Stalled):
        """Raised by ``select()`` when the script is exhausted; ``args[0]`` is the selector.

        Example::

            >>> from mockselector import MockSelector
            >>> sel = MockSelector([])
            >>> sel.select()
            Traceback (most recent call last):
            ...
            mockselector.selector.MockSelector.EndException: the script of <MockSelector 0 registered, 0 select() calls played> is exhausted
        """  # noqa: E501

        def __init__(self, selector: MockSelector) -> None:
            BaseException.__init__(self, selector)
            self.selector = selector

        def __str__(self) -> str:
            return f"the script of {self.selector!r} is exhausted"

    def __init__(
        self, events: Iterable[Any] | None = None, *, event_list: Iterable[Any] | None = None,
    ) -> None:
        if event_list is not None:  # the keyword of mockselector 0.2
            if events is not None:
                raise TypeError("MockSelector() takes events or event_list, not both")
            events = event_list
        super().__init__()
        self._script = iter(events if events is not None else ())
        self._step = 0
        self._script_lock = threading.Lock()

    def select(self, timeout: float | None = None) -> _Ready:
        """Return the next entry of the script as ``(key, events)`` pairs.

        Example::

            >>> import selectors
            >>> from mockselector import MockSelector, SocketMock
            >>> sock = SocketMock()
            >>> sel = MockSelector([sock])
            >>> _ = sel.register(sock, selectors.EVENT_READ, "data")
            >>> [(key.data, events) for key, events in sel.select(timeout=1)]
            [('data', 1)]
        """
        with self._script_lock:
            self._check_open()
            try:
                entry = next(self._script)
            except StopIteration:
                raise MockSelector.EndException(self) from None
            self._step += 1
            step = self._step
        items = (entry,) if self._is_single(entry) else entry
        ready: dict[int, tuple[SelectorKey, int]] = {}
        for item in items:
            fileobj, events = item if self._is_pair(item) else (item, EVENT_READ)
            key = self._scripted_key(fileobj, events, step)
            entry_before = ready.get(key.fd)
            ready[key.fd] = (key, events | entry_before[1]) if entry_before else (key, events)
        return list(ready.values())

    def _source_of(self, fd: int) -> Any:
        return None  # a scripted selector ignores what in-memory sockets report

    def __repr__(self) -> str:
        if self._map is None:
            return "<MockSelector closed>"
        return (f"<MockSelector {len(self._fd_to_key)} registered, "
                f"{self._step} select() calls played>")

    @staticmethod
    def _is_pair(entry: Any) -> bool:
        return (isinstance(entry, tuple) and len(entry) == 2
                and isinstance(entry[1], int) and not isinstance(entry[1], FileDescriptor))

    @classmethod
    def _is_single(cls, entry: Any) -> bool:
        """Whether a script entry is one event rather than a group of them."""
        return (cls._is_pair(entry) or not isinstance(entry, Iterable)
                or isinstance(entry, (str, bytes, bytearray)) or hasattr(entry, "fileno"))

    def _scripted_key(self, fileobj: Any, events: int, step: int) -> SelectorKey:
        try:
            key = self._fd_to_key.get(_slot(self._lookup(fileobj)))
        except (ValueError, TypeError):
            key = None
        if key is None:
            raise KeyError(
                f"step {step} of the script of {self!r} reports {fileobj!r}, which is not "
                "registered: register it before that step, or fix the script"
            )
        if not isinstance(events, int) or not events or events & ~key.events:
            raise ValueError(
                f"step {step} of the script of {self!r} reports {_event_names(events)} for "
                f"{fileobj!r}, which is registered for {_event_names(key.events)}"
            )
        return key


def _check_timeout(timeout: Any) -> float:
    """A ``select()`` timeout as a number, or the kernel's ``TypeError``/``ValueError``."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number or None, not {type(timeout).__name__}")
    if timeout != timeout:
        raise ValueError("Invalid value NaN (not a number)")
    return max(float(timeout), 0.0)
