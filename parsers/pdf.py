"""PDF: page text with pypdfium2, ruled tables with pdfplumber on the pages that draw rules, OCR for scans.

Why this way: pdfium reads a page's text some fifty times faster than pdfminer (under pdfplumber), so every
page's text comes from pdfium. Whether a page holds a ruled table is decided cheaply from pdfium's page
objects (the lines and thin rectangles Word and LibreOffice draw as cell borders); only such pages are
opened with pdfplumber, whose "lines" strategy finds the tables and their cells, merged cells included, and
each is released right after. Text lines inside a table are dropped from the page text and the table is
added as a grid of cells in their place, so table text appears once. Wrapped lines are joined into
paragraphs from their geometry (a line that reaches the right edge continues on the next line).
"""

from __future__ import annotations

import ctypes
import io
import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from statistics import median
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kehoach.parsers import ocr
from kehoach.parsers.base import CellSpec, DocumentBuilder
from kehoach.parsers.errors import CorruptDocument, EncryptedDocument, NoTextLayer, TooLarge
from kehoach.parsers.limits import Deadline, Limits
from kehoach.schemas.document import BlockKind, Document, DocumentMeta, SourceFormat

# Rules, in PDF points: what sends a page to pdfplumber.
THIN = 2.5                 # a path no thicker than this is a rule (cell border)
MIN_RULE = 3.0             # shorter marks are dots or bullets, not rules
SNAP = 3.0                 # rules (and cell edges) this close are one line
MIN_H_RULES = 2            # a table row lies between two horizontal rules; with two columns or more
MIN_V_RULES = 3            # there are three vertical rule positions (one column in a frame is not a table)
MAX_PATH_OBJECTS = 20000   # vector drawings beyond this (maps, charts) are not searched for tables
# pdfplumber's lattice strategy: cells are the rectangles closed by rules.
TABLE_SETTINGS = {
    "vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": SNAP,
    "join_tolerance": SNAP, "intersection_tolerance": SNAP, "edge_min_length": MIN_RULE,
}
# Text.
MIN_PAGE_CHARS = 16        # fewer non-space characters than this and a big picture: a scanned page
SCAN_IMAGE_SHARE = 0.3     # share of the page a picture must cover to count as a scan
OCR_DPI = 300
JOIN_GAP = 0.35            # max gap between wrapped lines, in line heights (raised for widely spaced pages)
JOIN_RIGHT = 4.0           # a wrapped line ends within this many line heights of the right edge
JOIN_INDENT = 1.5          # a continuation line is not indented more than this, in line heights
# A line that starts like a list item or a numbered heading starts a new paragraph.
NEW_PARAGRAPH = re.compile(
    r"\s*(?:[-+•–—*]\s|\(?\d{1,3}(?:\.\d{1,3})*[.)/]\s|\(?[IVXLC]{1,7}[.)]\s|\(?[a-zđ][.)]\s)"
)
_CONTROL = re.compile(r"[\x00-\x01\x03-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SOFT_HYPHEN = "\x02"      # pdfium marks a hyphen it took for a line-end soft hyphen with U+0002

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in display space (y grows downwards)


# ---------------------------------------------------------------------------------------------- geometry


class _View:
    """Maps page space (PDF user space, y up) to display space (page rotated as shown, y down)."""

    def __init__(self, rotation: int):
        self.rotation = rotation % 360

    def point(self, x: float, y: float) -> tuple[float, float]:
        r = self.rotation
        if r == 90:
            return y, x
        if r == 180:
            return -x, y
        if r == 270:
            return -y, -x
        return x, -y

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        if self.rotation == 0:
            return left, -top, right, -bottom
        xa, ya = self.point(left, bottom)
        xb, yb = self.point(right, top)
        return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)


def _plumber_offset(page) -> tuple[float, float]:
    """What to add to a pdfplumber page's coordinates to get _View's display space.

    pdfminer turns the page by its /Rotate relative to the MediaBox and pdfplumber shifts the result by the
    MediaBox again; both are translations of _View's space. The MediaBox comes from pdfminer, which
    inherits it from the page tree (pdfium's FPDFPage_GetMediaBox does not)."""
    box = page.page_obj.mediabox
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    return {0: (0.0, y0 - y1), 90: (0.0, 2 * x0), 180: (-(x0 + x1), 2 * y0),
            270: (-(y0 + y1), x0 - x1)}[page.rotation % 360]


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(outer: tuple, inner: tuple) -> tuple:
    """Matrix product: apply ``inner`` first, then ``outer`` (PDF [a b c d e f] matrices)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _matrix(obj) -> tuple:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


@dataclass
class _Marks:
    """What the drawing on a page tells us: rule positions (display space) and the area pictures cover."""

    h: list[float]   # y of each horizontal rule
    v: list[float]   # x of each vertical rule
    image_area: float = 0.0
    too_many: bool = False

    @property
    def ruled(self) -> bool:
        """Enough distinct rule positions for a table of at least one row and two columns."""
        return _distinct(self.h) >= MIN_H_RULES and _distinct(self.v) >= MIN_V_RULES


def _distinct(values: list[float]) -> int:
    """Number of positions once those closer than SNAP (chained) are taken as one."""
    count, last = 0, None
    for v in sorted(values):
        if last is None or v - last > SNAP:
            count += 1
        last = v
    return count


def _objects(page) -> Iterator[tuple[object, int, tuple | None]]:
    """Page objects, descending into form XObjects; the matrix is None at top level (bounds are final)."""
    raw = page.raw
    stack = [(None, pdfium_c.FPDFPage_CountObjects(raw), None)]
    while stack:
        form, count, matrix = stack.pop()
        for i in range(count):
            obj = pdfium_c.FPDFPage_GetObject(raw, i) if form is None else pdfium_c.FPDFFormObj_GetObject(form, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                inner = _matrix(obj)
                stack.append((obj, pdfium_c.FPDFFormObj_CountObjects(obj),
                              inner if matrix is None else _compose(matrix, inner)))
            else:
                yield obj, kind, matrix


_B = tuple(ctypes.c_float() for _ in range(4))  # out-parameters, reused (pdfium is single-threaded anyway)


def _bounds(obj, matrix: tuple | None) -> tuple[float, float, float, float] | None:
    left, bottom, right, top = _B
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    box = left.value, bottom.value, right.value, top.value
    if matrix is None:
        return box
    xs, ys = zip(*(_apply(matrix, x, y) for x in (box[0], box[2]) for y in (box[1], box[3])))
    return min(xs), min(ys), max(xs), max(ys)


def _visible(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return True
    return bool(fill.value or stroke.value)


def _segments(obj, matrix: tuple | None) -> Iterator[tuple[float, float, float, float]]:
    """Straight pieces of a path, in page space (curves are skipped)."""
    m = _matrix(obj) if matrix is None else _compose(matrix, _matrix(obj))
    x, y = ctypes.c_float(), ctypes.c_float()
    cur = start = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        pt = _apply(m, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and cur is not None:
            yield cur[0], cur[1], pt[0], pt[1]
        elif kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = pt
        cur = pt
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and cur != start:
            yield cur[0], cur[1], start[0], start[1]
            cur = start


def _has_curves(obj) -> bool:
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return True
    return False


def _scan_marks(page, view: _View) -> _Marks:
    """Rules and picture area of a page, from its page objects (text objects are only counted)."""
    marks = _Marks(h=[], v=[])

    def add(box: Box, outline: bool) -> None:
        x0, t0, x1, t1 = box
        w, h = x1 - x0, t1 - t0
        if h <= THIN and w >= MIN_RULE:
            marks.h.append((t0 + t1) / 2)
        elif w <= THIN and h >= MIN_RULE:
            marks.v.append((x0 + x1) / 2)
        elif outline and w > THIN and h > THIN:
            marks.h += [t0, t1]
            marks.v += [x0, x1]

    n_paths = 0
    for obj, kind, matrix in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            b = _bounds(obj, matrix)
            if b:
                marks.image_area += max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        n_paths += 1
        if n_paths > MAX_PATH_OBJECTS:
            marks.too_many = True
            marks.h.clear()
            marks.v.clear()
            break
        if not _visible(obj):
            continue
        n_seg = pdfium_c.FPDFPath_CountSegments(obj)
        if n_seg <= 5:  # a line or a rectangle: its bounds say it all
            b = _bounds(obj, matrix)
            if b:
                box = view.box(*b)
                thin = min(box[2] - box[0], box[3] - box[1]) <= THIN
                add(box, outline=not thin and n_seg >= 4 and not _has_curves(obj))
        else:
            for xa, ya, xb, yb in _segments(obj, matrix):
                add(view.box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)), outline=False)
    return marks


# ---------------------------------------------------------------------------------------------- tables


@dataclass
class _TableItem:
    """A table found on a page: its box (display space) and its rows for DocumentBuilder.add_table."""

    bbox: Box
    rows: list[list[CellSpec]]


def _lines_at(values: list[float]) -> list[float]:
    """Cell edges closer than SNAP (chained) become one line, at their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest(lines: list[float], v: float) -> int:
    """Index of the sorted position nearest to v."""
    i = bisect_left(lines, v)
    if i == len(lines) or (i > 0 and v - lines[i - 1] <= lines[i] - v):
        return i - 1
    return i


def _table_item(cells: list[Box], chars: list[tuple[dict, float, float]]) -> _TableItem | None:
    """A pdfplumber table (its cell boxes) as rows of CellSpec, with the chars whose centre is in it.

    The column lines are all cells' left and right edges, the row lines all their tops and bottoms; a cell
    reaching over k inner lines spans k + 1 columns (rows). pdfplumber leaves a hole where rules do not close
    a rectangle: text there is a cell of its own. Each cell's chars become words with pdfplumber's word
    extractor, cell by cell (over a whole page, lines of vertically centred cells chain into one). ``chars``
    are (char, centre x, centre y); those placed here are removed from the list."""
    from pdfplumber.utils import extract_words

    col_x = _lines_at([c[0] for c in cells] + [c[2] for c in cells])
    row_y = _lines_at([c[1] for c in cells] + [c[3] for c in cells])
    if len(col_x) < 3 or len(row_y) < 2:  # one column: a frame around text, not a table
        return None
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for x0, top, x1, bottom in cells:
        r0, r1, c0, c1 = _nearest(row_y, top), _nearest(row_y, bottom), _nearest(col_x, x0), _nearest(col_x, x1)
        if r1 > r0 and c1 > c0:
            spans[(r0, c0)] = (r1 - r0, c1 - c0)
    owner = {(r + dr, c + dc): (r, c) for (r, c), (rs, cs) in spans.items() for dr in range(rs) for dc in range(cs)}
    in_cell: dict[tuple[int, int], list[dict]] = {}
    left = []
    for item in chars:
        _, x, y = item
        c, r = bisect_right(col_x, x) - 1, bisect_right(row_y, y) - 1
        if 0 <= r < len(row_y) - 1 and 0 <= c < len(col_x) - 1:
            in_cell.setdefault(owner.get((r, c), (r, c)), []).append(item[0])
        else:
            left.append(item)
    texts = {key: [w["text"] for w in extract_words(group)] for key, group in in_cell.items()}
    rows = _cell_rows(len(col_x) - 1, spans, texts)
    if rows is None:
        return None
    chars[:] = left
    return _TableItem(bbox=(col_x[0], row_y[0], col_x[-1], row_y[-1]), rows=rows)


def _cell_rows(n_cols: int, spans: dict[tuple[int, int], tuple[int, int]],
               texts: dict[tuple[int, int], list[str]]) -> list[list[CellSpec]] | None:
    """Rows of CellSpec for the builder; rows where no cell starts with text are dropped (spans shrink)."""
    starts = dict(spans)
    for key in texts:
        starts.setdefault(key, (1, 1))  # text in a hole of the grid
    kept = sorted({r for (r, _), words in texts.items() if words})
    if not kept:
        return None
    new_index = {r: k for k, r in enumerate(kept)}
    cells: dict[tuple[int, int], tuple[int, int, str]] = {}
    for (r, c), (rs, cs) in starts.items():
        if r in new_index:
            rs = sum(1 for k in range(r, r + rs) if k in new_index)
            cells[(new_index[r], c)] = (rs, cs, _clean(" ".join(texts.get((r, c), ()))))
    covered: set[tuple[int, int]] = set()
    rows: list[list[CellSpec]] = []
    for r in range(len(kept)):
        row = []
        for c in range(n_cols):
            if (r, c) in cells and (r, c) not in covered:
                rs, cs, text = cells[(r, c)]
                row.append(CellSpec(text=text, rowspan=rs, colspan=cs))
                covered.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            elif (r, c) not in covered:
                row.append(CellSpec(text=""))
                covered.add((r, c))
        rows.append(row)
    return rows


def _find_tables(page) -> list[_TableItem]:
    """The ruled tables of one pdfplumber page, in display space, top to bottom."""
    found = page.find_tables(table_settings=TABLE_SETTINGS)
    if not found:
        return []
    dx, dy = _plumber_offset(page)
    chars = [(c, (c["x0"] + c["x1"]) / 2 + dx, (c["top"] + c["bottom"]) / 2 + dy) for c in page.chars]
    items = []
    for table in sorted(found, key=lambda t: (t.bbox[1], t.bbox[0])):
        cells = [(x0 + dx, top + dy, x1 + dx, bottom + dy) for x0, top, x1, bottom in table.cells]
        item = _table_item(cells, chars)
        if item is not None:
            items.append(item)
    return items


class _Tables:
    """pdfplumber over the same bytes, opened on first use (most PDFs never need it), one page at a time."""

    def __init__(self, data: bytes):
        self.data = data
        self.pdf = None
        self.error: Exception | None = None

    def page(self, index: int) -> list[_TableItem]:
        if self.pdf is None and self.error is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            except Exception as exc:  # noqa: BLE001 -- reported per page by the caller; the text is kept
                self.error = exc
        if self.error is not None:
            raise self.error
        page = self.pdf.pages[index]
        try:
            return _find_tables(page)
        finally:
            page.close()  # drops the page's parsed objects (chars, edges, layout)

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


# ---------------------------------------------------------------------------------------------- page text


@dataclass
class _Line:
    text: str
    box: Box | None


class _PageText:
    """A page's text (pdfium's text view) with char boxes on demand, in display space."""

    def __init__(self, textpage, view: _View):
        self.raw = textpage.raw
        self.text = textpage.get_text_range()
        self.view = view
        self.aligned = len(self.text) == pdfium_c.FPDFText_CountChars(self.raw)
        self._rect = pdfium_c.FS_RECTF()

    def _page_box(self, t: int) -> tuple[float, float, float, float] | None:
        index = t if self.aligned else pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.raw, t)
        rect = self._rect
        if index < 0 or not pdfium_c.FPDFText_GetLooseCharBox(self.raw, index, rect) or rect.top == rect.bottom:
            return None
        return rect.left, rect.bottom, rect.right, rect.top

    def box(self, t0: int, t1: int | None = None) -> Box | None:
        """Display box of the char at text index t0, or of the chars t0 and t1 together."""
        a = self._page_box(t0)
        if a is None:
            return None
        if t1 is not None and t1 != t0:
            b = self._page_box(t1)
            if b is None:
                return None
            a = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
        return self.view.box(*a)


def _center(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _overlaps(box: Box, area: Box) -> bool:
    return box[0] < area[2] and box[2] > area[0] and box[1] < area[3] and box[3] > area[1]


def _inside(x: float, y: float, area: Box) -> bool:
    return area[0] <= x <= area[2] and area[1] <= y <= area[3]


_WORD = re.compile(r"\S+")


def _page_items(page: _PageText, tables: list[_TableItem]) -> list[_Line | _TableItem]:
    """The page in reading (content) order: text lines with their boxes, and each table where its first
    line was. Words of a line whose centre is inside a table are dropped: the table holds them."""
    text = page.text
    items: list[_Line | _TableItem] = []
    placed = [False] * len(tables)
    pos = 0
    for m in [*_LINE_BREAK.finditer(text), None]:
        t0, t1 = pos, (m.start() if m else len(text))
        pos = m.end() if m else len(text)
        line = text[t0:t1]
        stripped = line.strip()
        if not stripped:
            continue
        s = t0 + len(line) - len(line.lstrip())
        e = t0 + len(line.rstrip()) - 1
        box = page.box(s, e)
        if box is None or not any(_overlaps(box, t.bbox) for t in tables):
            items.append(_Line(stripped, box))
            continue
        outside: list[str] = []
        for w in _WORD.finditer(text, s, e + 1):
            wbox = page.box(w.start(), w.end() - 1)
            k = None
            if wbox:
                cx, cy = _center(wbox)
                k = next((k for k, t in enumerate(tables) if _inside(cx, cy, t.bbox)), None)
            if k is None:
                outside.append(w.group())
            elif not placed[k]:
                items.append(tables[k])
                placed[k] = True
        if outside:
            items.append(_Line(" ".join(outside), box))
    for k, table in enumerate(tables):  # pdfium saw no text in it: place it by its top
        if not placed[k]:
            at = next((i for i, it in enumerate(items) if isinstance(it, _Line) and it.box
                       and it.box[1] >= table.bbox[1]), len(items))
            items.insert(at, table)
    return items


def _paragraphs(items: list[_Line | _TableItem]) -> list[str | _TableItem]:
    """Join wrapped lines: a line continues the previous one when the previous reached the right edge,
    the gap between them is a normal line gap, and it does not start like a list item or heading."""
    boxes = [it.box for it in items if isinstance(it, _Line) and it.box]
    if not boxes:
        return [it.text if isinstance(it, _Line) else it for it in items]
    right = max(b[2] for b in boxes)
    typical = median(b[3] - b[1] for b in boxes)
    # The usual gap after a full-width line is the gap inside a paragraph: wider on 1.5-spaced pages.
    gaps = []
    prev = None
    for it in items:
        box = it.box if isinstance(it, _Line) else None
        if box and prev and prev[2] >= right - JOIN_RIGHT * typical and 0 <= box[1] - prev[3] <= 1.5 * typical:
            gaps.append(box[1] - prev[3])
        prev = box
    join_gap = JOIN_GAP * typical
    if gaps and median(gaps) > join_gap:
        join_gap = min(1.15 * median(gaps), 1.2 * typical)
    out: list[str | _TableItem] = []
    last: _Line | None = None
    for it in items:
        if isinstance(it, _TableItem):
            out.append(it)
            last = None
            continue
        if last is not None and it.box and last.box:
            h = last.box[3] - last.box[1]
            if _same_line(last.box, it.box, h):  # pdfium broke one visual line (a glyph off the baseline)
                tight = it.box[0] - last.box[2] < 0.15 * h
                out[-1] = out[-1] + ("" if tight else " ") + it.text
                last = _Line(it.text, _union(last.box, it.box))
                continue
            gap = it.box[1] - last.box[3]
            if (not NEW_PARAGRAPH.match(it.text) and -0.3 * h <= gap <= join_gap
                    and last.box[2] >= right - JOIN_RIGHT * h and it.box[0] <= last.box[0] + JOIN_INDENT * h):
                prev_text = out[-1]
                if prev_text.endswith(_SOFT_HYPHEN):
                    out[-1] = prev_text[:-1] + it.text
                else:
                    out[-1] = prev_text + " " + it.text
                last = it
                continue
        out.append(it.text)
        last = it
    return out


def _same_line(a: Box, b: Box, h: float) -> bool:
    """b continues a on the same visual line: its middle is within a's height, just right of a's end."""
    mid = (b[1] + b[3]) / 2
    return a[1] <= mid <= a[3] and -0.2 * h <= b[0] - a[2] <= 1.0 * h


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace(_SOFT_HYPHEN, "-"))


# ---------------------------------------------------------------------------------------------- document


def _open(path: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocument(path, "encrypted PDF: a password is needed to open it") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedDocument(path, "encrypted PDF with an unsupported security handler") from None
        raise CorruptDocument(path, "damaged PDF: its structure cannot be read (truncated or not a PDF)") from None


def _read_page(pdf: pdfium.PdfDocument, index: int, path: str, tables: _Tables | None,
               warnings: list[str]) -> list | None:
    """Paragraphs and tables of one page, or None when the page is a scan (a picture, no text).
    ``tables`` is None when table extraction is off: every page is then read as text lines."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise CorruptDocument(path, f"damaged PDF: page {index + 1} cannot be read") from None
    try:
        view = _View(page.get_rotation())
        textpage = page.get_textpage()
        try:
            page_text = _PageText(textpage, view)
            marks = _scan_marks(page, view)
            if len("".join(page_text.text.split())) < MIN_PAGE_CHARS:
                width, height = page.get_size()
                if marks.image_area >= SCAN_IMAGE_SHARE * width * height:
                    return None
            if marks.too_many:
                warnings.append(f"page {index + 1}: too many drawing objects; tables were not looked for")
            found: list[_TableItem] = []
            if tables is not None and marks.ruled:
                try:
                    found = tables.page(index)
                except Exception as exc:  # noqa: BLE001 -- a table we cannot read must not lose the text
                    warnings.append(f"page {index + 1}: table extraction failed ({exc.__class__.__name__}); "
                                    "its text is kept as lines")
            items = _page_items(page_text, found)
            return [_clean(p) if isinstance(p, str) else p for p in _paragraphs(items)]
        finally:
            textpage.close()
    finally:
        page.close()


def _ocr_page(pdf: pdfium.PdfDocument, index: int, seconds_left: float, path: str) -> list[str]:
    """OCR one page: render at OCR_DPI, read with tesseract; tesseract's blocks become paragraphs."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
        try:
            image = bitmap.to_pil()
            try:
                text = ocr.image_to_text(image, timeout=max(1.0, seconds_left))
            except TimeoutError:
                raise TooLarge(path, f"OCR of page {index + 1} ran out of time") from None
        finally:
            bitmap.close()
    finally:
        page.close()
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [" ".join(line.strip() for line in block.split("\n") if line.strip())
            for block in blocks if block.strip()]


def parse(path: str, data: bytes, limits: Limits, *, tables: bool = True) -> Document:
    """Read a PDF's text (OCR for scanned pages when the [ocr] extra is usable) into a Document.

    ``tables=False`` reads ruled tables as text lines and never loads pdfplumber (the benchmark's
    text path)."""
    deadline = Deadline(path, limits)
    pdf = _open(path, data)
    plumber = _Tables(data) if tables else None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise CorruptDocument(path, "damaged PDF: it has no pages")
        if n_pages > limits.max_pages:
            raise TooLarge(path, f"PDF has {n_pages:,} pages, over the limit of {limits.max_pages:,}")
        meta = DocumentMeta(pages=n_pages)
        if b"%%EOF" not in data[-2048:]:
            meta.warnings.append("no %%EOF at the end of the file: it may be truncated")
        pages: list[list | None] = []
        for index in range(n_pages):
            deadline.check()
            pages.append(_read_page(pdf, index, path, plumber, meta.warnings))
        scans = [i for i, items in enumerate(pages) if items is None]
        if scans:
            has_text = any(items for items in pages if items)
            if ocr.available():
                for index in scans:
                    deadline.check()
                    left = limits.max_seconds - (time.monotonic() - deadline.t0)
                    pages[index] = _ocr_page(pdf, index, left, path)
                meta.ocr = True
            elif not has_text:
                raise NoTextLayer(path, f"PDF has no text layer; {ocr.INSTALL_HINT}")
            else:
                listed = ", ".join(str(i + 1) for i in scans)
                what = f"pages {listed} are" if len(scans) > 1 else f"page {listed} is"
                meta.warnings.append(f"{what} scanned (no text layer) and skipped: {ocr.INSTALL_HINT}")
    finally:
        if plumber is not None:
            plumber.close()
        pdf.close()
    builder = DocumentBuilder(path, SourceFormat.pdf, data)
    for items in pages:
        builder.new_page()
        for item in items or []:
            if isinstance(item, _TableItem):
                builder.add_table(item.rows)
            else:
                builder.add(BlockKind.paragraph, item)
    return builder.build(meta)
