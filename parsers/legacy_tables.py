"""Byte tables of the legacy Vietnamese font encodings TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times").

The tables are data (corpus/reference/encodings/*.json); this module turns them into decoders.
TCVN3 is one byte per letter. VNI writes a base letter followed by a modifier byte, so decoding composes
each (base, modifier) pair into one precomposed letter. Bytes outside a table decode as Windows-1252, the
code page the fonts were used with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import regex


@dataclass(frozen=True)
class _Tcvn3:
    table: dict[int, str]  # byte -> character, for str.translate over a latin-1 view
    ambiguous: frozenset[str]  # lower-case letters a capital font (.VnTimeH) draws as capitals


@dataclass(frozen=True)
class _Vni:
    table: dict[int, str]  # single bytes
    pairs: regex.Pattern[str]  # (base, modifier) pairs in the latin-1 view
    pair_map: dict[str, str]


def _load(name: str) -> dict:
    path = files("kehoach.reference") / "encodings" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _fallback_table(codec: str) -> dict[int, str]:
    """Windows-1252 for bytes 0x80-0xFF (undefined cp1252 bytes stay as their latin-1 code points)."""
    table: dict[int, str] = {}
    for b in range(0x80, 0x100):
        try:
            table[b] = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            table[b] = chr(b)
    return table


@lru_cache(maxsize=1)
def _tcvn3() -> _Tcvn3:
    data = _load("tcvn3")
    table = _fallback_table(data["fallback"])
    for section in ("letters", "vn2_capitals"):
        for hexbyte, ch in data[section].items():
            table[int(hexbyte, 16)] = ch
    ambiguous = frozenset(ch for ch in data["letters"].values() if ch.islower())
    return _Tcvn3(table=table, ambiguous=ambiguous)


@lru_cache(maxsize=1)
def _vni() -> _Vni:
    data = _load("vni")
    table = _fallback_table(data["fallback"])
    for hexbyte, ch in data["singles"].items():
        table[int(hexbyte, 16)] = ch
    # Pairs are matched on the latin-1 view of the bytes, before singles are translated.
    pair_map = {bytes.fromhex(k).decode("latin-1"): v for k, v in data["pairs"].items()}
    pattern = regex.compile("|".join(regex.escape(k) for k in sorted(pair_map, key=len, reverse=True)))
    return _Vni(table=table, pairs=pattern, pair_map=pair_map)


# --- TCVN3 capitals -------------------------------------------------------------------------------------
_WORD = regex.compile(r"\p{L}+")
_GAP = regex.compile(r"[^\p{L}\n]*")  # what may separate two words of one heading line


def _restore_capitals(text: str, ambiguous: frozenset[str]) -> str:
    """Upper-case the toned letters of words typed in the capital font ("KÕ HO¹CH" → "KẾ HOẠCH").

    TCVN3 has no toned capitals, so such words hold lower-case bytes among capital letters. A word with no
    unambiguous lower-case letter is a capital word when it has two capitals or a capital after an
    ambiguous letter ("HOạCH", "ủY"), or when it is all capitals with one of Ă Â Ê Ô Ơ Ư ("NHÂN"). A word
    with one leading capital ("Kế", "Xã") becomes one only when it stands next to a capital word on the
    same line, possibly across all-capital words without Vietnamese letters ("NỘI DUNG VÀ KINH PHÍ").
    Mixed-case words ("Hà", "Số") are never touched, so a title-case toned capital ("Ủy ban" typed in
    .VnTime) stays lower case, as the font displayed it.
    """
    if not any(ch in ambiguous for ch in text):
        return text
    words = list(_WORD.finditer(text))
    state = [_capital_state(m.group(0), ambiguous) for m in words]
    adjacent = [
        i + 1 < len(words) and _GAP.fullmatch(text, words[i].end(), words[i + 1].start()) is not None
        for i in range(len(words))
    ]
    # Spread along a line: one sweep each way reaches every candidate joined to a capital word through
    # adjacent candidates and bridges.
    for order in (range(len(words)), range(len(words) - 1, -1, -1)):
        carry, prev = False, None
        for i in order:
            if prev is not None and not adjacent[min(i, prev)]:
                carry = False
            if state[i] == _CAPITAL:
                carry = True
            elif state[i] == _CANDIDATE and carry:
                state[i] = _CAPITAL
            elif state[i] == _OTHER:
                carry = False
            prev = i
    out = list(text)
    for m, s in zip(words, state):
        if s == _CAPITAL:
            for j in range(m.start(), m.end()):
                if out[j] in ambiguous:
                    out[j] = out[j].upper()
    return "".join(out)


_OTHER, _CANDIDATE, _BRIDGE, _CAPITAL = range(4)
_VIETNAMESE_CAPITALS = frozenset("ĂÂÊÔƠƯ")


def _capital_state(word: str, ambiguous: frozenset[str]) -> int:
    """How a word takes part in capital restoration (see _restore_capitals)."""
    amb = [ch in ambiguous for ch in word]
    upper = sum(ch.isupper() for ch in word)
    if any(ch.islower() and not a for ch, a in zip(word, amb)):
        return _OTHER
    if not any(amb):
        if upper == len(word) >= 2:
            return _CAPITAL if _VIETNAMESE_CAPITALS & set(word) else _BRIDGE
        return _OTHER
    if not upper:
        return _OTHER
    if upper >= 2 or any(ch.isupper() for ch in word[amb.index(True):]):
        return _CAPITAL
    return _CANDIDATE


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes to Unicode (NFC), with capitals restored in words typed in the capital font."""
    t = _tcvn3()
    return _restore_capitals(data.decode("latin-1").translate(t.table), t.ambiguous)


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes to Unicode (NFC): compose (base, modifier) pairs, then map single bytes."""
    v = _vni()
    text = data.decode("latin-1")
    parts: list[str] = []
    pos = 0
    for m in v.pairs.finditer(text):
        parts.append(text[pos:m.start()].translate(v.table))
        parts.append(v.pair_map[m.group(0)])
        pos = m.end()
    parts.append(text[pos:].translate(v.table))
    return "".join(parts)
