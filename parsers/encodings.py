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
    non-ASCII words x 2) / words. About 0.4-0.6 for real Vietnamese, 0 for English, below 0 for mojibake
    (a wrong legacy table gives words with two tone marks, stray Latin-1 letters or odd capitals)."""
    sample = unicodedata.normalize("NFC", text[:20000])
    good = bad = total = 0
    for m in _WORD.finditer(sample):
        word = m.group(0)
        total += 1
        if word.isascii():
            continue
        if any(ch in VIETNAMESE_LETTERS for ch in word) and _is_syllable(word):
            good += 1
        else:
            bad += 1
    if not total:
        return 0.0
    return (good - 2 * bad) / total


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even == 0:
        return data.decode("utf-16-le", errors="strict")
    if even > 0.3 * half and odd == 0:
        return data.decode("utf-16-be", errors="strict")
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: the last resort is cp1258 with replacement."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "utf-16"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from kehoach.parsers import legacy_fonts  # tables are data; loaded only for non-UTF-8 input

    return legacy_fonts.decode_legacy(data)
