"""PDF: page text with pypdfium2, ruled tables from the lines drawn on the page, OCR for scanned pages.

Why this way: pdfium reads a page's text some fifty times faster than pdfminer (pdfplumber), so every page
goes through pdfium only. Ruled tables are found from the page's own path objects -- the lines and thin
rectangles Word and LibreOffice draw as cell borders -- with the lattice method of pdfplumber's "lines"
strategy: rules cut the table area into atoms, atoms not separated by a rule are one (merged) cell. Only
pages that draw rules pay for this. Text lines that fall inside a table are dropped from the page text and
the table is added as a grid of cells in their place, so table text appears once. Wrapped lines are joined
into paragraphs from their geometry (a line that reaches the right edge continues on the next line).
"""

from __future__ import annotations

import ctypes
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

# Rules and grids, in PDF points.
THIN = 2.5                 # a path no thicker than this is a rule (cell border)
MIN_RULE = 3.0             # shorter marks are dots or bullets, not rules
SNAP = 3.0                 # rules this close are one line; gaps this small along a rule are bridged
MIN_RULES = 4              # a table needs two horizontal and two vertical rules
MAX_PATH_OBJECTS = 20000   # vector drawings beyond this (maps, charts) are not searched for tables
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
    """What the drawing on a page tells us: rules (display space) and how much of it pictures cover."""

    h: list[tuple[float, float, float]]   # y, x0, x1
    v: list[tuple[float, float, float]]   # x, y0, y1
    image_area: float = 0.0
    too_many: bool = False


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
    """Straight axis-parallel pieces of a path, in page space (curves are skipped)."""
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
            marks.h.append(((t0 + t1) / 2, x0, x1))
        elif w <= THIN and h >= MIN_RULE:
            marks.v.append(((x0 + x1) / 2, t0, t1))
        elif outline and w > THIN and h > THIN:
            marks.h += [(t0, x0, x1), (t1, x0, x1)]
            marks.v += [(x0, t0, t1), (x1, t0, t1)]

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
class _Grid:
    """A ruled table on a page (display space): cell boundaries and cells as start -> (rowspan, colspan)."""

    col_x: list[float]
    row_y: list[float]
    spans: dict[tuple[int, int], tuple[int, int]]

    @property
    def bbox(self) -> Box:
        return self.col_x[0], self.row_y[0], self.col_x[-1], self.row_y[-1]

    def owner(self, x: float, y: float) -> tuple[int, int] | None:
        """The cell (its start) at a point; a point in a hole of the grid is its own cell."""
        c, r = bisect_right(self.col_x, x) - 1, bisect_right(self.row_y, y) - 1
        if not (0 <= r < len(self.row_y) - 1 and 0 <= c < len(self.col_x) - 1):
            return None
        return self._owner.get((r, c), (r, c))

    def __post_init__(self) -> None:
        self._owner = {(r + dr, c + dc): (r, c) for (r, c), (rs, cs) in self.spans.items()
                       for dr in range(rs) for dc in range(cs)}


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _cluster(values: list[float]) -> list[float]:
    """Positions closer than SNAP (chained) become one, at their mean."""
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


def _merge_intervals(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + SNAP:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _covered(intervals: list[tuple[float, float]], a: float, b: float) -> bool:
    return any(i0 <= a + SNAP and i1 >= b - SNAP for i0, i1 in intervals)


def _grid(h: list[tuple[float, float, float]], v: list[tuple[float, float, float]]) -> _Grid | None:
    """Cells of one group of connected rules: the lattice of rule positions, atoms joined where no rule
    separates them; a joined group that is a rectangle closed on all sides is a cell."""
    ys, xs = _cluster([r[0] for r in h]), _cluster([r[0] for r in v])
    if len(ys) < 2 or len(xs) < 2:
        return None
    h_cov: list[list[tuple[float, float]]] = [[] for _ in ys]
    v_cov: list[list[tuple[float, float]]] = [[] for _ in xs]
    for y, a, b in h:
        h_cov[_nearest(ys, y)].append((a, b))
    for x, a, b in v:
        v_cov[_nearest(xs, x)].append((a, b))
    h_cov = [_merge_intervals(c) for c in h_cov]
    v_cov = [_merge_intervals(c) for c in v_cov]
    n_r, n_c = len(ys) - 1, len(xs) - 1
    hb = [[_covered(h_cov[i], xs[j], xs[j + 1]) for j in range(n_c)] for i in range(n_r + 1)]
    vb = [[_covered(v_cov[j], ys[i], ys[i + 1]) for j in range(n_c + 1)] for i in range(n_r)]
    uf = _UnionFind(n_r * n_c)
    for i in range(n_r):
        for j in range(n_c):
            if j + 1 < n_c and not vb[i][j + 1]:
                uf.union(i * n_c + j, i * n_c + j + 1)
            if i + 1 < n_r and not hb[i + 1][j]:
                uf.union(i * n_c + j, (i + 1) * n_c + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(n_r):
        for j in range(n_c):
            groups.setdefault(uf.find(i * n_c + j), []).append((i, j))
    cells = []
    for atoms in groups.values():
        r0, r1 = min(a[0] for a in atoms), max(a[0] for a in atoms)
        c0, c1 = min(a[1] for a in atoms), max(a[1] for a in atoms)
        if len(atoms) != (r1 - r0 + 1) * (c1 - c0 + 1):
            continue
        closed = (all(hb[r0][c] and hb[r1 + 1][c] for c in range(c0, c1 + 1))
                  and all(vb[r][c0] and vb[r][c1 + 1] for r in range(r0, r1 + 1)))
        if closed:
            cells.append((r0, c0, r1 + 1, c1 + 1))
    if len(cells) < 2:
        return None
    row_lines = sorted({c[0] for c in cells} | {c[2] for c in cells})
    col_lines = sorted({c[1] for c in cells} | {c[3] for c in cells})
    if len(row_lines) < 3 or len(col_lines) < 3:  # a framed box or a single row/column: keep it as text
        return None
    ri = {v: k for k, v in enumerate(row_lines)}
    ci = {v: k for k, v in enumerate(col_lines)}
    spans = {(ri[r0], ci[c0]): (ri[r1] - ri[r0], ci[c1] - ci[c0]) for r0, c0, r1, c1 in cells}
    return _Grid(col_x=[xs[c] for c in col_lines], row_y=[ys[r] for r in row_lines], spans=spans)


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear rules joined: Word draws each cell's border separately, a table's line is one rule here."""
    out = []
    by_line: dict[int, list[tuple[float, float]]] = {}
    lines = _cluster([r[0] for r in rules])
    for pos, a, b in rules:
        by_line.setdefault(_nearest(lines, pos), []).append((a, b))
    for k, pieces in by_line.items():
        out += [(lines[k], a, b) for a, b in _merge_intervals(pieces)]
    return out


def _find_grids(marks: _Marks) -> list[_Grid]:
    """Ruled tables: groups of crossing rules, each turned into a grid of cells."""
    h, v = _merge_rules(marks.h), sorted(_merge_rules(marks.v))
    if len(h) < 2 or len(v) < 2:
        return []
    v_x = [r[0] for r in v]
    uf = _UnionFind(len(h) + len(v))
    for i, (y, x0, x1) in enumerate(h):
        for j in range(bisect_left(v_x, x0 - SNAP), bisect_right(v_x, x1 + SNAP)):
            if v[j][1] - SNAP <= y <= v[j][2] + SNAP:
                uf.union(i, len(h) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, rule in enumerate(h):
        groups.setdefault(uf.find(i), ([], []))[0].append(rule)
    for j, rule in enumerate(v):
        groups.setdefault(uf.find(len(h) + j), ([], []))[1].append(rule)
    grids = [g for gh, gv in groups.values() if len(gh) >= 2 and len(gv) >= 2 for g in [_grid(gh, gv)] if g]
    return sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0]))


def _table_rows(grid: _Grid, texts: dict[tuple[int, int], list[str]]) -> list[list[CellSpec]] | None:
    """Rows of CellSpec for the builder; rows without any text are dropped (spans shrink accordingly)."""
    n_cols = len(grid.col_x) - 1
    starts = dict(grid.spans)
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


# ---------------------------------------------------------------------------------------------- page text


@dataclass
class _Line:
    text: str
    box: Box | None


@dataclass
class _TableItem:
    grid: _Grid
    rows: list[list[CellSpec]] | None = None


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


_WORD = re.compile(r"\S+")


def _page_items(page: _PageText, grids: list[_Grid]) -> list[_Line | _TableItem]:
    """The page in reading (content) order: text lines with their boxes, and each table where its first
    line was. Words of lines inside a table go to the cell under their first character."""
    text = page.text
    items: list[_Line | _TableItem] = []
    tables = [_TableItem(g) for g in grids]
    words: list[dict[tuple[int, int], list[str]]] = [{} for _ in grids]
    placed = [False] * len(grids)
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
        if box and grids:
            if not any(_overlaps(box, g.bbox) for g in grids):
                items.append(_Line(stripped, box))
                continue
            outside: list[str] = []
            for w in _WORD.finditer(text, s, e + 1):
                wbox = page.box(w.start())
                k, cell = None, None
                if wbox:
                    cx, cy = _center(wbox)
                    for k, g in enumerate(grids):
                        cell = g.owner(cx, cy)
                        if cell is not None:
                            break
                if cell is None:
                    outside.append(w.group())
                    continue
                words[k].setdefault(cell, []).append(w.group())
                if not placed[k]:
                    items.append(tables[k])
                    placed[k] = True
            if outside:
                items.append(_Line(" ".join(outside), box))
            continue
        items.append(_Line(stripped, box))
    for k, item in enumerate(tables):
        item.rows = _table_rows(item.grid, words[k])
    return [it for it in items if isinstance(it, _Line) or it.rows]


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


def _read_page(pdf: pdfium.PdfDocument, index: int, path: str, warnings: list[str]) -> list | None:
    """Paragraphs and tables of one page, or None when the page is a scan (a picture, no text)."""
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
            items = None
            if len(marks.h) + len(marks.v) >= MIN_RULES:
                try:
                    items = _page_items(page_text, _find_grids(marks))
                except Exception as exc:  # noqa: BLE001 -- a table we cannot read must not lose the text
                    warnings.append(f"page {index + 1}: table extraction failed ({exc.__class__.__name__}); "
                                    "its text is kept as lines")
            if items is None:
                items = _page_items(page_text, [])
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


def parse(path: str, data: bytes, limits: Limits) -> Document:
    """Read a PDF's text (OCR for scanned pages when the [ocr] extra is usable) into a Document."""
    deadline = Deadline(path, limits)
    pdf = _open(path, data)
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
            pages.append(_read_page(pdf, index, path, meta.warnings))
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
