"""TestSelector: the contract's error paths, readiness, merging with a real selector,
stall detection and threads."""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any
from unittest import mock

import pytest

from mockselector import (
    FileDescriptor,
    FileMock,
    ListenSocket,
    MockSocket,
    SocketMock,
    Stalled,
    TestSelector,
    socketpair,
)
from mockselector.selector import DEFAULT_STALL_LIMIT

RW = EVENT_READ | EVENT_WRITE


@pytest.fixture
def sel(mock_selector: TestSelector) -> TestSelector:
    """The plugin's ``mock_selector``, closed after the test."""
    return mock_selector


@pytest.fixture
def real_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def wrapped() -> Iterator[TestSelector]:
    selector = TestSelector(selectors.DefaultSelector())
    yield selector
    selector.close()


def events_by_data(ready: list[tuple[selectors.SelectorKey, int]]) -> dict[Any, int]:
    return {key.data: events for key, events in ready}


# -- the selector contract: what the real selectors raise ---------------------


def test_register_returns_key_with_the_virtual_descriptor(sel: TestSelector) -> None:
    sock = SocketMock()
    key = sel.register(sock, EVENT_READ, "data")
    assert key == selectors.SelectorKey(sock, sock.fileno(), EVENT_READ, "data")
    assert type(key.fd) is FileDescriptor


def test_register_twice_raises_key_error_naming_the_object(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    with pytest.raises(KeyError, match=r"SocketMock.*virtual FD 1000\) is already registered"):
        sel.register(sock, EVENT_WRITE)


def test_register_descriptor_of_registered_object_raises_key_error(sel: TestSelector) -> None:
    a, _ = socketpair()
    sel.register(a, EVENT_READ)
    with pytest.raises(KeyError):
        sel.register(a.fileno(), EVENT_READ)


@pytest.mark.parametrize("events", [0, 4, -1, 999999])
def test_register_with_bad_event_mask_raises_value_error(sel: TestSelector, events: int) -> None:
    with pytest.raises(ValueError, match="Invalid events"):
        sel.register(SocketMock(), events)


@pytest.mark.parametrize("fileobj", [object(), -1, "3"])
def test_register_invalid_file_object_raises_value_error(sel: TestSelector, fileobj: Any) -> None:
    with pytest.raises(ValueError):
        sel.register(fileobj, EVENT_READ)


def test_register_after_close_raises_runtime_error(sel: TestSelector) -> None:
    sel.close()
    with pytest.raises(RuntimeError, match="closed"):
        sel.register(SocketMock(), EVENT_READ)


def test_unregister_unknown_object_raises_key_error(sel: TestSelector) -> None:
    sock = SocketMock()
    with pytest.raises(KeyError, match="is not registered"):
        sel.unregister(sock)


def test_unregister_closed_in_memory_socket_finds_it_by_identity(sel: TestSelector) -> None:
    a, _ = socketpair()
    key = sel.register(a, EVENT_READ)
    a.close()
    assert a.fileno() == -1
    assert sel.unregister(a) == key
    assert len(sel.get_map()) == 0


def test_modify_with_bad_event_mask_raises_and_keeps_the_registration(sel: TestSelector) -> None:
    sock = SocketMock()
    key = sel.register(sock, EVENT_READ, "data")
    with pytest.raises(ValueError, match="Invalid events"):
        sel.modify(sock, 8)
    assert sel.get_key(sock) == key


def test_modify_unknown_object_raises_key_error(sel: TestSelector) -> None:
    with pytest.raises(KeyError, match="is not registered"):
        sel.modify(SocketMock(), EVENT_READ)


def test_modify_after_close_raises_runtime_error(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.close()
    with pytest.raises(RuntimeError):
        sel.modify(sock, EVENT_WRITE)


def test_select_after_close_raises_runtime_error(sel: TestSelector) -> None:
    sel.close()
    with pytest.raises(RuntimeError, match="closed"):
        sel.select(timeout=0)


def test_get_key_after_close_raises_runtime_error(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.close()
    with pytest.raises(RuntimeError):
        sel.get_key(sock)


def test_close_twice_does_nothing_the_second_time(sel: TestSelector) -> None:
    sel.close()
    sel.close()
    assert sel.get_map() is None


def test_get_map_iterates_over_descriptors(sel: TestSelector) -> None:
    a, b = SocketMock(), SocketMock()
    sel.register(a, EVENT_READ)
    sel.register(b, EVENT_WRITE)
    assert list(sel.get_map()) == [a.fileno(), b.fileno()]


def test_get_map_with_invalid_file_object_raises_value_error(sel: TestSelector) -> None:
    with pytest.raises(ValueError):
        sel.get_map()[object()]


def test_virtual_and_real_descriptor_with_the_same_number_are_distinct(sel: TestSelector) -> None:
    FileDescriptor.next_fd = 5
    sock = SocketMock()
    assert sock.fileno() == 5
    virtual = sel.register(sock, EVENT_READ, "virtual")
    real = sel.register(5, EVENT_READ, "real")
    assert sel.get_key(sock) == virtual
    assert sel.get_key(5) == real
    assert len(sel.get_map()) == 2


def test_select_keyword_timeout_is_accepted(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    assert len(sel.select(timeout=0.5)) == 1


# -- edge-triggered readiness of mocks -----------------------------------------


def test_set_read_ready_reports_the_event_at_the_next_select_only(sel: TestSelector) -> None:
    sock = SocketMock()
    key = sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == []


def test_set_write_ready_reports_the_write_event(sel: TestSelector) -> None:
    sock = FileMock()
    key = sel.register(sock, EVENT_WRITE)
    sel.set_write_ready(sock)
    assert sel.select() == [(key, EVENT_WRITE)]


def test_set_read_and_write_ready_give_one_entry_with_both(sel: TestSelector) -> None:
    sock = SocketMock()
    key = sel.register(sock, RW)
    sel.set_read_ready(sock)
    sel.set_write_ready(sock)
    assert sel.select() == [(key, RW)]


def test_set_ready_is_masked_by_the_registered_events(sel: TestSelector) -> None:
    sock = SocketMock()
    key = sel.register(sock, EVENT_READ)
    sel.set_ready(sock, RW)
    assert sel.select() == [(key, EVENT_READ)]


def test_set_ready_for_an_event_not_registered_reports_nothing(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_write_ready(sock)
    assert sel.select() == []


def test_set_ready_uses_the_mask_registered_when_select_runs(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_write_ready(sock)
    key = sel.modify(sock, EVENT_WRITE)
    assert sel.select() == [(key, EVENT_WRITE)]


def test_set_read_ready_of_an_unregistered_object_raises_key_error(sel: TestSelector) -> None:
    sock = SocketMock()
    with pytest.raises(KeyError, match=r"is not registered with <TestSelector 0 registered>: "
                                       "register it before making it ready"):
        sel.set_read_ready(sock)


def test_set_ready_with_bad_event_mask_raises_value_error(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    with pytest.raises(ValueError, match="Invalid events"):
        sel.set_ready(sock, 0)


def test_set_ready_after_close_raises_runtime_error(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.close()
    with pytest.raises(RuntimeError):
        sel.set_read_ready(sock)


def test_set_ready_not_strict_waits_for_the_registration(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.set_ready(sock, EVENT_READ, strict=False)
    key = sel.register(sock, EVENT_READ)
    assert sel.select() == [(key, EVENT_READ)]


def test_set_ready_not_strict_waits_until_the_object_is_registered(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.set_ready(sock, EVENT_READ, strict=False)
    assert sel.select() == []
    key = sel.register(sock, EVENT_READ)
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == []


def test_set_ready_then_unregister_drops_the_event(sel: TestSelector) -> None:
    sock = SocketMock()
    sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    sel.unregister(sock)
    sel.register(sock, EVENT_READ)
    assert sel.select() == []


def test_set_ready_reports_a_real_object_in_a_bare_selector(
    sel: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    key = sel.register(a, EVENT_READ)
    sel.set_read_ready(a)
    assert sel.select() == [(key, EVENT_READ)]


def test_bare_selector_keeps_real_objects_but_never_polls_them(
    sel: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = real_pair
    b.sendall(b"data")
    sel.register(a, RW)
    assert sel.select(timeout=5) == []
    assert a in sel.get_map()


# -- level-triggered readiness of in-memory sockets -----------------------------


def test_in_memory_socket_is_reported_while_data_waits(sel: TestSelector) -> None:
    a, b = socketpair()
    key = sel.register(b, EVENT_READ)
    a.sendall(b"ping")
    assert sel.select() == [(key, EVENT_READ)]
    assert sel.select() == [(key, EVENT_READ)]
    b.recv(2)
    assert sel.select() == [(key, EVENT_READ)]


def test_in_memory_socket_is_writable_until_the_peer_buffer_is_full(sel: TestSelector) -> None:
    a, b = socketpair(capacity=4)
    key = sel.register(a, EVENT_WRITE)
    assert sel.select() == [(key, EVENT_WRITE)]
    a.send(b"1234")
    assert sel.select() == []
    b.recv(1)
    assert sel.select() == [(key, EVENT_WRITE)]


def test_in_memory_socket_registered_for_both_events_gives_one_entry(sel: TestSelector) -> None:
    a, b = socketpair()
    key = sel.register(b, RW)
    a.sendall(b"ping")
    assert sel.select() == [(key, RW)]


def test_eof_makes_an_in_memory_socket_readable(sel: TestSelector) -> None:
    a, b = socketpair()
    key = sel.register(b, EVENT_READ)
    a.close()
    assert sel.select() == [(key, EVENT_READ)]


def test_object_sharing_a_socket_descriptor_reports_the_socket_readiness(
    sel: TestSelector,
) -> None:
    # socketserver registers the server, whose fileno() is its socket's.
    listener = ListenSocket(address=("127.0.0.1", 8080))

    class Server:
        def fileno(self) -> int:
            return listener.fileno()

    server = Server()
    key = sel.register(server, EVENT_READ)
    listener.new_connection()
    assert sel.select() == [(key, EVENT_READ)]
    assert key.fileobj is server


def test_registered_descriptor_of_an_in_memory_socket_reports_its_readiness(
    sel: TestSelector,
) -> None:
    # asyncio registers sock.fileno(), not the socket.
    a, b = socketpair()
    key = sel.register(b.fileno(), EVENT_READ)
    a.sendall(b"ping")
    assert sel.select() == [(key, EVENT_READ)]


def test_modify_applies_the_new_mask_to_the_socket_readiness(sel: TestSelector) -> None:
    _, b = socketpair()
    sel.register(b, EVENT_READ, "old")
    assert sel.select() == []
    key = sel.modify(b, EVENT_WRITE, "new")
    assert sel.select() == [(key, EVENT_WRITE)]


def test_modify_of_data_only_is_seen_in_the_next_select(sel: TestSelector) -> None:
    a, b = socketpair()
    sel.register(b, EVENT_READ, "old")
    a.sendall(b"ping")
    sel.modify(b, EVENT_READ, "new")
    assert events_by_data(sel.select()) == {"new": EVENT_READ}


def test_unregistered_socket_is_no_longer_reported(sel: TestSelector) -> None:
    a, b = socketpair()
    sel.register(b, EVENT_READ)
    sel.unregister(b)
    a.sendall(b"ping")
    assert sel.select() == []


def test_set_ready_adds_to_the_events_an_in_memory_socket_reports(sel: TestSelector) -> None:
    _, b = socketpair()
    key = sel.register(b, RW)
    sel.set_read_ready(b)
    assert sel.select() == [(key, RW)]
    assert sel.select() == [(key, EVENT_WRITE)]


def test_each_selector_sees_a_socket_through_its_own_mask() -> None:
    a, b = socketpair()
    with TestSelector() as reader, TestSelector() as writer:
        read_key = reader.register(b, EVENT_READ)
        write_key = writer.register(b, EVENT_WRITE)
        a.sendall(b"ping")
        assert reader.select() == [(read_key, EVENT_READ)]
        assert writer.select() == [(write_key, EVENT_WRITE)]


def test_select_reports_only_the_ready_socket_among_many(sel: TestSelector) -> None:
    pairs = [socketpair() for _ in range(5000)]
    for _, b in pairs:
        sel.register(b, EVENT_READ)
    pairs[1234][0].sendall(b"ping")
    assert [key.fileobj for key, _ in sel.select()] == [pairs[1234][1]]


def test_closed_selector_no_longer_follows_its_sockets(sel: TestSelector) -> None:
    a, b = socketpair()
    sel.register(b, EVENT_READ)
    sel.close()
    a.sendall(b"ping")
    with TestSelector() as other:
        key = other.register(b, EVENT_READ)
        assert other.select() == [(key, EVENT_READ)]


# -- a wrapped selector for the real objects -----------------------------------


def test_wrapped_selector_receives_the_real_objects(
    wrapped: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    key = wrapped.register(a, EVENT_READ, "real")
    assert wrapped._selector is not None
    assert wrapped._selector.get_key(a) == key
    assert wrapped.get_key(a) == key


def test_wrapped_selector_does_not_receive_the_virtual_objects() -> None:
    inner = mock.Mock(selectors.BaseSelector)
    selector = TestSelector(inner)
    sock = SocketMock()
    key = selector.register(sock, EVENT_READ, "data")
    assert selector.get_map()[sock] == key
    inner.register.assert_not_called()


def test_wrapped_select_merges_virtual_and_real_events(
    wrapped: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    sock = SocketMock()
    wrapped.register(a, EVENT_WRITE, "real")
    wrapped.register(sock, EVENT_READ, "mock")
    wrapped.set_read_ready(sock)
    assert events_by_data(wrapped.select()) == {"real": EVENT_WRITE, "mock": EVENT_READ}


def test_wrapped_select_polls_the_real_side_at_once_when_virtual_events_are_ready() -> None:
    inner = mock.Mock(selectors.BaseSelector)
    inner.register.return_value = selectors.SelectorKey(7, 7, EVENT_READ, None)
    inner.select.return_value = []
    selector = TestSelector(inner)
    selector.register(7, EVENT_READ)
    sock = SocketMock()
    key = selector.register(sock, EVENT_READ)
    selector.set_read_ready(sock)
    assert selector.select(timeout=5) == [(key, EVENT_READ)]
    inner.select.assert_called_once_with(0)


def test_wrapped_select_waits_on_the_real_side_with_the_caller_timeout() -> None:
    inner = mock.Mock(selectors.BaseSelector)
    real_key = selectors.SelectorKey(7, 7, EVENT_READ, None)
    inner.register.return_value = real_key
    inner.select.return_value = [(real_key, EVENT_READ)]
    selector = TestSelector(inner)
    selector.register(7, EVENT_READ)
    selector.register(SocketMock(), EVENT_READ)
    assert selector.select(timeout=5) == [(real_key, EVENT_READ)]
    inner.select.assert_called_once_with(5)


def test_wrapped_selector_holding_nothing_is_not_waited_on() -> None:
    inner = selectors.DefaultSelector()
    with TestSelector(inner, stall_limit=1) as selector, \
            mock.patch.object(inner, "select", wraps=inner.select) as inner_select:
        selector.register(SocketMock(), EVENT_READ)
        assert selector.select() == []
        inner_select.assert_not_called()
        with pytest.raises(Stalled):
            selector.select()


def test_wrapped_mock_selector_is_always_asked_and_its_empty_answers_stall() -> None:
    # A Mock(BaseSelector) does not tell what it holds (asynctest's own tests use one).
    inner = mock.Mock(selectors.BaseSelector)
    inner.select.return_value = []
    selector = TestSelector(inner, stall_limit=1)
    assert selector.select(5) == []
    inner.select.assert_called_once_with(5)
    with pytest.raises(Stalled):
        selector.select()


def test_keys_of_the_wrapped_selector_are_adopted(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    inner = selectors.DefaultSelector()
    key = inner.register(a, EVENT_WRITE, "wake-up pipe")
    with TestSelector(inner) as selector:
        assert selector.get_key(a) == key
        assert events_by_data(selector.select(timeout=0)) == {"wake-up pipe": EVENT_WRITE}
        selector.unregister(a)
        assert len(inner.get_map()) == 0


def test_keys_of_a_wrapped_selector_whose_map_is_a_dict_are_adopted() -> None:
    inner = mock.Mock(selectors.BaseSelector)
    key = selectors.SelectorKey(3, 3, EVENT_READ, "pipe")
    inner.get_map.return_value = {3: key}
    assert TestSelector(inner).get_key(3) == key


def test_wrapped_modify_failure_leaves_the_object_unregistered(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    inner = mock.Mock(selectors.BaseSelector)
    a, _ = real_pair
    inner.register.return_value = selectors.SelectorKey(a, a.fileno(), EVENT_READ, None)
    inner.modify.side_effect = OSError("modify failed")
    selector = TestSelector(inner)
    selector.register(a, EVENT_READ)
    with pytest.raises(OSError, match="modify failed"):
        selector.modify(a, EVENT_WRITE)
    assert a not in selector.get_map()


def test_wrapped_modify_returns_the_key_of_the_wrapped_selector(
    wrapped: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    wrapped.register(a, EVENT_READ, "old")
    key = wrapped.modify(a, EVENT_WRITE, "new")
    assert wrapped._selector is not None
    assert key == wrapped._selector.get_key(a) == wrapped.get_key(a)
    assert events_by_data(wrapped.select(0)) == {"new": EVENT_WRITE}


def test_wrapped_unregister_unregisters_from_the_wrapped_selector(
    wrapped: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    wrapped.register(a, EVENT_READ)
    wrapped.unregister(a)
    assert wrapped._selector is not None
    assert len(wrapped._selector.get_map()) == 0
    assert len(wrapped.get_map()) == 0


def test_close_closes_the_wrapped_selector() -> None:
    inner = mock.Mock(selectors.BaseSelector)
    TestSelector(inner).close()
    inner.close.assert_called_once_with()


def test_set_ready_of_a_real_object_merges_with_its_real_event(
    wrapped: TestSelector, real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, _ = real_pair
    key = wrapped.register(a, RW)
    wrapped.set_read_ready(a)
    assert wrapped.select() == [(key, RW)]


def test_wrapped_select_returns_virtual_event_made_by_another_thread(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = real_pair
    inner = selectors.DefaultSelector()
    waiting = threading.Event()
    real_select = inner.select

    def select(timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        waiting.set()  # the TestSelector waits on the real side now
        return real_select(timeout)

    inner.select = select  # type: ignore[method-assign]
    client, server = socketpair()

    def send_while_waiting() -> None:
        waiting.wait()
        client.sendall(b"ping")

    with TestSelector(inner) as selector:
        selector.register(a, EVENT_READ, "real")
        selector.register(server, EVENT_READ, "in memory")
        sender = threading.Thread(target=send_while_waiting)
        # If the virtual event were missed, this real one would end the wait.
        rescue = threading.Timer(30, b.sendall, args=(b"rescue",))
        rescue.start()
        try:
            sender.start()
            ready = selector.select()
        finally:
            rescue.cancel()
            waiting.set()
            sender.join()
    assert events_by_data(ready) == {"in memory": EVENT_READ}


def test_wrapped_selector_of_another_kind_gets_the_caller_timeout_while_threads_run() -> None:
    # Its timeout may mean more than a wait (an event loop's virtual clock).
    inner = mock.Mock(selectors.BaseSelector)
    inner.register.return_value = selectors.SelectorKey(7, 7, EVENT_READ, None)
    inner.select.return_value = []
    selector = TestSelector(inner)
    selector.register(7, EVENT_READ)
    selector.register(SocketMock(), EVENT_READ)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert selector.select(timeout=5) == []
    finally:
        release.set()
        other.join()
    inner.select.assert_called_once_with(5)


def test_virtual_event_made_during_the_real_wait_is_reported_with_its_end() -> None:
    client, server = socketpair()
    inner = mock.Mock(selectors.BaseSelector)
    inner.register.return_value = selectors.SelectorKey(7, 7, EVENT_READ, "real")
    inner.select.side_effect = lambda timeout: client.sendall(b"ping") or []
    selector = TestSelector(inner)
    selector.register(7, EVENT_READ, "real")
    selector.register(server, EVENT_READ, "in memory")
    assert events_by_data(selector.select()) == {"in memory": EVENT_READ}
    inner.select.assert_called_once_with(None)


# -- never hang: Stalled ---------------------------------------------------------


def test_empty_selects_return_nothing_until_the_stall_limit() -> None:
    selector = TestSelector(stall_limit=3)
    assert [selector.select(), selector.select(timeout=1), selector.select(0)] == [[], [], []]
    with pytest.raises(Stalled) as info:
        selector.select()
    assert info.value.selector is selector


def test_default_stall_limit_allows_that_many_empty_selects(sel: TestSelector) -> None:
    for _ in range(DEFAULT_STALL_LIMIT):
        assert sel.select() == []
    with pytest.raises(Stalled):
        sel.select()


def test_an_event_resets_the_stall_count() -> None:
    selector = TestSelector(stall_limit=2)
    sock = SocketMock()
    selector.register(sock, EVENT_READ)
    for _ in range(3):
        assert selector.select() == []
        assert selector.select() == []
        selector.set_read_ready(sock)
        assert len(selector.select()) == 1


def test_stalled_message_names_each_object_and_what_it_waits_for() -> None:
    selector = TestSelector(stall_limit=0)
    mock_sock = SocketMock()
    _, b = socketpair()
    real = socket.socket()
    try:
        selector.register(mock_sock, RW)
        selector.register(b, EVENT_READ)
        selector.register(real, EVENT_WRITE)
        with pytest.raises(Stalled) as info:
            selector.select()
        real_text = f"{real!r} (FD {real.fileno()})"
    finally:
        real.close()
    lines = str(info.value).splitlines()
    assert lines[0] == ("<TestSelector 3 registered>: 1 select() calls in a row found nothing "
                        "ready (stall_limit=0), so the code under test would wait forever.")
    assert lines[1] == "Registered:"
    assert lines[2] == (f"  {mock_sock!r} (virtual FD 1000) waits for EVENT_READ | EVENT_WRITE: "
                        "a mock, ready only when told with set_read_ready() / set_write_ready()")
    assert lines[3] == (f"  {b!r} (virtual FD {int(b.fileno())}) waits for EVENT_READ: in "
                        "memory, ready when its state allows (data, EOF, room to send, "
                        "a connection)")
    assert lines[4].startswith(f"  {real_text} waits for EVENT_WRITE: "
                               "a real file object, which a TestSelector without a wrapped "
                               "selector never polls")
    assert "raise stall_limit" in lines[-1]


def test_stalled_message_says_when_nothing_is_registered() -> None:
    with pytest.raises(Stalled, match="Nothing is registered"):
        TestSelector(stall_limit=0).select()


def test_stalled_message_shortens_a_long_list() -> None:
    selector = TestSelector(stall_limit=0)
    for _ in range(25):
        selector.register(FileDescriptor(), EVENT_READ)
    with pytest.raises(Stalled, match=r"\.\.\. and 5 more"):
        selector.select()


def test_stalled_is_not_caught_by_except_exception() -> None:
    selector = TestSelector(stall_limit=5)
    errors = 0

    def serve() -> None:
        nonlocal errors
        while True:
            try:
                selector.select()
            except Exception:
                errors += 1

    with pytest.raises(Stalled):
        serve()
    assert errors == 0


def test_context_manager_swallows_its_own_stalled_and_closes() -> None:
    with TestSelector(stall_limit=2) as selector:
        while True:
            selector.select()
    assert selector.get_map() is None


def test_context_manager_lets_another_selectors_stalled_through() -> None:
    other = TestSelector(stall_limit=0)
    with pytest.raises(Stalled), TestSelector():
        other.select()


def test_context_manager_lets_other_exceptions_through() -> None:
    with pytest.raises(ZeroDivisionError), TestSelector() as selector:
        raise ZeroDivisionError
    assert selector.get_map() is None


@pytest.mark.parametrize("limit", [-1, 1.5, None])
def test_invalid_stall_limit_raises_value_error(limit: Any) -> None:
    with pytest.raises(ValueError, match="stall_limit"):
        TestSelector(stall_limit=limit)


# -- a sync server loop, driven three ways -------------------------------------


def echo_loop(selector: selectors.BaseSelector) -> None:
    """A selector echo server's loop: echo what each registered socket receives, until EOF."""
    while selector.get_map():
        for key, events in selector.select():
            sock = key.fileobj
            if events & EVENT_READ:
                data = sock.recv(1024)
                if not data:
                    selector.unregister(sock)
                    sock.close()
                    continue
                sock.send(data)


def test_echo_loop_on_a_socket_mock_driven_by_set_read_ready(sel: TestSelector) -> None:
    sock = SocketMock()
    incoming = [b"foo", b"bar", b""]

    def recv(bufsize: int) -> bytes:
        data = incoming.pop(0)
        if incoming:
            sel.set_read_ready(sock)  # the next chunk has arrived
        return data

    sock.recv.side_effect = recv
    sel.register(sock, EVENT_READ)
    sel.set_read_ready(sock)
    echo_loop(sel)
    assert sock.send.call_args_list == [mock.call(b"foo"), mock.call(b"bar")]
    sock.close.assert_called_once_with()


def test_write_loop_on_a_socket_mock_sends_when_told_writable(sel: TestSelector) -> None:
    sock = SocketMock()
    sock.send.side_effect = [2, 3]
    pending = b"hello"
    sel.register(sock, EVENT_WRITE)
    for _ in range(2):
        sel.set_write_ready(sock)
        for key, _ in sel.select():
            pending = pending[key.fileobj.send(pending):]
    assert pending == b""
    assert sock.send.call_args_list == [mock.call(b"hello"), mock.call(b"llo")]


def test_echo_loop_on_in_memory_sockets_follows_their_data(sel: TestSelector) -> None:
    client, server = socketpair()
    sel.register(server, EVENT_READ)
    client.sendall(b"ping")
    client.shutdown(socket.SHUT_WR)
    echo_loop(sel)
    assert client.recv(1024) == b"ping"
    assert server.fileno() == -1


def test_server_loop_inside_the_selector_context_ends_when_nothing_can_happen() -> None:
    listener = ListenSocket(address=("127.0.0.1", 8080))
    listener.setblocking(False)
    clients = [listener.new_connection() for _ in range(3)]
    for number, client in enumerate(clients):
        client.sendall(b"hello %d" % number)
    with TestSelector() as selector:
        selector.register(listener, EVENT_READ)
        while True:  # a server that never stops by itself
            for key, _ in selector.select():
                if key.fileobj is listener:
                    conn, _ = listener.accept()
                    selector.register(conn, EVENT_READ)
                else:
                    data = key.fileobj.recv(1024)
                    if data:
                        key.fileobj.sendall(data.upper())
    assert [client.recv(1024) for client in clients] == [b"HELLO 0", b"HELLO 1", b"HELLO 2"]


# -- threads ------------------------------------------------------------------------


def test_concurrent_registration_keeps_the_map_consistent(sel: TestSelector) -> None:
    pairs = [[socketpair() for _ in range(200)] for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(pairs))

    def churn(own: list[tuple[MockSocket, MockSocket]]) -> None:
        try:
            start.wait()
            for _ in range(3):
                for a, b in own:
                    sel.register(b, EVENT_READ)
                    a.sendall(b"x")
                for _, b in own[::2]:
                    sel.unregister(b)
                for _, b in own[::2]:
                    sel.register(b, EVENT_READ)
                for _, b in own:
                    b.recv(1)
                    sel.modify(b, EVENT_READ, "modified")
                    sel.unregister(b)
            for a, b in own[1::2]:
                sel.register(b, EVENT_READ, "kept")
                a.sendall(b"x")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(own,)) for own in pairs]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for key, events in sel.select(timeout=0):
            assert events == EVENT_READ
            assert key.data in (None, "modified", "kept")
    for thread in threads:
        thread.join()
    assert errors == []
    kept = {b for own in pairs for _, b in own[1::2]}
    assert set(key.fileobj for key in sel.get_map().values()) == kept
    assert {key.fileobj for key, _ in sel.select()} == kept


def test_concurrent_set_ready_from_threads_is_never_lost(sel: TestSelector) -> None:
    mocks = [FileMock() for _ in range(8)]
    for number, fileobj in enumerate(mocks):
        sel.register(fileobj, EVENT_READ, number)
    threads = [threading.Thread(target=sel.set_read_ready, args=(fileobj,)) for fileobj in mocks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(key.data for key, _ in sel.select()) == list(range(8))


def test_select_in_one_thread_reports_data_sent_from_another() -> None:
    # Empty selects wait for the sender instead of counting towards the limit
    # at full speed; once it has sent, the data is reported.
    selector = TestSelector(stall_limit=10_000)
    client, server = socketpair()
    key = selector.register(server, EVENT_READ)
    selecting = threading.Event()

    def send() -> None:
        selecting.wait()
        client.sendall(b"ping")

    sender = threading.Thread(target=send)
    sender.start()
    try:
        selecting.set()
        ready = selector.select()
        while not ready:
            ready = selector.select()
    finally:
        sender.join()
    assert ready == [(key, EVENT_READ)]


class _Echo(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for line in self.rfile:
            self.wfile.write(line.upper())


def test_threading_tcp_server_serves_in_memory_clients() -> None:
    listener = ListenSocket(address=("127.0.0.1", 8080))
    with mock.patch.object(socketserver, "_ServerSelector", TestSelector):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 8080), _Echo,
                                                 bind_and_activate=False)
        server.socket.close()
        server.socket = listener
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
        serving.start()
        try:
            clients = [listener.new_connection() for _ in range(5)]
            for number, client in enumerate(clients):
                client.sendall(b"hello %d\n" % number)
                client.shutdown(socket.SHUT_WR)
            replies = [client.makefile("rb").read() for client in clients]
        finally:
            server.shutdown()
            serving.join()
            server.server_close()
    assert replies == [b"HELLO %d\n" % number for number in range(5)]
