"""Shared fixtures of the test suite."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from mockselector import FileDescriptor, TestSelector, socketpair


@pytest.fixture(autouse=True)
def _fresh_descriptors() -> Iterator[None]:
    """Each test starts numbering virtual descriptors from 1000 again."""
    saved = FileDescriptor.next_fd
    FileDescriptor.next_fd = 1000
    yield
    FileDescriptor.next_fd = max(saved, FileDescriptor.next_fd)


@pytest.fixture(params=["kernel", "memory"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which socket pair a behavioural test runs on: the kernel's, or ours."""
    return str(request.param)


@pytest.fixture
def pair(kind: str) -> Iterator[tuple[Any, Any]]:
    """A connected pair of the ``kind`` under test, closed after the test."""
    a, b = socket.socketpair() if kind == "kernel" else socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def in_memory_selectors() -> Iterator[None]:
    """``selectors.DefaultSelector`` and socketserver's selector become TestSelector."""
    with mock.patch("selectors.DefaultSelector", TestSelector), \
            mock.patch("socketserver._ServerSelector", TestSelector):
        yield
