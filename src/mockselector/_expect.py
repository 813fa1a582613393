"""Expected writes: the bytes code under test must send, checked byte by byte as it sends.

An :class:`Expectation` holds the bytes a socket must send, in order, and
how many of them were sent so far.  It watches the socket's outgoing pipe as
a *tap* (see :mod:`mockselector._pipe`): every write the pipe accepts is
compared with the expected bytes at the current offset before it is
buffered, so how the code splits its writes does not matter, and the first
byte that differs stops the write with :class:`UnexpectedWrite`, showing
where and how it differs.  The failure is remembered: :meth:`Expectation.verify`
raises it again, as does the exit of the :class:`~mockselector.Network` the
expectation was made in, so code that swallows the exception does not hide it.

Memory: an expectation keeps the expected bytes and an offset, never a copy
of what was sent; what a message shows before the deviation is the matched
part of the expected bytes, which is the same.

Every method that touches the state of an expectation holds
:data:`mockselector._core.lock` (taps are called holding it).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from typing import Any

from . import _core

#: Bytes of context a text diff shows before the first deviating byte, and after it.
TEXT_BEFORE, TEXT_AFTER = 32, 32
#: Bytes per row of a hex dump; a hex diff shows the row before the deviation's, its
#: row and the row after.
HEX_ROW = 16


class UnexpectedWrite(AssertionError):
    """The code sent bytes other than those expected (see :meth:`MockSocket.expect_sent`).

    Raised by the ``send``, ``sendall`` or ``sendmsg`` that sent the first
    deviating byte (that write does not happen) and by every later write of
    that socket; raised again by :meth:`Expectation.verify`, and at the exit
    of the :class:`~mockselector.Network` the expectation was made in, with
    "N expected bytes were never sent" too.  It is an ``AssertionError``:
    a test fails with it, and a server's ``except OSError`` does not catch it.

    ``offset`` is the position in the stream of the first byte that differs
    (or of the first byte never sent); ``expectation`` is the
    :class:`Expectation` that failed.

    Example::

        >>> from mockselector import MockSocket
        >>> sock = MockSocket()
        >>> expectation = sock.expect_sent(b"HELO client\\r\\n")
        >>> sock.sendall(b"HELO server\\r\\n")
        Traceback (most recent call last):
        ...
        mockselector._expect.UnexpectedWrite: <MockSocket ...> sent a byte other than expected at
        offset 5 (the 5 bytes before matched):
          expected: "HELO client\\r\\n"
          sent:     "HELO server\\r\\n"
                          ^
        >>> expectation.failure.offset
        5
    """

    expectation: Expectation | None = None
    offset: int | None = None


class Expectation:
    """The bytes a socket must send, in order, however the code splits its writes.

    Made by :meth:`MockSocket.expect_sent` (a socket the test holds) and
    :meth:`Network.expect_sent` (the next connection to or from an
    address).  Every write of the socket is compared with the expected bytes
    as it is sent: the first byte that differs, or a byte sent after all
    expected bytes, raises :class:`UnexpectedWrite` from that write, and the
    write does not happen.  :meth:`verify` raises that failure again, or
    says which expected bytes were never sent; a :class:`Network` verifies
    the expectations made while it is active when its block ends without an
    exception (the pytest fixture ``network`` too, after the test).

    Example::

        >>> from mockselector import socketpair
        >>> a, b = socketpair()
        >>> expectation = a.expect_sent(b"PING 1\\r\\n", b"PING 2\\r\\n")
        >>> a.sendall(b"PI"); a.sendall(b"NG 1\\r\\nPING")
        >>> expectation
        <Expectation <MockSocket fd=...>: 12 of 16 bytes sent>
        >>> expectation.remaining
        b' 2\\r\\n'
        >>> a.sendall(b" 2\\r\\n")
        >>> expectation.verify()
    """

    __slots__ = ("__weakref__", "_expected", "_failure", "_matched", "_origin", "_reported",
                 "_who")

    def __init__(self, who: str | None, origin: str = "") -> None:
        self._expected = bytearray()
        self._matched = 0
        self._failure: UnexpectedWrite | None = None
        self._reported = False  # the failure already reached the test: not raised at exit
        # Who sends (a socket's repr), None until attached to a socket; what made the
        # expectation, when the socket's repr does not say it (net.expect_sent(...)).
        self._who = who
        self._origin = origin

    def __repr__(self) -> str:
        with _core.lock:
            state = f"{self._matched} of {len(self._expected)} bytes sent"
            if self._failure is not None:
                state += f", failed at offset {self._failure.offset}"
            who = self._origin if self._who is None else self._who + self._suffix()
            return f"<Expectation {who}: {state}>"

    def extend(self, data: Any, *more: Any) -> Expectation:
        """Expect ``data`` (and each of ``more``) after the bytes expected so far; return self.

        Example::

            >>> from mockselector import MockSocket
            >>> sock = MockSocket()
            >>> expectation = sock.expect_sent(b"USER a\\r\\n").extend(b"PASS b\\r\\n")
            >>> expectation.expected
            b'USER a\\r\\nPASS b\\r\\n'
        """
        chunks = [_bytes_of(chunk) for chunk in (data, *more)]
        with _core.lock:
            for chunk in chunks:
                self._expected += chunk
        return self

    @property
    def expected(self) -> bytes:
        """All the bytes expected, sent or not.

        Example::

            >>> from mockselector import MockSocket
            >>> MockSocket().expect_sent(b"a", b"b").expected
            b'ab'
        """
        with _core.lock:
            return bytes(self._expected)

    @property
    def matched(self) -> int:
        """How many of the expected bytes were sent.

        Example::

            >>> from mockselector import MockSocket
            >>> sock = MockSocket()
            >>> expectation = sock.expect_sent(b"abcdef")
            >>> sock.send(b"abc"), expectation.matched
            (3, 3)
        """
        return self._matched

    @property
    def remaining(self) -> bytes:
        """The expected bytes not sent yet.

        Example::

            >>> from mockselector import MockSocket
            >>> sock = MockSocket()
            >>> expectation = sock.expect_sent(b"abcdef")
            >>> sock.send(b"abcd"), expectation.remaining
            (4, b'ef')
        """
        with _core.lock:
            return bytes(self._expected[self._matched:])

    @property
    def failure(self) -> UnexpectedWrite | None:
        """The first :class:`UnexpectedWrite` raised by a write, or ``None``.

        Example::

            >>> from mockselector import MockSocket
            >>> sock = MockSocket()
            >>> expectation = sock.expect_sent(b"yes")
            >>> try:
            ...     sock.send(b"no")
            ... except AssertionError:
            ...     pass                 # code under test may swallow it...
            >>> expectation.failure.offset   # ...the expectation remembers it
            0
        """
        return self._failure

    def verify(self) -> None:
        """Raise :class:`UnexpectedWrite` unless every expected byte was sent and no other.

        It raises the failure of a write again, or says how many expected
        bytes were never sent, showing them.  A failure raised here is not
        raised again at the exit of a :class:`~mockselector.Network`.

        Example::

            >>> from mockselector import MockSocket
            >>> sock = MockSocket()
            >>> expectation = sock.expect_sent(b"QUIT\\r\\n")
            >>> sock.sendall(b"QU")
            >>> expectation.verify()
            Traceback (most recent call last):
            ...
            mockselector._expect.UnexpectedWrite: <MockSocket ...> did not send 4 expected bytes,
            from offset 2 (the 2 bytes before were sent):
              expected: "QUIT\\r\\n"
              sent:     "QU"
                           ^
        """
        failure = self._check()
        if failure is not None:
            self._reported = True
            raise failure

    # -- the tap ------------------------------------------------------------------------

    def _attach(self, pipe: Any, who: str) -> None:
        """Watch the writes of ``pipe`` from now on (holding the lock)."""
        self._who = who
        pipe.taps = (*pipe.taps, self._tap)
        pipe.refresh()  # the socket's fast paths skip the taps: leave them

    def _tap(self, pipe: Any, chunk: Any) -> None:
        """Check a write of ``chunk`` to ``pipe`` (a tap: the write fails if it raises)."""
        if self._failure is not None:  # each later write fails too, with the same message
            raise self._again()
        expected = self._expected
        start = self._matched
        end = start + len(chunk)
        if end <= len(expected) and expected[start:end] == chunk:
            self._matched = end
            return
        self._failure = failure = self._unexpected(pipe.writer, chunk)
        raise failure

    def _again(self) -> UnexpectedWrite:
        first = self._failure
        assert first is not None
        failure = UnexpectedWrite(*first.args)
        failure.expectation, failure.offset = self, first.offset
        return failure

    def _check(self) -> UnexpectedWrite | None:
        """The failure :meth:`verify` raises, or ``None``."""
        with _core.lock:
            if self._failure is not None:
                return self._again()
            expected, matched = self._expected, self._matched
            if matched == len(expected):
                return None
            missing = _count(len(expected) - matched, "expected byte")
            if self._who is None:
                head = f"{self._origin}: no connection was made, {missing} never sent"
            else:
                head = (f"{self._who}{self._suffix()} did not send {missing}, from offset "
                        f"{matched} ({_before(matched, 'were sent')})")
            return self._failure_at(head, matched, expected[matched:], b"")

    def _unexpected(self, writer: Any, chunk: Any) -> UnexpectedWrite:
        """The failure of a write of ``chunk`` that deviates from the expected bytes."""
        expected, start = self._expected, self._matched
        limit = min(len(chunk), len(expected) - start)
        index = _first_difference(expected, start, chunk, limit)
        offset = start + index
        who = f"{self._who if writer is None else repr(writer)}{self._suffix()}"
        if index < limit:
            head = (f"{who} sent a byte other than expected at offset {offset} "
                    f"({_before(offset, 'matched')})")
        else:
            extra = len(chunk) - index
            head = (f"{who} sent more than expected: {_count(extra, 'byte')} from offset "
                    f"{offset}, after all {_count(offset, 'expected byte')}")
        return self._failure_at(head, offset, expected[offset:], chunk[index:])

    def _suffix(self) -> str:
        return f" ({self._origin})" if self._origin else ""

    def _failure_at(self, head: str, offset: int, expected_after: Any, sent_after: Any
                    ) -> UnexpectedWrite:
        """An :class:`UnexpectedWrite` at ``offset``: ``head``, then the diff there."""
        before = bytes(self._expected[max(0, offset - TEXT_BEFORE):offset])
        lines = _diff(before, offset, bytes(expected_after[:TEXT_AFTER * 2]),
                      bytes(sent_after[:TEXT_AFTER * 2]),
                      len(expected_after) > TEXT_AFTER, len(sent_after) > TEXT_AFTER)
        failure = UnexpectedWrite("\n".join([head + ":", *lines]))
        failure.expectation, failure.offset = self, offset
        return failure


def _bytes_of(data: Any) -> bytes:
    if isinstance(data, (int, str)) or data is None:
        raise TypeError(f"expected bytes are a bytes-like object, not {type(data).__name__} "
                        f"({data!r})")
    return bytes(memoryview(data).cast("B"))


def _count(number: int, what: str) -> str:
    return f"{number} {what}" if number == 1 else f"{number} {what}s"


def _before(offset: int, what: str) -> str:
    if not offset:
        return "the first byte"
    return f"the byte before {what}" if offset == 1 else f"the {offset} bytes before {what}"


def _first_difference(expected: bytearray, start: int, chunk: Any, limit: int) -> int:
    """The index in ``chunk`` of its first byte unlike ``expected[start:]`` (``limit``: none)."""
    low = 0
    while low < limit:  # find the block in C, then the byte in it
        high = min(limit, low + 4096)
        if expected[start + low:start + high] != chunk[low:high]:
            for index in range(low, high):
                if expected[start + index] != chunk[index]:
                    return index
        low = high
    return limit


# -- messages ------------------------------------------------------------------------------


def _diff(before: bytes, offset: int, expected: bytes, sent: bytes, expected_more: bool,
          sent_more: bool) -> list[str]:
    """The lines showing ``before`` (matched) then ``expected`` and ``sent`` from ``offset``."""
    if _texty(before + expected[:TEXT_AFTER]) and _texty(before + sent[:TEXT_AFTER]):
        return _text_diff(before, offset, expected[:TEXT_AFTER], sent[:TEXT_AFTER],
                          expected_more or len(expected) > TEXT_AFTER,
                          sent_more or len(sent) > TEXT_AFTER)
    return _hex_diff(before, offset, expected, sent)


def _texty(data: bytes) -> bool:
    """Whether ``data`` reads as text: mostly printable UTF-8 (or ASCII), line ends, tabs."""
    text = data.decode("utf-8", "surrogateescape")
    odd = sum(1 for char in text if not (char.isprintable() or char in "\r\n\t")
              or "\udc80" <= char <= "\udcff")
    return odd * 10 <= len(text)


def _escape(data: bytes) -> str:
    """``data`` as text, with escapes for what does not print (the bytes that are not UTF-8)."""
    out = []
    for char in data.decode("utf-8", "surrogateescape"):
        if "\udc80" <= char <= "\udcff":
            out.append(f"\\x{ord(char) - 0xdc00:02x}")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\n": "\\n", "\t": "\\t"}


def _text_diff(before: bytes, offset: int, expected: bytes, sent: bytes, expected_more: bool,
               sent_more: bool) -> list[str]:
    """Both sides as escaped text from ``before``, a caret under the offset's byte."""
    lead = "..." if offset > len(before) else ""
    shared = lead + '"' + _escape(before)
    expected_line = shared + _escape(expected) + '"' + ("..." if expected_more else "")
    sent_line = shared + _escape(sent) + '"' + ("..." if sent_more else "")
    if not expected:
        expected_line += "  (the end of the expected bytes)"
    return [f"  expected: {expected_line}", f"  sent:     {sent_line}",
            " " * (12 + len(shared)) + "^"]


def _hex_diff(before: bytes, offset: int, expected: bytes, sent: bytes) -> list[str]:
    """Rows of a hex dump of both sides around ``offset``, its byte in brackets."""
    row_start = max(0, (offset // HEX_ROW - 1) * HEX_ROW)
    end = (offset // HEX_ROW + 2) * HEX_ROW
    matched = before[len(before) - (offset - row_start):] if offset > row_start else b""
    lines = []
    for name, rest in (("expected", expected), ("sent", sent)):
        data = matched + rest[:end - offset]
        lines.append(f"  {name}:" + ("  (nothing)" if not rest else ""))
        for row in range(row_start, row_start + len(data), HEX_ROW):
            chunk = data[row - row_start:row - row_start + HEX_ROW]
            lines.append(f"    {row:08x} {_hex_row(chunk, offset - row)}  |{_ascii(chunk)}|")
    if not expected:
        lines.append(f"  (the expected bytes end at offset {offset})")
    return lines


def _hex_row(chunk: bytes, mark: int) -> str:
    """The bytes of a row in hex, the one at index ``mark`` (if in the row) in brackets."""
    out = []
    for index, byte in enumerate(chunk):
        out.append("[" if index == mark else "]" if index == mark + 1 else " ")
        out.append(f"{byte:02x}")
    out.append("]" if mark == len(chunk) - 1 else " ")
    return "".join(out) + "   " * (HEX_ROW - len(chunk))


def _ascii(chunk: bytes) -> str:
    return "".join(chr(byte) if 32 <= byte < 127 else "." for byte in chunk)


# -- where expectations come from ----------------------------------------------------------


def expect_on(sock: Any, data: Any, more: tuple[Any, ...]) -> Expectation:
    """``sock.expect_sent(data, *more)``: extend the socket's expectation, or make it."""
    chunks = [_bytes_of(chunk) for chunk in (data, *more)]
    with _core.lock:
        pipe = getattr(sock, "_out", None)  # (a network socket has none until it connects)
        if pipe is None:
            raise OSError(errno.ENOTCONN, f"expect_sent() on {sock!r}, which is not "
                          "connected: call it once the socket is connected, or use "
                          "net.expect_sent(data, to=address) for the next connection to an "
                          "address")
        for tap in pipe.taps:
            expectation = getattr(tap, "__self__", None)
            if isinstance(expectation, Expectation):
                return expectation.extend(*chunks)
        expectation = Expectation(None)
        expectation.extend(*chunks)
        expectation._attach(pipe, repr(sock))
        network = _core.state.network  # the active Network verifies it at exit
        if network is not None:
            network._expected.watch(expectation)
        return expectation


def reported(error: BaseException | None) -> None:
    """Note that ``error``, if an :class:`UnexpectedWrite`, reached the test (pytest)."""
    expectation = getattr(error, "expectation", None)
    if isinstance(error, UnexpectedWrite) and isinstance(expectation, Expectation):
        expectation._reported = True


def _key_of(address: Any) -> Any:
    """The key of a server's address: ``(ip, port)`` (IPv4-mapped as IPv4), or a path."""
    if isinstance(address, tuple):
        ip = address[0]
        if ip.startswith("::ffff:") and "." in ip:
            ip = ip[7:]
        return (ip, int(address[1]))
    return os.fsencode(address) if address else None


class Awaited:
    """Expectations verified together (a network's, the pytest fixture's), and those of a
    network waiting for their connection."""

    def __init__(self) -> None:
        self._all: list[Expectation] = []
        # (keys of the server's address, side: 0 the client sends, 1 the server, expectation)
        self._waiting: list[tuple[frozenset[Any], int, Expectation]] = []

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def __iter__(self) -> Iterator[Expectation]:
        return iter(self._all)

    def watch(self, expectation: Expectation) -> None:
        """Verify ``expectation`` at the network's exit (holding the lock)."""
        self._all.append(expectation)

    def wait(self, keys: frozenset[Any], side: int, expectation: Expectation) -> None:
        """Attach ``expectation`` to the next connection to one of ``keys`` (holding the lock)."""
        self._waiting.append((keys, side, expectation))
        self._all.append(expectation)

    def connected(self, client: Any, server: Any) -> None:
        """A connection was made: attach what waits for it (holding the lock)."""
        key = _key_of(server._sockname)
        if key is None:
            return
        wildcard = (None, key[1]) if isinstance(key, tuple) else None
        taken = [False, False]
        for entry in list(self._waiting):
            keys, side, expectation = entry
            if taken[side] or not (key in keys or wildcard in keys):
                continue
            taken[side] = True
            self._waiting.remove(entry)
            end = server if side else client
            expectation._attach(end._out, repr(end))

    def verify(self) -> None:
        """Raise the failures of the expectations not reported yet, all in one."""
        failures = []
        for expectation in self._all:
            if not expectation._reported:
                failure = expectation._check()
                if failure is not None:
                    expectation._reported = True  # (a network entered again: not twice)
                    failures.append(failure)
        if len(failures) == 1:
            raise failures[0]
        if failures:
            combined = UnexpectedWrite(f"{len(failures)} expectations failed:\n"
                                       + "\n".join(str(failure) for failure in failures))
            combined.expectation, combined.offset = failures[0].expectation, failures[0].offset
            raise combined
