"""Virtual file descriptors.

A :class:`FileDescriptor` is the number a test double returns from ``fileno()``.
It is an ``int`` (so every API that wants a descriptor accepts it) whose hash
differs from the plain ``int`` of the same value, so a virtual descriptor and a
real one with the same number can sit side by side in one selector.

A descriptor may also carry the object that reports its readiness (its
*source*): that is how a selector finds an in-memory socket from the bare
descriptor number that asyncio registers.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

__all__ = ["FileDescriptor", "fd", "isfilemock"]


class FileDescriptor(int):
    """A virtual file descriptor: an ``int`` that is not mistaken for a real one.

    ``FileDescriptor()`` takes the value of the class attribute
    :attr:`next_fd`; ``FileDescriptor(n)`` takes ``n``.  After either,
    ``next_fd`` becomes ``max(next_fd + 1, value + 1)``, so descriptors made
    without a value never repeat one made before.  Tests may reset the counter
    with ``FileDescriptor.next_fd = 0``.  Allocation is thread-safe.

    Example::

        >>> a, b = FileDescriptor(), FileDescriptor()
        >>> b == a + 1 and FileDescriptor.next_fd == b + 1
        True
        >>> FileDescriptor(123456), FileDescriptor.next_fd
        (FileDescriptor(123456), 123457)
        >>> a == int(a) and hash(a) != hash(int(a))
        True
        >>> str(FileDescriptor(7)), f"fd={FileDescriptor(7)}"
        ('7', 'fd=7')
    """

    next_fd: ClassVar[int] = 0
    _lock: ClassVar[threading.Lock] = threading.Lock()

    # The object reporting this descriptor's readiness, when it has one.
    source: Any = None

    def __new__(cls, *args: Any, **kwargs: Any) -> FileDescriptor:
        with FileDescriptor._lock:
            if args or kwargs:
                self = super().__new__(cls, *args, **kwargs)
            else:
                self = super().__new__(cls, FileDescriptor.next_fd)
            FileDescriptor.next_fd = max(FileDescriptor.next_fd + 1, int(self) + 1)
        return self

    def __hash__(self) -> int:
        return hash(("FileDescriptor", int(self)))

    def __repr__(self) -> str:
        return f"FileDescriptor({int(self)})"

    # Printed, it is the number it stands for, as any int: ``str()``,
    # ``f"{fd}"`` and ``"%s" % fd`` give ``"3"``; only ``repr()`` tells.
    __str__ = int.__repr__

    def __reduce__(self) -> Any:
        return (FileDescriptor, (int(self),))


def fd(fileobj: Any) -> Any:
    """The file descriptor of ``fileobj``, as asynctest's ``fd()`` gives it.

    A :class:`FileDescriptor` is returned as is; any other object gives what
    its ``fileno()`` returns: the virtual descriptor of a test double, the
    real number of a real file object.

    Raises :class:`ValueError` for anything else (an object without a usable
    ``fileno()``), plain ``int`` included.

    Example::

        >>> import socket
        >>> from mockselector import FileMock
        >>> mock = FileMock()
        >>> fd(mock) is mock.fileno()
        True
        >>> with socket.socket() as real:
        ...     fd(real) == real.fileno()
        True
        >>> fd(3)
        Traceback (most recent call last):
        ...
        ValueError: 3 is not a file descriptor nor an object with a fileno() method
    """
    if isinstance(fileobj, FileDescriptor):
        return fileobj
    try:
        return fileobj.fileno()
    except (AttributeError, TypeError) as error:
        raise ValueError(
            f"{fileobj!r} is not a file descriptor nor an object with a fileno() method"
        ) from error
    except OSError as error:
        raise ValueError(f"{fileobj!r} has no file descriptor: {error}") from error


def isfilemock(obj: Any) -> bool:
    """Tell whether ``obj`` is, or has as ``fileno()``, a :class:`FileDescriptor`.

    Example::

        >>> from mockselector import SocketMock
        >>> isfilemock(SocketMock()), isfilemock(3)
        (True, False)
    """
    try:
        return isinstance(fd(obj), FileDescriptor)
    except ValueError:
        return False


def _virtual_fd(fileobj: Any) -> FileDescriptor | None:
    """The virtual descriptor of ``fileobj``, or ``None`` for a real object.

    Unlike :func:`fd`, this never raises: a closed double (whose ``fileno()``
    raises) or a real file object both give ``None``.
    """
    if isinstance(fileobj, FileDescriptor):
        return fileobj
    if isinstance(fileobj, int):
        return None
    try:
        number = fileobj.fileno()
    except Exception:
        return None
    return number if isinstance(number, FileDescriptor) else None


class Stalled(BaseException):
    """Raised where the code under test would wait for something that can never happen.

    A :class:`~mockselector.TestSelector` raises it after a run of empty
    ``select()`` calls, a blocking ``recv`` on an in-memory socket raises it
    when no data could ever arrive, and an in-memory event loop raises it out
    of the run when nothing could ever wake it up.  It derives from
    :class:`BaseException`, so a server's ``except Exception:`` does not
    swallow it.  :attr:`selector` is the selector that raised it, if any:
    ``with selector:`` swallows the ``Stalled`` of that selector only.

    Example::

        >>> from mockselector import TestSelector
        >>> with TestSelector(stall_limit=3) as sel:
        ...     while True:           # a server loop that never ends by itself
        ...         events = sel.select()
        >>> sel.get_map() is None     # it ended, and the selector is closed
        True
    """

    def __init__(self, message: str, *, selector: Any = None) -> None:
        super().__init__(message)
        self.selector = selector


# One lock guards all in-memory state: socket buffers, readiness, and the
# tables of the selectors that watch them.  Code under test may run threads.
_lock = threading.RLock()
_condition = threading.Condition(_lock)
_waiters = 0


def _others_alive() -> bool:
    """Whether a thread other than the caller could still change something."""
    return threading.active_count() > 1


def _wait(timeout: float) -> None:
    """Wait, holding ``_lock``, up to ``timeout`` seconds for a readiness change."""
    global _waiters
    _waiters += 1
    try:
        _condition.wait(timeout)
    finally:
        _waiters -= 1


def _wake() -> None:
    """Wake the threads waiting in :func:`_wait` (call holding ``_lock``)."""
    if _waiters:
        _condition.notify_all()


class _Source:
    """An object that reports the readiness of its virtual descriptor.

    The protocol between in-memory objects and the selectors that watch them:
    the object sets itself as its descriptor's ``source``.  A selector that
    registers it calls :meth:`_watch` with its table of ready events, the
    object's slot in that table and its key; from then on the object keeps
    that entry up to date itself, ``(key, events)`` while some registered
    event is ready and absent otherwise, so ``select()`` costs O(ready
    events) and a change costs no call into the selector.  The object calls
    :meth:`_changed` (or :meth:`_set_events` when it knows its new
    readiness), holding ``_lock``, whenever its state may have changed.
    """

    __slots__ = ()

    _fd: FileDescriptor
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
        _post(ready, slot, key, events)

    def _unwatch(self, ready: dict[int, Any]) -> None:
        """Stop updating the table ``ready``; its entry is the caller's to remove."""
        if self._watchers:
            self._watchers = [watch for watch in self._watchers if watch[0] is not ready]

    def _changed(self) -> None:
        """Report a change of state: readiness is computed anew (holding ``_lock``)."""
        if self._watchers:
            self._set_events(self._readiness())
        elif _waiters:
            _condition.notify_all()

    def _set_events(self, events: int) -> None:
        """Report the readiness now, when the caller knows it (holding ``_lock``).

        Only valid while watched (``_events`` is kept up to date only then).
        """
        if events != self._events:
            self._events = events  # type: ignore[misc]  # a subclass slot
            for ready, slot, key in self._watchers:  # _post(), inlined: the hot path
                mine = events & key.events
                if mine:
                    ready[slot] = (key, mine)
                else:
                    ready.pop(slot, None)
            if _waiters:
                _condition.notify_all()


def _post(ready: dict[int, Any], slot: int, key: Any, events: int) -> None:
    """Set the entry of ``key`` in a table of ready events."""
    events &= key.events
    if events:
        ready[slot] = (key, events)
    else:
        ready.pop(slot, None)
