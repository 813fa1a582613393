"""TLS over in-memory streams, and certificates for tests.

``ssl.SSLContext.wrap_socket()`` works on in-memory sockets: wrapping a
:class:`~mockselector.MockSocket` (from :func:`~mockselector.socketpair` or
:meth:`~mockselector.ListenSocket.new_connection`) or a
:class:`~mockselector.ListenSocket` returns a :class:`TLSSocket`, an
``ssl.SSLSocket`` that does real TLS (OpenSSL's, through an ``ssl.SSLObject``
over two ``ssl.MemoryBIO`` buffers) and carries the ciphertext over the
in-memory stream.  Code written for real TLS sockets runs unchanged:
``http.client.HTTPSConnection``, ``http.server`` with a wrapped listening
socket, ``smtplib.SMTP.starttls()``.

The package ships test certificates (:func:`server_context`,
:func:`client_context`, :data:`CA_FILE`), since the standard library cannot
make any::

    >>> import os
    >>> os.path.basename(CA_FILE), os.path.isfile(CA_FILE)
    ('ca.pem', True)

Example::

    >>> import threading
    >>> from mockselector import socketpair
    >>> a, b = socketpair()
    >>> server = threading.Thread(
    ...     target=lambda: server_context().wrap_socket(a, server_side=True).sendall(b"hi"))
    >>> server.start()
    >>> client = client_context().wrap_socket(b, server_hostname="localhost")
    >>> client.recv(10), client.version()
    (b'hi', 'TLSv1.3')
    >>> server.join()

**How wrap_socket finds this class.**  A real ``ssl.SSLSocket`` takes over
the descriptor of the socket it wraps (``socket.__init__(fileno=...)``, then
``sock.detach()``), which an in-memory socket does not have.  While
mockselector is imported, ``ssl.SSLContext.sslsocket_class`` (the class
``wrap_socket`` asks to make the TLS socket) is a dispatcher whose
``_create`` hands in-memory sockets to :class:`TLSSocket` and every other
socket, unchanged, to the class that was there before (``ssl.SSLSocket``):
real TLS sockets are made exactly as without mockselector, and a
``SSLContext`` subclass that sets its own ``sslsocket_class`` is left alone.
Inside a :class:`~mockselector.Network`, the sockets ``socket.socket()``
makes are in-memory sockets too, wrapped before or after they connect (as
``http.client`` and urllib3 do); one that the network let through to a real
destination (``Network(allow=...)``) is wrapped by the real class.
A virtual descriptor never reaches the real class: an object whose
``fileno()`` is virtual but that is not an in-memory socket (a
:class:`~mockselector.SocketMock`) raises ``OSError(ENOTSOCK)``.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import ssl
import threading
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from typing import Any, Callable, ClassVar, TypeVar, cast

from . import _core
from .descriptors import FileDescriptor
from .sockets import ListenSocket, MockSocket, socketpair

__all__ = ["CA_FILE", "TLSSocket", "client_context", "server_context", "tls_pair"]

_T = TypeVar("_T")

#: The directory of the test certificates and keys.
CERTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "certs")

#: The test CA's certificate (PEM): trust it to accept the test certificates,
#: e.g. ``ssl.create_default_context(cafile=CA_FILE)`` or ``verify=CA_FILE``.
CA_FILE = os.path.join(CERTS_DIR, "ca.pem")

# The names each test certificate is valid for ("*." matches one label).
_CERTIFICATES = {
    "localhost": ("localhost", "127.0.0.1", "::1"),
    "wildcard": ("example.com", "*.example.com", "example.org", "*.example.org",
                 "example.net", "*.example.net", "*.mock.test"),
}

# How much ciphertext one read of the in-memory stream takes at most.
_RECV_CHUNK = 262144
# How much plaintext a blocking send encrypts before it flushes: bounds the
# ciphertext held in memory whatever the size of a sendall().
_SEND_CHUNK = 131072
# A TLS record: a 5-byte header (type, version 3.x, length of the body), then the body.
_HEADER = 5
_RECORD_TYPES = frozenset(range(20, 25))  # change_cipher_spec .. heartbeat
_MAX_RECORD = _HEADER + 2**14 + 2048  # the largest record TLS allows (TLSCiphertext)
# The most plaintext one record holds: one read never returns more, so a read
# asks for no more (sparing the allocation of a larger buffer).
_MAX_PLAINTEXT = 2**14


def _records_end(data: Any, start: int = 0) -> int:
    """Where the whole TLS records at the start of ``data[start:]`` end.

    Bytes that are not TLS records (a peer speaking another protocol) are
    all given to OpenSSL, which reports them as the real socket does.
    """
    end, size = start, len(data)
    while size - end >= _HEADER:
        if data[end] not in _RECORD_TYPES or data[end + 1] != 3:
            return size
        record = _HEADER + (data[end + 3] << 8 | data[end + 4])
        if record > _MAX_RECORD:
            return size
        if size - end < record:
            break
        end += record
    return end


def _want_write() -> ssl.SSLWantWriteError:
    """The ``SSLWantWriteError`` of a socket whose peer's window is full, as ``_ssl`` makes it."""
    error = ssl.SSLWantWriteError(ssl.SSL_ERROR_WANT_WRITE,
                                  "The operation did not complete (write)")
    error.library = error.reason = None  # type: ignore[assignment]
    return error


class _Relay(dict):  # type: ignore[type-arg]
    """The ready table a :class:`TLSSocket` gives its in-memory socket to watch.

    The socket keeps its readiness in its watchers' tables (the readiness
    protocol of :class:`mockselector._core.Source`); this one keeps nothing
    and tells the TLS socket, which then computes its own readiness.
    """

    __slots__ = ("tls",)

    def __init__(self, tls: TLSSocket) -> None:
        super().__init__()
        self.tls = tls

    def __setitem__(self, slot: Any, value: Any) -> None:
        self.tls._changed()

    def pop(self, slot: Any, default: Any = None) -> Any:
        self.tls._changed()
        return default


class TLSSocket(ssl.SSLSocket, _core.Source):
    """A TLS socket over an in-memory socket: what ``SSLContext.wrap_socket()`` returns for one.

    It is an ``ssl.SSLSocket`` (``isinstance`` holds) and behaves as one:
    blocking, timeout and non-blocking modes (``ssl.SSLWantReadError`` and
    ``ssl.SSLWantWriteError`` where the real one raises them), the
    handshake, ``recv``/``send`` and the rest, ``pending()``, ``unwrap()``,
    the certificate and session information, ``makefile()``.  Its
    ``fileno()`` is the virtual descriptor of the wrapped socket, which it
    owns from then on (a real wrap detaches the wrapped socket): use the
    TLS socket, not the wrapped one.

    **Readiness.**  In a :class:`~mockselector.TestSelector` it is readable
    while the in-memory socket is, and also while decrypted bytes wait
    (``pending()``) or whole TLS records wait unread in its buffer: a
    selector loop never waits for bytes it already holds.  (A real
    selector sees only the descriptor, so real code must check
    ``pending()`` itself; here it need not.)

    **Never hangs.**  A blocking call that could never end (no thread
    could ever send the peer's bytes) raises :class:`~mockselector.Stalled`,
    as a blocking ``recv`` of the in-memory socket does.

    Example::

        >>> import ssl, threading
        >>> from mockselector import socketpair
        >>> a, b = socketpair()
        >>> thread = threading.Thread(target=lambda: server_context().wrap_socket(
        ...     a, server_side=True).sendall(b"hello"))
        >>> thread.start()
        >>> tls = client_context().wrap_socket(b, server_hostname="localhost")
        >>> isinstance(tls, ssl.SSLSocket), tls.fileno() == b.fileno()
        (True, True)
        >>> tls.recv(3), tls.pending(), tls.recv(10)
        (b'hel', 2, b'lo')
        >>> thread.join()
    """

    _raw: Any
    _incoming: ssl.MemoryBIO
    _outgoing: ssl.MemoryBIO
    _inbuf: bytearray
    _unsent: bytes
    _owed: int
    _cleartext: bytes
    _ended: bool
    _lock: Any
    _relay: _Relay
    _relay_key: SelectorKey
    _gone: bool
    _connected: bool
    do_handshake_on_connect: bool
    suppress_ragged_eofs: bool
    # Attributes of ssl.SSLSocket (and socket.socket) that the stubs do not declare.
    _closed: bool
    _io_refs: int
    _context: ssl.SSLContext
    _session: ssl.SSLSession | None
    _sslobj: Any

    @classmethod
    def _create(cls, sock: Any, server_side: bool = False,
                do_handshake_on_connect: bool = True, suppress_ragged_eofs: bool = True,
                server_hostname: str | bytes | None = None,
                context: ssl.SSLContext | None = None,
                session: ssl.SSLSession | None = None) -> TLSSocket:
        # The checks of the real SSLSocket._create, in its order.
        assert context is not None
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) != socket.SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        if server_side:
            if server_hostname:
                raise ValueError("server_hostname can only be specified in client mode")
            if session is not None:
                raise ValueError("session can only be specified in client mode")
        if context.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        owner = getattr(sock.fileno(), "source", None)
        if isinstance(owner, TLSSocket) and not owner._gone:
            # A real wrap detaches the socket it wraps: wrapping it again fails.
            raise OSError(errno.EBADF, f"Bad file descriptor: {sock!r} is already wrapped "
                          f"by {owner!r}; use that TLS socket")
        self: TLSSocket = socket.socket.__new__(cls)
        self._closed = False
        self._io_refs = 0
        self._raw = sock
        self._context = context
        self._session = session
        self._sslobj = None
        self.server_side = server_side
        self.server_hostname = context._encode_hostname(  # type: ignore[attr-defined]
            server_hostname)
        self.do_handshake_on_connect = do_handshake_on_connect
        self.suppress_ragged_eofs = suppress_ragged_eofs
        self._inbuf = bytearray()
        self._unsent = b""
        self._owed = 0
        self._cleartext = b""
        self._ended = False
        self._gone = False
        # Serializes the TLS state and its buffers between threads (OpenSSL's
        # objects are not to be used by two at once); never held while waiting.
        self._lock = threading.RLock()
        self._watchers = ()
        self._events = 0
        # Readiness: this socket becomes the source of the descriptor, so
        # selectors ask it (see _watch).
        with _core.lock:
            fd = sock.fileno()
            self._relay = _Relay(self)
            self._relay_key = SelectorKey(sock, fd, EVENT_READ | EVENT_WRITE, None)
            fd.source = self
        try:
            sock.getpeername()
        except OSError as error:
            if error.errno != errno.ENOTCONN:
                raise
            connected = False
        else:
            connected = True
        self._connected = connected
        if connected:
            try:
                self._start()
                if do_handshake_on_connect:
                    if self.gettimeout() == 0.0:
                        raise ValueError("do_handshake_on_connect should not be specified "
                                         "for non-blocking sockets")
                    self.do_handshake()
            except (OSError, ValueError):
                self.close()
                raise
        return self

    def _checkClosed(self, msg: str | None = None) -> None:
        pass  # as the real one: use after close is found by the wrapped socket

    def _check_connected(self) -> None:
        if not self._connected:
            self.getpeername()  # raises ENOTCONN when not connected

    def _start(self) -> None:
        """Make the TLS state: an ``SSLObject`` over two memory buffers."""
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        sslobject = self._context.wrap_bio(
            self._incoming, self._outgoing, server_side=self.server_side,
            server_hostname=self.server_hostname, session=self._session)
        # The low-level object, as a real SSLSocket holds it: the inherited
        # methods (cipher(), getpeercert(), ...) then work unchanged, and the
        # context's callbacks (sni_callback, msg_callback) see this socket.
        self._sslobj = sslobject._sslobj  # type: ignore[attr-defined]
        self._sslobj.owner = self

    def __repr__(self) -> str:
        state = "closed" if self._gone else self.version() or (
            "unwrapped" if self._connected and self._sslobj is None else "no handshake yet")
        side = "server" if self.server_side else "client"
        return f"<TLSSocket {side} {state} over {self._raw!r}>"

    # -- readiness ----------------------------------------------------------------------------

    def _readiness(self) -> int:
        if self._gone:
            return 0
        raw = self._raw
        events: int = raw._events if raw._watchers else raw._readiness()
        if not events & EVENT_READ:
            sslobj = self._sslobj
            if self._cleartext or (sslobj is not None and (
                    self._incoming.pending or sslobj.pending())):
                events |= EVENT_READ
        return events

    @property
    def _dead(self) -> bool:
        """Whether this socket (or the one it wraps) is closed: what the network's pollers ask."""
        return self._gone or bool(self._raw._dead)

    def _watch(self, ready: dict[int, Any], slot: int, key: Any) -> None:
        # While a selector watches this socket, the in-memory socket reports its
        # changes to the relay (unwatched, it pays nothing for readiness).
        if not self._watchers and not self._gone:
            self._raw._watch(self._relay, 0, self._relay_key)
        super()._watch(ready, slot, key)

    def _unwatch(self, ready: dict[int, Any]) -> None:
        super()._unwatch(ready)
        if not self._watchers:
            self._raw._unwatch(self._relay)

    def _update(self) -> None:
        """Report a change of what is buffered to the selectors that watch this socket."""
        if self._watchers:
            with _core.lock:
                self._changed()

    # -- moving ciphertext --------------------------------------------------------------------

    def _run(self, op: Callable[[], _T], kind: str, exact: bool = False,
             fill_first: bool = False) -> _T:
        """Run a TLS operation, moving ciphertext until it completes (or must wait).

        ``kind`` (handshake, read, write) names the operation in timeout
        messages, as the real ones do; ``exact`` reads the stream one record
        at a time (for ``unwrap()``, after which the stream is cleartext);
        ``fill_first`` reads the stream before the first try, when the
        caller knows that the TLS state holds nothing to read.
        """
        deadline = None
        if fill_first:
            try:
                if self._unsent or self._outgoing.pending:
                    deadline = self._flush(deadline, kind, wait=self._must_flush(exact))
                deadline = self._fill(deadline, kind, None, exact)
            except BlockingIOError:
                pass  # nothing yet: the operation raises the real SSLWantReadError
        while True:
            try:
                with self._lock:
                    result = op()
            except ssl.SSLWantReadError as want:
                # What the peer needs first (a handshake flight) leaves before we wait.
                deadline = self._flush(deadline, kind, wait=self._must_flush(exact))
                deadline = self._fill(deadline, kind, want, exact)
                continue
            except ssl.SSLError:
                self._flush_quietly()  # an alert the peer should see
                raise
            if self._outgoing.pending or self._unsent:
                self._flush(deadline, kind, wait=kind == "handshake" or exact)
            return result

    def _must_flush(self, unwrapping: bool) -> bool:
        """Whether a wait for the peer's bytes must first send all of ours.

        During the handshake and ``unwrap()`` the peer answers what we send.
        Once connected, a read never waits for the writes: another thread
        may be writing on this socket while the peer reads nothing until it
        has been answered.
        """
        return unwrapping or self._sslobj is None or self._sslobj.version() is None

    def _fill(self, deadline: float | None, kind: str, want: ssl.SSLWantReadError | None,
              exact: bool) -> float | None:
        """Move ciphertext from the in-memory socket into the TLS state; wait if none."""
        raw = self._raw
        while True:
            size = _RECV_CHUNK
            if exact:  # a header, then the rest of the record
                held = len(self._inbuf)
                size = (_HEADER - held if held < _HEADER
                        else _HEADER + (self._inbuf[3] << 8 | self._inbuf[4]) - held)
            if not raw._can_read():
                if raw._timeout == 0.0:  # non-blocking: nothing to read
                    if want is None:
                        raise BlockingIOError(errno.EAGAIN, "nothing to read")
                    raise want from None  # the SSL object's own error, as the real one raises
                deadline = self._wait(deadline, kind, reading=True)
            try:  # without flags: the socket's fast path
                data = raw.recv(size)
            except BlockingIOError:
                if want is None:
                    raise
                raise want from None  # the SSL object's own error, as the real one raises
            break
        with self._lock:
            if data:
                self._feed(data)
            else:
                self._feed_eof()
        if data and raw._timeout is None:
            deadline = None  # progress: the patience starts again
        return deadline

    def _feed(self, data: bytes) -> None:
        """Give the TLS state the whole records received; keep the partial one."""
        buf = self._inbuf
        if not buf:
            end = _records_end(data)
            if end == len(data):
                self._incoming.write(data)
                return
            if end:
                self._incoming.write(data[:end])
            buf += data[end:]
            return
        buf += data
        end = _records_end(buf)
        if end:
            self._incoming.write(bytes(buf[:end]))
            del buf[:end]

    def _feed_eof(self) -> None:
        """Give the TLS state the end of the stream, after what is left of it."""
        if self._inbuf:
            self._incoming.write(bytes(self._inbuf))
            self._inbuf.clear()
        self._incoming.write_eof()

    def _flush(self, deadline: float | None, kind: str, wait: bool) -> float | None:
        """Send the ciphertext the TLS state produced; with ``wait``, all of it.

        Ciphertext moves under this socket's lock and the library lock, so
        that it stays in order when threads share the socket.  Without ``wait``, what the peer's
        window cannot take stays for the next call.
        """
        raw, outgoing = self._raw, self._outgoing
        while True:
            with self._lock, _core.lock:  # in this order, as everywhere
                unsent = self._unsent
                if outgoing.pending:
                    unsent = unsent + outgoing.read() if unsent else outgoing.read()
                self._unsent = unsent  # kept when send raises
                # A window may take a part at a time (seeded fragmentation).  A
                # blocking socket is asked only while it has room, so it never waits here.
                while unsent and (raw._timeout == 0.0 or raw._can_send()):
                    try:  # without flags: the socket's fast path
                        count = raw.send(unsent)
                    except BlockingIOError:
                        break
                    self._unsent = unsent = unsent[count:]
                if not unsent or not wait:
                    return deadline
            if raw._timeout == 0.0:
                raise _want_write()
            deadline = self._wait(deadline, kind, reading=False)

    def _flush_quietly(self) -> None:
        """Send what can be sent (an alert), ignoring a peer that is gone."""
        try:
            self._flush(None, "write", wait=False)
        except OSError:
            pass

    def _wait(self, deadline: float | None, kind: str, reading: bool) -> float | None:
        """Wait until the in-memory socket can read (or send); the real messages on timeout."""
        raw = self._raw
        check = raw._can_read if reading else raw._can_send
        what = f"TLS {kind} on {self!r}"
        why = ("the TLS peer has sent nothing more and has not closed" if reading
               else "the TLS peer does not read what this socket sends")
        try:
            with _core.lock:
                while not check():
                    deadline = raw._block(what, deadline, check, why)
        except socket.timeout:
            raise socket.timeout(f"The {kind} operation timed out") from None
        return deadline

    # -- the TLS operations -------------------------------------------------------------------

    def do_handshake(self, block: bool = False) -> None:
        """Run the TLS handshake (``wrap_socket`` does, unless ``do_handshake_on_connect=False``).

        A non-blocking socket raises ``ssl.SSLWantReadError`` until the
        peer's part has arrived: call it again when the socket is readable.

        Example::

            >>> import threading
            >>> from mockselector import socketpair
            >>> a, b = socketpair()
            >>> server = server_context().wrap_socket(a, server_side=True,
            ...                                       do_handshake_on_connect=False)
            >>> thread = threading.Thread(target=server.do_handshake); thread.start()
            >>> client = client_context().wrap_socket(b, server_hostname="localhost")
            >>> thread.join(); server.version() == client.version() == "TLSv1.3"
            True
        """
        self._check_connected()
        timeout = self.gettimeout()
        blocking_now = timeout == 0.0 and block
        try:
            if blocking_now:
                self.settimeout(None)
            self._run(self._sslobj.do_handshake, "handshake")
        finally:
            if blocking_now:
                self.settimeout(timeout)
        self._update()

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        """Read up to ``len`` decrypted bytes (into ``buffer`` if given); ``b''`` at EOF.

        Example::

            >>> from mockselector import socketpair
            >>> client, server = tls_pair()
            >>> server.write(b"data"), client.read(2), client.read()
            (4, b'da', b'ta')
        """
        self._checkClosed()
        sslobj = self._sslobj
        if sslobj is None:
            raise ValueError("Read on closed or unwrapped SSL socket.")
        op: Callable[[], Any] = functools.partial(
            sslobj.read, len) if buffer is None else functools.partial(sslobj.read, len, buffer)
        try:
            if self._ended or self._incoming.pending or sslobj.pending():
                try:  # the fast path: the bytes are there
                    with self._lock:
                        result = op()
                except ssl.SSLWantReadError:
                    result = self._run(op, "read")
                else:
                    if self._outgoing.pending:
                        self._flush(None, "read", wait=False)
            else:  # nothing held: read the stream first, sparing an exception
                result = self._run(op, "read", fill_first=True)
        except ssl.SSLError as error:
            return self._read_failed(error, buffer)
        if not result and len:
            self._ended = True  # close_notify: every later read returns b"" at once
        self._update()
        return result

    def _read_failed(self, error: ssl.SSLError, buffer: Any) -> Any:
        """What a read that raised ``error`` returns: EOF for a suppressed ragged EOF."""
        if error.args[0] == ssl.SSL_ERROR_EOF:
            self._ended = True
            if self.suppress_ragged_eofs:
                self._update()
                return b"" if buffer is None else 0
        raise error

    def write(self, data: Any) -> int:
        """Encrypt and send ``data``; return its length.

        Example::

            >>> client, server = tls_pair()
            >>> client.write(b"abc"), server.recv(10)
            (3, b'abc')
        """
        self._checkClosed()
        if self._sslobj is None:
            raise ValueError("Write on closed or unwrapped SSL socket.")
        return self._write(data)

    def _write(self, data: Any) -> int:
        sslobj = self._sslobj
        assert sslobj is not None
        if self._raw._timeout == 0.0:
            if self._owed or self._unsent:
                # The last write is still on its way (the real one keeps its
                # state in OpenSSL and raises until the kernel took it all).
                self._flush(None, "write", wait=True)
                owed, self._owed = self._owed, 0
                if owed:
                    return owed
            count: int = self._run(lambda: sslobj.write(data), "write")
            if self._unsent:
                self._owed = count
                raise _want_write()
            return count
        with memoryview(data) as view, view.cast("B") as view:
            total = len(view)
            if total <= _SEND_CHUNK:
                try:  # the fast path: the handshake is done
                    with self._lock:
                        sslobj.write(view)
                except ssl.SSLWantReadError:
                    self._run(lambda: sslobj.write(view), "write")
                self._flush(None, "write", wait=True)
                return total
            for start in range(0, total, _SEND_CHUNK):
                chunk = view[start:start + _SEND_CHUNK]
                self._run(functools.partial(sslobj.write, chunk), "write")
                self._flush(None, "write", wait=True)
            return total

    def unwrap(self) -> Any:
        """End TLS (both sides send ``close_notify``); return this socket, now cleartext.

        As with a real ``SSLSocket``, the returned object is the same socket:
        its ``recv``/``send`` now carry cleartext over the in-memory stream.

        Example::

            >>> import threading
            >>> client, server = tls_pair()
            >>> thread = threading.Thread(target=server.unwrap); thread.start()
            >>> plain = client.unwrap(); thread.join()
            >>> plain is client, plain.version()
            (True, None)
            >>> plain.sendall(b"clear"); server.recv(10)
            b'clear'
        """
        sslobj = self._sslobj
        if not sslobj:
            raise ValueError("No SSL wrapper around " + str(self))
        self._run(sslobj.shutdown, "read", exact=True)
        self._sslobj = None
        # Bytes of the stream already taken from the in-memory socket are cleartext now.
        with self._lock:
            rest = self._incoming.read() + bytes(self._inbuf)
            self._inbuf.clear()
        self._cleartext = rest
        self._update()
        return self

    # -- the socket API -----------------------------------------------------------------------

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        """Receive up to ``buflen`` decrypted bytes; ``b''`` at EOF.

        Example::

            >>> client, server = tls_pair()
            >>> server.sendall(b"xyz"); client.recv(1024)
            b'xyz'
        """
        sslobj = self._sslobj
        if sslobj is not None:
            incoming = self._incoming
            if not flags and not self._watchers:
                # The fast path (nothing to report to selectors): when nothing is
                # held and the stream has bytes, take them, then read.
                raw = self._raw
                if not incoming.pending and not self._ended and not self._unsent \
                        and raw._can_read():
                    ciphertext = raw.recv(_RECV_CHUNK)
                    if ciphertext:
                        with self._lock:
                            self._feed(ciphertext)
                    else:  # EOF: the full path below tells a ragged one from close_notify
                        with self._lock:
                            self._feed_eof()
            if incoming.pending and not flags and not self._watchers:
                try:
                    with self._lock:
                        data: bytes = sslobj.read(min(buflen, _MAX_PLAINTEXT))
                except ssl.SSLWantReadError:
                    # The records held were not application data (session
                    # tickets): the full path waits for more.
                    return self.read(buflen)  # type: ignore[no-any-return]
                except ssl.SSLError as error:
                    return self._read_failed(error, None)  # type: ignore[no-any-return]
                if self._outgoing.pending:
                    self._flush(None, "read", wait=False)
                if not data and buflen:
                    self._ended = True
                return data
            if flags != 0:
                raise ValueError(
                    f"non-zero flags not allowed in calls to recv() on {self.__class__}")
            return self.read(buflen)  # type: ignore[no-any-return]
        if self._cleartext:
            return self._take_cleartext(buflen)
        return self._raw.recv(buflen, flags)  # type: ignore[no-any-return]

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        """Receive decrypted bytes into ``buffer``; return how many.

        Example::

            >>> client, server = tls_pair()
            >>> buf = bytearray(8)
            >>> server.sendall(b"into"); client.recv_into(buf), bytes(buf[:4])
            (4, b'into')
        """
        self._checkClosed()
        if nbytes is None:
            with memoryview(buffer) as view:
                nbytes = view.nbytes or 1024
        if self._sslobj is not None:
            if flags != 0:
                raise ValueError(
                    f"non-zero flags not allowed in calls to recv_into() on {self.__class__}")
            return self.read(nbytes, buffer)  # type: ignore[no-any-return]
        if self._cleartext:
            data = self._take_cleartext(nbytes)
            memoryview(buffer).cast("B")[:len(data)] = data
            return len(data)
        return self._raw.recv_into(buffer, nbytes, flags)  # type: ignore[no-any-return]

    def _take_cleartext(self, size: int) -> bytes:
        data, self._cleartext = self._cleartext[:size], self._cleartext[size:]
        self._update()
        return data

    def recvfrom(self, buflen: int = 1024, flags: int = 0) -> tuple[bytes, Any]:
        """Not allowed while TLS is on (``ValueError``, as the real one says); else the stream's.

        Example::

            >>> tls_pair()[0].recvfrom(10)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ValueError: recvfrom not allowed on instances of <class '...TLSSocket'>
        """
        self._checkClosed()
        if self._sslobj is not None:
            raise ValueError(f"recvfrom not allowed on instances of {self.__class__}")
        return self.recv(buflen, flags), None

    def recvfrom_into(self, buffer: Any, nbytes: int | None = None,
                      flags: int = 0) -> tuple[int, Any]:
        """Not allowed while TLS is on (``ValueError``); else the stream's.

        Example::

            >>> tls_pair()[0].recvfrom_into(bytearray(1))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ValueError: recvfrom_into not allowed on instances of <class '...TLSSocket'>
        """
        self._checkClosed()
        if self._sslobj is not None:
            raise ValueError(f"recvfrom_into not allowed on instances of {self.__class__}")
        return self.recv_into(buffer, nbytes, flags), None

    def send(self, data: Any, flags: int = 0) -> int:
        """Encrypt and send ``data``; return its length (the real one sends it all, or raises).

        Example::

            >>> client, server = tls_pair()
            >>> client.send(b"hello"), server.recv(10)
            (5, b'hello')
        """
        self._checkClosed()
        if self._sslobj is not None:
            if flags != 0:
                raise ValueError(
                    f"non-zero flags not allowed in calls to send() on {self.__class__}")
            return self._write(data)
        return self._raw.send(data, flags)  # type: ignore[no-any-return]

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Encrypt and send all of ``data``.

        Example::

            >>> client, server = tls_pair()
            >>> client.sendall(b"x" * 100000); len(server.recv(200000)) > 0
            True
        """
        self._checkClosed()
        if self._sslobj is not None:
            if flags != 0:
                raise ValueError(
                    f"non-zero flags not allowed in calls to sendall() on {self.__class__}")
            if self._raw._timeout != 0.0:
                self._write(data)  # blocking: it sends all, or raises
                return
            with memoryview(data) as view, view.cast("B") as view:
                count, amount = 0, len(view)
                while count < amount:
                    count += self.send(view[count:])
            return
        self._raw.sendall(data, flags)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Send a file's content with :meth:`send`.

        Example::

            >>> import io
            >>> client, server = tls_pair()
            >>> client.sendfile(io.BytesIO(b"file")), server.recv(10)
            (4, b'file')
        """
        if self._sslobj is not None:
            return self._sendfile_use_send(file, offset, count)  # type: ignore[attr-defined, no-any-return]
        return self._raw.sendfile(file, offset, count)  # type: ignore[no-any-return]

    def sendto(self, data: Any, flags_or_addr: Any, addr: Any = None) -> int:
        """Not allowed while TLS is on (``ValueError``); else the stream's.

        Example::

            >>> tls_pair()[0].sendto(b"x", ("127.0.0.1", 1))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ValueError: sendto not allowed on instances of <class '...TLSSocket'>
        """
        self._checkClosed()
        if self._sslobj is not None:
            raise ValueError(f"sendto not allowed on instances of {self.__class__}")
        if addr is None:
            return self._raw.sendto(data, flags_or_addr)  # type: ignore[no-any-return]
        return self._raw.sendto(data, flags_or_addr, addr)  # type: ignore[no-any-return]

    def shutdown(self, how: int) -> None:
        """Shut the in-memory stream down, dropping TLS without ``close_notify`` (as the real one).

        Example::

            >>> import socket
            >>> client, server = tls_pair()
            >>> client.shutdown(socket.SHUT_WR); server.recv(10)
            b''
        """
        self._checkClosed()
        self._sslobj = None
        self._raw.shutdown(how)
        self._update()

    def _real_close(self, _ss: Any = None) -> None:
        self._sslobj = None
        with _core.lock:
            if self._gone:
                return
            self._gone = True
            raw = self._raw
            raw._unwatch(self._relay)
            self._changed()
        raw.close()

    def _real_connect(self, addr: Any, connect_ex: bool) -> int | None:
        if self.server_side:
            raise ValueError("can't connect in server-side mode")
        if self._connected or self._sslobj is not None:
            raise ValueError("attempt to connect already-connected SSLSocket!")
        self._start()
        try:
            rc: int | None = None
            if connect_ex:
                rc = self._raw.connect_ex(addr)
            else:
                self._raw.connect(addr)
            if not rc:
                self._connected = True
                if self.do_handshake_on_connect:
                    self.do_handshake()
            return rc
        except (OSError, ValueError):
            self._sslobj = None
            raise

    def accept(self) -> tuple[Any, Any]:
        """Accept a connection of a wrapped listening socket; return it wrapped (server side).

        Example::

            >>> import threading
            >>> from mockselector import ListenSocket
            >>> plain = ListenSocket(address=("127.0.0.1", 443))
            >>> listener = server_context().wrap_socket(plain, server_side=True)
            >>> thread = threading.Thread(target=lambda: client_context().wrap_socket(
            ...     plain.new_connection(), server_hostname="localhost").sendall(b"hi"))
            >>> thread.start()
            >>> connection, address = listener.accept()
            >>> connection.recv(10), connection.server_side
            (b'hi', True)
            >>> thread.join()
        """
        newsock, addr = self._raw.accept()
        newsock = self.context.wrap_socket(
            newsock, do_handshake_on_connect=self.do_handshake_on_connect,
            suppress_ragged_eofs=self.suppress_ragged_eofs, server_side=True)
        return newsock, addr

    # What the in-memory socket answers: descriptor, addresses, options, timeouts.

    def fileno(self) -> int:
        """The wrapped socket's virtual descriptor; -1 once closed.

        Example::

            >>> client, server = tls_pair()
            >>> client.close(); client.fileno()
            -1
        """
        return -1 if self._gone else self._raw.fileno()

    @property
    def family(self) -> socket.AddressFamily:
        """The wrapped socket's family.

        Example::

            >>> tls_pair()[0].family
            <AddressFamily.AF_UNIX: 1>
        """
        return self._raw.family  # type: ignore[no-any-return]

    @property
    def type(self) -> socket.SocketKind:
        """``SOCK_STREAM``.

        Example::

            >>> tls_pair()[0].type
            <SocketKind.SOCK_STREAM: 1>
        """
        return self._raw.type  # type: ignore[no-any-return]

    @property
    def proto(self) -> int:
        """The wrapped socket's protocol number.

        Example::

            >>> tls_pair()[0].proto
            0
        """
        return self._raw.proto  # type: ignore[no-any-return]

    @property
    def timeout(self) -> float | None:
        """The timeout, shared with the wrapped socket.

        Example::

            >>> tls_pair()[0].timeout is None
            True
        """
        return self._raw.timeout  # type: ignore[no-any-return]

    def gettimeout(self) -> float | None:
        """The timeout: ``None``, 0.0 (non-blocking) or seconds.

        Example::

            >>> client = tls_pair()[0]; client.settimeout(3)
            >>> client.gettimeout()
            3.0
        """
        return self._raw.gettimeout()  # type: ignore[no-any-return]

    def settimeout(self, value: float | None) -> None:
        """Set the timeout of blocking calls (of this socket and the wrapped one).

        Example::

            >>> client = tls_pair()[0]; client.settimeout(0)
            >>> client.getblocking()
            False
        """
        self._raw.settimeout(value)

    def setblocking(self, flag: bool) -> None:
        """Make the socket blocking or non-blocking.

        Example::

            >>> client, server = tls_pair(); client.setblocking(False)
            >>> client.recv(10)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ssl.SSLWantReadError: The operation did not complete (read) (_ssl.c:...)
        """
        self._raw.setblocking(flag)

    def getblocking(self) -> bool:
        """Whether the socket is blocking.

        Example::

            >>> tls_pair()[0].getblocking()
            True
        """
        return self._raw.getblocking()  # type: ignore[no-any-return]

    def getsockname(self) -> Any:
        """The wrapped socket's address.

        Example::

            >>> tls_pair()[0].getsockname()
            ''
        """
        return self._raw.getsockname()

    def getpeername(self) -> Any:
        """The peer's address (``OSError(ENOTCONN)`` when not connected).

        Example::

            >>> tls_pair()[0].getpeername()
            ''
        """
        return self._raw.getpeername()

    def getsockopt(self, level: int, optname: int, buflen: int | None = None) -> Any:
        """An option of the wrapped socket.

        Example::

            >>> import socket
            >>> tls_pair()[0].getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM
            True
        """
        if buflen is None:
            return self._raw.getsockopt(level, optname)
        return self._raw.getsockopt(level, optname, buflen)

    def setsockopt(self, level: int, optname: int, value: Any,
                   optlen: Any = None) -> None:
        """Set an option of the wrapped socket.

        Example::

            >>> import socket
            >>> client = tls_pair()[0]
            >>> client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        """
        self._raw.setsockopt(level, optname, value)

    def bind(self, address: Any) -> None:
        """Bind the wrapped socket.

        Example::

            >>> from mockselector import ListenSocket
            >>> listener = server_context().wrap_socket(ListenSocket(), server_side=True)
            >>> listener.bind(("127.0.0.1", 443)); listener.getsockname()
            ('127.0.0.1', 443)
        """
        self._raw.bind(address)

    def listen(self, backlog: int = 128) -> None:
        """Make a wrapped listening socket listen.

        Example::

            >>> from mockselector import ListenSocket
            >>> listener = server_context().wrap_socket(ListenSocket(), server_side=True)
            >>> listener.bind(("127.0.0.1", 443)); listener.listen()
        """
        self._raw.listen(backlog)

    def detach(self) -> int:
        """Not possible: there is no real descriptor (``OSError``).

        Example::

            >>> tls_pair()[0].detach()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 95] Operation not supported: detach() ...
        """
        return self._raw.detach()  # type: ignore[no-any-return]

    def get_inheritable(self) -> bool:
        """``False``: nothing a child process could inherit.

        Example::

            >>> tls_pair()[0].get_inheritable()
            False
        """
        return self._raw.get_inheritable()  # type: ignore[no-any-return]

    def set_inheritable(self, inheritable: bool) -> None:
        """Do nothing, as the wrapped socket does.

        Example::

            >>> tls_pair()[0].set_inheritable(False)
        """
        self._raw.set_inheritable(inheritable)


# -- wrap_socket routes in-memory sockets here --------------------------------------------------


class _SSLSocketDispatch(ssl.SSLSocket):
    """``ssl.SSLContext.sslsocket_class`` while mockselector is imported (see the module).

    Never instantiated: its ``_create`` makes a :class:`TLSSocket` for an
    in-memory socket, and asks the class it replaced for any other socket.
    """

    #: The class that was ``SSLContext.sslsocket_class`` before (``ssl.SSLSocket``).
    _previous: ClassVar[Any] = ssl.SSLSocket
    _mockselector_dispatch = True

    @classmethod
    def _create(cls, sock: Any, *args: Any, **kwargs: Any) -> Any:
        # A network's socket let through to a real destination (it holds the real
        # socket in ``_real``) is wrapped by the real class, as a real socket is.
        if isinstance(sock, (MockSocket, ListenSocket)) and getattr(sock, "_real", None) is None:
            return TLSSocket._create(sock, *args, **kwargs)
        fileno = getattr(sock, "fileno", None)
        if callable(fileno) and isinstance(fileno(), FileDescriptor):
            raise OSError(errno.ENOTSOCK,
                          f"Socket operation on non-socket: {sock!r} has a virtual descriptor "
                          "but is not an in-memory socket; TLS needs a MockSocket or a "
                          "ListenSocket (socketpair(), ListenSocket.new_connection())")
        return cls._previous._create(sock, *args, **kwargs)


def _install() -> None:
    """Make ``wrap_socket`` route in-memory sockets to :class:`TLSSocket` (once per process)."""
    current = ssl.SSLContext.sslsocket_class
    if getattr(current, "_mockselector_dispatch", False):
        return  # installed by an earlier import of this module
    _SSLSocketDispatch._previous = current
    ssl.SSLContext.sslsocket_class = _SSLSocketDispatch


_install()


# -- test certificates ------------------------------------------------------------------------


def _matches(name: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        label, _, rest = name.partition(".")
        return bool(label) and rest == pattern[2:]
    return name == pattern


def _certificate_for(hostname: str) -> str:
    """The test certificate (file stem) valid for ``hostname``, or a ``ValueError``."""
    name = hostname.strip("[]").rstrip(".").lower()
    for stem, patterns in _CERTIFICATES.items():
        if any(_matches(name, pattern) for pattern in patterns):
            return stem
    names = ", ".join(pattern for patterns in _CERTIFICATES.values() for pattern in patterns)
    raise ValueError(f"no test certificate is valid for {hostname!r}; the test certificates "
                     f"name {names} ('*.' stands for one label)")


def server_context(hostname: str = "localhost") -> ssl.SSLContext:
    """A server ``ssl.SSLContext`` holding the test certificate for ``hostname``. For tests only.

    Two certificates are shipped, both signed by the test CA
    (:data:`CA_FILE`), with EC P-256 keys, valid from 2000-01-01 to
    2126-01-01:

    - ``localhost``: ``localhost``, ``127.0.0.1`` and ``::1``;
    - a wildcard one: ``example.com``, ``example.org``, ``example.net``,
      any name one label below them (``www.example.com``), and any name
      one label below ``mock.test`` (``api.mock.test``).  OpenSSL accepts no
      wildcard right above a top-level domain (``*.test``), so a name such
      as ``api.test`` has no test certificate.

    Their private keys are public (in the package): never trust the test
    CA outside tests.  Any other ``hostname`` raises ``ValueError``.

    Example::

        >>> context = server_context("www.example.com")
        >>> context.protocol == ssl.PROTOCOL_TLS_SERVER
        True
        >>> server_context("example.invalid")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: no test certificate is valid for 'example.invalid'; ...
    """
    stem = _certificate_for(hostname)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(CERTS_DIR, f"{stem}.pem"),
                            os.path.join(CERTS_DIR, f"{stem}-key.pem"))
    return context


def client_context() -> ssl.SSLContext:
    """A client ``ssl.SSLContext`` that trusts the test CA (and nothing else). For tests only.

    It is ``ssl.create_default_context(cafile=CA_FILE)``: it verifies the
    certificate and the host name, as a real client does.

    Example::

        >>> context = client_context()
        >>> context.check_hostname, context.verify_mode == ssl.CERT_REQUIRED
        (True, True)
    """
    return ssl.create_default_context(cafile=CA_FILE)


def tls_pair(hostname: str = "localhost", *, seed: int | None = None,
             capacity: int | None = None) -> tuple[TLSSocket, TLSSocket]:
    """Two connected in-memory TLS sockets, ``(client, server)``, the handshake done.

    The server presents the test certificate for ``hostname``
    (:func:`server_context`); the client verifies it (:func:`client_context`).
    ``seed`` and ``capacity`` are those of :func:`~mockselector.socketpair`.
    Both sockets are blocking; no thread is needed: the handshake runs both
    sides in turn, non-blocking.

    Example::

        >>> client, server = tls_pair("api.mock.test")
        >>> client.sendall(b"ping"); server.recv(10)
        b'ping'
        >>> client.server_hostname, server.server_side
        ('api.mock.test', True)
    """
    a, b = socketpair(seed=seed, capacity=capacity)
    server = server_context(hostname).wrap_socket(a, server_side=True,
                                                  do_handshake_on_connect=False)
    client = client_context().wrap_socket(b, server_hostname=hostname,
                                          do_handshake_on_connect=False)
    pending = [client, server]
    for tls in pending:
        tls.setblocking(False)
    for _ in range(20):  # a TLS 1.3 handshake takes three turns, TLS 1.2 four
        for tls in list(pending):
            try:
                tls.do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            pending.remove(tls)
        if not pending:
            break
    else:  # pragma: no cover - a handshake that goes nowhere
        raise RuntimeError(f"the TLS handshake of {client!r} and {server!r} did not complete")
    client.setblocking(True)
    server.setblocking(True)
    return cast(TLSSocket, client), cast(TLSSocket, server)
