"""The engine: a one-way byte pipe; a stream connection is two of them.

A :class:`Pipe` carries bytes from a writer end to a reader end: a buffer
of at most ``capacity`` bytes (the reader's receive buffer, the writer's
send window), EOF once the writer is done, a flag once the reader is gone,
and the seeded random generators that split reads and writes.  The ends are
the sockets (readiness :class:`~mockselector._core.Source` objects); the
pipe tells them when what it holds changes their readiness: the reader when
it becomes readable or stops being so, the writer when the window fills up
or gets room again.

**One flag for the fast path.**  :attr:`Pipe.plain` is true while the pipe
is in its ordinary state: no fragmentation, no EOF, the reader there, no
script, no fault.  The socket faces take their fast paths (a ``send`` that
fits, a ``recv`` of what is buffered) only while it is true; every unusual
state is set through :meth:`Pipe.refresh`, which clears it, so a new fault
is added in one place and the fast paths never miss it.

**Memory.**  A pipe holds what is in flight and nothing else: a write
appends the accepted prefix (never a copy of the rest), a read removes what
it returns.  Streaming any amount through a pipe holds at most ``capacity``
bytes (plus one write's overshoot, never more than the write itself).

Every method is called holding :data:`mockselector._core.lock`.
"""

from __future__ import annotations

import random
from typing import Any

#: Default receive buffer of an in-memory socket, in bytes: the send window of
#: its peer.  It is what the kernel gives a socketpair on Linux, so ordinary
#: ``sendall``-then-``recv`` code does not stall.
DEFAULT_CAPACITY = 212992


def check_capacity(capacity: Any) -> int:
    """``capacity`` if it is a valid buffer size, else a ``ValueError``."""
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise ValueError(f"capacity must be a positive number of bytes, not {capacity!r}")
    if capacity < 1:
        raise ValueError(f"capacity must be a positive number of bytes, not {capacity!r}")
    return capacity


def check_seed(seed: Any) -> int | None:
    """``seed`` if it is ``None`` or an int, else a ``TypeError``."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"seed must be an int or None, not {seed!r}")
    return seed


def derive_seed(seed: int, what: str, index: int) -> int:
    """The seed of the ``index``-th ``what`` made under ``seed``: a number below 2**32.

    It is drawn from ``random.Random(f"{seed}/{what}/{index}")``, whose
    string seed is hashed with SHA-512: the same on every run, platform and
    Python version, and unrelated for neighbouring indexes.  A seeded
    :class:`~mockselector.Network` gives each connection, poller and
    selector made on it a seed of its own so: one more of them in a test
    changes nothing for the ones made before it.

    Example::

        >>> derive_seed(1234, "connection", 0) == derive_seed(1234, "connection", 0)
        True
        >>> derive_seed(1234, "connection", 0) == derive_seed(1234, "connection", 1)
        False
    """
    return random.Random(f"{seed}/{what}/{index}").getrandbits(32)


class Pipe:
    """One direction of a stream connection (see the module)."""

    # The hot state in slots; the rest as class defaults, set on a pipe (in its
    # __dict__) only when it changes, so that making a pipe costs little.
    __slots__ = ("__dict__", "buf", "capacity", "plain", "reader", "writer")

    eof = False  # the writer is done: reads end once the buffer is empty
    reader_gone = False  # closed or shut for reading: writes fail
    read_rng: random.Random | None = None  # splits reads
    write_rng: random.Random | None = None  # splits writes
    script: Any = None  # the 0.2 script of the reader's recv, while it lasts
    fault = False  # set by a face with a pending error or a recording end
    # Observers of every byte written, each called as ``tap(pipe, chunk)`` with the
    # accepted prefix before it is buffered (a trace, expected writes); a tap may
    # raise, and the write then does not happen.
    taps: tuple[Any, ...] = ()
    # The network conditions of this direction (a _conditions.Link), when any: bytes
    # written are in flight (``transit``: ``[due, bytes or None for EOF]`` entries,
    # ``flight`` bytes) until the link delivers them into ``buf``.
    link: Any = None
    transit: Any = None
    flight = 0

    def __init__(self, capacity: int, reader: Any, writer: Any) -> None:
        self.buf = bytearray()
        self.capacity = capacity
        self.reader = reader  # the end that reads, or None: the test reads (.sent)
        self.writer = writer  # the end that writes, or None: the test writes (feed())
        self.plain = reader is not None

    def refresh(self) -> None:
        """Recompute :attr:`plain` after an unusual state was set or cleared."""
        self.plain = not (self.eof or self.reader_gone or self.fault or self.taps
                          or self.read_rng is not None or self.write_rng is not None
                          or self.script is not None or self.reader is None
                          or self.link is not None)

    def room(self) -> int:
        """How many bytes a write may put in now (unbounded without a reader end)."""
        if self.reader is None:
            return 1 << 62
        return self.capacity - len(self.buf) - self.flight

    def write(self, data: Any) -> int:
        """Append a prefix of ``data`` that fits (``room() > 0``); return its length."""
        count = min(len(data), self.room())
        rng = self.write_rng
        if rng is not None and count > 1:
            count = rng.randint(1, count)
        reader = self.reader
        if self.taps or self.link is not None:
            chunk = data[:count] if count < len(data) else data
            for tap in self.taps:
                tap(self, chunk)
            if self.link is not None and reader is not None:
                self.link.carry(self, bytes(chunk))
                return count
        if reader is None:
            return count  # the test reads it from the writer's recording
        buf = self.buf
        was_empty = not buf
        buf += data[:count] if count < len(data) else data
        if was_empty:
            reader._changed()
        if len(buf) >= self.capacity and self.writer is not None:
            self.writer._changed()
        return count

    def read(self, size: int, peek: bool = False) -> bytes | None:
        """Up to ``size`` (> 0) bytes of the buffer, or ``None`` when it is empty."""
        buf = self.buf
        held = len(buf)
        if not held:
            return None
        rng = self.read_rng
        if rng is not None:
            size = rng.randint(1, min(size, held))
        if size >= held:
            chunk = bytes(buf)
            if peek:
                return chunk
            buf.clear()
        else:
            chunk = bytes(buf[:size])
            if peek:
                return chunk
            del buf[:size]
        if not buf and self.reader is not None:
            self.reader._changed()
        if held + self.flight >= self.capacity and self.writer is not None:
            self.writer._changed()
        return chunk

    def feed(self, data: bytes) -> None:
        """Append ``data`` whatever the capacity: the test writes as the peer."""
        buf = self.buf
        was_empty = not buf
        buf += data
        if was_empty and self.reader is not None:
            self.reader._changed()

    def end(self) -> None:
        """The writer is done: the reader sees EOF after the buffer."""
        if not self.eof:
            self.eof = True
            self.refresh()
            if self.link is not None and self.reader is not None:
                self.link.carry(self, None)  # the FIN travels behind the bytes in flight
            self._both_changed()

    def drop_reader(self) -> bytes:
        """The reader is gone: writes fail from now on; return what it left unread."""
        unread = bytes(self.buf)
        self.buf = bytearray()
        if self.transit:  # what is in flight arrives at a closed socket
            unread += b"".join(data for _, data in self.transit if data)
            self.transit.clear()
            self.flight = 0
        self.reader_gone = True
        self.refresh()
        self._both_changed()
        return unread

    def set_capacity(self, capacity: int) -> None:
        """Change the window: the writer may gain or lose room."""
        self.capacity = capacity
        if self.writer is not None:
            self.writer._changed()

    def _both_changed(self) -> None:
        if self.reader is not None:
            self.reader._changed()
        if self.writer is not None:
            self.writer._changed()
