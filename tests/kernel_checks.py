"""Checks shared by the tests of the compiled kernels (tests/test_*_kernel.py)."""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable


def assert_no_leak(scan: Callable[[str], object], text: str, build: Callable[[], object]) -> None:
    """``scan`` keeps no reference to its text and leaks no memory over many calls, nor ``build`` over a few tables."""
    before = sys.getrefcount(text)
    for _ in range(100):
        scan(text)
    assert sys.getrefcount(text) == before
    scan(text)
    blocks = sys.getallocatedblocks()
    for _ in range(20_000):
        scan(text)
    assert sys.getallocatedblocks() - blocks < 50
    tracemalloc.start()
    try:
        build()
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            build()
        assert tracemalloc.get_traced_memory()[0] - start < 50_000
    finally:
        tracemalloc.stop()
