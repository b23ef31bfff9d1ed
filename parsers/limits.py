"""Limits on what a parser may read: bytes, decompressed size, pages and time. Configurable per call."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from kehoach.parsers.errors import TooLarge


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Defaults suit plans (tens of pages); override with KEHOACH_MAX_* variables or pass your own."""

    max_bytes: int = _env_int("KEHOACH_MAX_BYTES", 100 * 1024 * 1024)
    max_decompressed: int = _env_int("KEHOACH_MAX_DECOMPRESSED", 200 * 1024 * 1024)
    max_compression_ratio: int = _env_int("KEHOACH_MAX_RATIO", 200)
    max_pages: int = _env_int("KEHOACH_MAX_PAGES", 2000)
    max_seconds: float = float(_env_int("KEHOACH_MAX_SECONDS", 300))


DEFAULT_LIMITS = Limits()


class Deadline:
    """A wall-clock budget a parser checks between pages or parts."""

    def __init__(self, path: str, limits: Limits):
        self.path = path
        self.limits = limits
        self.t0 = time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.t0 > self.limits.max_seconds:
            raise TooLarge(self.path, f"parsing took longer than {self.limits.max_seconds:g} s")
