"""The mockselector 0.2 face of a socket: Mock call recording, paid for only where used.

A socket records its calls when its ``recording`` is on: a socket the test
made itself (``MockSocket(...)``, ``ListenSocket(...)``, the 0.2 objects,
which were Mocks) records by default, and the ends of an in-memory
connection record only when asked (``socketpair(record=True)``,
``new_connection(record=True)``, or ``sock.recording = True``).  What a
socket that does not record keeps is what is in flight, nothing more.

The class's methods are plain functions: a socket that does not record
pays nothing for the face.  A socket that starts recording gets, in its
``__dict__``, a :class:`BoundMethod` for each recorded method (a
``functools.partial``, so calling it is a C-level call), which shadows the
class's and serves the Mock API.  A :class:`Recorder`
keeps the calls: those of ``send``, ``sendall`` and ``sendmsg`` as a few
bytes each in an int array next to the bytes they sent (a call that passed
more than it sent keeps the rest too: what it was called with), the others
as ``(name, args, kwargs)``.  The Mock API (``call_args_list``,
``assert_called_once_with``, ...) is served by a Mock built from those
records when one of its attributes is read; setting one (``side_effect``,
``return_value``) replaces the method of that socket by a Mock that wraps it.
"""

from __future__ import annotations

import array
import functools
from typing import Any, Callable, cast
from unittest import mock

from . import _core

_Calls = list[tuple[tuple[Any, ...], dict[str, Any]]]

# send / sendall / sendmsg calls are logged as ``count << 2 | method``.
SEND, SENDALL, SENDMSG = range(3)
DATA_METHODS = {"send": SEND, "sendall": SENDALL, "sendmsg": SENDMSG}


class Recorder:
    """The calls a recording socket was made: what the test asked to keep."""

    __slots__ = ("calls", "extra", "log", "sent")

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.sent = bytearray()  # every byte sent, in order
        self.log: array.array[int] = array.array("q")  # a data call: count << 2 | method
        # What a data call passed but did not send, and non-default arguments,
        # by the call's index; a method name -> the first index still reported.
        self.extra: dict[Any, Any] = {}

    def record(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.calls.append((name, args, kwargs))

    def log_send(self, method: int, chunk: Any, rest: Any = b"", flags: int = 0,
                 detail: Any = None) -> None:
        """Log a data call that sent ``chunk`` and left ``rest`` (holding the lock)."""
        if rest or flags or detail is not None:
            self.extra[len(self.log)] = (bytes(rest), flags, detail)
        self.sent += chunk
        self.log.append(len(chunk) << 2 | method)

    def calls_of(self, name: str) -> _Calls:
        method = DATA_METHODS.get(name)
        first = self.extra.get(name, 0)
        if method is None:
            named = [(args, kwargs) for n, args, kwargs in self.calls if n == name]
            return named[first:]
        calls: _Calls = []
        offset = 0
        for index, entry in enumerate(self.log):
            count = entry >> 2
            if entry & 3 == method and index >= first:
                rest, flags, detail = self.extra.get(index, (b"", 0, None))
                data = bytes(self.sent[offset:offset + count]) + rest
                if method == SENDMSG:
                    buffers, start = [], 0
                    for length in detail or (len(data),):
                        buffers.append(data[start:start + length])
                        start += length
                    args: tuple[Any, ...] = (buffers, [], flags) if flags else (buffers,)
                else:
                    args = (data, flags) if flags else (data,)
                calls.append((args, {}))
            offset += count
        return calls

    def forget(self, name: str) -> None:
        if name in DATA_METHODS:
            self.extra[name] = len(self.log)
        else:
            self.extra[name] = sum(1 for call in self.calls if call[0] == name)


def recorder_of(sock: Any) -> Recorder:
    """The recorder of ``sock``, or a ``RuntimeError`` saying how to turn recording on."""
    recorder = sock._recorder
    if recorder is None:
        raise RuntimeError(
            f"{sock!r} does not record its calls, so it keeps no call list nor .sent: "
            "make it with record=True (socketpair(record=True), "
            "new_connection(record=True)) or set sock.recording = True before the calls"
        )
    return cast(Recorder, recorder)


class BoundMethod(functools.partial):  # type: ignore[type-arg]
    """A recorded method bound to its socket: call it, or read the Mock API from it.

    Example::

        >>> from mockselector import MockSocket
        >>> sock = MockSocket()
        >>> sock.close()
        >>> sock.close.assert_called_once_with()
        >>> sock.close.call_count
        1
    """

    __slots__ = ()

    def _as_mock(self) -> mock.Mock:
        sock, name = self.args[0], self.func.__name__
        with _core.lock:
            calls = recorder_of(sock).calls_of(name)
        return replay(f"{type(sock).__name__}.{name}", calls)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr == "reset_mock":
            return self._reset_mock
        return getattr(self._as_mock(), attr)

    def _reset_mock(self, *args: Any, **kwargs: Any) -> None:
        sock = self.args[0]
        with _core.lock:
            recorder_of(sock).forget(self.func.__name__)

    def __setattr__(self, attr: str, value: Any) -> None:
        sock, name = self.args[0], self.func.__name__
        if attr.startswith("__"):
            raise AttributeError(f"cannot set {attr!r} on {self!r}")
        wrapped = functools.partial(recorded_methods(type(sock))[name], sock)
        with _core.lock:
            recorder = sock._recorder
            calls = recorder.calls_of(name) if recorder is not None else []
        replacement = replay(f"{type(sock).__name__}.{name}", calls, wraps=wrapped)
        setattr(replacement, attr, value)
        sock.__dict__[name] = replacement

    def __repr__(self) -> str:
        return f"<recorded method {self.func.__name__} of {self.args[0]!r}>"


def replay(name: str, calls: _Calls, wraps: Any = None) -> mock.Mock:
    """A Mock whose call history is ``calls``, optionally wrapping a method."""
    history = mock.Mock(name=name)
    for args, kwargs in calls:
        history(*args, **kwargs)
    if wraps is None:
        return history
    replacement = mock.Mock(name=name, wraps=wraps)
    replacement.called = history.called
    replacement.call_count = history.call_count
    replacement.call_args = history.call_args
    replacement.call_args_list = history.call_args_list
    replacement.mock_calls = history.mock_calls
    return replacement


def recorded(raw: Callable[..., Any]) -> Any:
    """Mark a socket method whose calls a recording socket records (as ``(name, args)``)."""
    raw.__recorded__ = False  # type: ignore[attr-defined]
    return raw


def recorded_itself(raw: Callable[..., Any]) -> Any:
    """Mark a data method (send, recv, ...), which records its calls itself when recording."""
    raw.__recorded__ = True  # type: ignore[attr-defined]
    return raw


_methods_of: dict[type, dict[str, Callable[..., Any]]] = {}


def recorded_methods(cls: type) -> dict[str, Callable[..., Any]]:
    """The recorded methods of a socket class, by name (found once per class)."""
    methods = _methods_of.get(cls)
    if methods is None:
        methods = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if callable(value) and hasattr(value, "__recorded__"):
                    methods[name] = value
                elif name in methods:
                    del methods[name]
        _methods_of[cls] = methods
    return methods


def _record_call(raw: Callable[..., Any]) -> Callable[..., Any]:
    name = raw.__name__

    @functools.wraps(raw)
    def record(sock: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = sock._recorder
        if recorder is not None:
            with _core.lock:
                recorder.calls.append((name, args, kwargs))
        return raw(sock, *args, **kwargs)

    return record


_wrappers: dict[Callable[..., Any], Callable[..., Any]] = {}


def install(sock: Any) -> None:
    """Give a socket that starts recording the Mock face of its recorded methods.

    Each recorded method gets a :class:`BoundMethod` in the socket's
    ``__dict__``, which shadows the plain method of the class: sockets that
    do not record never pay for it.
    """
    cached = sock.__dict__
    for name, raw in recorded_methods(type(sock)).items():
        if name in cached:
            continue  # replaced by the test (a Mock): leave it
        func = raw
        if not raw.__recorded__:  # type: ignore[attr-defined]
            func = _wrappers.get(raw) or _wrappers.setdefault(raw, _record_call(raw))
        cached[name] = BoundMethod(func, sock)


def uninstall(sock: Any) -> None:
    """Remove the Mock face (a socket that stops recording, or is closed)."""
    cached = sock.__dict__
    for name in [name for name, value in cached.items() if type(value) is BoundMethod]:
        del cached[name]
