"""Shared fixtures of the test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockselector import FileDescriptor


@pytest.fixture(autouse=True)
def _fresh_descriptors() -> Iterator[None]:
    """Each test starts numbering virtual descriptors from 1000 again."""
    saved = FileDescriptor.next_fd
    FileDescriptor.next_fd = 1000
    yield
    FileDescriptor.next_fd = max(saved, FileDescriptor.next_fd)
