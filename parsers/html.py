"""HTML pages (plans copied from web portals): the plan's text without the portal around it.

The page is decoded (BOM, then valid UTF-8, then the declared charset, then the legacy-font fallback) and
parsed by lxml's HTML parser with no network access. Scripts, styles, forms, hidden elements and the
portal's navigation, sidebars, share bars and footers are dropped; the main content container is the
<article>/<main> element or else the deepest element that still holds nearly all of the page's text. Its
block elements become blocks, lists get the labels a browser shows, and tables become grids. Nothing is
executed, fetched or expanded: a DOCTYPE that declares entities is refused as hostile.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from kehoach.parsers.base import CellSpec, DocumentBuilder
from kehoach.parsers.numbering import letters, roman
from kehoach.parsers.encodings import VIETNAMESE_LETTERS, decode
from kehoach.parsers.errors import CorruptDocument, EmptyDocument, HostileContent
from kehoach.parsers.limits import Deadline, Limits
from kehoach.schemas.document import BlockKind, Document, DocumentMeta, SourceFormat

# Elements that are never part of a plan's text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
              "applet", "svg", "math", "canvas", "button", "select", "input", "textarea", "head", "link", "meta",
              "title", "base", "audio", "video", "map", "dialog")
# Page furniture by element. A <form> is dropped only when it does not wrap the page (ASP.NET portals put
# everything in one <form>); an <article>'s own header and footer stay (they hold its title and signature).
_FURNITURE_TAGS = ("nav", "aside", "header", "footer")
# Portal furniture named by class or id (English and Vietnamese slugs): menus, sidebars, share bars, ads.
_NOISE = re.compile(
    r"(?:^|[\s_-])(?:menu\w*|nav|navbar|navigation|sidebar|side-bar|breadcrumbs?|footer|comments?|share|"
    r"sharing|social|banner|ads?|advert\w*|popup|modal|cookies?|related|widget|toolbar|pagination|"
    r"quangcao|quang-cao|binhluan|binh-luan|chiase|chia-se|lienquan|lien-quan)(?:$|[\s_-])",
    re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_NO_MARKER = re.compile(r"list-style(?:-type)?\s*:\s*none", re.IGNORECASE)
_ENTITY_DTD = re.compile(r"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE)
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[[^\]]*\]\s*>", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
           "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "hr", "html", "legend", "li",
           "main", "ol", "p", "pre", "section", "summary", "ul", "caption", "tr", "td", "th", "tbody",
           "thead", "tfoot", "menu", "dir"} | _HEADINGS
_BULLETS = ("-", "+", "•", "*", "–", "·", "◦", "▪")
_MAX_SPAN = 1000


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: BOM, else valid UTF-8, else the declared charset, else the legacy fallback."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:8192])
    if m:
        name = (m.group(1) or m.group(2)).decode("ascii", "replace")
        try:
            codec = codecs.lookup(name).name
            if not codec.startswith("utf-8"):
                return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def _weight(text: str | None, link: bool) -> float:
    if not text:
        return 0.0
    score = sum(1 for ch in text if ch.isalpha()) + sum(1 for ch in text if ch in VIETNAMESE_LETTERS)
    return score * (0.2 if link else 1.0)


def _scores(root: etree._Element) -> dict[etree._Element, float]:
    """Amount of (Vietnamese-weighted) text under each element; link text counts little."""
    scores: dict[etree._Element, float] = {}

    def visit(el: etree._Element, in_link: bool) -> float:
        link = in_link or el.tag == "a"
        total = _weight(el.text, link)
        for child in el:
            if isinstance(child.tag, str):
                total += visit(child, link)
            total += _weight(child.tail, link)
        scores[el] = total
        return total

    visit(root, False)
    return scores


def _drop(el: etree._Element) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _strip_noise(root: etree._Element) -> None:
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style", "")):
            _drop(el)
    scores = _scores(root)
    total = scores.get(root, 0.0) or 1.0
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main"):
            continue
        if el.tag in _FURNITURE_TAGS:
            if not any(a.tag in ("article", "main") for a in el.iterancestors()):
                _drop(el)
            continue
        if el.tag != "form" and not _NOISE.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        if scores.get(el, 0.0) > 0.5 * total or next(el.iter("article", "main"), None) is not None:
            continue  # a wrapper named like furniture that still holds the page's content
        _drop(el)


def _main(root: etree._Element) -> etree._Element:
    """The element holding the plan: <article>/<main>, or the deepest element with nearly all the text."""
    body = root.find("body")
    if body is None:
        body = root
    scores = _scores(body)
    total = scores.get(body, 0.0)
    marked = [el for el in body.iter("article", "main") if scores.get(el, 0.0) > 0]
    marked += [el for el in body.xpath(".//*[@role='main']") if scores.get(el, 0.0) > 0]
    if marked:
        best = max(marked, key=lambda el: scores[el])
        if scores[best] >= 0.3 * total:
            return best
    node = body
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        best = max(kids, key=lambda el: scores.get(el, 0.0), default=None)
        if best is None or scores.get(best, 0.0) < 0.85 * total or best.tag in ("tr", "tbody", "thead", "table"):
            return node
        node = best


def _span(value: str | None, default: int = 1) -> int:
    try:
        n = int((value or "").strip() or default)
    except ValueError:
        return default
    return min(max(n, 1), _MAX_SPAN)


class _Walker:
    """Turns an element tree into blocks through ``emit(kind, text)``; tables through ``table(rows)``."""

    def __init__(self, emit: Callable[[BlockKind, str], None],
                 table: Callable[[list[list[CellSpec]]], None] | None, deadline: Deadline | None):
        self.emit = emit
        self.table = table
        self.deadline = deadline
        self.buf: list[str] = []
        self.kind = BlockKind.paragraph
        self.label = ""
        self.pre = 0
        self.lists: list[list] = []
        self.count = 0

    def text(self, s: str | None) -> None:
        if s:
            self.buf.append(s if self.pre else re.sub(r"\s+", " ", s))

    def flush(self) -> None:
        raw = "".join(self.buf)
        self.buf = []
        first = True
        for line in raw.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            if first and self.label:
                line = self.label + line if not line.startswith(_BULLETS) or self.label[0].isalnum() else line
                self.label = ""
            first = False
            self.emit(self.kind, line)

    def walk(self, el: etree._Element) -> None:
        self.text(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self.node(child)
            self.text(child.tail)

    def node(self, el: etree._Element) -> None:
        tag = el.tag.lower()
        self.count += 1
        if self.deadline is not None and self.count % 2000 == 0:
            self.deadline.check()
        if tag == "br":
            self.buf.append("\n")
        elif tag in _HEADINGS:
            self._block(el, BlockKind.heading)
        elif tag in ("ul", "ol", "menu", "dir"):
            self.flush()
            self.lists.append(self._list_state(el))
            self.walk(el)
            self.lists.pop()
            self.flush()
        elif tag == "li":
            self.flush()
            self.label = self._li_label(el)
            self._block(el, BlockKind.list_item)
            self.label = ""
        elif tag == "table":
            self.flush()
            if self.table is None or _is_layout(el):
                self.walk(el)
            else:
                rows = self._rows(el)
                if rows:
                    self.table(rows)
            self.flush()
        elif tag == "pre":
            self.flush()
            self.pre += 1
            self.walk(el)
            self.pre -= 1
            self.flush()
        elif tag in _BLOCKS:
            self._block(el, self.kind)
        else:
            self.walk(el)

    def _block(self, el: etree._Element, kind: BlockKind) -> None:
        outer = self.kind
        self.flush()
        self.kind = kind
        self.walk(el)
        self.flush()
        self.kind = outer

    @staticmethod
    def _list_state(el: etree._Element) -> list:
        ordered = el.tag.lower() == "ol"
        marker = not _NO_MARKER.search(el.get("style", ""))
        return [ordered, el.get("type", "1"), _span(el.get("start"), 1) - 1 if ordered else 0, marker]

    def _li_label(self, el: etree._Element) -> str:
        if not self.lists:
            return ""
        state = self.lists[-1]
        ordered, kind, _, marker = state
        if not marker or _NO_MARKER.search(el.get("style", "")):
            return ""
        if not ordered:
            return "• "
        state[2] = _span(el.get("value"), state[2] + 1) if el.get("value") else state[2] + 1
        n = state[2]
        number = {"I": roman(n), "i": roman(n).lower(), "A": letters(n).upper(), "a": letters(n)}.get(kind, str(n))
        return f"{number}. "

    def _rows(self, table: etree._Element) -> list[list[CellSpec]]:
        trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
        rows: list[list[CellSpec]] = []
        for tr in trs:
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            rows.append([CellSpec(_cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in cells])
        return _drop_empty_rows(rows)


def _owner(el: etree._Element) -> etree._Element | None:
    """The nearest enclosing <table> of a row or cell."""
    return next(el.iterancestors("table"), None)


def _is_layout(table: etree._Element) -> bool:
    """Tables used for page layout (nested tables, headings, long flowing cells, one column) are read as flow."""
    if any(t is not table for t in table.iter("table")):
        return True
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    if rows and all(len([c for c in tr if c.tag in ("td", "th")]) <= 1 for tr in rows):
        return True
    for cell in table.iter("td", "th"):
        if _owner(cell) is not table:
            continue
        blocks = sum(1 for c in cell if isinstance(c.tag, str) and c.tag in ("p", "div", "ul", "ol", "section"))
        if blocks > 8 or any(True for _ in cell.iter(*_HEADINGS)) or len(cell.text_content()) > 3000:
            return True
    return False


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    walker = _Walker(lambda _kind, text: parts.append(text), None, None)
    walker.walk(cell)
    walker.flush()
    return " ".join(parts)


def _drop_empty_rows(rows: list[list[CellSpec]]) -> list[list[CellSpec]]:
    """Drop rows without text and shorten the row spans that crossed them, so the grid stays aligned."""
    empty = [not any(c.text.strip() for c in row) for row in rows]
    out: list[list[CellSpec]] = []
    for r, row in enumerate(rows):
        if empty[r]:
            continue
        fixed = []
        for c in row:
            last = min(r + c.rowspan, len(rows))
            span = sum(1 for k in range(r, last) if not empty[k])
            fixed.append(CellSpec(c.text, max(span, 1), c.colspan))
        out.append(fixed)
    return out


def parse(path: str, data: bytes, limits: Limits) -> Document:
    deadline = Deadline(path, limits)
    text, encoding = _decode(data)
    if _ENTITY_DTD.search(text[:65536]):
        raise HostileContent(path, "HTML DOCTYPE declares entities (refused: entity expansion / XXE)")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    text = _INTERNAL_SUBSET.sub("<!DOCTYPE html>", text, count=1)  # the HTML parser would show "]>" as text
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, huge_tree=False, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError as exc:
        if "empty" in str(exc).lower():
            raise EmptyDocument(path, "HTML page has no content") from None
        raise CorruptDocument(path, f"unreadable HTML ({exc})") from None
    _strip_noise(root)
    main = _main(root)
    builder = DocumentBuilder(path, SourceFormat.html, data)
    walker = _Walker(lambda kind, line: builder.add(kind, line), builder.add_table, deadline)
    walker.node(main) if main.tag != "html" else walker.walk(main)
    walker.flush()
    return builder.build(DocumentMeta(encoding=encoding))
