"""Word's automatic numbering: the labels ("I.", "1.2.", "a)", "-") a reader sees in front of paragraphs.

Word does not store these labels in the text. They are drawn from ``word/numbering.xml`` (list definitions,
their levels and per-instance overrides) and from counters that advance as the list's paragraphs appear.
python-docx exposes the numbering part but not this arithmetic, so it lives here; it works on any lxml tree
of the part. ``roman`` and ``letters`` are shared with the HTML parser (ordered lists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Fonts whose code points are pictures, not letters: their characters are shown as a bullet.
DINGBAT_FONTS = ("symbol", "wingdings", "webdings")


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    """The w:val attribute of an element, or ``default`` when the element or attribute is absent."""
    if el is None:
        return default
    return el.get(W + "val", default)


def to_int(text: str | None, default: int) -> int:
    """An integer attribute, or ``default`` when it is absent or not a number."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def on_off(text: str | None) -> bool:
    """OOXML on/off values: absent or anything but 0/false/off means on."""
    return text is None or text.lower() not in ("0", "false", "off")


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeated, not base 26)."""
    if n < 1:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A counter in a Word numFmt; formats kehoach has no use for fall back to decimal."""
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "upperLetter":
        return letters(n).upper()
    if fmt == "lowerLetter":
        return letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def bullet(text: str, font: str | None) -> str:
    """What a reader takes a bullet glyph for: dashes stay "-", "+" stays "+", anything else is "•"."""
    ch = text.strip()[:1]
    if not ch:
        return ""
    point = ord(ch)
    if 0xF000 <= point <= 0xF0FF:  # Symbol/Wingdings characters live in the private use area
        point -= 0xF000
        ch = chr(point)
    if ch in "-\u2010\u2011\u2012\u2013\u2014\u2212":
        return "-"
    dingbat = (font or "").lower().startswith(("wingdings", "webdings"))
    if ch in "+*" and not dingbat:
        return ch
    return "•"


@dataclass
class Level:
    """One level (w:lvl) of a list definition: how its counter is written and when it restarts."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    suffix: str = "tab"
    legal: bool = False
    restart: int | None = None
    font: str | None = None
    style: str | None = None

    @classmethod
    def from_xml(cls, lvl: etree._Element) -> Level:
        fmt_el = lvl.find(W + "numFmt")
        if fmt_el is None:  # newer formats hide behind mc:AlternateContent with a plain fallback
            fmt_el = lvl.find(f"{MC}AlternateContent/{MC}Fallback/{W}numFmt")
        text_el = lvl.find(W + "lvlText")
        rpr = lvl.find(W + "rPr")
        fonts = rpr.find(W + "rFonts") if rpr is not None else None
        font = None
        if fonts is not None:
            font = fonts.get(W + "ascii") or fonts.get(W + "hAnsi") or fonts.get(W + "cs")
        restart = val(lvl.find(W + "lvlRestart"))
        legal = lvl.find(W + "isLgl")
        return cls(
            fmt=val(fmt_el, "decimal") or "decimal",
            text=val(text_el, "") or "" if text_el is not None else "",
            start=to_int(val(lvl.find(W + "start")), 1),
            suffix=val(lvl.find(W + "suff"), "tab") or "tab",
            legal=legal is not None and on_off(val(legal)),
            restart=to_int(restart, 1) if restart is not None else None,
            font=font,
            style=val(lvl.find(W + "pStyle")),
        )


def _levels(el: etree._Element) -> dict[int, Level]:
    return {to_int(lvl.get(W + "ilvl"), 0): Level.from_xml(lvl) for lvl in el.findall(W + "lvl")}


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int]
    levels: dict[int, Level]


@dataclass
class Numbering:
    """word/numbering.xml and the running counters, so each numbered paragraph gets its label in order.

    Instances (w:num) of one abstract list share their counters, as in Word, unless the instance restarts
    a level with lvlOverride/startOverride, which gives it counters of its own. ``style_num`` maps paragraph
    styles to their (numId, ilvl), for lists defined through a numbering style (numStyleLink).
    """

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_link: dict[str, str] = field(default_factory=dict)
    nums: dict[str, _Num] = field(default_factory=dict)
    style_num: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)

    @classmethod
    def from_xml(cls, root: etree._Element | None,
                 style_num: dict[str, tuple[str | None, str | None]] | None = None) -> Numbering:
        numbering = cls(style_num=style_num or {})
        if root is None:
            return numbering
        for ab in root.findall(W + "abstractNum"):
            aid = ab.get(W + "abstractNumId")
            if aid is None:
                continue
            numbering.abstract[aid] = _levels(ab)
            link = val(ab.find(W + "numStyleLink"))
            if link:
                numbering.style_link[aid] = link
        for num in root.findall(W + "num"):
            nid = num.get(W + "numId")
            aid = val(num.find(W + "abstractNumId"))
            if nid is None or aid is None:
                continue
            starts: dict[int, int] = {}
            levels: dict[int, Level] = {}
            for ov in num.findall(W + "lvlOverride"):
                ilvl = to_int(ov.get(W + "ilvl"), 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    starts[ilvl] = to_int(val(so), 1)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    levels[ilvl] = Level.from_xml(lvl)
            numbering.nums[nid] = _Num(aid, starts, levels)
        return numbering

    def fresh(self) -> Numbering:
        """The same definitions with counters of their own (headers, footers and notes count apart)."""
        return Numbering(self.abstract, self.style_link, self.nums, self.style_num, missing=self.missing)

    def _abstract_levels(self, aid: str) -> dict[int, Level]:
        for _ in range(4):  # numStyleLink: the list is defined through a numbering style
            link = self.style_link.get(aid)
            if link is None:
                break
            nid = self.style_num.get(link, (None, None))[0]
            num = self.nums.get(nid or "")
            if num is None or num.abstract == aid:
                break
            aid = num.abstract
        return self.abstract.get(aid, {})

    def _level(self, num: _Num, ilvl: int) -> Level:
        return num.levels.get(ilvl) or self._abstract_levels(num.abstract).get(ilvl) or Level(text="")

    def level_of_style(self, nid: str, sid: str | None) -> str | None:
        """The level a paragraph style is tied to by w:pStyle inside the list definition."""
        num = self.nums.get(nid)
        if num is None or sid is None:
            return None
        for ilvl, level in self._abstract_levels(num.abstract).items():
            if level.style == sid:
                return str(ilvl)
        return None

    def label(self, nid: str, ilvl: int) -> str:
        """Advance the counter of (list, level) and return its label with the separator a reader sees."""
        num = self.nums.get(nid)
        if num is None:
            self.missing.add(nid)
            return ""
        ilvl = min(max(ilvl, 0), 8)
        key = f"num:{nid}" if num.starts or num.levels else f"abstract:{num.abstract}"
        state = self.counters.setdefault(key, {})

        def start(k: int) -> int:
            return num.starts.get(k, self._level(num, k).start)

        state[ilvl] = start(ilvl) if ilvl not in state else state[ilvl] + 1
        for k in range(ilvl + 1, 9):
            restart = self._level(num, k).restart
            if restart == 0:
                continue
            if restart is None or restart > k:
                restart = k
            if ilvl < restart:
                state.pop(k, None)
        level = self._level(num, ilvl)
        if level.fmt == "bullet" or ("%" not in level.text and level.font
                                     and level.font.lower().startswith(DINGBAT_FONTS)):
            text = bullet(level.text, level.font)
        else:
            def render(m: re.Match[str]) -> str:
                k = int(m.group(1)) - 1
                fmt = "decimal" if level.legal else self._level(num, k).fmt
                if fmt == "bullet":
                    return ""
                return format_number(state.get(k, start(k)), fmt)

            text = re.sub(r"%([1-9])", render, level.text)
        if not text.strip():
            return ""
        return text + ("" if level.suffix == "nothing" else " ")
