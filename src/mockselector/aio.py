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
from typing import Any

from .descriptors import fd, isfilemock
from .selector import TestSelector

__all__ = ["set_read_ready", "set_write_ready"]


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
    selector = getattr(loop, "_selector", None)
    if not isinstance(selector, selectors.BaseSelector):
        raise TypeError(f"{loop!r} is not a selector event loop")
    if loop.is_closed():
        raise RuntimeError("Event loop is closed")
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
    # asyncio registers a double by its FileDescriptor (``sock.fileno()``),
    # whose hash differs from the plain int the selector derives from the
    # double itself: try both.
    # A FileDescriptor passed in may also have been registered through its
    # double (as a plain int): try both forms.
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
