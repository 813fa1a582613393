"""MockSelector, the scripted selector of mockselector 0.2, and the 0.2 end-to-end pattern."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any
from unittest import mock

import pytest

from mockselector import MockSelector, MockSocket, SocketMock, Stalled, TestSelector, socketpair

RW = EVENT_READ | EVENT_WRITE


def registered(selector: MockSelector, *fileobjs: Any, events: int = RW) -> None:
    for number, fileobj in enumerate(fileobjs):
        selector.register(fileobj, events, number)


def played(selector: MockSelector) -> list[Any]:
    """What each select() returned, as ``[(data, events), ...]``, until the script ends."""
    steps = []
    with selector:
        while True:
            steps.append([(key.data, events) for key, events in selector.select()])
    return steps


# -- the script ---------------------------------------------------------------------


def test_object_entry_is_reported_readable() -> None:
    sock = SocketMock()
    selector = MockSelector([sock])
    registered(selector, sock)
    assert played(selector) == [[(0, EVENT_READ)]]


def test_pair_entry_reports_its_events() -> None:
    sock = SocketMock()
    selector = MockSelector([(sock, EVENT_WRITE), (sock, RW)])
    registered(selector, sock)
    assert played(selector) == [[(0, EVENT_WRITE)], [(0, RW)]]


def test_group_entry_reports_simultaneous_events() -> None:
    a, b, c = SocketMock(), SocketMock(), SocketMock()
    selector = MockSelector([(a, b), [(b, EVENT_WRITE), c], {a}])
    registered(selector, a, b, c)
    assert played(selector) == [
        [(0, EVENT_READ), (1, EVENT_READ)],
        [(1, EVENT_WRITE), (2, EVENT_READ)],
        [(0, EVENT_READ)],
    ]


def test_empty_entry_is_a_timeout() -> None:
    sock = SocketMock()
    selector = MockSelector([[], (), sock])
    registered(selector, sock)
    assert played(selector) == [[], [], [(0, EVENT_READ)]]


def test_same_object_twice_in_a_group_gives_one_entry() -> None:
    sock = SocketMock()
    selector = MockSelector([[(sock, EVENT_READ), (sock, EVENT_WRITE)]])
    registered(selector, sock)
    assert played(selector) == [[(0, RW)]]


def test_script_is_read_lazily_from_an_iterator() -> None:
    sock = SocketMock()
    selector = MockSelector(sock for _ in range(2))
    registered(selector, sock)
    assert played(selector) == [[(0, EVENT_READ)], [(0, EVENT_READ)]]


def test_timeout_keyword_is_accepted() -> None:
    sock = SocketMock()
    selector = MockSelector([sock])
    registered(selector, sock)
    assert len(selector.select(timeout=2.5)) == 1


def test_script_ignores_the_readiness_of_in_memory_sockets() -> None:
    a, b = socketpair()
    selector = MockSelector([[]])
    registered(selector, b)
    a.sendall(b"ready, but not in the script")
    assert selector.select() == []


def test_script_entry_may_report_a_closed_socket() -> None:
    _, b = socketpair()
    selector = MockSelector([b])
    registered(selector, b)
    b.close()
    assert played(selector) == [[(0, EVENT_READ)]]


# -- the end of the script --------------------------------------------------------


def test_exhausted_script_raises_end_exception_carrying_the_selector() -> None:
    selector = MockSelector([[]])
    selector.select()
    with pytest.raises(MockSelector.EndException) as info:
        selector.select()
    assert info.value.args == (selector,)
    assert info.value.selector is selector
    assert str(info.value) == ("the script of <MockSelector 0 registered, 1 select() calls "
                               "played> is exhausted")


def test_selector_without_script_ends_at_the_first_select() -> None:
    with pytest.raises(MockSelector.EndException):
        MockSelector().select()


def test_end_exception_is_not_caught_by_except_exception() -> None:
    assert not issubclass(MockSelector.EndException, Exception)
    assert issubclass(MockSelector.EndException, Stalled)


def test_context_manager_swallows_its_own_end_exception_and_closes() -> None:
    with MockSelector([]) as selector:
        selector.select()
    assert selector.get_map() is None


def test_context_manager_lets_another_selectors_end_exception_through() -> None:
    other = MockSelector([])
    with pytest.raises(MockSelector.EndException), MockSelector([]):
        other.select()


def test_context_manager_lets_a_test_selectors_stalled_through() -> None:
    with pytest.raises(Stalled), MockSelector([]):
        TestSelector(stall_limit=0).select()


def test_context_manager_lets_other_exceptions_through() -> None:
    with pytest.raises(ZeroDivisionError), MockSelector([]):
        raise ZeroDivisionError


# -- errors in the script, and in the use of the selector --------------------------


def test_entry_naming_an_unregistered_object_raises_key_error_naming_the_step() -> None:
    sock, stranger = SocketMock(), SocketMock()
    selector = MockSelector([sock, stranger])
    registered(selector, sock)
    selector.select()
    with pytest.raises(KeyError, match=r"step 2 of the script of <MockSelector 1 registered, "
                                       r"2 select\(\) calls played> reports <SocketMock"):
        selector.select()


def test_entry_naming_an_unregistered_magic_mock_is_an_error_not_a_timeout() -> None:
    selector = MockSelector([mock.MagicMock()])
    with pytest.raises(KeyError, match="which is not registered"):
        selector.select()


def test_entry_naming_an_unregistered_object_in_a_group_raises_key_error() -> None:
    sock = SocketMock()
    selector = MockSelector([(sock, SocketMock())])
    registered(selector, sock)
    with pytest.raises(KeyError, match="step 1"):
        selector.select()


def test_entry_with_an_event_not_registered_raises_value_error() -> None:
    sock = SocketMock()
    selector = MockSelector([(sock, EVENT_WRITE)])
    registered(selector, sock, events=EVENT_READ)
    with pytest.raises(ValueError, match=r"reports EVENT_WRITE for .* which is registered for "
                                         r"EVENT_READ"):
        selector.select()


def test_entry_with_an_invalid_event_mask_raises_value_error() -> None:
    sock = SocketMock()
    selector = MockSelector([(sock, 0)])
    registered(selector, sock)
    with pytest.raises(ValueError, match="reports no event"):
        selector.select()


def test_register_twice_raises_key_error_naming_the_object() -> None:
    sock = SocketMock()
    selector = MockSelector()
    selector.register(sock, EVENT_READ)
    with pytest.raises(KeyError, match=r"SocketMock.* is already registered"):
        selector.register(sock, EVENT_READ)


def test_register_with_bad_event_mask_raises_value_error_naming_the_object() -> None:
    with pytest.raises(ValueError, match="Invalid events: 4 for <SocketMock"):
        MockSelector().register(SocketMock(), 4)


def test_select_after_close_raises_runtime_error_naming_the_selector() -> None:
    selector = MockSelector([[]])
    selector.close()
    with pytest.raises(RuntimeError, match="<MockSelector closed> is closed"):
        selector.select()


def test_register_after_close_raises_runtime_error() -> None:
    selector = MockSelector()
    selector.close()
    with pytest.raises(RuntimeError):
        selector.register(SocketMock(), EVENT_READ)


def test_each_entry_is_played_once_when_threads_share_the_selector() -> None:
    sock = SocketMock()
    selector = MockSelector([sock] * 400)
    registered(selector, sock)
    counts = [0] * 4

    def play(index: int) -> None:
        try:
            while True:
                counts[index] += len(selector.select())
        except MockSelector.EndException:
            pass

    threads = [threading.Thread(target=play, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 400


# -- mockselector 0.2 code ----------------------------------------------------------


def test_the_0_2_import_path_still_works() -> None:
    from mockselector import selector as module

    assert module.MockSelector is MockSelector
    assert {"MockSocket", "ListenSocket", "MockSelector"} <= set(module.__all__)


def test_a_0_2_loop_runs_until_its_map_is_empty() -> None:
    from mockselector.selector import MockSocket

    client = MockSocket([b"foo", b"bar"])
    selector = MockSelector([client, client, client])
    selector.register(client, EVENT_READ)
    while len(selector.get_map()) > 0:
        for key, _ in selector.select():
            data = key.fileobj.recv(256)
            if data:
                key.fileobj.send(data)
            else:
                key.fileobj.close()
                selector.unregister(key.fileobj)
    client.close.assert_called_once_with()
    assert client.send.call_args_list == [((b"foo",),), ((b"bar",),)]


@pytest.fixture
def miniserv() -> Iterator[Any]:
    import miniserv

    yield miniserv


def test_miniserv_ends_with_the_script_inside_the_selector_context(miniserv: Any) -> None:
    from mockselector.selector import ListenSocket, MockSocket

    server = miniserv.EchoServer(8888)
    c1 = MockSocket([b"foo", b"quit"])
    c2 = MockSocket([b"foo", b"bar", b"baz", b"fee"])
    listener = ListenSocket((c1, c2))
    selector = MockSelector([listener, c1, listener, c2, c2, (c1, c2), c1, c2, c2])
    with mock.patch("socket.socket") as socket_class, \
            mock.patch("miniserv.DefaultSelector") as selector_class:
        socket_class.return_value = listener
        selector_class.return_value = selector
        with selector:
            server.run()
    assert c1.send.call_args_list == [((b"foo",),), ((b"quit",),)]
    assert c2.send.call_args_list == [((b"foo",),), ((b"bar",),), ((b"baz",),), ((b"fee",),)]
    c1.close.assert_called_once_with()
    c2.close.assert_called_once_with()


def test_miniserv_stops_when_a_scripted_recv_sets_its_flag(miniserv: Any) -> None:
    from mockselector.selector import ListenSocket, MockSocket

    server = miniserv.EchoServer(8888)

    def stop() -> bytes:
        server.stop = True
        return b""

    c1 = MockSocket([b"foo", b"quit"])
    c2 = MockSocket([b"foo", b"bar", b"baz", stop, b"fee"])
    listener = ListenSocket((c1, c2))
    selector = MockSelector([listener, c1, listener, c2, c2, (c1, c2), c1, c2, c2])
    with mock.patch("socket.socket") as socket_class, \
            mock.patch("miniserv.DefaultSelector") as selector_class:
        socket_class.return_value = listener
        selector_class.return_value = selector
        server.run()
    assert c1.send.call_args_list == [((b"foo",),), ((b"quit",),)]
    assert c2.send.call_args_list == [((b"foo",),), ((b"bar",),), ((b"baz",),)]
    assert repr(selector).endswith("8 select() calls played>")


def test_the_script_may_be_given_by_the_0_2_keyword_event_list() -> None:
    sock = MockSocket([b"x"])
    sel = MockSelector(event_list=[sock])
    key = sel.register(sock, EVENT_READ)
    assert sel.select() == [(key, EVENT_READ)]


def test_events_and_event_list_together_are_refused() -> None:
    with pytest.raises(TypeError, match="events or event_list"):
        MockSelector([], event_list=[])
