"""Test doubles for network code: mock and in-memory sockets, virtual file
descriptors and selectors, for deterministic, fast tests of selector-based
servers and asyncio programs.

The whole public surface is re-exported here::

    >>> import mockselector
    >>> a, b = mockselector.socketpair()
    >>> a.sendall(b"ping")
    >>> b.recv(1024)
    b'ping'
"""

from ._core import DEFAULT_PATIENCE, set_patience
from ._expect import Expectation, UnexpectedWrite
from ._netconditions import Condition, NetworkStats
from ._trace import TraceEvent
from .aio import (
    EventLoopPolicy,
    TestSelectorEventLoop,
    assert_no_watchers,
    check_no_watchers,
    new_event_loop,
    set_read_ready,
    set_write_ready,
)
from .datagram import DatagramSocket
from .descriptors import FileDescriptor, Stalled, fd, isfilemock
from .mocks import FileMock, SocketMock
from .network import Connection, Network
from .selector import MockSelector, TestSelector
from .sockets import ListenSocket, MockSocket, socketpair
from .testcase import AsyncioTestCase

__all__ = [
    "DEFAULT_PATIENCE",
    "AsyncioTestCase",
    "Condition",
    "Connection",
    "DatagramSocket",
    "EventLoopPolicy",
    "Expectation",
    "FileDescriptor",
    "FileMock",
    "ListenSocket",
    "MockSelector",
    "MockSocket",
    "Network",
    "NetworkStats",
    "SocketMock",
    "Stalled",
    "TestSelector",
    "TestSelectorEventLoop",
    "TraceEvent",
    "UnexpectedWrite",
    "assert_no_watchers",
    "check_no_watchers",
    "fd",
    "isfilemock",
    "new_event_loop",
    "set_patience",
    "set_read_ready",
    "set_write_ready",
    "socketpair",
]

try:
    from .mocks import SSLSocketMock
    from .tls import TLSSocket, client_context, server_context, tls_pair
except ImportError:  # pragma: no cover - only where Python is built without ssl
    pass
else:
    __all__ += ["SSLSocketMock", "TLSSocket", "client_context", "server_context", "tls_pair"]

__version__ = "1.0.0.dev0"
