"""Selectors for tests: :class:`TestSelector` and the scripted :class:`MockSelector`.

Both obey the :class:`selectors.BaseSelector` contract exactly (CPython's own
``test.test_selectors`` is run against them).  The contract is CPython's; this
module adds how events come to be reported:

- objects with a virtual descriptor (:class:`~mockselector.FileDescriptor`)
  are kept here.  In-memory sockets report their own readiness (level-
  triggered: readable while data waits, writable while the send window has
  room); Mock doubles are made ready from outside, once, by
  :meth:`TestSelector.set_read_ready` / :meth:`TestSelector.set_write_ready`
  (edge-triggered);
- real file objects are forwarded to the wrapped selector when there is one,
  and ``select()`` merges both sides;
- a loop that can make no more progress ends with :class:`Stalled`.

:class:`MockSelector` (the mockselector 0.2 API) returns scripted events instead.
"""

from __future__ import annotations

import selectors
import threading
from collections.abc import Iterable, Iterator, Mapping
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from typing import Any, Optional

from . import descriptors
from .descriptors import FileDescriptor, Stalled, _virtual_fd
from .sockets import ListenSocket, MockSocket

__all__ = ["ListenSocket", "MockSelector", "MockSocket", "Stalled", "TestSelector"]

_ALL_EVENTS = EVENT_READ | EVENT_WRITE
_Events = list[tuple[SelectorKey, int]]

#: Consecutive empty ``select()`` calls after which a bare selector gives up.
DEFAULT_STALL_LIMIT = 1000

# How long an empty select() waits for another thread to make something ready.
_THREAD_GRACE = 0.005


def _event_names(events: int) -> str:
    names = [name for bit, name in ((EVENT_READ, "EVENT_READ"), (EVENT_WRITE, "EVENT_WRITE"))
             if events & bit]
    return " | ".join(names) or "nothing"


def _check_events(fileobj: Any, events: int) -> None:
    if not isinstance(events, int) or not events or events & ~_ALL_EVENTS:
        raise ValueError(
            f"Invalid events: {events!r} for {fileobj!r}: use EVENT_READ, EVENT_WRITE or both"
        )


def _real_fd(fileobj: Any) -> int:
    """The descriptor number of a real file object (``selectors._fileobj_to_fd``)."""
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


class _KeysView(Mapping[Any, SelectorKey]):
    """The read-only mapping ``get_map()`` returns: file object -> key, both sides."""

    def __init__(self, selector: TestSelector) -> None:
        self._selector = selector

    def _wrapped(self) -> Mapping[Any, SelectorKey]:
        inner = self._selector._selector
        mapping = inner.get_map() if inner is not None else None
        return mapping if mapping is not None else {}

    def __len__(self) -> int:
        return len(self._selector._keys) + len(self._wrapped())

    def __getitem__(self, fileobj: Any) -> SelectorKey:
        key = self._selector._own_key(fileobj)
        if key is not None:
            return key
        try:
            return self._wrapped()[fileobj]
        except (KeyError, ValueError):
            raise KeyError(f"{fileobj!r} is not registered") from None

    def __iter__(self) -> Iterator[Any]:
        yield from list(self._selector._keys)
        yield from list(self._wrapped())


class TestSelector(selectors.BaseSelector):
    """A selector for tests: virtual descriptors here, real ones in a wrapped selector.

    ``TestSelector()`` alone holds every object registered with it.  In-memory
    sockets (:func:`~mockselector.socketpair`, :class:`ListenSocket`) report
    their readiness by themselves; Mock doubles (:class:`~mockselector.FileMock`,
    :class:`~mockselector.SocketMock`) become ready once for each call of
    :meth:`set_read_ready` / :meth:`set_write_ready`.  Real file objects
    registered with a bare ``TestSelector`` are kept but never polled: they
    are reported only when made ready with those methods.

    ``TestSelector(selectors.DefaultSelector())`` forwards real file objects to
    the wrapped selector: ``select()`` returns the virtual events ready now
    together with the real ones (polled with timeout 0 when virtual events are
    ready, else waited for with the caller's timeout).  Keys the wrapped
    selector already holds (an event loop's wake-up pipe) stay there and are
    visible through :meth:`get_map`.  :meth:`close` closes it too.

    **Never hang.**  Without a wrapped selector, a ``select()`` that finds
    nothing ready returns ``[]`` at once, whatever its timeout.  After
    ``stall_limit`` consecutive empty ones (default
    :data:`DEFAULT_STALL_LIMIT`), the next raises :class:`Stalled`, naming
    everything registered and what it waits for.  ``with selector:``
    swallows that ``Stalled``, so a server loop run inside it ends cleanly
    when nothing more can happen.  When other threads run, an empty
    ``select()`` with a timeout first waits a few milliseconds for them to
    make something ready.

    Example::

        >>> import selectors
        >>> from mockselector import TestSelector, SocketMock
        >>> sock = SocketMock()
        >>> with TestSelector() as sel:
        ...     key = sel.register(sock, selectors.EVENT_READ, "data")
        ...     sel.set_read_ready(sock)
        ...     [(k.data, events) for k, events in sel.select()]
        [('data', 1)]
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self, selector: Optional[selectors.BaseSelector] = None, *,
        stall_limit: int = DEFAULT_STALL_LIMIT,
    ) -> None:
        if stall_limit < 0:
            raise ValueError(f"stall_limit must be >= 0, not {stall_limit!r}")
        self._selector = selector
        self.stall_limit = stall_limit
        # fd -> key for the objects held here (FileDescriptor, or int when bare).
        self._keys: dict[int, SelectorKey] = {}
        # Level-triggered events of self-reporting sources, only those ready now.
        self._level: dict[int, int] = {}
        # One-shot events from set_ready(), reported by the next select().
        self._edge: dict[int, int] = {}
        self._map: Optional[_KeysView] = _KeysView(self)
        self._idle = 0

    # -- lookup ---------------------------------------------------------------

    def _lookup(self, fileobj: Any) -> int:
        """The descriptor of ``fileobj``: a :class:`FileDescriptor` for a virtual object."""
        virtual = _virtual_fd(fileobj)
        if virtual is not None:
            return virtual
        try:
            return _real_fd(fileobj)
        except ValueError:
            # A closed object no longer tells its descriptor: search the keys.
            for key in self._keys.values():
                if key.fileobj is fileobj:
                    return key.fd
            raise

    def _holds(self, fd: int) -> bool:
        """Whether the object with descriptor ``fd`` is kept here, not in the wrapped selector."""
        return isinstance(fd, FileDescriptor) or self._selector is None

    def _own_key(self, fileobj: Any) -> Optional[SelectorKey]:
        try:
            fd = self._lookup(fileobj)
        except ValueError:
            if self._selector is None:
                raise KeyError(f"{fileobj!r} is not registered") from None
            return None
        return self._keys.get(fd)

    def _check_open(self) -> None:
        if self._map is None:
            raise RuntimeError(f"{self!r} is closed")

    # -- the BaseSelector contract --------------------------------------------

    def register(self, fileobj: Any, events: int, data: Any = None) -> SelectorKey:
        self._check_open()
        _check_events(fileobj, events)
        fd = self._lookup(fileobj)
        if not self._holds(fd):
            assert self._selector is not None
            return self._selector.register(fileobj, events, data)
        with descriptors._lock:
            if fd in self._keys:
                raise KeyError(f"{fileobj!r} (FD {fd}) is already registered")
            key = SelectorKey(fileobj, fd, events, data)
            self._keys[fd] = key
            source = getattr(fd, "source", None)
            if source is not None:
                self._update(fd, source._watch(self))
        return key

    def unregister(self, fileobj: Any) -> SelectorKey:
        self._check_open()
        key = self._own_key(fileobj)
        if key is None:
            if self._selector is None:
                raise KeyError(f"{fileobj!r} is not registered")
            return self._selector.unregister(fileobj)
        with descriptors._lock:
            del self._keys[key.fd]
            self._level.pop(key.fd, None)
            self._edge.pop(key.fd, None)
            source = getattr(key.fd, "source", None)
            if source is not None:
                source._unwatch(self)
        return key

    def modify(self, fileobj: Any, events: int, data: Any = None) -> SelectorKey:
        self._check_open()
        key = self._own_key(fileobj)
        if key is None:
            if self._selector is None:
                raise KeyError(f"{fileobj!r} is not registered")
            return self._selector.modify(fileobj, events, data)
        if events != key.events:
            _check_events(fileobj, events)
        with descriptors._lock:
            key = key._replace(events=events, data=data)
            self._keys[key.fd] = key
            source = getattr(key.fd, "source", None)
            if source is not None:
                self._update(key.fd, source._events)
        return key

    def select(self, timeout: Optional[float] = None) -> list[tuple[SelectorKey, int]]:
        self._check_open()
        with descriptors._lock:
            ready = self._collect()
            if not ready and self._selector is None and timeout != 0 and \
                    (timeout is None or timeout > 0) and descriptors._others_alive():
                wait = _THREAD_GRACE if timeout is None else min(timeout, _THREAD_GRACE)
                descriptors._wait(wait)
                ready = self._collect()
        if self._selector is not None:
            real = self._selector.select(0 if ready else timeout)
            if not ready:
                with descriptors._lock:
                    ready = self._collect()
            return ready + list(real)
        if ready:
            self._idle = 0
            return ready
        self._idle += 1
        if self._idle > self.stall_limit:
            self._idle = 0
            raise Stalled(self._stall_message(), selector=self)
        return ready

    def close(self) -> None:
        if self._map is None:
            return
        with descriptors._lock:
            for key in self._keys.values():
                source = getattr(key.fd, "source", None)
                if source is not None:
                    source._unwatch(self)
            self._keys.clear()
            self._level.clear()
            self._edge.clear()
            self._map = None
        if self._selector is not None:
            self._selector.close()

    def get_map(self) -> Optional[Mapping[Any, SelectorKey]]:
        return self._map

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self.close()
        return isinstance(exc, Stalled) and exc.selector is self

    def __repr__(self) -> str:
        state = "closed" if self._map is None else f"{len(self._keys)} registered here"
        wrapped = f", wrapping {self._selector!r}" if self._selector is not None else ""
        return f"<{type(self).__name__} {state}{wrapped}>"

    # -- readiness ------------------------------------------------------------

    def set_read_ready(self, fileobj: Any) -> None:
        """Make the next :meth:`select` report ``fileobj`` readable, once.

        ``fileobj`` must be registered for ``EVENT_READ`` (else
        :class:`KeyError` / nothing is reported).  Example::

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

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> _ = sel.register(sock, selectors.EVENT_WRITE)
            >>> sel.set_write_ready(sock)
            >>> [events for key, events in sel.select()]
            [2]
        """
        self.set_ready(fileobj, EVENT_WRITE)

    def set_ready(self, fileobj: Any, events: int, *, strict: bool = True) -> None:
        """Make the next :meth:`select` report ``events`` for ``fileobj``, once.

        The events are masked by those ``fileobj`` is registered for when
        that ``select()`` runs.  With ``strict=True`` (the default) an object
        not registered now is a :class:`KeyError`; with ``strict=False`` the
        event is kept for the next ``select()`` and dropped if the object is
        not registered by then (what an asyncio loop needs when a reader is
        added right after the event).

        Example::

            >>> import selectors
            >>> from mockselector import TestSelector, SocketMock
            >>> sel, sock = TestSelector(), SocketMock()
            >>> sel.set_ready(sock, selectors.EVENT_READ, strict=False)
            >>> _ = sel.register(sock, selectors.EVENT_READ)
            >>> [events for key, events in sel.select()]
            [1]
        """
        self._check_open()
        _check_events(fileobj, events)
        try:
            fd = self._lookup(fileobj)
        except ValueError:
            if strict:
                raise
            return
        with descriptors._lock:
            if strict and self._key_of(fd) is None:
                raise KeyError(
                    f"{fileobj!r} (FD {fd}) is not registered with {self!r}: "
                    "register it before making it ready"
                )
            self._edge[fd] = self._edge.get(fd, 0) | events
            descriptors._wake()

    def _key_of(self, fd: int) -> Optional[SelectorKey]:
        key = self._keys.get(fd)
        if key is None and not self._holds(fd):
            try:
                key = self._map._wrapped()[fd] if self._map is not None else None
            except (KeyError, ValueError):
                key = None
        return key

    def _update(self, fd: FileDescriptor, events: int) -> None:
        """Record the readiness a source reports (called holding the lock)."""
        key = self._keys.get(fd)
        if key is None or key.fd is not fd:
            return
        events &= key.events
        if events:
            self._level[fd] = events
        else:
            self._level.pop(fd, None)

    def _collect(self) -> _Events:
        """The events ready now, one entry per key (called holding the lock)."""
        keys = self._keys
        ready = [(keys[fd], events) for fd, events in self._level.items()]
        if self._edge:
            edge, self._edge = self._edge, {}
            for fd, events in edge.items():
                key = self._key_of(fd)
                if key is None:
                    continue
                events &= key.events
                if not events:
                    continue
                if fd in self._level:
                    level = self._level[fd]
                    if events & ~level:
                        index = next(i for i, (k, _) in enumerate(ready) if k is key)
                        ready[index] = (key, level | events)
                else:
                    ready.append((key, events))
        return ready

    def _stall_message(self) -> str:
        lines = [
            f"{self!r}: {self.stall_limit + 1} consecutive select() calls found nothing "
            "ready, and nothing registered here can become ready by itself.",
        ]
        keys = list(self._keys.values())
        if not keys:
            lines.append("Nothing is registered.")
        for key in keys[:20]:
            lines.append(f"  {key.fileobj!r} (FD {key.fd}) waits for {_event_names(key.events)}")
        if len(keys) > 20:
            lines.append(f"  ... and {len(keys) - 20} more")
        lines.append(
            "Feed data to a socket, make a Mock ready with set_read_ready()/set_write_ready(), "
            "or raise stall_limit if the code polls on purpose."
        )
        return "\n".join(lines)


class MockSelector(TestSelector):
    """A selector whose ``select()`` calls return scripted events (mockselector 0.2).

    ``events`` is the script, one entry per ``select()`` call.  An entry is a
    registered file object (reported with ``EVENT_READ``), a
    ``(fileobj, events)`` pair, or an iterable of those (simultaneous events;
    an empty one is a timeout).  When the script is exhausted, ``select()``
    raises :class:`MockSelector.EndException`; ``with selector:`` swallows it
    (its own only), so a never-ending server loop ends cleanly.

    An entry naming an object that is not registered is a :class:`KeyError`;
    one reporting an event the object is not registered for is a
    :class:`ValueError`.

    Example::

        >>> from mockselector import MockSelector, MockSocket
        >>> client = MockSocket([b"hello"])
        >>> with MockSelector([client, []]) as sel:
        ...     _ = sel.register(client, 1)
        ...     while True:
        ...         for key, events in sel.select():
        ...             print(key.fileobj.recv(1024))
        b'hello'
    """

    class EndException(Stalled):
        """Raised by ``select()`` when the script is exhausted; ``args[0]`` is the selector."""

        def __init__(self, selector: MockSelector) -> None:
            BaseException.__init__(self, selector)
            self.selector = selector

        def __str__(self) -> str:
            return f"the script of {self.selector!r} is exhausted"

    def __init__(self, events: Optional[Iterable[Any]] = None) -> None:
        super().__init__()
        self._script = iter(events if events is not None else ())
        self._step = 0
        self._lock = threading.Lock()

    def select(self, timeout: Optional[float] = None) -> list[tuple[SelectorKey, int]]:
        self._check_open()
        with self._lock:
            try:
                entry = next(self._script)
            except StopIteration:
                raise MockSelector.EndException(self) from None
            self._step += 1
            step = self._step
        return [self._scripted(item, step) for item in self._entries(entry)]

    def _entries(self, entry: Any) -> list[tuple[Any, int]]:
        if self._is_pair(entry):
            return [entry]
        if self._own_key_quiet(entry) is not None or not isinstance(entry, Iterable):
            return [(entry, EVENT_READ)]
        return [item if self._is_pair(item) else (item, EVENT_READ) for item in entry]

    @staticmethod
    def _is_pair(entry: Any) -> bool:
        return (
            isinstance(entry, tuple) and len(entry) == 2
            and isinstance(entry[1], int) and not isinstance(entry[1], FileDescriptor)
        )

    def _own_key_quiet(self, fileobj: Any) -> Optional[SelectorKey]:
        try:
            return self._own_key(fileobj)
        except (KeyError, TypeError):
            return None

    def _scripted(self, item: tuple[Any, int], step: int) -> tuple[SelectorKey, int]:
        fileobj, events = item
        key = self._own_key_quiet(fileobj)
        if key is None:
            raise KeyError(
                f"step {step} of the script of {self!r} reports {fileobj!r}, which is not "
                "registered: register it before that step, or fix the script"
            )
        if not events or events & ~key.events:
            raise ValueError(
                f"step {step} of the script of {self!r} reports {_event_names(events)} for "
                f"{fileobj!r}, which is registered for {_event_names(key.events)}"
            )
        return key, events
