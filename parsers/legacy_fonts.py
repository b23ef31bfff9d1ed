"""Legacy 8-bit Vietnamese encodings: Windows-1258, TCVN3 (ABC) and VNI.

Files typed with the old ".VnTime" (TCVN3) or "VNI-Times" fonts store Vietnamese letters as Latin-1 bytes
that only look right in that font. We decode a sample with each candidate table, keep the decoding that
reads most like Vietnamese (well-formed syllables, see encodings.vietnamese_score) and decode the whole
file with it. Windows-1258 is the default: another table must read strictly better to win, so English or
plain Western text is never turned into Vietnamese mojibake.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from kehoach.parsers.encodings import vietnamese_score

_SAMPLE_BYTES = 64 * 1024


def _cp1258(data: bytes) -> str:
    """cp1258 writes most toned letters as base + combining tone: compose them, as the other tables do."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _candidates() -> list[tuple[str, Callable[[bytes], str]]]:
    candidates: list[tuple[str, Callable[[bytes], str]]] = [("cp1258", _cp1258)]
    try:
        from kehoach.parsers.legacy_tables import decode_tcvn3, decode_vni
    except ImportError:  # tables not installed: cp1258 only
        return candidates
    return candidates + [("tcvn3", decode_tcvn3), ("vni", decode_vni)]


def decode_legacy(data: bytes) -> tuple[str, str]:
    """Pick the best of cp1258, TCVN3 and VNI for non-UTF-8 bytes: (text, encoding name)."""
    sample = data[:_SAMPLE_BYTES]
    best_name, best_decode, best_score = "", _cp1258, float("-inf")
    for name, fn in _candidates():
        score = vietnamese_score(fn(sample))
        if score > best_score:  # strictly better: ties go to the earlier (cp1258 first)
            best_name, best_decode, best_score = name, fn, score
    return best_decode(data), best_name
