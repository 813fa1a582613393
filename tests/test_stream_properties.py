"""Properties of the in-memory byte stream: no byte is lost, duplicated or reordered.

Whatever the seed (fragmentation), the capacity (send window), the sizes passed
to send and recv and the way they interleave, the receiver gets exactly the
bytes the sender's calls accepted, in order.  A failing example prints the seed.
"""

from __future__ import annotations

import socket

from hypothesis import given, settings
from hypothesis import strategies as st

from mockselector import MockSocket, socketpair

seeds = st.one_of(st.none(), st.integers(min_value=0, max_value=2**32))
capacities = st.one_of(st.none(), st.integers(min_value=1, max_value=4096))
sizes = st.integers(min_value=1, max_value=3000)
# One step of the conversation: the sender sends so many bytes, or the receiver
# asks for so many.
steps = st.lists(st.tuples(st.sampled_from(["send", "sendall", "sendmsg", "recv"]), sizes),
                 max_size=60)


def payload(length: int, start: int) -> bytes:
    """Bytes that tell where they came from: a lost or reordered one shows."""
    return bytes((start + index) % 251 for index in range(length))


def drain(sock: MockSocket, size: int) -> bytes:
    received = bytearray()
    while True:
        try:
            chunk = sock.recv(size)
        except BlockingIOError:
            return bytes(received)
        if not chunk:
            return bytes(received)
        received += chunk


@settings(max_examples=300, deadline=None)
@given(seed=seeds, capacity=capacities, steps=steps, final_size=sizes)
def test_random_sends_and_recvs_deliver_every_byte_once_in_order(
    seed: int | None, capacity: int | None, steps: list[tuple[str, int]], final_size: int,
) -> None:
    sender, receiver = socketpair(seed=seed, capacity=capacity, record=True)
    sender.setblocking(False)
    receiver.setblocking(False)
    accepted = bytearray()
    received = bytearray()
    for operation, size in steps:
        data = payload(size, len(accepted))
        try:
            if operation == "send":
                accepted += data[:sender.send(data)]
            elif operation == "sendmsg":
                half = size // 2
                accepted += data[:sender.sendmsg([data[:half], data[half:]])]
            elif operation == "sendall":
                before = len(sender.sent)
                try:
                    sender.sendall(data)
                finally:
                    accepted += data[:len(sender.sent) - before]
            else:
                received += receiver.recv(size)
        except BlockingIOError:
            pass
    sender.shutdown(socket.SHUT_WR)
    received += drain(receiver, final_size)
    assert (bytes(received), sender.sent) == (bytes(accepted), bytes(accepted)), repr(sender)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, chunks=st.lists(st.binary(max_size=300), max_size=20),
       recv_sizes=st.lists(sizes, min_size=1, max_size=10))
def test_a_script_is_read_back_whole_whatever_the_recv_sizes(
    seed: int | None, chunks: list[bytes], recv_sizes: list[int],
) -> None:
    sock = MockSocket(chunks, seed=seed)
    received = bytearray()
    empty_reads = 0
    index = 0
    while empty_reads <= chunks.count(b""):
        piece = sock.recv(recv_sizes[index % len(recv_sizes)])
        index += 1
        if piece:
            received += piece
        else:
            empty_reads += 1
    assert bytes(received) == b"".join(chunks)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), steps=steps)
def test_the_same_seed_splits_the_same_way(seed: int, steps: list[tuple[str, int]]) -> None:
    def run() -> list[int]:
        sender, receiver = socketpair(seed=seed, capacity=5000)
        sender.setblocking(False)
        receiver.setblocking(False)
        lengths = []
        for operation, size in steps:
            try:
                if operation == "recv":
                    lengths.append(len(receiver.recv(size)))
                else:
                    lengths.append(sender.send(payload(size, 0)))
            except BlockingIOError:
                lengths.append(-1)
        return lengths

    assert run() == run()
