"""Mock doubles of file objects and sockets.

A :class:`FileMock` is a :class:`unittest.mock.Mock` whose ``fileno()``
returns a :class:`~mockselector.FileDescriptor`, so selectors and event loops
accept it as a file object.  :class:`SocketMock` and :class:`SSLSocketMock`
add the spec of :class:`socket.socket` / :class:`ssl.SSLSocket` and defaults
that keep asyncio's socket code from hanging or misbehaving when the test did
not configure a method.

These doubles are *told* when they are ready (edge-triggered): a test calls
:func:`mockselector.set_read_ready` / :func:`mockselector.set_write_ready`, or
``TestSelector.set_ready``.  For doubles whose readiness follows the data they
carry, see :class:`mockselector.MockSocket`.
"""

from __future__ import annotations

import socket
from typing import Any, Callable, ClassVar
from unittest.mock import DEFAULT, Mock

from .descriptors import FileDescriptor

__all__ = ["FileMock", "SocketMock"]

# Captured at import: code under test may patch ``socket.socket`` (and tests
# do, with ``unittest.mock.patch("socket.socket")``); the spec must stay real.
_SOCKET_CLASS: type = socket.socket

# What an unconfigured SocketMock reports about itself.
_DEFAULT_SOCKNAME = ("127.0.0.1", 54321)
_DEFAULT_PEERNAME = ("127.0.0.1", 8080)
_DEFAULT_ADDRESS_ATTRIBUTES: dict[str, Any] = {
    "family": socket.AF_INET,
    "type": socket.SOCK_STREAM,
    "proto": 0,  # what ``socket.socket()`` reports
}


class FileMock(Mock):
    """A :class:`~unittest.mock.Mock` of a file object with a virtual descriptor.

    ``fileno()`` always returns the same :class:`~mockselector.FileDescriptor`,
    allocated when the mock is built.  The arguments are those of
    :class:`~unittest.mock.Mock`.  Attributes of a ``FileMock`` (and the
    value it returns when called) are plain :class:`~unittest.mock.Mock`
    objects, not ``FileMock`` objects, so they take no descriptor.

    Example::

        >>> from mockselector import FileDescriptor
        >>> FileDescriptor.next_fd = 3
        >>> f = FileMock()
        >>> f.fileno(), f.fileno() is f.fileno()
        (FileDescriptor(3), True)
        >>> type(f.read)
        <class 'unittest.mock.Mock'>
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fileno.return_value = FileDescriptor()

    def _get_child_mock(self, /, **kw: Any) -> Any:
        # Mock would make children of our own type (so each would take a
        # descriptor); keep its other rules: sealed mocks refuse new
        # attributes, coroutine methods of a spec become AsyncMock.
        if self._mock_sealed or kw.get("_new_name") in self.__dict__["_spec_asyncs"]:
            return super()._get_child_mock(**kw)
        return Mock(**kw)


def _unless_return_value_set(child: Mock, compute: Callable[..., Any]) -> Callable[..., Any]:
    """A side effect computing a default that an explicit ``return_value`` overrides."""

    def default(*args: Any, **kwargs: Any) -> Any:
        if child._mock_return_value is not DEFAULT:
            return DEFAULT  # Mock then returns the configured return_value
        return compute(*args, **kwargs)

    default.__name__ = default.__qualname__ = f"default_{compute.__name__}"
    return default


def _sent_length(data: Any, *args: Any) -> int:
    return memoryview(data).nbytes


def _sent_msg_length(buffers: Any, *args: Any) -> int:
    return sum(memoryview(buffer).nbytes for buffer in buffers)


def _computed(compute: Callable[..., Any]) -> Callable[[Mock], None]:
    def configure(child: Mock) -> None:
        child.side_effect = _unless_return_value_set(child, compute)

    return configure


def _returns(value: Any) -> Callable[[Mock], None]:
    def configure(child: Mock) -> None:
        child.return_value = value

    return configure


# Defaults of SocketMock methods, applied when the method's child mock is
# first made, so an unused method costs nothing and the user's configuration
# (made on that same child afterwards) wins.
_SOCKET_METHOD_DEFAULTS: dict[str, Callable[[Mock], None]] = {
    "send": _computed(_sent_length),
    "sendmsg": _computed(_sent_msg_length),
    "recv": _returns(b""),
    "recv_into": _returns(0),
    "gettimeout": _returns(0.0),
    "getblocking": _returns(False),
    "getsockname": _returns(_DEFAULT_SOCKNAME),
    "getpeername": _returns(_DEFAULT_PEERNAME),
    "getsockopt": _returns(0),
    "connect_ex": _returns(0),
    **{
        name: _returns(None)
        for name in (
            "sendall",
            "connect",
            "bind",
            "listen",
            "setblocking",
            "settimeout",
            "setsockopt",
            "shutdown",
            "close",
        )
    },
}


class SocketMock(FileMock):
    """A :class:`FileMock` with the spec of :class:`socket.socket`.

    ``isinstance(mock, socket.socket)`` is true, even while ``socket.socket``
    is patched (the real class is captured at import).  ``spec_set=True``
    makes the socket class the ``spec_set`` too; the other arguments are
    those of :class:`~unittest.mock.Mock`.

    Unconfigured methods behave like those of a connected, non-blocking TCP
    socket whose peer has nothing more to say:

    - ``send(data)`` returns ``len(data)`` (all sent) and ``sendmsg(buffers)``
      the total size, so ``loop.sock_sendall`` and transports finish;
    - ``recv(n)`` returns ``b""`` and ``recv_into(buf)`` returns ``0``: end of
      file, so a reader stops instead of waiting for a readiness event nobody
      will send;
    - ``gettimeout()`` returns ``0.0``, ``getblocking()`` ``False``,
      ``getsockname()`` ``("127.0.0.1", 54321)``, ``getpeername()``
      ``("127.0.0.1", 8080)``, ``getsockopt(...)`` and ``connect_ex(...)``
      ``0``;
    - ``sendall``, ``connect``, ``bind``, ``listen``, ``setblocking``,
      ``settimeout``, ``setsockopt``, ``shutdown``, ``close`` return ``None``;
    - ``family``, ``type`` and ``proto`` are ``AF_INET``, ``SOCK_STREAM``
      and ``0`` (taken from the wrapped object when ``wraps`` is given).

    Every default is ordinary Mock configuration made when the method is first
    used, so the Mock API overrides it: set ``return_value`` or
    ``side_effect`` (``send``'s default is a ``side_effect`` that yields to an
    explicit ``return_value``); ``reset_mock(return_value=True,
    side_effect=True)`` removes it.  No default is set on methods of a mock
    that ``wraps`` an object: the wrapped object answers.

    Example::

        >>> import socket
        >>> sock = SocketMock()
        >>> isinstance(sock, socket.socket)
        True
        >>> sock.send(b"hello"), sock.recv(1024)
        (5, b'')
        >>> sock.recv.side_effect = [b"data", BlockingIOError]
        >>> sock.recv(1024)
        b'data'
        >>> sock.send.return_value = 2
        >>> sock.send(b"hello")
        2
    """

    _ms_spec_class: ClassVar[type] = _SOCKET_CLASS

    def __init__(
        self,
        side_effect: Any = None,
        return_value: Any = DEFAULT,
        wraps: Any = None,
        name: Any = None,
        spec_set: Any = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        if spec_set is True:
            spec_set = self._ms_spec_class
        super().__init__(
            self._ms_spec_class,
            side_effect=side_effect,
            return_value=return_value,
            wraps=wraps,
            name=name,
            spec_set=spec_set,
            parent=parent,
            **kwargs,
        )
        configured = vars(self)  # attributes given as keyword arguments
        for attribute, value in _DEFAULT_ADDRESS_ATTRIBUTES.items():
            if attribute not in configured:
                setattr(self, attribute, getattr(wraps, attribute, value))

    def _get_child_mock(self, /, **kw: Any) -> Any:
        child = super()._get_child_mock(**kw)
        if kw.get("_new_parent") is self and kw.get("wraps") is None:
            configure = _SOCKET_METHOD_DEFAULTS.get(kw.get("_new_name", ""))
            if configure is not None:
                configure(child)
        return child


try:
    import ssl
except ImportError:  # pragma: no cover - only where Python is built without ssl
    pass
else:
    __all__ += ["SSLSocketMock"]

    class SSLSocketMock(SocketMock):
        """A :class:`SocketMock` with the spec of :class:`ssl.SSLSocket`.

        It has the same defaults as :class:`SocketMock`.  Defined only where
        :mod:`ssl` imports.  Note that asyncio's ``loop.sock_*`` methods
        refuse SSL sockets (``TypeError``), as they refuse real ones.

        Example::

            >>> import socket, ssl
            >>> sock = SSLSocketMock()
            >>> isinstance(sock, ssl.SSLSocket), isinstance(sock, socket.socket)
            (True, True)
        """

        _ms_spec_class: ClassVar[type] = ssl.SSLSocket
