"""Legacy 8-bit Vietnamese encodings: Windows-1258, TCVN3 (ABC) and VNI.

Files typed with the old ".VnTime" (TCVN3) or "VNI-Times" fonts store Vietnamese letters as Latin-1 bytes
that only look right in that font. We decode the bytes with each candidate table and keep the decoding
that reads most like Vietnamese.
"""

from __future__ import annotations

import unicodedata

from kehoach.parsers.encodings import vietnamese_score


def _cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def decode_legacy(data: bytes) -> tuple[str, str]:
    """Pick the best of cp1258, TCVN3 and VNI for non-UTF-8 bytes."""
    candidates = [(_cp1258(data), "cp1258")]
    try:
        from kehoach.parsers.legacy_tables import decode_tcvn3, decode_vni
    except ImportError:  # tables not installed: cp1258 only
        return candidates[0]
    candidates.append((decode_tcvn3(data), "tcvn3"))
    candidates.append((decode_vni(data), "vni"))
    return max(candidates, key=lambda c: vietnamese_score(c[0]))
