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

import itertools
from typing import Any, ClassVar

from . import _core
from ._core import Stalled

__all__ = ["FileDescriptor", "Stalled", "fd", "isfilemock"]


class FileDescriptor(int):
    """A virtual file descriptor: an ``int`` that is not mistaken for a real one.

    ``FileDescriptor()`` takes the value of the class attribute
    :attr:`next_fd`; ``FileDescriptor(n)`` takes ``n``.  After either,
    ``next_fd`` becomes ``max(next_fd + 1, value + 1)``, so descriptors made
    without a value never repeat one made before.  Tests may reset the counter
    with ``FileDescriptor.next_fd = 0``.  Allocation is thread-safe.

    In-memory sockets take their numbers from a range of their own,
    :data:`SOCKET_FD_BASE` and up, far above any descriptor the process
    can hold, which ``next_fd`` does not move: resetting it never gives a
    socket the number of a live one, and one that leaks to a real poller
    fails loudly (``EBADF``, ``ValueError``) instead of acting on a real file.

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

    # The object reporting this descriptor's readiness, when it has one.
    source: Any = None

    def __new__(cls, *args: Any, **kwargs: Any) -> FileDescriptor:
        # The library's one re-entrant lock, not a lock of its own: a finalizer
        # that the garbage collector runs inside this allocation may take it.
        with _core.lock:
            if args or kwargs:
                self = super().__new__(cls, *args, **kwargs)
            else:
                self = super().__new__(cls, FileDescriptor.next_fd)
            if self < SOCKET_FD_BASE:
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


def _socket_fd_base() -> int:
    """Where the numbers of in-memory sockets start: above the hard RLIMIT_NOFILE."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return 1 << 30
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY or hard >= 1 << 30:
        return 1 << 30
    return max(1 << 20, hard + 1)


#: The first number of the range in-memory sockets take their descriptors
#: from (above the process's hard limit of open files; ``1 << 20`` at least).
SOCKET_FD_BASE = _socket_fd_base()
_socket_numbers = itertools.count(SOCKET_FD_BASE)


#: The next number of the sockets' own range.  No lock: an ``itertools.count``
#: is atomic, and ``next_fd`` is not involved.
_socket_number = _socket_numbers.__next__


def _socket_fd(source: Any, number: int) -> FileDescriptor:
    """The descriptor ``number`` (from :func:`_socket_number`) of the socket ``source``."""
    fd = _new_int(FileDescriptor, number)
    fd.source = source
    return fd


_new_int = int.__new__


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
