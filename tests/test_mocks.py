"""Virtual descriptors (FileDescriptor, fd, isfilemock) and the Mock doubles."""

from __future__ import annotations

import array
import asyncio
import pickle
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from unittest.mock import AsyncMock, MagicMock, Mock, patch, seal

import pytest

from mockselector import (
    FileDescriptor,
    FileMock,
    SocketMock,
    SSLSocketMock,
    fd,
    isfilemock,
)

RealSocket = socket.socket  # tests below patch socket.socket


def is_plain_mock(obj: object) -> bool:
    # Every Mock instance has a class of its own, derived from the class it was made from.
    return isinstance(obj, Mock) and not isinstance(obj, (FileMock, MagicMock, AsyncMock))


@pytest.fixture(autouse=True)
def fresh_descriptors() -> Iterator[None]:
    saved = FileDescriptor.next_fd
    FileDescriptor.next_fd = 0
    yield
    FileDescriptor.next_fd = saved


@pytest.fixture
def real_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    with a, b:
        yield a, b


# -- FileDescriptor ----------------------------------------------------------------------------


def test_file_descriptor_without_value_takes_next_fd() -> None:
    FileDescriptor.next_fd = 5
    assert FileDescriptor() == 5
    assert FileDescriptor.next_fd == 6


def test_file_descriptors_without_value_count_up() -> None:
    assert [FileDescriptor() for _ in range(3)] == [0, 1, 2]


def test_file_descriptor_with_value_takes_that_value() -> None:
    assert FileDescriptor(42) == 42


def test_file_descriptor_with_value_above_next_fd_moves_next_fd_past_it() -> None:
    FileDescriptor(42)
    assert FileDescriptor.next_fd == 43
    assert FileDescriptor() == 43


def test_file_descriptor_with_value_below_next_fd_still_advances_next_fd() -> None:
    FileDescriptor.next_fd = 10
    FileDescriptor(3)
    assert FileDescriptor.next_fd == 11


def test_file_descriptor_is_an_int_equal_to_its_value() -> None:
    descriptor = FileDescriptor(7)
    assert isinstance(descriptor, int)
    assert descriptor == 7
    assert int(descriptor) + 1 == 8


def test_file_descriptor_hash_differs_from_int_hash() -> None:
    assert hash(FileDescriptor(7)) != hash(7)


def test_file_descriptor_and_int_of_same_value_are_distinct_dict_keys() -> None:
    table = {7: "real", FileDescriptor(7): "virtual"}
    assert len(table) == 2
    assert table[7] == "real"
    assert table[FileDescriptor(7)] == "virtual"


def test_equal_file_descriptors_are_the_same_dict_key() -> None:
    table = {FileDescriptor(7): "virtual"}
    assert table[FileDescriptor(7)] == "virtual"


def test_file_descriptor_repr_names_the_type() -> None:
    assert repr(FileDescriptor(7)) == "FileDescriptor(7)"


def test_file_descriptor_survives_pickling_as_file_descriptor() -> None:
    FileDescriptor.next_fd = 100
    copy = pickle.loads(pickle.dumps(FileDescriptor(7)))
    assert type(copy) is FileDescriptor
    assert copy == 7


def test_file_descriptor_allocation_never_repeats_across_threads() -> None:
    threads, per_thread = 8, 500
    barrier = threading.Barrier(threads)
    results: list[list[int]] = [[] for _ in range(threads)]

    def allocate(out: list[int]) -> None:
        barrier.wait()
        out.extend(FileDescriptor() for _ in range(per_thread))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        workers = [threading.Thread(target=allocate, args=(out,)) for out in results]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(interval)
    allocated = [value for out in results for value in out]
    assert sorted(allocated) == list(range(threads * per_thread))
    assert FileDescriptor.next_fd == threads * per_thread


# -- fd() and isfilemock() ---------------------------------------------------------------------


def test_fd_returns_a_file_descriptor_as_is() -> None:
    descriptor = FileDescriptor()
    assert fd(descriptor) is descriptor


def test_fd_returns_the_fileno_of_a_file_mock() -> None:
    mock = FileMock()
    assert fd(mock) is mock.fileno()


def test_fd_rejects_a_plain_int() -> None:
    with pytest.raises(ValueError, match="not a file descriptor nor an object with a fileno"):
        fd(3)


def test_fd_rejects_an_object_without_fileno() -> None:
    with pytest.raises(ValueError):
        fd(object())


def test_fd_returns_the_number_of_a_real_socket(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    number = fd(real_pair[0])
    assert number == real_pair[0].fileno()
    assert not isinstance(number, FileDescriptor)


def test_fd_rejects_an_object_whose_fileno_raises() -> None:
    closed = Mock(**{"fileno.side_effect": OSError("closed")})
    with pytest.raises(ValueError, match="has no file descriptor: closed"):
        fd(closed)


def test_fd_returns_what_fileno_returns() -> None:
    assert fd(Mock(**{"fileno.return_value": 3})) == 3


@pytest.mark.parametrize(
    "make", [FileMock, SocketMock, SSLSocketMock, FileDescriptor], ids=lambda f: f.__name__
)
def test_isfilemock_is_true_for_doubles_and_virtual_descriptors(make: type) -> None:
    assert isfilemock(make())


@pytest.mark.parametrize("obj", [3, object(), Mock()], ids=["int", "object", "Mock"])
def test_isfilemock_is_false_for_other_objects(obj: object) -> None:
    assert not isfilemock(obj)


def test_isfilemock_is_false_for_a_real_socket(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    assert not isfilemock(real_pair[0])


# -- FileMock ----------------------------------------------------------------------------------


def test_file_mock_fileno_is_a_new_file_descriptor() -> None:
    FileDescriptor.next_fd = 12
    descriptor = FileMock().fileno()
    assert type(descriptor) is FileDescriptor
    assert descriptor == 12


def test_file_mock_fileno_is_the_same_at_every_call() -> None:
    mock = FileMock()
    assert mock.fileno() is mock.fileno()


def test_file_mocks_have_distinct_filenos() -> None:
    assert FileMock().fileno() != FileMock().fileno()


def test_file_mock_attributes_are_plain_mocks() -> None:
    mock = FileMock()
    assert is_plain_mock(mock.read)
    assert is_plain_mock(mock.read.return_value)


def test_file_mock_attributes_take_no_descriptor() -> None:
    mock = FileMock()
    mock.read, mock.write  # noqa: B018 - attribute access is the point
    assert FileDescriptor.next_fd == 1


def test_file_mock_return_value_is_a_plain_mock() -> None:
    assert is_plain_mock(FileMock()())


def test_file_mock_accepts_mock_arguments() -> None:
    mock = FileMock(name="log", return_value=3)
    assert mock() == 3
    assert "log" in repr(mock)


def test_file_mock_with_spec_refuses_unknown_attributes() -> None:
    class File:
        def fileno(self) -> int:
            return 0

        def read(self) -> bytes:
            return b""

    mock = FileMock(spec=File)
    assert isinstance(mock, File)
    with pytest.raises(AttributeError):
        mock.write  # noqa: B018


def test_file_mock_with_a_spec_lacking_fileno_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="fileno"):
        FileMock(spec=["read"])


def test_sealed_file_mock_refuses_new_attributes() -> None:
    mock = FileMock()
    seal(mock)
    with pytest.raises(AttributeError):
        mock.read  # noqa: B018


def test_sealed_file_mock_keeps_its_fileno() -> None:
    mock = FileMock()
    descriptor = mock.fileno()
    seal(mock)
    assert mock.fileno() is descriptor


def test_file_mock_coroutine_methods_of_its_spec_are_async_mocks() -> None:
    class AsyncFile:
        def fileno(self) -> int:
            return 0

        async def read(self) -> bytes:
            return b""

    mock = FileMock(spec=AsyncFile)
    assert isinstance(mock.read, AsyncMock)


def test_file_mock_fileno_can_be_reconfigured() -> None:
    mock = FileMock()
    mock.fileno.return_value = FileDescriptor(99)
    assert mock.fileno() == 99


def test_file_mock_records_calls() -> None:
    mock = FileMock()
    mock.write(b"x")
    mock.write.assert_called_once_with(b"x")


# -- SocketMock: spec --------------------------------------------------------------------------


def test_socket_mock_is_an_instance_of_socket() -> None:
    assert isinstance(SocketMock(), RealSocket)


def test_socket_mock_keeps_the_socket_spec_while_socket_socket_is_patched() -> None:
    with patch("socket.socket"):
        mock = SocketMock()
        assert isinstance(mock, RealSocket)
        assert mock.recv(1) == b""
        with pytest.raises(AttributeError):
            mock.not_a_socket_method  # noqa: B018


def test_socket_mock_spec_set_true_refuses_setting_unknown_attributes() -> None:
    mock = SocketMock(spec_set=True)
    with pytest.raises(AttributeError):
        mock.not_a_socket_attribute = 1
    mock.send.return_value = 1  # configuring real methods still works
    assert isinstance(mock, RealSocket)


def test_socket_mock_without_spec_set_accepts_setting_new_attributes() -> None:
    mock = SocketMock()
    mock.tag = "client"
    assert mock.tag == "client"


def test_socket_mock_attributes_are_plain_mocks() -> None:
    mock = SocketMock()
    assert is_plain_mock(mock.send)
    assert is_plain_mock(mock.accept())


def test_socket_mocks_have_distinct_stable_filenos() -> None:
    first, second = SocketMock(), SocketMock()
    assert (first.fileno(), second.fileno()) == (0, 1)
    assert first.fileno() is first.fileno()


def test_socket_mock_takes_asynctest_arguments() -> None:
    mock = SocketMock(None, 3, None, "server")
    assert mock() == 3
    assert "server" in repr(mock)


def test_socket_mock_side_effect_applies_to_calling_it() -> None:
    with pytest.raises(OSError):
        SocketMock(side_effect=OSError)()


# -- SocketMock: defaults ----------------------------------------------------------------------


def test_unconfigured_send_reports_all_bytes_sent() -> None:
    assert SocketMock().send(b"hello") == 5


def test_unconfigured_send_counts_bytes_not_items() -> None:
    assert SocketMock().send(memoryview(array.array("i", [1, 2]))) == 2 * array.array("i").itemsize


def test_unconfigured_send_with_flags_reports_all_bytes_sent() -> None:
    assert SocketMock().send(b"hello", 0) == 5


def test_unconfigured_send_refuses_str_like_a_socket() -> None:
    with pytest.raises(TypeError):
        SocketMock().send("text")


def test_unconfigured_sendmsg_reports_all_buffers_sent() -> None:
    assert SocketMock().sendmsg([b"ab", memoryview(b"cde")]) == 5


def test_unconfigured_sendall_returns_none() -> None:
    assert SocketMock().sendall(b"hello") is None


def test_unconfigured_recv_into_returns_end_of_file_and_leaves_the_buffer() -> None:
    buffer = bytearray(b"....")
    assert SocketMock().recv_into(buffer) == 0
    assert buffer == b"...."


def test_unconfigured_gettimeout_is_non_blocking() -> None:
    assert SocketMock().gettimeout() == 0.0


def test_unconfigured_addresses_are_ipv4_tuples() -> None:
    mock = SocketMock()
    host, port = mock.getsockname()
    peer_host, peer_port = mock.getpeername()
    assert (host, peer_host) == ("127.0.0.1", "127.0.0.1")
    assert isinstance(port, int) and isinstance(peer_port, int)


def test_unconfigured_getsockopt_reports_no_error() -> None:
    assert SocketMock().getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0


def test_unconfigured_connect_ex_reports_success() -> None:
    assert SocketMock().connect_ex(("127.0.0.1", 80)) == 0


@pytest.mark.parametrize(
    "method",
    ["connect", "bind", "listen", "setblocking", "settimeout", "setsockopt", "shutdown", "close"],
)
def test_unconfigured_methods_returning_none_on_a_socket_return_none(method: str) -> None:
    assert getattr(SocketMock(), method)(0) is None


def test_socket_mock_is_an_ipv4_stream_socket() -> None:
    mock = SocketMock()
    assert (mock.family, mock.type, mock.proto) == (socket.AF_INET, socket.SOCK_STREAM, 0)
    assert isinstance(mock.family, socket.AddressFamily)
    assert isinstance(mock.type, socket.SocketKind)


def test_socket_mock_defaults_still_record_calls() -> None:
    mock = SocketMock()
    mock.send(b"x")
    mock.recv(10)
    mock.send.assert_called_once_with(b"x")
    mock.recv.assert_called_once_with(10)


# -- SocketMock: overriding the defaults ---------------------------------------------------------


def test_send_return_value_overrides_the_default() -> None:
    mock = SocketMock()
    mock.send.return_value = 3
    assert mock.send(b"hello") == 3


def test_send_return_value_set_after_a_call_overrides_the_default() -> None:
    mock = SocketMock()
    mock.send(b"hello")
    mock.send.return_value = 3
    assert mock.send(b"hello") == 3


def test_send_side_effect_overrides_the_default() -> None:
    mock = SocketMock()
    mock.send.side_effect = [2, BlockingIOError]
    assert mock.send(b"hello") == 2
    with pytest.raises(BlockingIOError):
        mock.send(b"llo")


def test_sendmsg_return_value_overrides_the_default() -> None:
    mock = SocketMock()
    mock.sendmsg.return_value = 1
    assert mock.sendmsg([b"abc"]) == 1


def test_recv_return_value_overrides_the_default() -> None:
    mock = SocketMock()
    mock.recv.return_value = b"data"
    assert mock.recv(1024) == b"data"


def test_recv_side_effect_overrides_the_default() -> None:
    mock = SocketMock()
    mock.recv.side_effect = [b"data", ConnectionResetError]
    assert mock.recv(1024) == b"data"
    with pytest.raises(ConnectionResetError):
        mock.recv(1024)


def test_configuration_given_to_the_constructor_overrides_the_defaults() -> None:
    mock = SocketMock(**{"send.return_value": 1, "recv.side_effect": [b"x"]})
    assert mock.send(b"hello") == 1
    assert mock.recv(1) == b"x"


def test_address_attributes_given_to_the_constructor_are_kept() -> None:
    mock = SocketMock(family=socket.AF_INET6, proto=socket.IPPROTO_TCP)
    assert (mock.family, mock.type, mock.proto) == (
        socket.AF_INET6,
        socket.SOCK_STREAM,
        socket.IPPROTO_TCP,
    )


def test_address_attributes_can_be_reassigned() -> None:
    mock = SocketMock()
    mock.type = socket.SOCK_DGRAM
    assert mock.type == socket.SOCK_DGRAM


def test_resetting_return_value_removes_a_returned_default() -> None:
    mock = SocketMock()
    mock.recv.reset_mock(return_value=True)
    assert is_plain_mock(mock.recv(1))


def test_resetting_side_effect_removes_a_computed_default() -> None:
    mock = SocketMock()
    mock.send.reset_mock(side_effect=True)
    assert is_plain_mock(mock.send(b"x"))


def test_plain_reset_mock_keeps_the_defaults() -> None:
    mock = SocketMock()
    mock.send(b"x")
    mock.reset_mock()
    assert mock.send(b"hello") == 5
    assert mock.recv(1) == b""
    mock.send.assert_called_once_with(b"hello")


# -- SocketMock wrapping a real socket ---------------------------------------------------------


def test_socket_mock_wrapping_a_socket_forwards_calls_instead_of_defaults(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    a, b = real_pair
    mock = SocketMock(wraps=a)
    b.sendall(b"xyz")
    assert mock.recv(10) == b"xyz"
    mock.recv.assert_called_once_with(10)


def test_socket_mock_wrapping_a_socket_takes_its_address_attributes(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    mock = SocketMock(wraps=real_pair[0])
    assert (mock.family, mock.type) == (real_pair[0].family, real_pair[0].type)


def test_socket_mock_wrapping_a_socket_keeps_a_virtual_fileno(
    real_pair: tuple[socket.socket, socket.socket],
) -> None:
    assert type(SocketMock(wraps=real_pair[0]).fileno()) is FileDescriptor


# -- SSLSocketMock -----------------------------------------------------------------------------


def test_ssl_socket_mock_is_an_instance_of_ssl_socket_and_socket() -> None:
    mock = SSLSocketMock()
    assert isinstance(mock, ssl.SSLSocket)
    assert isinstance(mock, RealSocket)


def test_ssl_socket_mock_is_a_socket_mock() -> None:
    assert isinstance(SSLSocketMock(), SocketMock)


def test_ssl_socket_mock_has_ssl_methods() -> None:
    mock = SSLSocketMock()
    mock.do_handshake()
    mock.do_handshake.assert_called_once_with()


def test_socket_mock_lacks_ssl_methods() -> None:
    with pytest.raises(AttributeError):
        SocketMock().do_handshake  # noqa: B018


def test_ssl_socket_mock_has_the_socket_mock_defaults() -> None:
    mock = SSLSocketMock()
    assert (mock.send(b"abc"), mock.recv(1), mock.gettimeout()) == (3, b"", 0.0)


def test_ssl_socket_mock_keeps_its_spec_while_ssl_socket_is_patched() -> None:
    real_ssl_socket = ssl.SSLSocket
    with patch("ssl.SSLSocket"):
        assert isinstance(SSLSocketMock(), real_ssl_socket)


def test_ssl_socket_mock_is_refused_by_loop_sock_recv_like_a_real_ssl_socket() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(TypeError):
            loop.run_until_complete(loop.sock_recv(SSLSocketMock(), 1))
    finally:
        loop.close()
