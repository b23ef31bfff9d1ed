"""Vietnamese numbers as plans write them: "." groups thousands, "," marks decimals.

"7.449" is seven thousand, "0,43" is a fraction, "1.234,5" is both, and "0,2- 0,25" is a range. Tables
exported from spreadsheets sometimes use the English style ("0.69" in a column of percentages), so a
dot followed by other than three digits is read as a decimal point. Money comes as digits with a scale
word and a currency ("12.000.000 đ", "3,5 tỷ đồng", "72.220 triệu đồng"), usually repeated in words
("(mười hai triệu đồng)"): both are parsed so that a check can compare them.

The word lists are data (corpus/reference/patterns/xb_numbers.yaml). Exact arithmetic uses Decimal, so
"1.215,6 tỷ" is 1 215 600 000 000 đồng, not a float that is one đồng off.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files

import regex
import yaml

#: One number as written: "1.234,5", "7.449", "0,43", "0.69", "12", "03". Not part of a date or symbol.
NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d+,\d+|\d+\.\d+|\d+)"
_NUM_FREE = rf"(?<![\d.,/\p{{L}}])(?P<a>{NUMBER})(?![\d/]|[.,]\d)"


@lru_cache(maxsize=1)
def _range_re() -> regex.Pattern:
    """A range "0,2- 0,25", "65-70", "12 - 15", "từ 12 đến 15" (the words are data)."""
    w = _data()["range_words"]
    lead = "|".join(regex.escape(x) for x in w["before"])
    joint = "|".join(regex.escape(x) for x in w["between"])
    return regex.compile(
        rf"(?<![\d.,/\p{{L}}])(?:(?:{lead})\s+)?(?P<a>{NUMBER})(?:\s*[-–—]\s*|\s+(?:{joint})\s+)(?P<b>{NUMBER})"
        rf"(?![\d/]|[.,]\d)",
        regex.I,
    )


_NUM_RE = regex.compile(_NUM_FREE)
_SPACES = regex.compile(r"\s+")
_DIGITS_AND_SEPARATORS = regex.compile(r"[\d.,]+")
_THOUSANDS_DOT = regex.compile(r"\d{1,3}(?:\.\d{3})+")
_THOUSANDS_COMMA = regex.compile(r"\d{1,3}(?:,\d{3}){2,}")
_WORD = regex.compile(r"\p{L}+")


@lru_cache(maxsize=1)
def _data() -> dict:
    path = files("kehoach.reference") / "patterns" / "xb_numbers.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_decimal(text: str, *, dot_decimal: bool = False) -> Decimal | None:
    """Exact value of one written number; ``dot_decimal`` reads "1.500" as 1.5 (English-style column)."""
    s = _SPACES.sub("", text.strip())
    if not s or not _DIGITS_AND_SEPARATORS.fullmatch(s) or not s[0].isdigit():
        return None
    try:
        if "," in s and "." in s:
            if s.rfind(",") > s.rfind("."):  # 1.234,5
                return Decimal(s.replace(".", "").replace(",", "."))
            return Decimal(s.replace(",", ""))  # 1,234.5
        if "," in s:
            if _THOUSANDS_COMMA.fullmatch(s):  # 1,234,567
                return Decimal(s.replace(",", ""))
            if s.count(",") > 1:
                return None
            return Decimal(s.replace(",", "."))
        if "." in s:
            if _THOUSANDS_DOT.fullmatch(s) and not dot_decimal:
                return Decimal(s.replace(".", ""))
            if s.count(".") > 1:
                return None
            return Decimal(s)
        return Decimal(s)
    except InvalidOperation:
        return None


def parse_number(text: str, *, dot_decimal: bool = False) -> float | None:
    """ "1.234,5" → 1234.5, "7.449" → 7449.0, "0,43" → 0.43, "00" → 0.0; None when not a number."""
    value = parse_decimal(text, dot_decimal=dot_decimal)
    return None if value is None else float(value)


def parse_range(text: str) -> tuple[float, float | None] | None:
    """ "0,2- 0,25" → (0.2, 0.25); "12" → (12.0, None); None when ``text`` is neither."""
    m = _range_re().fullmatch(text.strip())
    if m:
        lo, hi = parse_number(m.group("a")), parse_number(m.group("b"))
        if lo is not None and hi is not None and lo <= hi:
            return lo, hi
    value = parse_number(text)
    return None if value is None else (value, None)


@dataclass(frozen=True)
class NumberMatch:
    """A number (or range) found in text, with its span."""

    value: float
    value_max: float | None
    start: int
    end: int
    text: str


_FRACTION = regex.compile(rf"(?<![\d.,/\p{{L}}])(?P<a>\d{{1,4}})/\d{{1,4}}(?![\d/]|[.,]\d)")


def find_numbers(text: str, start: int = 0, end: int | None = None, *, fractions: bool = False) -> list[NumberMatch]:
    """Numbers and ranges in text[start:end], reading order; a range wins over its two ends.

    With ``fractions``, the first number of "15/19" (so many of so many) is found too."""
    end = len(text) if end is None else end
    out: list[NumberMatch] = []
    for m in _range_re().finditer(text, start, end):
        lo, hi = parse_number(m.group("a")), parse_number(m.group("b"))
        if lo is None or hi is None or hi <= lo or _looks_like_years(lo, hi):
            continue
        out.append(NumberMatch(lo, hi, m.start(), m.end(), m.group(0)))
    ranges = sorted(out, key=lambda n: n.start)
    singles: list[NumberMatch] = []
    i = 0
    for m in _NUM_RE.finditer(text, start, end):
        while i < len(ranges) and ranges[i].end <= m.start():
            i += 1
        if i < len(ranges) and ranges[i].start <= m.start() < ranges[i].end:
            continue
        value = parse_number(m.group("a"))
        if value is not None:
            singles.append(NumberMatch(value, None, m.start("a"), m.end("a"), m.group("a")))
    if fractions:
        for m in _FRACTION.finditer(text, start, end):
            singles.append(NumberMatch(float(m.group("a")), None, m.start("a"), m.end("a"), m.group("a")))
    return sorted(ranges + singles, key=lambda n: n.start)


def _looks_like_years(lo: float, hi: float) -> bool:
    return 1900 <= lo <= 2100 and 1900 <= hi <= 2100


# --- numbers in words ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _word_tables() -> dict[str, tuple[str, int]]:
    """word → (kind, value); kinds: digit, ten, tens, hundred, scale, zero, half, ignore."""
    w = _data()["number_words"]
    table: dict[str, tuple[str, int]] = {}
    for word, value in w["digits"].items():
        table[word] = ("digit", int(value))
    for kind in ("ten", "tens", "hundred"):
        for word in w[kind]:
            table[word] = (kind, 0)
    for word, value in w["scales"].items():
        table[word] = ("scale", int(value))
    for word in w["zero_tens"]:
        table[word] = ("zero", 0)
    for word in w["half"]:
        table[word] = ("half", 0)
    for word in w["ignore"]:
        table[word] = ("ignore", 0)
    return table


def words_to_number(text: str) -> int | None:
    """ "mười hai triệu năm trăm nghìn đồng" → 12500000; "Ba tỷ sáu trăm bốn mươi triệu" → 3640000000.

    Returns None when a word is not a number word or when there is no number at all."""
    table = _word_tables()
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return None
    groups: list[tuple[int, int]] = []  # (scale, absolute value) of completed groups
    small = 0  # the 0-999 group being read
    digit: int | None = None  # a digit word waiting for mươi/trăm/scale
    seen = False
    last_scale = 1
    for word in words:
        entry = table.get(word)
        if entry is None:
            return None
        kind, value = entry
        if kind == "ignore":
            continue
        seen = True
        if kind == "digit":
            if digit is not None:  # "năm năm" is not a number; "hai mươi lăm" resolves below
                return None
            digit = value
        elif kind == "ten":
            if digit is not None:
                return None
            small += 10
        elif kind == "tens":
            small += (digit if digit is not None else 1) * 10
            digit = None
        elif kind == "hundred":
            small += (digit if digit is not None else 1) * 100
            digit = None
        elif kind == "zero":
            continue
        elif kind == "scale":
            group = small + (digit or 0)
            digit = None
            small = 0
            lower = 0
            while groups and groups[-1][0] < value:  # "một nghìn hai trăm tỷ": (1000 + 200) tỷ
                lower += groups.pop()[1]
            if group == 0 and lower == 0:
                group = 1
            groups.append((value, (group + lower) * value))
            last_scale = value
        elif kind == "half":
            if digit is not None or small:
                return None
            small = 0
            groups.append((last_scale // 10 or 1, last_scale // 2))
    if not seen:
        return None
    return sum(v for _, v in groups) + small + (digit or 0)


# --- money ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _money_res() -> tuple[regex.Pattern, dict[str, int]]:
    m = _data()["money"]
    scales: dict[str, int] = {k.casefold(): int(v) for k, v in m["scales"].items()}
    scale_alt = "|".join(regex.escape(s) for s in sorted(scales, key=len, reverse=True))
    cur_alt = "|".join(regex.escape(c) for c in sorted(m["currency"], key=len, reverse=True))
    pattern = regex.compile(
        rf"(?<![\d.,/\p{{L}}])(?P<num>{NUMBER})\s*(?:(?P<scale>{scale_alt})\s*)?(?P<cur>{cur_alt})(?!\p{{L}})"
        rf"(?:\s*\(\s*(?:bằng\s+chữ\s*:?\s*)?(?P<words>[\p{{L}}\s,]+?)\s*\))?",
        regex.I,
    )
    return pattern, scales


@dataclass(frozen=True)
class AmountMatch:
    """An amount of money in text: value in đồng, span, and the amount in words when it follows."""

    amount_vnd: int
    start: int
    end: int  # end of the digits and currency (words excluded)
    text: str
    in_words: str | None = None
    in_words_vnd: int | None = None
    words_start: int | None = None
    words_end: int | None = None


def to_vnd(number: str, scale: str | None = None) -> int | None:
    """ "12.000.000" → 12000000; ("3,5", "tỷ") → 3500000000; ("72.220", "triệu") → 72220000000."""
    value = parse_decimal(number)
    if value is None:
        return None
    factor = _money_res()[1].get((scale or "").casefold(), 1) if scale else 1
    return int(value * factor)


def parse_amount(text: str) -> int | None:
    """The first amount of money in ``text``, in đồng: digits ("5 triệu đồng") or words ("năm triệu đồng")."""
    found = find_amounts(text)
    if found:
        return found[0].amount_vnd
    return words_to_number(text)


@lru_cache(maxsize=1)
def _bare_money_re() -> regex.Pattern:
    """ "1,5 tỷ", "500 triệu" with no currency word, ending a phrase ("kinh phí 1,5 tỷ; …", "… 500 triệu từ …")."""
    m = _data()["money"]
    scales = "|".join(regex.escape(s) for s in sorted(m["bare_scales"], key=len, reverse=True))
    follow = "|".join(regex.escape(w) for w in m["bare_followers"])
    return regex.compile(
        rf"(?<![\d.,/\p{{L}}])(?P<num>{NUMBER})\s*(?P<scale>{scales})(?P<cur>)"
        rf"(?=\s*(?:[,;:.)(]|$)|\s+(?:{follow})(?!\p{{L}}))",
        regex.I,
    )


def find_amounts(text: str, start: int = 0, end: int | None = None, *, bare: bool = False) -> list[AmountMatch]:
    """Amounts of money written with digits in text[start:end], with their words when given in brackets.

    With ``bare``, amounts with a scale word and no currency ("kinh phí 1,5 tỷ") are found too; the caller
    says whether the context is money."""
    end = len(text) if end is None else end
    pattern, _ = _money_res()
    out: list[AmountMatch] = []
    matches = list(pattern.finditer(text, start, end))
    if bare:
        taken = [(m.start(), m.end()) for m in matches]
        matches += [m for m in _bare_money_re().finditer(text, start, end)
                    if not any(a <= m.start() < b for a, b in taken)]
        matches.sort(key=lambda m: m.start())
    for m in matches:
        vnd = to_vnd(m.group("num"), m.group("scale"))
        if vnd is None:
            continue
        words = m.groupdict().get("words")
        words_vnd = words_to_number(words) if words else None
        if words and words_vnd is None:
            words = None
        out.append(
            AmountMatch(
                amount_vnd=vnd,
                start=m.start(),
                end=m.end("cur"),
                text=text[m.start() : m.end("cur")],
                in_words=words.strip() if words else None,
                in_words_vnd=words_vnd,
                words_start=m.start("words") if words else None,
                words_end=m.end("words") if words else None,
            )
        )
    return out
