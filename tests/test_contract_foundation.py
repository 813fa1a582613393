"""Black-box tests of the foundation's public contract.

Written from the issues, DESIGN.md and the documented behaviour of the two
predecessors (``asynctest.selector`` 0.13, ``mockselector`` 0.2.3), using the
public API only: virtual descriptors, the Mock doubles, ``TestSelector`` and
the scripted ``MockSelector``.
"""

from __future__ import annotations

import asyncio
import copy
import os
import pickle
import selectors
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any
from unittest import mock

import pytest

import mockselector
from mockselector import (
    FileDescriptor,
    FileMock,
    ListenSocket,
    MockSelector,
    MockSocket,
    SocketMock,
    SSLSocketMock,
    Stalled,
    TestSelector,
    fd,
    isfilemock,
    socketpair,
)

RW = EVENT_READ | EVENT_WRITE


@pytest.fixture
def real_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    with a, b:
        yield a, b


def events_by_data(ready: list[tuple[selectors.SelectorKey, int]]) -> dict[Any, int]:
    return {key.data: events for key, events in ready}


# -- FileDescriptor ------------------------------------------------------------------


def test_descriptor_without_value_takes_next_fd_and_advances_it() -> None:
    FileDescriptor.next_fd = 0
    assert (FileDescriptor(), FileDescriptor()) == (0, 1)
    assert FileDescriptor.next_fd == 2


def test_descriptor_with_value_takes_it_and_moves_next_fd_past_it() -> None:
    FileDescriptor.next_fd = 0
    assert FileDescriptor(5) == 5
    assert FileDescriptor() == 6


def test_descriptor_with_a_lower_value_still_advances_next_fd_by_one() -> None:
    FileDescriptor.next_fd = 10
    assert FileDescriptor(3) == 3
    assert FileDescriptor.next_fd == 11


def test_descriptor_is_an_int_equal_to_its_value() -> None:
    descriptor = FileDescriptor(12)
    assert isinstance(descriptor, int)
    assert descriptor == 12 and int(descriptor) == 12 and descriptor + 1 == 13


def test_descriptor_prints_as_its_number() -> None:
    descriptor = FileDescriptor(12)
    assert (str(descriptor), f"{descriptor}", "%s" % (descriptor,)) == ("12", "12", "12")  # noqa: UP031


def test_descriptor_hash_differs_from_the_plain_int() -> None:
    assert hash(FileDescriptor(4)) != hash(4)


def test_virtual_and_real_descriptor_of_one_number_are_distinct_keys() -> None:
    table = {4: "real", FileDescriptor(4): "virtual"}
    assert len(table) == 2
    assert (table[4], table[FileDescriptor(4)]) == ("real", "virtual")


def test_descriptor_survives_pickle_and_copy() -> None:
    descriptor = FileDescriptor(9)
    for clone in (pickle.loads(pickle.dumps(descriptor)), copy.copy(descriptor)):
        assert type(clone) is FileDescriptor and clone == 9


def test_concurrent_allocation_never_repeats_a_descriptor() -> None:
    made: list[FileDescriptor] = []
    lock = threading.Lock()

    def allocate() -> None:
        mine = [FileDescriptor() for _ in range(500)]
        with lock:
            made.extend(mine)

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(map(int, made))) == 4000


# -- fd() and isfilemock() ------------------------------------------------------------


def test_fd_returns_a_descriptor_as_is() -> None:
    descriptor = FileDescriptor()
    assert fd(descriptor) is descriptor


def test_fd_returns_fileno_of_a_mock_and_of_a_real_socket(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    mock_file = FileMock()
    assert fd(mock_file) is mock_file.fileno()
    assert fd(real_pair[0]) == real_pair[0].fileno()


@pytest.mark.parametrize("value", [3, None, "3", object(), 3.0])
def test_fd_of_anything_else_raises_value_error_naming_it(value: Any) -> None:
    with pytest.raises(ValueError) as info:
        fd(value)
    assert repr(value) in str(info.value)


def test_isfilemock_is_true_for_descriptors_and_doubles() -> None:
    assert isfilemock(FileDescriptor())
    assert isfilemock(FileMock()) and isfilemock(SocketMock()) and isfilemock(SSLSocketMock())
    assert isfilemock(socketpair()[0])


@pytest.mark.parametrize("value", [3, None, object(), mock.Mock(), mock.MagicMock()])
def test_isfilemock_is_false_for_anything_else(value: Any) -> None:
    assert not isfilemock(value)


def test_isfilemock_is_false_for_a_real_socket(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    assert not isfilemock(real_pair[0])


# -- FileMock ----------------------------------------------------------------------------


def test_file_mock_fileno_is_always_the_same_new_descriptor() -> None:
    FileDescriptor.next_fd = 40
    first, second = FileMock(), FileMock()
    assert first.fileno() == 40 and second.fileno() == 41
    assert first.fileno() is first.fileno()
    assert isinstance(first.fileno(), FileDescriptor)


def test_file_mock_children_are_plain_mocks_without_descriptor() -> None:
    file_mock = FileMock()
    next_fd = FileDescriptor.next_fd
    for child in (file_mock.read, file_mock.read(), file_mock()):
        assert isinstance(child, mock.Mock) and not isinstance(child, FileMock)
        assert not isinstance(child.fileno(), FileDescriptor)
    assert FileDescriptor.next_fd == next_fd


def test_file_mock_takes_mock_arguments() -> None:
    with open(os.devnull) as devnull:
        spec_mock = FileMock(spec=devnull)
    with pytest.raises(AttributeError):
        spec_mock.no_such_method  # noqa: B018
    configured = FileMock(name="log", **{"read.return_value": b"data"})
    assert configured.read() == b"data"
    assert "log" in repr(configured)


def test_file_mock_is_a_mock() -> None:
    assert isinstance(FileMock(), mock.Mock)


# -- SocketMock / SSLSocketMock --------------------------------------------------------------


def test_socket_mock_is_a_socket_and_a_file_mock() -> None:
    sock = SocketMock()
    assert isinstance(sock, socket.socket) and isinstance(sock, FileMock)
    assert isinstance(sock.fileno(), FileDescriptor)


def test_socket_mock_is_a_socket_while_socket_socket_is_patched() -> None:
    real_class = socket.socket
    with mock.patch("socket.socket"):
        sock = SocketMock()
    assert isinstance(sock, real_class)


def test_socket_mock_refuses_attributes_a_socket_lacks() -> None:
    with pytest.raises(AttributeError):
        SocketMock().no_such_method  # noqa: B018


def test_socket_mock_spec_set_refuses_new_attributes() -> None:
    sock = SocketMock(spec_set=True)
    with pytest.raises(AttributeError):
        sock.no_such_attribute = 1


def test_socket_mock_takes_its_documented_keyword_arguments() -> None:
    parent = mock.Mock()
    sock = SocketMock(side_effect=None, return_value=mock.DEFAULT, wraps=None, name="client",
                      spec_set=None, parent=parent)
    sock.send(b"x")
    assert parent.method_calls == [mock.call.client.send(b"x")]


def test_unconfigured_socket_mock_sends_everything() -> None:
    sock = SocketMock()
    assert sock.send(b"hello") == 5
    assert sock.sendall(b"hello") is None


def test_unconfigured_socket_mock_reads_end_of_file() -> None:
    assert SocketMock().recv(1024) == b""


def test_unconfigured_socket_mock_describes_a_tcp_socket() -> None:
    sock = SocketMock()
    assert (sock.family, sock.type, sock.proto) == (socket.AF_INET, socket.SOCK_STREAM, 0)
    assert sock.gettimeout() == 0.0 and sock.getblocking() is False


def test_socket_mock_configuration_overrides_the_defaults() -> None:
    sock = SocketMock(**{"recv.return_value": b"data", "send.return_value": 1})
    assert sock.recv(10) == b"data"
    assert sock.send(b"hello") == 1
    sock.send.side_effect = BlockingIOError
    with pytest.raises(BlockingIOError):
        sock.send(b"hello")


def test_socket_mock_records_calls() -> None:
    sock = SocketMock()
    sock.send(b"foo")
    sock.send(b"bar")
    assert sock.send.call_args_list == [((b"foo",),), ((b"bar",),)]


def test_loop_sock_sendall_finishes_with_an_unconfigured_socket_mock() -> None:
    async def main() -> SocketMock:
        sock = SocketMock()
        await asyncio.wait_for(asyncio.get_running_loop().sock_sendall(sock, b"x" * 100_000), 5)
        return sock

    sock = asyncio.run(main())
    assert sock.send.call_count == 1


def test_ssl_socket_mock_is_an_ssl_socket_and_a_socket_mock() -> None:
    sock = SSLSocketMock()
    assert isinstance(sock, ssl.SSLSocket) and isinstance(sock, SocketMock)
    assert isinstance(sock, socket.socket)
    assert sock.send(b"abc") == 3
    assert isinstance(sock.fileno(), FileDescriptor)


# -- TestSelector: the BaseSelector contract --------------------------------------------------


def test_test_selector_is_a_base_selector() -> None:
    assert isinstance(TestSelector(), selectors.BaseSelector)


def test_register_returns_the_key_found_by_get_key_and_get_map() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ, "data")
    assert key == (sock, sock.fileno(), EVENT_READ, "data")
    assert sel.get_key(sock) == key == sel.get_map()[sock]
    assert sock in sel.get_map() and sock.fileno() in sel.get_map()


def test_a_virtual_and_a_real_descriptor_of_one_number_register_side_by_side(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    real = real_pair[0]
    virtual = FileDescriptor(real.fileno())
    with TestSelector(selectors.DefaultSelector()) as sel:
        sel.register(real, EVENT_READ, "real")
        sel.register(virtual, EVENT_READ, "virtual")
        assert len(sel.get_map()) == 2
        assert sel.get_key(real).data == "real" and sel.get_key(virtual).data == "virtual"


def test_register_twice_raises_key_error_naming_the_object() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.register(sock, EVENT_READ)
    with pytest.raises(KeyError, match=r"SocketMock.*already registered"):
        sel.register(sock, EVENT_WRITE)


@pytest.mark.parametrize("events", [0, 4, -1, 1 << 8])
def test_register_with_a_bad_event_mask_raises_value_error_naming_the_object(events: int) -> None:
    with pytest.raises(ValueError, match="SocketMock"):
        TestSelector().register(SocketMock(), events)


def test_modify_with_a_bad_event_mask_raises_value_error_and_keeps_the_key() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    with pytest.raises(ValueError, match="SocketMock"):
        sel.modify(sock, 0)
    assert sel.get_key(sock) == key


@pytest.mark.parametrize("method", ["unregister", "get_key"])
def test_unknown_object_raises_key_error_naming_it(method: str) -> None:
    with pytest.raises(KeyError, match=r"SocketMock.*not registered"):
        getattr(TestSelector(), method)(SocketMock())


def test_modify_of_an_unknown_object_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match=r"SocketMock.*not registered"):
        TestSelector().modify(SocketMock(), EVENT_READ)


@pytest.mark.parametrize("fileobj", [object(), -1, "x"])
def test_register_of_an_invalid_file_object_raises_value_error(fileobj: Any) -> None:
    with pytest.raises(ValueError):
        TestSelector().register(fileobj, EVENT_READ)


def test_modify_changes_events_and_data() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.register(sock, EVENT_READ, "old")
    key = sel.modify(sock, RW, "new")
    assert (key.events, key.data) == (RW, "new") and sel.get_key(sock) == key


def test_unregister_removes_the_object_and_returns_its_key() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    assert sel.unregister(sock) == key
    assert sock not in sel.get_map() and len(sel.get_map()) == 0


def test_closed_selector_raises_runtime_error_naming_it() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.close()
    assert sel.get_map() is None
    for call in (sel.select, lambda: sel.register(sock, EVENT_READ), lambda: sel.get_key(sock),
                 lambda: sel.set_read_ready(sock)):
        with pytest.raises(RuntimeError):
            call()
    for call in (sel.select, lambda: sel.get_key(sock)):
        with pytest.raises(RuntimeError, match="TestSelector"):
            call()


def test_close_twice_is_harmless() -> None:
    sel = TestSelector()
    sel.close()
    sel.close()


def test_context_manager_closes_the_selector_and_the_wrapped_one() -> None:
    inner = selectors.DefaultSelector()
    with TestSelector(inner) as sel:
        assert isinstance(sel, TestSelector)
    assert sel.get_map() is None and inner.get_map() is None


def test_select_takes_timeout_as_keyword() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    assert sel.select(timeout=0) == [(key, EVENT_READ)]


# -- TestSelector: readiness told from outside ----------------------------------------------


def test_set_read_ready_is_reported_by_the_next_select_only() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, RW)
    sel.set_read_ready(sock)
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == []


def test_set_write_ready_is_reported_by_the_next_select_only() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, RW)
    sel.set_write_ready(sock)
    assert sel.select() == [(key, EVENT_WRITE)]
    assert sel.select() == []


def test_read_and_write_ready_are_reported_together_in_one_entry() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, RW)
    sel.set_read_ready(sock)
    sel.set_write_ready(sock)
    assert sel.select() == [(key, RW)]


def test_set_ready_twice_is_reported_once() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    sel.set_read_ready(sock)
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == []


def test_set_ready_is_masked_by_the_registered_events() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_write_ready(sock)
    assert sel.select() == []


def test_set_ready_is_masked_by_the_events_registered_when_select_runs() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.register(sock, RW)
    sel.set_read_ready(sock)
    key = sel.modify(sock, EVENT_WRITE)
    sel.set_write_ready(sock)
    assert sel.select() == [(key, EVENT_WRITE)]


def test_set_ready_is_forgotten_when_the_object_is_unregistered() -> None:
    sel, sock = TestSelector(), SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    sel.unregister(sock)
    sel.register(sock, EVENT_READ)
    assert sel.select() == []


@pytest.mark.parametrize("method", ["set_read_ready", "set_write_ready"])
def test_set_ready_of_an_unregistered_object_raises_key_error_saying_so(method: str) -> None:
    sel = TestSelector()
    with pytest.raises(KeyError, match=r"SocketMock.*not registered.*register it"):
        getattr(sel, method)(SocketMock())


def test_set_ready_accepts_the_descriptor_of_a_registered_mock() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock.fileno())
    assert sel.select() == [(key, EVENT_READ)]


def test_set_ready_of_a_real_object_registered_in_a_bare_selector_is_reported(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    sel = TestSelector()
    key = sel.register(real_pair[0], EVENT_READ)
    sel.set_read_ready(real_pair[0])
    assert sel.select() == [(key, EVENT_READ)]


def test_set_ready_from_another_thread_ends_a_select_loop() -> None:
    sel, sock = TestSelector(), SocketMock()
    key = sel.register(sock, EVENT_READ)
    timer = threading.Timer(0.05, sel.set_read_ready, (sock,))
    timer.start()
    ready: list[Any] = []
    while not ready:
        ready = sel.select()
    timer.join()
    assert ready == [(key, EVENT_READ)]


# -- TestSelector: in-memory sockets report themselves ---------------------------------------


def test_in_memory_socket_is_readable_while_data_waits() -> None:
    a, b = socketpair()
    sel = TestSelector()
    key = sel.register(b, EVENT_READ)
    assert sel.select(timeout=0) == []
    a.sendall(b"ping")
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == [(key, EVENT_READ)]  # level-triggered
    assert b.recv(10) == b"ping"
    assert sel.select(timeout=0) == []


def test_in_memory_socket_is_writable_at_once() -> None:
    a, _ = socketpair()
    sel = TestSelector()
    key = sel.register(a, RW)
    assert sel.select() == [(key, EVENT_WRITE)]


def test_in_memory_socket_registered_by_descriptor_reports_readiness() -> None:
    a, b = socketpair()
    sel = TestSelector()
    key = sel.register(b.fileno(), EVENT_READ)
    a.sendall(b"x")
    assert sel.select() == [(key, EVENT_READ)]


def test_an_object_whose_fileno_is_an_in_memory_socket_reports_its_readiness() -> None:
    class Server:
        def __init__(self, sock: Any) -> None:
            self.socket = sock

        def fileno(self) -> int:
            return self.socket.fileno()  # type: ignore[no-any-return]

    a, b = socketpair()
    server = Server(b)
    sel = TestSelector()
    key = sel.register(server, EVENT_READ)
    a.sendall(b"x")
    assert sel.select() == [(key, EVENT_READ)]


def test_socketserver_handles_a_connection_on_a_listen_socket() -> None:
    class Upper(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.sendall(self.request.recv(100).upper())

    listener = ListenSocket()
    with mock.patch("socket.socket", return_value=listener), \
            mock.patch("socketserver._ServerSelector", TestSelector):
        server = socketserver.TCPServer(("127.0.0.1", 0), Upper)
    with server:
        client = listener.new_connection()
        client.sendall(b"hello")
        server.handle_request()
        assert client.recv(100) == b"HELLO"


def test_ready_mock_and_ready_in_memory_socket_are_reported_together() -> None:
    a, b = socketpair()
    sock = SocketMock()
    sel = TestSelector()
    sel.register(b, EVENT_READ, "memory")
    sel.register(sock, EVENT_READ, "mock")
    a.sendall(b"x")
    sel.set_read_ready(sock)
    assert events_by_data(sel.select()) == {"memory": EVENT_READ, "mock": EVENT_READ}


# -- TestSelector: a wrapped selector for real objects ---------------------------------------


def test_real_objects_go_to_the_wrapped_selector_and_mocks_stay(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    inner = selectors.DefaultSelector()
    with TestSelector(inner) as sel:
        sel.register(real_pair[0], EVENT_READ, "real")
        sel.register(SocketMock(), EVENT_READ, "mock")
        assert [key.data for key in inner.get_map().values()] == ["real"]
        assert sorted(key.data for key in sel.get_map().values()) == ["mock", "real"]


def test_select_merges_real_and_virtual_events(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = real_pair
    sock = SocketMock()
    with TestSelector(selectors.DefaultSelector()) as sel:
        sel.register(a, EVENT_READ, "real")
        sel.register(sock, EVENT_READ, "mock")
        b.sendall(b"x")
        sel.set_read_ready(sock)
        assert events_by_data(sel.select(timeout=5)) == {"real": EVENT_READ, "mock": EVENT_READ}


def test_select_waits_on_real_objects_for_the_timeout(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    with TestSelector(selectors.DefaultSelector()) as sel:
        sel.register(real_pair[0], EVENT_READ, "real")
        threading.Timer(0.05, real_pair[1].sendall, (b"x",)).start()
        assert events_by_data(sel.select(timeout=10)) == {"real": EVENT_READ}


def test_wrapped_selector_keys_are_adopted(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    inner = selectors.DefaultSelector()
    key = inner.register(real_pair[0], EVENT_READ, "pipe")
    with TestSelector(inner) as sel:
        assert sel.get_key(real_pair[0]) == key


def test_a_stock_loop_whose_selector_is_wrapped_runs_a_reader_made_ready() -> None:
    loop = asyncio.new_event_loop()
    try:
        loop._selector = TestSelector(loop._selector)  # type: ignore[attr-defined]
        file_mock = FileMock()
        done = loop.create_future()
        loop.add_reader(file_mock, done.set_result, "read")
        loop._selector.set_read_ready(file_mock)  # type: ignore[attr-defined]
        assert loop.run_until_complete(asyncio.wait_for(done, 5)) == "read"
        assert loop.remove_reader(file_mock)
    finally:
        loop.close()


# The tests asynctest ran against a TestSelector wrapping a Mock(BaseSelector).


@pytest.fixture
def mock_inner() -> mock.Mock:
    return mock.Mock(selectors.BaseSelector)


def test_mock_wrapped_register_of_a_real_file_forwards_it(mock_inner: mock.Mock) -> None:
    with open(os.devnull) as devnull:
        mock_inner.register.return_value = selectors.SelectorKey(
            devnull, devnull.fileno(), EVENT_READ, "data")
        sel = TestSelector(mock_inner)
        key = sel.register(devnull, EVENT_READ, "data")
        assert sel.get_map()[devnull] == key
        mock_inner.register.assert_called_with(devnull, EVENT_READ, "data")
        mock_inner.unregister.return_value = key
        sel.unregister(devnull)
        assert devnull not in sel.get_map() and devnull.fileno() not in sel.get_map()


def test_mock_wrapped_register_returns_the_key_it_keeps(mock_inner: mock.Mock) -> None:
    sel = TestSelector(mock_inner)
    key = sel.register(1, EVENT_READ, "data")
    assert key == sel.get_map()[1] == (1, 1, EVENT_READ, "data")


def test_mock_wrapped_modify_of_a_descriptor_number_forwards_it(mock_inner: mock.Mock) -> None:
    sel = TestSelector(mock_inner)
    sel.register(1, EVENT_READ, "data")
    mock_inner.modify.return_value = selectors.SelectorKey(1, 1, EVENT_READ, "data2")
    key = sel.modify(1, EVENT_READ, "data2")
    assert key.data == "data2" and sel.get_map()[1] == key
    mock_inner.modify.assert_called_with(1, EVENT_READ, "data2")


def test_mock_wrapped_failed_modify_leaves_the_object_unregistered(mock_inner: mock.Mock) -> None:
    mock_inner.modify.side_effect = failure = RuntimeError()
    with open(os.devnull) as devnull:
        sel = TestSelector(mock_inner)
        sel.register(devnull, EVENT_READ, "data")
        with pytest.raises(RuntimeError) as info:
            sel.modify(devnull, EVENT_READ, "data2")
        assert info.value is failure and devnull not in sel.get_map()


def test_mock_wrapped_select_forwards_timeout_and_result(mock_inner: mock.Mock) -> None:
    mock_inner.select.return_value = ["ProbeValue"]
    sel = TestSelector(mock_inner)
    assert sel.select(5) == ["ProbeValue"]
    mock_inner.select.assert_called_with(5)


def test_mock_wrapped_mocks_are_not_forwarded(mock_inner: mock.Mock) -> None:
    sel, file_mock = TestSelector(mock_inner), FileMock()
    key = sel.register(file_mock, EVENT_READ, "data")
    sel.modify(file_mock, RW)
    sel.unregister(file_mock)
    assert key.fileobj is file_mock
    mock_inner.register.assert_not_called()
    mock_inner.modify.assert_not_called()
    mock_inner.unregister.assert_not_called()


def test_mock_wrapped_close_closes_it(mock_inner: mock.Mock) -> None:
    TestSelector(mock_inner).close()
    mock_inner.close.assert_called_once_with()


def test_mock_wrapped_selector_that_keeps_finding_nothing_stalls(mock_inner: mock.Mock) -> None:
    mock_inner.select.return_value = []
    sel = TestSelector(mock_inner, stall_limit=2)
    sel.register(SocketMock(), EVENT_READ)
    assert [sel.select(), sel.select(timeout=1)] == [[], []]
    with pytest.raises(Stalled):
        sel.select()


def test_wrapped_real_selector_holding_nothing_never_blocks() -> None:
    with TestSelector(selector=selectors.DefaultSelector(), stall_limit=2) as sel:
        sel.register(SocketMock(), EVENT_READ)
        assert sel.select(timeout=None) == []  # returns at once instead of hanging
        assert sel.select(timeout=None) == []
        with pytest.raises(Stalled):
            sel.select(timeout=None)


# -- scale and threads ----------------------------------------------------------------------


def _calls_per_select(registered: int) -> int:
    """Python-level calls made by one select() with ``registered`` idle objects and 1 ready.

    A count, not a time: the same on a busy machine (the time is in bench/).
    """
    sel = TestSelector()
    for _ in range(registered):
        sel.register(socketpair()[1], EVENT_READ)
        sel.register(SocketMock(), EVENT_READ)
    a, b = socketpair()
    sel.register(b, EVENT_READ)
    a.sendall(b"ready")
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        ready = sel.select()
    finally:
        sys.setprofile(None)
    assert [key.fileobj for key, _ in ready] == [b]
    return calls


def test_select_costs_the_ready_events_not_the_registered_objects() -> None:
    assert _calls_per_select(2000) == _calls_per_select(2)


def test_threads_may_register_make_ready_and_unregister_concurrently() -> None:
    sel = TestSelector()
    reported: list[Any] = []

    def worker(name: int) -> None:
        for step in range(200):
            sock = SocketMock()
            sel.register(sock, EVENT_READ, (name, step))
            sel.set_read_ready(sock)
            reported.extend(key.data for key, _ in sel.select())
            sel.unregister(sock)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sel.get_map()) == 0
    assert len(reported) == len(set(reported)) <= 6 * 200  # each event reported once at most


# -- Stalled -----------------------------------------------------------------------------


def test_stalled_is_a_base_exception_not_an_exception() -> None:
    assert issubclass(Stalled, BaseException) and not issubclass(Stalled, Exception)


def test_empty_selects_return_nothing_then_raise_stalled() -> None:
    sel = TestSelector(stall_limit=3)
    sel.register(SocketMock(), EVENT_READ)
    assert [sel.select(), sel.select(timeout=10), sel.select(timeout=None)] == [[], [], []]
    with pytest.raises(Stalled):
        sel.select(timeout=10)


def test_default_stall_limit_is_bounded() -> None:
    sel = TestSelector()
    with pytest.raises(Stalled):
        for _ in range(100_000):
            sel.select()


def test_an_event_resets_the_run_of_empty_selects() -> None:
    sel, sock = TestSelector(stall_limit=2), SocketMock()
    sel.register(sock, EVENT_READ)
    for _ in range(5):
        assert sel.select() == []
        sel.set_read_ready(sock)
        assert sel.select() != []


def test_stalled_message_names_what_is_registered_and_what_it_waits_for() -> None:
    sel, sock = TestSelector(stall_limit=0), SocketMock(name="the-client")
    a, b = socketpair()
    sel.register(sock, EVENT_READ)
    sel.register(b, EVENT_WRITE | EVENT_READ)
    b.setblocking(False)
    while True:  # fill the send window: b is then neither readable nor writable
        try:
            b.send(b"x" * 65536)
        except BlockingIOError:
            break
    with pytest.raises(Stalled) as info:
        sel.select()
    message = str(info.value)
    assert "the-client" in message and "EVENT_READ" in message
    assert repr(b) in message and "EVENT_WRITE" in message
    assert "set_read_ready" in message
    assert info.value.selector is sel
    del a


def test_stalled_message_says_when_nothing_is_registered() -> None:
    with pytest.raises(Stalled, match="Nothing is registered"):
        TestSelector(stall_limit=0).select()


def test_stall_limit_may_be_changed_on_a_selector() -> None:
    sel = TestSelector()
    sel.stall_limit = 1
    sel.select()
    with pytest.raises(Stalled, match="stall_limit=1"):
        sel.select()


def test_with_selector_swallows_its_own_stalled_and_closes() -> None:
    with TestSelector(stall_limit=1) as sel:
        while True:
            sel.select()
    assert sel.get_map() is None


def test_with_selector_lets_another_selectors_stalled_through() -> None:
    other = TestSelector(stall_limit=0)
    with pytest.raises(Stalled), TestSelector():
        other.select()


def test_with_selector_lets_other_exceptions_through() -> None:
    with pytest.raises(ZeroDivisionError), TestSelector():
        1 / 0  # noqa: B018


def test_except_exception_does_not_swallow_stalled() -> None:
    sel = TestSelector(stall_limit=0)
    with pytest.raises(Stalled):
        try:
            sel.select()
        except Exception:  # what a server loop does
            pytest.fail("Stalled was caught by except Exception")


@pytest.mark.parametrize("limit", [-1, 1.5, "3"])
def test_bad_stall_limit_raises_value_error(limit: Any) -> None:
    with pytest.raises(ValueError, match="stall_limit"):
        TestSelector(stall_limit=limit)


# -- MockSelector ------------------------------------------------------------------------


def play(sel: MockSelector) -> list[list[tuple[Any, int]]]:
    steps = []
    with sel:
        while True:
            steps.append([(key.data, events) for key, events in sel.select()])
    return steps


def test_mock_selector_is_a_base_selector() -> None:
    assert isinstance(MockSelector(), selectors.BaseSelector)


def test_mock_selector_plays_objects_pairs_and_groups() -> None:
    a, b = MockSocket(), MockSocket()
    sel = MockSelector([a, (b, EVENT_WRITE), (a, b), [(a, RW), (b, EVENT_READ)], []])
    sel.register(a, RW, "a")
    sel.register(b, RW, "b")
    assert play(sel) == [
        [("a", EVENT_READ)],
        [("b", EVENT_WRITE)],
        [("a", EVENT_READ), ("b", EVENT_READ)],
        [("a", RW), ("b", EVENT_READ)],
        [],
    ]


def test_mock_selector_plays_mocks_and_listen_sockets() -> None:
    file_mock, listener = FileMock(), ListenSocket()
    sel = MockSelector([file_mock, listener])
    sel.register(file_mock, EVENT_READ, "file")
    sel.register(listener, EVENT_READ, "listener")
    assert play(sel) == [[("file", EVENT_READ)], [("listener", EVENT_READ)]]


def test_mock_selector_select_takes_timeout_keyword() -> None:
    sock = MockSocket()
    sel = MockSelector([sock])
    key = sel.register(sock, EVENT_READ)
    assert sel.select(timeout=0.5) == [(key, EVENT_READ)]


def test_mock_selector_without_script_ends_at_once() -> None:
    with pytest.raises(MockSelector.EndException):
        MockSelector().select()
    with pytest.raises(MockSelector.EndException):
        MockSelector(events=None).select()


def test_end_exception_is_a_base_exception_carrying_the_selector() -> None:
    sel = MockSelector([])
    with pytest.raises(MockSelector.EndException) as info:
        sel.select()
    assert not isinstance(info.value, Exception)
    assert info.value.args[0] is sel


def test_with_mock_selector_swallows_its_own_end_exception_only() -> None:
    other = MockSelector([])
    with pytest.raises(MockSelector.EndException), MockSelector([]):
        other.select()
    with MockSelector([]) as sel:
        sel.select()
    assert sel.get_map() is None


def test_with_mock_selector_lets_a_test_selectors_stalled_through() -> None:
    with pytest.raises(Stalled), MockSelector([]):
        TestSelector(stall_limit=0).select()


def test_mock_selector_script_naming_an_unregistered_object_says_so() -> None:
    sock = MockSocket()
    with pytest.raises(KeyError, match="not registered"):
        MockSelector([sock]).select()


def test_mock_selector_script_with_an_event_not_registered_says_so() -> None:
    sock = MockSocket()
    sel = MockSelector([(sock, EVENT_WRITE)])
    sel.register(sock, EVENT_READ)
    with pytest.raises(ValueError, match=r"EVENT_WRITE.*registered for EVENT_READ"):
        sel.select()


def test_mock_selector_follows_the_registration_contract() -> None:
    sock = MockSocket()
    sel = MockSelector()
    sel.register(sock, EVENT_READ)
    with pytest.raises(KeyError):
        sel.register(sock, EVENT_READ)
    with pytest.raises(ValueError):
        sel.register(MockSocket(), 0)
    sel.close()
    with pytest.raises(RuntimeError):
        sel.select()


def test_mock_selector_ignores_real_readiness() -> None:
    a, b = socketpair()
    sel = MockSelector([[]])
    sel.register(b, EVENT_READ)
    a.sendall(b"ready")
    assert sel.select() == []


# -- imports and the 0.2 README pattern -----------------------------------------------------


def test_0_2_names_import_from_mockselector_selector() -> None:
    from mockselector import selector

    assert (selector.MockSocket, selector.ListenSocket, selector.MockSelector) == (
        MockSocket, ListenSocket, MockSelector)


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, Any] = {}
    exec("from mockselector import *", namespace)
    assert all(isinstance(name, str) for name in mockselector.__all__)
    for name in ("FileDescriptor", "FileMock", "SocketMock", "SSLSocketMock", "TestSelector",
                 "MockSelector", "MockSocket", "ListenSocket", "Stalled", "fd", "isfilemock",
                 "set_read_ready", "set_write_ready"):
        assert name in namespace


class _EchoServer:
    """The server loop of the 0.2 README, as a user writes it."""

    def __init__(self) -> None:
        self.stop = False

    def run(self) -> None:
        listener = socket.socket()
        listener.bind(("0.0.0.0", 8888))
        listener.listen()
        sel = selectors.DefaultSelector()
        sel.register(listener, EVENT_READ)
        while not self.stop:
            for key, _ in sel.select():
                if key.fileobj == listener:
                    client, _ = listener.accept()
                    sel.register(client, EVENT_READ)
                else:
                    client = key.fileobj
                    data = client.recv(1024)
                    if len(data) == 0:
                        sel.unregister(client)
                        client.close()
                    else:
                        client.send(data)


def test_the_0_2_readme_pattern_drives_a_server_loop() -> None:
    server = _EchoServer()

    def do_stop() -> bytes:
        server.stop = True
        return b""

    c1 = MockSocket([b"foo", b"quit"])
    c2 = MockSocket([b"bar", do_stop])
    s = ListenSocket((c1, c2))
    sel = MockSelector([s, c1, s, c2, (c1, c2), c1, c2])
    with mock.patch("socket.socket") as socket_class, \
            mock.patch("selectors.DefaultSelector") as selector_class:
        socket_class.return_value = s
        selector_class.return_value = sel
        server.run()
    assert c1.send.call_args_list == [((b"foo",),), ((b"quit",),)]
    assert c2.send.call_args_list == [((b"bar",),)]
    c2.close.assert_called_once_with()
    assert server.stop


def test_the_0_2_readme_pattern_ends_inside_the_selector_context() -> None:
    server = _EchoServer()
    c1 = MockSocket([b"foo"])
    s = ListenSocket([c1])
    sel = MockSelector([s, c1, c1])
    with mock.patch("socket.socket", return_value=s), \
            mock.patch("selectors.DefaultSelector", return_value=sel), sel:
        server.run()
    assert c1.send.call_args_list == [((b"foo",),)]
    assert sel.get_map() is None
