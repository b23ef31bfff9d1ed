"""Arithmetic: totals against what they add up — table total and sub-total rows, the column formulas a table
states in its numbering row ("1=2+3"), and amounts listed in the text ("Tổng kinh phí … gồm: …").

A plan's tables are written by hand in Word or Excel, so a total that no longer matches its rows is one of the
commonest defects an auditor finds. The rules read the Document's table grid and text directly (not the
extracted Plan), so they do not depend on extraction quality:

- the header rows end at the column-numbering row ("A B 1 2 3=2/1 4 5") or at the first data row;
- a row is a total when its label says so ("Cộng", "Tổng cộng", "Tổng số", "Toàn tỉnh" …, words in
  checks.yaml); rows numbered I, II … are groups whose values are the sum of the rows numbered 1, 2 … under
  them; rows under "Trong đó" and dash items are details, not addends; "a, b" items may detail only part of
  their row, so only a sum that exceeds it is reported;
- only count and amount columns are summed: a column whose header says it is a rate ("Tỷ lệ", "%"), whose
  numbering-row label is a division, or whose total is smaller than one of its rows (an average) is not;
  division formulas ("3=2/1") are rates and are reported by pct_mismatch;
- a table broken by a page is read as one; the rest of a table whose start was not read is left alone;
- Vietnamese number formats ("1.234,5"); tables exported from spreadsheets also write "0.69", so a dot
  followed by exactly three digits groups thousands and any other dot is a decimal point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import regex

from kehoach.pipeline.checks.registry import CheckContext, config, memo_last, rule
from kehoach.pipeline.numbers import parse_decimal
from kehoach.schemas.document import Cell, Document, Table

_DASH_ZERO = {"-", "–", "—", "−", "x", "X", "0"}
_NUMBER_ROW_CELL = regex.compile(r"^\(?\s*(?:[A-Za-z]|\d{1,2}|[IVX]{1,4})\s*(?:[=+\-−*x×/:]\s*\(?\s*\d{1,2}\s*\)?\s*)*\)?$")
_FORMULA = regex.compile(r"^\(?\s*(?P<target>\d{1,2})\s*\)?\s*=\s*(?P<expr>.+)$")
_OPERAND = regex.compile(r"\(?\s*(\d{1,2})\s*\)?")
_ROMAN_TT = regex.compile(r"^(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})\.?$")
_ARABIC_TT = regex.compile(r"^\d{1,3}\.?$")
_DECIMAL_TT = regex.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?$")
_LETTER_TT = regex.compile(r"^[a-zđ][.)]?$")
_BULLET_TT = regex.compile(r"^[-+•*–]$")
_STARTS_WITH_DIGIT = regex.compile(r"^\(?\d")
_FORMULA_TOKEN = regex.compile(r"\d{1,2}|[+\-−*x×/:]")
_LABEL_PUNCTUATION = regex.compile(r"[()\s]")


_CELL_NOISE = regex.compile(r"[\s*]+")
_CELL_NOISE_PCT = regex.compile(r"[\s*%]+")
_LAST_DECIMALS = regex.compile(r"[.,](\d+)$")


@lru_cache(maxsize=1 << 14)
def cell_value(text: str, dot_decimal: bool = False) -> Decimal | None:
    """The number in one table cell ("7.449", "8,11", "0.69", "1.234,5", "12%"), or None.

    A dot followed by exactly three digits groups thousands ("1.011"); any other dot is a decimal point."""
    s = _CELL_NOISE.sub("", text)
    s = s.rstrip("%")
    if not s:
        return None
    return parse_decimal(s, dot_decimal=dot_decimal)


@lru_cache(maxsize=1 << 14)
def decimals(text: str) -> int:
    """Decimal places a cell is written with ("8,11" → 2, "7.449" → 0, "0.69" → 2)."""
    s = _CELL_NOISE_PCT.sub("", text)
    m = _LAST_DECIMALS.search(s)
    if not m:
        return 0
    if "," not in s and len(m.group(1)) == 3:
        return 0  # "7.449": thousands
    return len(m.group(1)) if "," in s[m.start():] or "." in s[m.start():] else 0


@dataclass
class Row:
    index: int
    cells: list[Cell | None]
    label: str
    label_cell: Cell | None
    tt: str
    level: int | None  # 0 total, 1 roman, 2 arabic, 3+ decimal/letter; None: a detail row, not an addend
    total: bool = False
    label_col: int | None = None


@dataclass
class Column:
    index: int
    header: str  # header words of the column, top to bottom
    header_cell: Cell | None  # the cell to quote: lowest textual header cell, else the numbering-row cell
    label: str | None = None  # numbering-row label: "1", "3=2/1"
    rate: bool = False
    numeric: bool = False


@dataclass
class TableView:
    """A table read for arithmetic: header rows, data rows with their levels, columns with their kinds."""

    table: Table
    header_rows: int
    number_row: int | None
    rows: list[Row] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    def value(self, row: Row, col: int) -> Decimal | None:
        cell = row.cells[col]
        return cell_value(cell.text) if cell is not None else None


def _words(conf: dict, key: str, default: list[str]) -> list[str]:
    return [w.casefold() for w in conf.get(key, default)]


DEFAULT_TOTAL_WORDS = ["tổng cộng", "tổng số", "tổng", "cộng", "toàn tỉnh", "toàn huyện", "toàn xã", "toàn thành phố",
                       "toàn thị xã", "toàn phường", "toàn quận", "cả tỉnh", "cả huyện"]
DEFAULT_RATE_WORDS = ["tỷ lệ", "tỉ lệ", "%", "bình quân", "trung bình", "đơn giá", "định mức", "mức hỗ trợ", "mức chi",
                      "tốc độ", "chỉ số"]
DEFAULT_DETAIL_WORDS = ["trong đó", "chia ra", "bao gồm", "gồm", "riêng"]


def _is_number_row(texts: list[str]) -> bool:
    cells = [t.strip() for t in texts if t.strip()]
    if len(cells) < 3 or not all(_NUMBER_ROW_CELL.match(t) for t in cells):
        return False
    digits = [t for t in cells if _STARTS_WITH_DIGIT.match(t)]
    return len(digits) >= max(2, len(cells) // 2)


def _tt_level(tt: str) -> int | None | str:
    t = tt.strip().rstrip(".")
    if not t:
        return "none"
    if _ROMAN_TT.match(t + "."):
        return 1
    if _ARABIC_TT.match(t):
        return 2
    if _DECIMAL_TT.match(t):
        return 2 + t.count(".")
    if _LETTER_TT.match(t):
        return 5
    if _BULLET_TT.match(t):
        return None
    return "text"


def _starts_with_any(text: str, words: list[str]) -> bool:
    key = " ".join(text.casefold().replace("*", " ").split()).lstrip("(-–+ ")
    return any(key == w or key.startswith(w + " ") or key.startswith(w + ":") for w in words)


def read_table(table: Table, conf: dict | None = None, headerless: bool = False) -> TableView | None:
    """Header, rows and columns of one table; None when it has no numeric body. ``headerless`` reads every
    row as data (the rest of a table broken by a page)."""
    conf = conf or {}
    grid = table.grid()
    if table.n_rows < (1 if headerless else 2) or table.n_cols < 2:
        return None
    texts = [[c.text.strip() if c else "" for c in row] for row in grid]
    total_words = _words(conf, "total_words", DEFAULT_TOTAL_WORDS)
    rate_words = _words(conf, "rate_words", DEFAULT_RATE_WORDS)
    detail_words = _words(conf, "detail_words", DEFAULT_DETAIL_WORDS)

    number_row = None if headerless else next((i for i, r in enumerate(texts[:8]) if _is_number_row(r)), None)
    if headerless:
        header_rows = 0
    elif number_row is not None:
        header_rows = number_row + 1
    else:
        header_rows = 0
        for i, r in enumerate(texts):
            nums = sum(1 for t in r[1:] if cell_value(t) is not None)
            if nums and (_tt_level(r[0]) in (1, 2) or any(_starts_with_any(t, total_words) for t in r[:3])):
                header_rows = i
                break
        else:
            return None
    view = TableView(table=table, header_rows=header_rows, number_row=number_row)

    # columns
    for c in range(table.n_cols):
        words, lowest = [], None
        for r in range(header_rows):
            cell = grid[r][c]
            if cell is None or r == number_row:
                continue
            if cell.text.strip() and cell.text.strip() not in words:
                words.append(cell.text.strip())
                lowest = cell
        label = texts[number_row][c] if number_row is not None else None
        if lowest is None and number_row is not None:
            lowest = grid[number_row][c]
        col = Column(index=c, header=" / ".join(words), header_cell=lowest, label=label or None)
        head = col.header.casefold()
        col.rate = any(w in head for w in rate_words) or bool(label and "/" in label)
        view.columns.append(col)
    # a column of whole numbers beyond 100 holds counts or amounts whatever its header says (misaligned header)
    for col in view.columns:
        if col.rate and not (col.label and "/" in col.label):
            vals = [cell_value(texts[r][col.index]) for r in range(header_rows, table.n_rows)]
            vals = [v for v in vals if v is not None]
            if vals and all(v == v.to_integral_value() for v in vals) and max(vals) > 100:
                col.rate = False

    # rows
    tt_col_present = any(_tt_level(texts[r][0]) in (1, 2) for r in range(header_rows, table.n_rows))
    in_detail = False
    for r in range(header_rows, table.n_rows):
        cells = list(grid[r])
        row_texts = texts[r]
        if not any(row_texts):
            continue
        label_idx = next((i for i in range(min(3, table.n_cols)) if row_texts[i] and cell_value(row_texts[i]) is None
                          and _tt_level(row_texts[i]) == "text"), None)
        label = row_texts[label_idx] if label_idx is not None else ""
        label_cell = cells[label_idx] if label_idx is not None else None
        tt = row_texts[0] if tt_col_present else ""
        is_total = bool(label) and _starts_with_any(label, total_words)
        level: int | None
        if is_total:
            level, in_detail = 0, False
        elif label and _starts_with_any(label, detail_words):
            level, in_detail = None, True
        else:
            lv = _tt_level(tt) if tt_col_present else 2
            if lv in ("none", "text"):
                level = None if in_detail else (2 if not tt_col_present else None)
            elif lv is None:
                level = None
            else:
                level = lv
                in_detail = False
            if label.lstrip().startswith(("-", "+", "•")):
                level = None
        view.rows.append(Row(index=r, cells=cells, label=label, label_cell=label_cell, tt=tt, level=level,
                             total=is_total, label_col=label_idx))
    for col in view.columns:
        vals = [row.cells[col.index] for row in view.rows if row.cells[col.index] is not None]
        nums = sum(1 for cell in vals if cell_value(cell.text) is not None)
        col.numeric = nums >= 2 and nums >= len([v for v in vals if v.text.strip()]) * 0.6
    return view


def _children(view: TableView, pos: int) -> list[Row]:
    """Direct addends of the row at ``pos``: the rows under it one level down, or, for a total row at the
    bottom of its block, the rows above it back to the previous total."""
    rows = view.rows
    parent = rows[pos]
    below: list[Row] = []
    for row in rows[pos + 1:]:
        if row.level is not None and row.level <= parent.level:
            break
        below.append(row)
    scored = [r for r in below if r.level is not None]
    if parent.total and not scored:
        above: list[Row] = []
        for row in reversed(rows[:pos]):
            if row.total:
                break
            above.append(row)
        scored = [r for r in above if r.level is not None]
        if not scored:  # "Tổng cộng" under a run of "Cộng" rows
            scored = [r for r in rows[:pos] if r.total]
            scored = scored[-_run_of_totals(rows, pos):] if scored else []
        scored.reverse()
    if not scored:
        return []
    top = min(r.level for r in scored)
    return [r for r in scored if r.level == top]


def _run_of_totals(rows: list[Row], pos: int) -> int:
    n = 0
    for row in rows[:pos]:
        if row.total:
            n += 1
    return n


def _subtree_value(view: TableView, row: Row, col: int) -> Decimal | None:
    """A row's value in a column; an empty group row stands for the sum of its own rows."""
    cell = row.cells[col]
    text = cell.text.strip() if cell is not None else ""
    if text in _DASH_ZERO or not text:
        if not text and row.level is not None and row.level > 0:
            pos = view.rows.index(row)
            kids = [k for k in _children(view, pos)]
            if kids:
                vals = [_subtree_value(view, k, col) for k in kids]
                if any(v is None for v in vals):
                    return None
                return sum(vals, Decimal(0))
        return Decimal(0)
    return cell_value(text)


@dataclass
class SumMismatch:
    row: Row
    column: Column
    stated: Decimal
    computed: Decimal
    addends: int


def sum_mismatches(view: TableView, tolerance: Decimal = Decimal(0)) -> list[SumMismatch]:
    """Total and group rows whose value differs from the sum of their rows, column by column."""
    out: list[SumMismatch] = []
    cols = [r.label_col for r in view.rows if r.label_col is not None]
    label_col = max(set(cols), key=cols.count) if cols else None
    for pos, row in enumerate(view.rows):
        if row.level is None or not (row.total or row.level < 5):
            continue
        if row.label_col is not None and label_col is not None and row.label_col != label_col:
            continue  # its cells are shifted against the rows it adds (a merged cell read as one column)
        kids = _children(view, pos)
        if len(kids) < 2:
            continue
        for col in view.columns:
            if col.rate or not col.numeric or col.index == 0:
                continue
            cell = row.cells[col.index]
            if cell is None or any(cell is k.cells[col.index] for k in kids):
                continue  # merged across the rows: nothing to add
            stated = cell_value(cell.text)
            if stated is None:
                continue
            vals = [_subtree_value(view, k, col.index) for k in kids]
            if any(v is None for v in vals):
                continue
            if stated < max(vals):
                continue  # an average or a rate, not a sum
            computed = sum(vals, Decimal(0))
            places = max([decimals(cell.text)] + [decimals(k.cells[col.index].text) for k in kids
                                                   if k.cells[col.index] is not None])
            tol = tolerance
            if places:
                tol = max(tol, Decimal(5) / Decimal(10) ** (places + 1) * len(kids))
            partial = kids[0].level >= 5 and not row.total  # "a, b" items may detail only part of their row
            if (computed - stated > tol) if partial else abs(stated - computed) > tol:
                out.append(SumMismatch(row, col, stated, computed, len(kids)))
    return out


@dataclass
class FormulaMismatch:
    row: Row
    column: Column
    formula: str
    stated: Decimal
    computed: Decimal


def _eval_formula(expr: str, values: dict[str, Decimal]) -> list[Decimal] | None:
    """Value of "2/1", "2+3-4", "4x5"; a division also gives its percentage. None when an operand is missing."""
    tokens = _FORMULA_TOKEN.findall(expr.replace(" ", ""))
    if not tokens or not tokens[0].isdigit():
        return None
    acc = values.get(tokens[0])
    if acc is None:
        return None
    division = False
    i = 1
    while i + 1 < len(tokens):
        op, operand = tokens[i], values.get(tokens[i + 1])
        if operand is None:
            return None
        if op == "+":
            acc += operand
        elif op in "-−":
            acc -= operand
        elif op in "*x×":
            acc *= operand
        else:
            if operand == 0:
                return None
            acc /= operand
            division = True
        i += 2
    return [acc, acc * 100] if division else [acc]


def formula_mismatches(view: TableView, slack: Decimal = Decimal(0)) -> list[FormulaMismatch]:
    """Cells that break the formula of their column's numbering-row label ("3=2/1": col 3 = col 2 / col 1 %)."""
    if view.number_row is None:
        return []
    by_number = {}
    for col in view.columns:
        if not col.label:
            continue
        m = _FORMULA.match(col.label.strip())
        key = m.group("target") if m else _LABEL_PUNCTUATION.sub("", col.label)
        by_number[key] = col
    out: list[FormulaMismatch] = []
    for col in view.columns:
        m = _FORMULA.match(col.label.strip()) if col.label else None
        if not m:
            continue
        operands = _OPERAND.findall(m.group("expr"))
        if not operands or any(o not in by_number for o in operands):
            continue
        for row in view.rows:
            cell = row.cells[col.index]
            if cell is None:
                continue
            stated = cell_value(cell.text)
            if stated is None:
                continue
            values = {}
            for o in operands:
                oc = row.cells[by_number[o].index]
                v = cell_value(oc.text) if oc is not None else None
                if v is not None:
                    values[o] = v
            results = _eval_formula(m.group("expr"), values)
            if not results:
                continue
            places = decimals(cell.text)
            tol = Decimal(1) / Decimal(10) ** places + slack  # rounding or truncation of the last digit
            if all(abs(stated - r) > tol for r in results):
                best = min(results, key=lambda r: abs(stated - r))
                out.append(FormulaMismatch(row, col, col.label.strip(), stated, best))
    return out


def row_slice(row: Row, cell: Cell) -> tuple[int, int]:
    """The text of a row from its label (or first cell) to ``cell``: what a reader quotes ("Cộng 2.335 24")."""
    first = row.label_cell or next((c for c in row.cells if c is not None and c.text.strip()), cell)
    start = min(first.start, cell.start)
    return start, max(cell.end, start)


def _fmt(value: Decimal) -> str:
    """Vietnamese format: "7.450", "1.286,5", "8,11"."""
    q = value.quantize(Decimal("0.01")).normalize() if value != value.to_integral() else value.quantize(Decimal(1))
    sign = "-" if q < 0 else ""
    q = abs(q)
    whole, _, frac = f"{q:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def _column_name(col: Column, word: str = "cột") -> str:
    parts = [p for p in col.header.split(" / ") if p]
    name = parts[-1] if parts else ""
    if col.label:
        name = f"{name} ({word} {col.label})" if name else f"{word} {col.label}"
    return name or f"{word} {col.index + 1}"


def _row_name(row: Row) -> str:
    return " ".join((row.label or row.tt or f"dòng {row.index + 1}").split())


@memo_last
def table_views(document: Document) -> list[TableView]:
    """Every table of a document read for arithmetic, with the table words of checks.yaml (``tables``). A table
    broken by a page (the next table has no header, as many columns, and numbers its rows on) is one table."""
    conf = config().get("tables", {})
    views: list[TableView] = []
    for t in document.tables:
        view = read_table(t, conf)
        if views and (view is None or view.header_rows == 0):
            rest = view or read_table(t, conf, headerless=True)
            if rest is not None and _continues(views[-1], rest):
                views[-1].rows.extend(rest.rows)
                continue
        if view is not None and not (view.header_rows == 0 and _starts_late(view)):
            views.append(view)  # (the rest of a table whose start could not be read is left alone)
    return views


def _starts_late(view: TableView) -> bool:
    first = next((r.tt.strip().rstrip(".") for r in view.rows if r.tt.strip()), "")
    return first.isdigit() and int(first) > 1


def _continues(prev: TableView, nxt: TableView) -> bool:
    """Whether ``nxt`` carries on ``prev`` after a page break: same columns, row numbers running on."""
    if prev.table.n_cols != nxt.table.n_cols or not prev.rows or not nxt.rows:
        return False
    last = next((r.tt for r in reversed(prev.rows) if _ARABIC_TT.match(r.tt.strip())), None)
    first = next((r.tt for r in nxt.rows if r.tt.strip()), None)
    return bool(last and first and _ARABIC_TT.match(first.strip())
                and int(first.strip().rstrip(".")) == int(last.strip().rstrip(".")) + 1)


# --- amounts in text: "Tổng kinh phí … X đồng, gồm: A đồng; B đồng …" ------------------------------------

_TOTAL_WORDS = regex.compile(
    r"(?<!\p{L})tổng\s+(?:kinh\s+phí|vốn|nguồn\s+vốn|số\s+vốn|số\s+tiền|dự\s+toán|cộng|mức\s+vốn)(?!\p{L})", regex.I)
_CONNECTOR = regex.compile(r"(?<!\p{L})(?P<conn>trong\s+đó|bao\s+gồm|gồm|chia\s+ra|cụ\s+thể|cơ\s+cấu)(?!\p{L})\s*:?", regex.I)
_ITEM = regex.compile(r"^\s*(?:[-+•*]|[a-zđ][.)]|\d{1,2}[.)])\s*")
_PER_UNIT = regex.compile(r"\s*/\s*\p{L}")  # "đồng/người": a rate, not an amount
_SENTENCE_END = regex.compile(r"\.(?!\d)\s|\.$|;(?=\s*$)|\n")
_NUMERAL = regex.compile(r"[\d.,]+")
_EXHAUSTIVE = {"gồm", "bao gồm", "chia ra", "cụ thể", "cơ cấu"}


@dataclass
class ListSum:
    total: object  # numbers.AmountMatch
    parts: list
    exhaustive: bool
    end: int


def _money(text: str, lo: int, hi: int) -> list:
    """Amounts in text[lo:hi] that are not unit rates ("1.650.000 đồng/người")."""
    from kehoach.pipeline.numbers import find_amounts

    return [a for a in find_amounts(text, lo, hi) if not _PER_UNIT.match(text[a.end:a.end + 4])]


def list_sums(text: str) -> list[ListSum]:
    """A total amount with the amounts it is split into, in the same sentence or in the list below it."""
    out: list[ListSum] = []
    for tm in _TOTAL_WORDS.finditer(text):
        line_end = text.find("\n", tm.end())
        line_end = len(text) if line_end == -1 else line_end
        amounts = _money(text, tm.end(), min(line_end, tm.end() + 200))
        if not amounts:
            continue
        total = amounts[0]
        after = (total.words_end + 1) if total.words_end else total.end
        sentence_end = _SENTENCE_END.search(text, after)
        s_end = sentence_end.start() if sentence_end else len(text)
        conn = _CONNECTOR.search(text, after, max(after, s_end) if s_end > after else after)
        if conn is None:
            continue
        exhaustive = " ".join(conn.group("conn").casefold().split()) in _EXHAUSTIVE
        rest = text[conn.end():s_end]
        if rest.strip():
            parts = _money(text, conn.end(), s_end)
            end = s_end
        else:  # the parts follow as a list: one item per line
            parts, pos, end = [], line_end + 1, line_end
            while pos < len(text):
                nl = text.find("\n", pos)
                nl = len(text) if nl == -1 else nl
                line = text[pos:nl]
                if not line.strip():
                    if parts:
                        break
                    pos = nl + 1
                    continue
                if not _ITEM.match(line):
                    break
                found = _money(text, pos, nl)
                if not found:
                    parts = []
                    break  # an item without an amount: not a breakdown we can add up
                parts.append(found[-1])
                end, pos = nl, nl + 1
        if len(parts) >= 2:
            out.append(ListSum(total, parts, exhaustive, end))
    return out


def _rounding(amount) -> int:
    """Half a unit of the last digit an amount is written with, in đồng ("42,335 tỷ" → 500.000 đồng)."""
    m = _NUMERAL.match(amount.text)
    value = parse_decimal(m.group(0)) if m else None
    if not value:
        return 0
    places = len(m.group(0).rsplit(",", 1)[1]) if "," in m.group(0) else 0
    scale = Decimal(amount.amount_vnd) / value
    return int(scale / Decimal(10) ** places / 2)


def _table_sum_findings(ctx: CheckContext, tolerance: Decimal):
    for view in table_views(ctx.document):
        for m in sum_mismatches(view, tolerance):
            cell = m.row.cells[m.column.index]
            spans = [ctx.span(*row_slice(m.row, cell))]
            if m.column.header_cell is not None:
                spans.append(ctx.span(m.column.header_cell.start, m.column.header_cell.end))
            yield spans, {
                "what": f"Bảng: dòng \"{_row_name(m.row)}\", {_column_name(m.column)}",
                "what_en": f"Table: row \"{_row_name(m.row)}\", {_column_name(m.column, 'column')}",
                "parts": f"tổng {m.addends} dòng thành phần", "parts_en": f"its {m.addends} rows",
                "stated": _fmt(m.stated), "computed": _fmt(m.computed), "diff": _fmt(abs(m.stated - m.computed)),
                "addends": m.addends, "table": view.table.index}


def formula_findings(ctx: CheckContext, division: bool, slack: Decimal = Decimal(0)):
    """Cells that break their column's formula: divisions ("3=2/1") are rates, the others sums."""
    for view in table_views(ctx.document):
        for m in formula_mismatches(view, slack):
            if ("/" in m.formula) != division:
                continue
            cell = m.row.cells[m.column.index]
            spans = [ctx.span(*row_slice(m.row, cell))]
            if m.column.header_cell is not None:
                spans.append(ctx.span(m.column.header_cell.start, m.column.header_cell.end))
            yield spans, {
                "what": f"Bảng: dòng \"{_row_name(m.row)}\", {_column_name(m.column)}",
                "what_en": f"Table: row \"{_row_name(m.row)}\", {_column_name(m.column, 'column')}",
                "parts": f"công thức \"{m.formula}\"", "parts_en": f"its formula \"{m.formula}\"",
                "stated": _fmt(m.stated), "computed": _fmt(m.computed), "diff": _fmt(abs(m.stated - m.computed)),
                "formula": m.formula, "table": view.table.index}


def _list_sum_findings(ctx: CheckContext):
    text = ctx.document.text
    for ls in list_sums(text):
        total = ls.total.amount_vnd
        computed = sum(p.amount_vnd for p in ls.parts)
        tol = sum(_rounding(a) for a in [ls.total, *ls.parts])
        if ls.exhaustive and abs(computed - total) <= tol:
            continue
        if not ls.exhaustive and computed <= total + tol:
            continue
        quote = " ".join(text[ls.total.start:ls.total.end].split())
        spans = [ctx.span(ls.total.start, ls.total.end)] + [ctx.span(p.start, p.end) for p in ls.parts]
        yield spans, {"what": f"Tổng \"{quote}\"", "what_en": f"The total \"{quote}\"",
                      "parts": f"{len(ls.parts)} khoản thành phần", "parts_en": f"its {len(ls.parts)} parts",
                      "stated": _fmt(Decimal(total)) + " đồng", "computed": _fmt(Decimal(computed)) + " đồng",
                      "diff": _fmt(Decimal(abs(computed - total))) + " đồng", "total_vnd": total, "parts_vnd": computed}


@rule("sum_mismatch", "error",
      "{what} ghi {stated} nhưng {parts} cộng lại là {computed} (lệch {diff}).",
      "{what_en} says {stated} but {parts_en} give {computed} (off by {diff}).")
def sum_mismatch(ctx: CheckContext):
    """Totals against what they add: table total and group rows, formula rows ("1=2+3"), amounts in a list."""
    tolerance = Decimal(str(ctx.config.get("tolerance", 0)))
    yield from _table_sum_findings(ctx, tolerance)
    yield from formula_findings(ctx, division=False, slack=Decimal(str(ctx.config.get("formula_slack", 0))))
    yield from _list_sum_findings(ctx)
