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

import selectors
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from typing import Any

from . import _core
from ._core import Stalled
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

# When other threads run, how long an empty select() waits for one of them to
# make something ready, and how often a select() waiting on a wrapped selector
# looks at the virtual side.  Short: it only bounds the latency of a change.
_POLL_INTERVAL = 0.005

# One lock guards all in-memory state, the tables of the selectors included.
_LOCK = _core.lock

# The stdlib selectors, whose select(timeout) is nothing but a wait: cutting
# it into slices changes nothing else.  Another wrapped selector may give its
# timeout a meaning (an event loop's virtual clock does) and gets it as is.
_PLAIN_SELECTORS = tuple(
    getattr(selectors, name)
    for name in ("SelectSelector", "PollSelector", "EpollSelector", "DevpollSelector",
                 "KqueueSelector")
    if hasattr(selectors, name)
)


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
    caller's timeout.  While other threads run, a wait on a stdlib selector
    is cut into slices of a few milliseconds, so that an in-memory socket
    another thread feeds ends it; any other wrapped selector gets the
    caller's timeout as is, and must return in time by itself
    (:class:`~mockselector.TestSelectorEventLoop`'s does).  Keys the wrapped
    selector already holds (an event loop's wake-up pipe) are adopted, and
    :meth:`close` closes it too.  A bare ``TestSelector()`` keeps real file
    objects registered but never polls them: they are reported only when
    made ready with :meth:`set_read_ready` / :meth:`set_write_ready`.

    **Never hang.**  When there is nothing to wait for (no wrapped selector,
    or one holding nothing), ``select()`` returns ``[]`` at once, whatever
    its timeout.  (A wrapped selector whose ``get_map()`` is no mapping, a
    ``Mock(selectors.BaseSelector)`` say, may hold anything: it is always
    asked, with the caller's timeout, and its empty answers count below.)
    After ``stall_limit`` such empty calls in a row (default
    :data:`DEFAULT_STALL_LIMIT`) the next one raises :class:`Stalled`,
    naming what is registered and what it waits for.  ``with selector:``
    swallows the ``Stalled`` of that selector, so a server loop run inside
    it ends cleanly when nothing more can happen.  While other threads run,
    an empty ``select()`` first waits a few milliseconds for them to make
    something ready, and one during which another thread changed some
    in-memory state does not count towards the limit.

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

    # Whether in-memory sockets tell this selector when their readiness changes.
    _tracks_readiness = True

    def __init__(
        self, selector: selectors.BaseSelector | None = None, *,
        stall_limit: int = DEFAULT_STALL_LIMIT,
    ) -> None:
        if not isinstance(stall_limit, int) or stall_limit < 0:
            raise ValueError(f"stall_limit must be an int >= 0, not {stall_limit!r}")
        self._selector = selector
        #: Empty ``select()`` calls in a row allowed before :class:`Stalled`.
        self.stall_limit = stall_limit
        # Every key, by the slot of its descriptor (see _slot()).
        # Keys of real objects registered with the wrapped selector are a
        # copy of what it returned; there are _nreal of them.
        self._fd_to_key: dict[int, SelectorKey] = {}
        self._nreal = 0
        # The level-triggered events ready now, as select() returns them, by slot.
        self._ready: dict[int, tuple[SelectorKey, int]] = {}
        # One-shot events from set_ready(), for the next select(), by slot.
        self._edge: dict[int, int] = {}
        # Whether _edge holds an event for an object of the wrapped selector.
        self._edge_real = False
        self._idle = 0
        # Whether the wrapped selector hides what it holds (its get_map() is no
        # mapping, as with a Mock(BaseSelector)): then it is always asked.
        self._opaque = False
        self._map: _SelectorMapping | None = _SelectorMapping(self)
        if selector is not None:
            self._adopt(selector)

    def _adopt(self, selector: selectors.BaseSelector) -> None:
        mapping = selector.get_map()
        if not isinstance(mapping, Mapping):  # a Mock(BaseSelector), for one
            self._opaque = True
            return
        for key in list(mapping.values()):
            if isinstance(key, SelectorKey) and not isinstance(key.fd, FileDescriptor):
                self._fd_to_key[key.fd] = key
                self._nreal += 1

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
            inner = self._selector
            if inner is not None and not isinstance(fd, FileDescriptor):
                key = inner.register(fileobj, events, data)
                if not isinstance(key, SelectorKey):  # a Mock(BaseSelector)'s answer
                    key = SelectorKey(fileobj, fd, events, data)
                self._fd_to_key[slot] = key
                self._nreal += 1
                return key
            key = SelectorKey(fileobj, fd, events, data)
            self._fd_to_key[slot] = key
            source = getattr(fd, "source", None) if self._tracks_readiness else None
            if source is not None:
                source._watch(self._ready, slot, key)
                if slot in self._ready:
                    _core.wake()
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
            inner = self._selector
            if inner is not None and not isinstance(fd, FileDescriptor):
                self._nreal -= 1
                inner.unregister(fileobj)
                return key
            self._ready.pop(slot, None)
            source = getattr(fd, "source", None) if self._tracks_readiness else None
            if source is not None:
                source._unwatch(self._ready)
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
            inner = self._selector
            if inner is not None and not isinstance(fd, FileDescriptor):
                del self._fd_to_key[slot]
                self._nreal -= 1
                self._edge.pop(slot, None)
                changed = inner.modify(fileobj, events, data)
                if not isinstance(changed, SelectorKey):  # a Mock(BaseSelector)'s answer
                    changed = key._replace(events=events, data=data)
                self._fd_to_key[slot] = changed
                self._nreal += 1
                return changed
            key = key._replace(events=events, data=data)
            self._fd_to_key[slot] = key
            source = getattr(fd, "source", None) if self._tracks_readiness else None
            if source is not None:
                source._unwatch(self._ready)
                source._watch(self._ready, slot, key)
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
        inner = self._selector
        with _LOCK:
            if self._map is None:
                raise RuntimeError(f"{self!r} is closed")
            if self._edge:
                ready: _Ready | None = self._take_ready()
            elif self._ready:
                ready = list(self._ready.values())
            else:
                ready = None
            if inner is None or not (self._nreal or self._opaque):
                if ready:
                    self._idle = 0
                    return ready
                return self._nothing_ready(timeout)
        if ready:
            return self._merge(ready, inner.select(0))
        if timeout != 0 and len(self._fd_to_key) > self._nreal \
                and isinstance(inner, _PLAIN_SELECTORS) and _core.others_alive():
            return self._select_sliced(inner, timeout)
        real = inner.select(timeout)
        if self._ready or self._edge:  # made ready by a signal handler, say
            with _LOCK:
                ready = self._collect()
            return self._merge(ready, real)
        if self._opaque:  # a wrapped Mock: its empty answers count towards Stalled
            with _LOCK:
                if not real:
                    return self._nothing_ready(0)
                self._idle = 0
        return real

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
            if self._tracks_readiness:
                for key in self._fd_to_key.values():
                    source = getattr(key.fd, "source", None)
                    if source is not None:
                        source._unwatch(self._ready)
            self._fd_to_key.clear()
            self._ready.clear()
            self._edge.clear()
            self._nreal = 0
            self._map = None
        if self._selector is not None:
            self._selector.close()

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
        wrapped = f", wrapping {self._selector!r}" if self._selector is not None else ""
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
            if self._selector is not None and not isinstance(fd, FileDescriptor):
                self._edge_real = True
            _core.wake()

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

    def _nothing_ready(self, timeout: float | None) -> _Ready:
        """What an empty select() with nothing to wait for returns (holding the lock)."""
        if (timeout is None or timeout > 0) and _core.others_alive():
            wait = _POLL_INTERVAL if timeout is None else min(timeout, _POLL_INTERVAL)
            start = time.monotonic()
            _core.idle_wait(wait)
            if self._map is None:
                raise RuntimeError(f"{self!r} was closed during select()")
            ready = self._collect()
            if ready:
                self._idle = 0
                return ready
            if time.monotonic() - start < wait:
                return []  # woken by a change elsewhere: another thread is working
        self._idle += 1
        if self._idle > self.stall_limit:
            calls, self._idle = self._idle, 0
            raise Stalled(self._stall_message(calls), selector=self)
        return []

    def _select_sliced(self, inner: selectors.BaseSelector, timeout: float | None) -> _Ready:
        """Wait on the wrapped selector while another thread may change virtual objects."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = _POLL_INTERVAL
            if deadline is not None:
                step = max(0.0, min(step, deadline - time.monotonic()))
            real = inner.select(step)
            with _LOCK:
                self._check_open()
                ready = self._collect()
            if ready or real or (deadline is not None and time.monotonic() >= deadline):
                return self._merge(ready, real)

    def _stall_message(self, calls: int) -> str:
        lines = [f"{self!r}: {calls} select() calls in a row found nothing ready "
                 f"(stall_limit={self.stall_limit}), so the code under test would wait forever."]
        keys = list(self._fd_to_key.values())
        if keys:
            lines.append("Registered:")
        else:
            lines.append("Nothing is registered: no select() can ever report an event.")
        for key in keys[:20]:
            lines.append(f"  {key.fileobj!r} ({_fd_text(key.fd)}) waits for "
                         f"{_event_names(key.events)}: {self._how_ready(key)}")
        if len(keys) > 20:
            lines.append(f"  ... and {len(keys) - 20} more")
        lines.append("Feed an in-memory socket (sendall() from its peer, feed(), feed_eof()), "
                     "make a mock ready with set_read_ready()/set_write_ready(), or raise "
                     "stall_limit if the code polls on purpose.")
        return "\n".join(lines)

    def _how_ready(self, key: SelectorKey) -> str:
        if not isinstance(key.fd, FileDescriptor):
            return ("a real file object, which a TestSelector without a wrapped selector "
                    "never polls (use TestSelector(selectors.DefaultSelector()))")
        if getattr(key.fd, "source", None) is not None:
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

    # A scripted selector ignores what in-memory sockets report.
    _tracks_readiness = False

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
