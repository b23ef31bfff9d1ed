"""DOCX: body in reading order (paragraphs, tables, text boxes), headers first and footers last, Word's
automatic numbering rendered as the reader sees it, and tables as grids with merged cells.

Every part is read through ``parsers.safety`` (bounded inflation, DTDs refused) and parsed with one safe lxml
parser; the package is navigated by its relationships rather than through python-docx, so .docm/.dotx
content types and Strict OOXML read the same way and no part is parsed by anything less careful.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from kehoach.parsers import safety
from kehoach.parsers.base import CellSpec, DocumentBuilder
from kehoach.parsers.errors import CorruptDocument
from kehoach.parsers.limits import Deadline, Limits
from kehoach.schemas.document import BlockKind, Document, DocumentMeta, SourceFormat

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": _W_NS,
    "http://purl.oclc.org/ooxml/officeDocument/relationships": _R_NS,
}
W = "{%s}" % _W_NS
R_ID = "{%s}id" % _R_NS
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_HEADING_NAME = re.compile(r"^(heading\s*[1-9]|title)$", re.IGNORECASE)
# Fonts whose code points are pictures, not letters: their characters are shown as a bullet.
_DINGBAT_FONTS = ("symbol", "wingdings", "webdings")
_SYMBOL_CHARS = {0x2D: "-", 0xB7: "•", 0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xAE: "→"}
_SKIP = {W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr", "tblPr",
                         "trPr", "tcPr", "fldData", "footnoteReference", "endnoteReference", "commentReference",
                         "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "annotationRef")}


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    """The w:val attribute of an element, or ``default`` when the element or attribute is absent."""
    if el is None:
        return default
    return el.get(W + "val", default)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


@dataclass
class Styles:
    """Paragraph styles: names, inheritance, numbering and outline level, read from word/styles.xml."""

    names: dict[str, str] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    num_pr: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    outline: dict[str, int] = field(default_factory=dict)
    default: str | None = None

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        for st in root.iter(W + "style"):
            if st.get(W + "type", "paragraph") != "paragraph":
                continue
            sid = st.get(W + "styleId")
            if not sid:
                continue
            name = val(st.find(W + "name"), sid) or sid
            # Built-in styles are stored in lower case ("heading 1"); Word shows them capitalised.
            styles.names[sid] = name[:1].upper() + name[1:] if name.islower() else name
            if on_off(st.get(W + "default")) and styles.default is None:
                styles.default = sid
            base = val(st.find(W + "basedOn"))
            if base:
                styles.based_on[sid] = base
            ppr = st.find(W + "pPr")
            if ppr is not None:
                npr = ppr.find(W + "numPr")
                if npr is not None:
                    styles.num_pr[sid] = (val(npr.find(W + "numId")), val(npr.find(W + "ilvl")))
                outline = val(ppr.find(W + "outlineLvl"))
                if outline is not None:
                    styles.outline[sid] = _int(outline, 9)
        return styles

    def chain(self, sid: str | None) -> Iterator[str]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        seen: set[str] = set()
        while sid and sid not in seen and len(seen) < 32:
            seen.add(sid)
            yield sid
            sid = self.based_on.get(sid)

    def numbering(self, sid: str | None) -> tuple[str | None, str | None]:
        for s in self.chain(sid):
            if s in self.num_pr:
                return self.num_pr[s]
        return None, None

    def is_heading(self, sid: str | None) -> bool:
        for s in self.chain(sid):
            if _HEADING_NAME.match(self.names.get(s, "")):
                return True
            if s in self.outline:
                return self.outline[s] < 9
        return False


@dataclass
class _Para:
    kind: BlockKind
    text: str
    style: str | None


@dataclass
class _Table:
    rows: list[list[CellSpec]]


@dataclass
class _RawCell:
    col: int
    span: int
    vmerge: str | None
    text: str
    rowspan: int = 1
    merged: bool = False


class _Reader:
    """Walks one package: relationships, styles and numbering, then the story parts in reading order."""

    def __init__(self, path: str, data: bytes, limits: Limits):
        self.path = path
        self.limits = limits
        self.deadline = Deadline(path, limits)
        self.warnings: list[str] = []
        self.zf = safety.open_zip(path, data, limits)
        self.names = set(self.zf.namelist())
        for name in sorted(self.names):
            if name.lower().endswith((".xml", ".rels", ".vml")):
                safety.reject_dtd(path, name, self.member(name))
        main = self._main_part()
        self.main = main
        self.rels = self._rels(main)
        self.styles = Styles.from_xml(self._related_xml("styles"))
        self.numbering = Numbering.from_xml(self._related_xml("numbering"), self.styles.num_pr)
        self._count = 0

    # -- package -------------------------------------------------------------------------------------
    def member(self, name: str) -> bytes:
        return safety.read_member(self.path, self.zf, name, self.limits)

    def xml(self, name: str) -> etree._Element:
        root = safety.parse_xml(self.path, name, self.member(name))
        if etree.QName(root).namespace in _STRICT:
            _to_transitional(root)
        return root

    def _main_part(self) -> str:
        if "_rels/.rels" in self.names:
            for rel in self.xml("_rels/.rels").iter(REL + "Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = _resolve("", rel.get("Target", ""))
                    if target in self.names:
                        return target
        if "word/document.xml" not in self.names:
            raise CorruptDocument(self.path, "no main document part (word/document.xml)")
        return "word/document.xml"

    def _rels(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type suffix, target part) of a part's internal relationships."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return []
        out = []
        for rel in self.xml(rels_name).iter(REL + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            out.append((rel.get("Id", ""), kind, _resolve(folder, rel.get("Target", ""))))
        return out

    def _related_xml(self, kind: str) -> etree._Element | None:
        for _, k, target in self.rels:
            if k == kind and target in self.names:
                return self.xml(target)
        return None

    # -- stories -------------------------------------------------------------------------------------
    def read(self, builder: DocumentBuilder) -> None:
        doc = self.xml(self.main)
        body = doc.find(W + "body")
        if body is None:
            raise CorruptDocument(self.path, f"{self.main} has no w:body")
        targets = {rid: target for rid, _, target in self.rels}
        headers, footers = [], []
        for sect in body.iter(W + "sectPr"):
            for ref in sect:
                target = targets.get(ref.get(R_ID, ""))
                if target is None or target not in self.names:
                    continue
                if ref.tag == W + "headerReference" and target not in headers:
                    headers.append(target)
                elif ref.tag == W + "footerReference" and target not in footers:
                    footers.append(target)
        body_numbering = self.numbering
        for part in headers:
            self.numbering = body_numbering.fresh()
            self._emit(builder, self.xml(part))
        self.numbering = body_numbering
        self._emit(builder, body)
        for kind in ("footnotes", "endnotes"):
            notes = self._related_xml(kind)
            if notes is None:
                continue
            self.numbering = body_numbering.fresh()
            for note in notes:
                if note.get(W + "type") in (None, "normal"):
                    self._emit(builder, note)
        for part in footers:
            self.numbering = body_numbering.fresh()
            self._emit(builder, self.xml(part))

    def _emit(self, builder: DocumentBuilder, container: etree._Element) -> None:
        for item in self._items(container):
            if isinstance(item, _Table):
                builder.add_table(item.rows)
            else:
                builder.add(item.kind, item.text, style=item.style)

    def _items(self, container: etree._Element) -> Iterator[_Para | _Table]:
        """Paragraphs and tables of a container (body, cell, header, text box) in reading order."""
        for child in container:
            tag = child.tag
            if tag == W + "p":
                yield from self._paragraph(child)
            elif tag == W + "tbl":
                yield _Table(self._table(child))
            elif tag == MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    yield from self._items(branch)
            elif tag in (W + "sdt", W + "customXml", W + "ins", W + "moveTo", W + "sdtContent"):
                inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if inner is not None:
                    yield from self._items(inner)
            elif tag == W + "altChunk" and "altChunk" not in " ".join(self.warnings):
                self.warnings.append("altChunk (embedded foreign content) not read")

    # -- paragraphs ----------------------------------------------------------------------------------
    def _paragraph(self, p: etree._Element) -> Iterator[_Para | _Table]:
        self._count += 1
        if self._count % 500 == 0:
            self.deadline.check()
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._inline(p, parts, boxes)
        text = "".join(parts)
        ppr = p.find(W + "pPr")
        sid = val(ppr.find(W + "pStyle")) if ppr is not None else None
        sid = sid or self.styles.default
        label = self._label(ppr, sid)
        heading = self.styles.is_heading(sid) or (
            ppr is not None and _int(val(ppr.find(W + "outlineLvl")), 9) < 9)
        kind = BlockKind.heading if heading else BlockKind.list_item if label else BlockKind.paragraph
        if text.strip():
            yield _Para(kind, label + text, self.styles.names.get(sid or "", sid))
        for box in boxes:
            yield from self._items(box)

    def _label(self, ppr: etree._Element | None, sid: str | None) -> str:
        num_id = ilvl = None
        npr = ppr.find(W + "numPr") if ppr is not None else None
        if npr is not None:
            num_id, ilvl = val(npr.find(W + "numId")), val(npr.find(W + "ilvl"))
        if num_id is None:
            num_id, style_lvl = self.styles.numbering(sid)
            ilvl = ilvl if ilvl is not None else style_lvl
        if num_id is None or num_id == "0":
            return ""
        if ilvl is None:  # a list level can name the paragraph style it belongs to
            ilvl = self.numbering.level_of_style(num_id, sid)
        return self.numbering.label(num_id, _int(ilvl, 0))

    def _inline(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "r":
                rpr = child.find(W + "rPr")
                if rpr is not None and (_is_on(rpr.find(W + "vanish")) or _is_on(rpr.find(W + "specVanish"))):
                    continue
                self._inline(child, parts, boxes)
            elif tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "softHyphen":
                continue
            elif tag == W + "sym":
                parts.append(_symbol(child.get(W + "char", ""), child.get(W + "font", "")))
            elif tag == W + "txbxContent":
                boxes.append(child)
            elif tag == MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, parts, boxes)
            else:
                self._inline(child, parts, boxes)

    # -- tables --------------------------------------------------------------------------------------
    def _table(self, tbl: etree._Element) -> list[list[CellSpec]]:
        rows: list[list[_RawCell]] = []
        for tr in _children(tbl, W + "tr"):
            trpr = tr.find(W + "trPr")
            before = _int(val(trpr.find(W + "gridBefore")), 0) if trpr is not None else 0
            cells: list[_RawCell] = [_RawCell(0, before, None, "")] if before > 0 else []
            col = max(before, 0)
            for tc in _children(tr, W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span, vmerge, hmerge = 1, None, None
                if tcpr is not None:
                    span = min(max(_int(val(tcpr.find(W + "gridSpan")), 1), 1), 1000)
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = "restart" if val(vm) == "restart" else "continue"
                    hm = tcpr.find(W + "hMerge")
                    hmerge = None if hm is None else ("restart" if val(hm) == "restart" else "continue")
                text = self._cell_text(tc)
                if hmerge == "continue" and cells:
                    cells[-1].span += span
                    cells[-1].text = " ".join(t for t in (cells[-1].text, text) if t.strip())
                else:
                    cells.append(_RawCell(col, span, vmerge, text))
                col += span
            rows.append(cells)
        return _merge_rows(rows)

    def _cell_text(self, tc: etree._Element) -> str:
        out: list[str] = []
        for item in self._items(tc):
            if isinstance(item, _Table):
                out.extend(c.text for row in item.rows for c in row if c.text.strip())
            else:
                out.append(item.text)
        return "\n".join(out)


# -- numbering -------------------------------------------------------------------------------------------

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
            start=_int(val(lvl.find(W + "start")), 1),
            suffix=val(lvl.find(W + "suff"), "tab") or "tab",
            legal=legal is not None and on_off(val(legal)),
            restart=_int(restart, 1) if restart is not None else None,
            font=font,
            style=val(lvl.find(W + "pStyle")),
        )


def _levels(el: etree._Element) -> dict[int, Level]:
    return {_int(lvl.get(W + "ilvl"), 0): Level.from_xml(lvl) for lvl in el.findall(W + "lvl")}


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int]
    levels: dict[int, Level]


@dataclass
class Numbering:
    """word/numbering.xml and the running counters, so each numbered paragraph gets its label in order.

    Instances (w:num) of one abstract list share their counters, as in Word, unless the instance restarts
    a level with lvlOverride/startOverride, which gives it counters of its own.
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
                ilvl = _int(ov.get(W + "ilvl"), 0)
                so = ov.find(W + "startOverride")
                if so is not None:
                    starts[ilvl] = _int(val(so), 1)
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
                                     and level.font.lower().startswith(_DINGBAT_FONTS)):
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


def _merge_rows(rows: list[list[_RawCell]]) -> list[list[CellSpec]]:
    """Resolve vertical merges into rowspans over the rows that hold text (empty rows are dropped)."""
    kept = [r for r in rows if any(c.text.strip() for c in r)]
    open_: dict[tuple[int, int], _RawCell] = {}
    for row in kept:
        now: dict[tuple[int, int], _RawCell] = {}
        for cell in row:
            key = (cell.col, cell.span)
            anchor = open_.get(key)
            if cell.vmerge == "continue" and anchor is not None:
                anchor.rowspan += 1
                if cell.text.strip():
                    anchor.text = f"{anchor.text}\n{cell.text}"
                cell.merged = True
                now[key] = anchor
            elif cell.vmerge is not None:
                now[key] = cell
        open_ = now
    return [[CellSpec(c.text, c.rowspan, c.span) for c in row if not c.merged] for row in kept]


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                yield from _children(inner, tag)
        elif child.tag == MC + "AlternateContent":
            branch = _branch(child)
            if branch is not None:
                yield from _children(branch, tag)


def _branch(alt: etree._Element) -> etree._Element | None:
    """One branch of mc:AlternateContent (the first Choice, else the Fallback), so text is read once."""
    choice = alt.find(MC + "Choice")
    return choice if choice is not None else alt.find(MC + "Fallback")


def _is_on(el: etree._Element | None) -> bool:
    return el is not None and on_off(val(el, "true"))


def _symbol(code: str, font: str) -> str:
    try:
        point = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= point <= 0xF0FF:
        point -= 0xF000
    if font.lower().startswith(_DINGBAT_FONTS):
        return _SYMBOL_CHARS.get(point, "•") if font.lower().startswith("symbol") else "•"
    return chr(point)


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _to_transitional(root: etree._Element) -> None:
    """Rename Strict OOXML namespaces to the transitional ones the reader knows."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qn = etree.QName(el)
        if qn.namespace in _STRICT:
            el.tag = "{%s}%s" % (_STRICT[qn.namespace], qn.localname)
        for name in list(el.attrib):
            aq = etree.QName(name)
            if aq.namespace in _STRICT:
                el.attrib["{%s}%s" % (_STRICT[aq.namespace], aq.localname)] = el.attrib.pop(name)


def parse(path: str, data: bytes, limits: Limits) -> Document:
    reader = _Reader(path, data, limits)
    builder = DocumentBuilder(path, SourceFormat.docx, data)
    reader.read(builder)
    if reader.numbering.missing:
        reader.warnings.append(f"numbering definitions missing: {', '.join(sorted(reader.numbering.missing))}")
    return builder.build(DocumentMeta(warnings=reader.warnings))
