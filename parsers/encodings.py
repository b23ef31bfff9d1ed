"""Decode text bytes to Unicode: UTF-8 (with or without BOM), UTF-16, Windows-1258 and the legacy
Vietnamese font encodings TCVN3 (ABC) and VNI, whose tables live in corpus/reference/encodings."""

from __future__ import annotations

import codecs
import unicodedata

import regex

VIETNAMESE_LETTERS = set(
    "ăâđêôơưĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)

_PLAIN_CAPITALS = "ĐĂÂÊÔƠƯ"
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*")
# One Vietnamese syllable, tone mark removed: onset, vowel nucleus, final consonant.
_SYLLABLE = regex.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:iêu|yêu|oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê"
    r"|[aăâeêioôơuưy])"
    r"(?:ch|ng|nh|[ckmnpt])?"
)


def _is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable: one tone at most, usual case pattern, valid spelling."""
    if not (word.islower() or word.isupper() or word[:1].isupper() and word[1:].islower()):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    if len(decomposed) - len(bare) > 1:
        return False
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare)) is not None


def vietnamese_score(text: str) -> float:
    """How much a text reads like Vietnamese: (well-formed syllables with Vietnamese letters - malformed
    non-ASCII words x 2) / words. About 0.8-0.9 for real Vietnamese, 0 for English, below 0 for mojibake
    (a wrong legacy table gives words with two tone marks, stray Latin-1 letters or odd capitals)."""
    sample = unicodedata.normalize("NFC", text[:20000])
    good = bad = total = 0
    for m in _WORD.finditer(sample):
        word = m.group(0)
        total += 1
        if word.isascii() or len(word) == 1:
            continue  # one-letter words ("à", "ở", or "©" read as "â") are too weak either way
        if any(ch in VIETNAMESE_LETTERS for ch in word) and _is_syllable(word):
            good += 1
        elif word.isupper() and all(ch.isascii() or ch in _PLAIN_CAPITALS for ch in word):
            continue  # an abbreviation such as "QĐ", "HĐND", "ĐBKK"
        else:
            bad += 1
    if not total:
        return 0.0
    return (good - 2 * bad) / total


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-Latin text has a zero byte in every other position, on one side only."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even == 0:
        return "utf-16-le"
    if even > 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged bytes (a truncated or hand-edited file): many valid multi-byte letters,
    few invalid bytes. Legacy 8-bit text almost never forms valid multi-byte sequences."""
    text = data[:200_000].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good >= 20 and good >= 20 * bad


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: the last resort is cp1258 with replacement.

    The text is returned as decoded (an NFD file stays NFD; NFC is pipeline.normalize's job), except that
    the legacy decoders compose the letters their encodings split (cp1258 tone marks, VNI modifiers).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace"), "utf-8"
    from kehoach.parsers import legacy_fonts  # tables are data; loaded only for non-UTF-8 input

    return legacy_fonts.decode_legacy(data)
