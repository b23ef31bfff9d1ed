"""Normalise a parsed Document's text so that every later rule sees one spelling of the same thing.

- NFC (decomposed diacritics from Mac/legacy tools composed);
- one tone-mark placement ("hoà" → "hòa", "thuỷ" → "thủy", "khoẻ" → "khỏe"), so variants compare equal;
- every dash variant → "-", non-breaking and odd-width spaces → " ", zero-width characters removed;
- spaces inside document symbols removed ("91/KH – UBND" → "91/KH-UBND", "47- KH/TU" → "47-KH/TU");
- tables flattened one cell per line between "|" lines are rejoined into rows where the column count is
  clear from a running row number, and become Table objects.

Each pass returns an offset map; the composed map is kept in ``Document.source_map`` so evidence can be
traced back to the parser's text.
"""

from __future__ import annotations

import unicodedata

import regex

from kehoach.parsers.txt import line_blocks, line_spans
from kehoach.pipeline.offsets import Anchors, compose, map_offset, regex_edits, rewrite
from kehoach.schemas.document import Block, BlockKind, Cell, Document, SourceFormat, Table

# --- pass 1: NFC ---------------------------------------------------------------------------------------
_CLUSTER = regex.compile(r"\P{M}\p{M}+")


def _nfc(text: str) -> tuple[str, Anchors]:
    if unicodedata.is_normalized("NFC", text):
        return text, []
    return rewrite(text, regex_edits(_CLUSTER, text, lambda m: unicodedata.normalize("NFC", m.group(0))))


# --- pass 2: characters and symbols ---------------------------------------------------------------------
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng

_SYMBOL_PART = r"[A-ZĐ][A-ZĐ0-9&]*(?:[a-z][A-ZĐ0-9&]*)?(?![\p{L}])"
# A document symbol written with spaces around "/" or "-": at least one "/" and one space inside.
_SYMBOL = (
    r"(?<![\p{L}\d/])\d+[a-z]?(?:\s*/\s*\d{4})?\s*[/\-–—]\s*" + _SYMBOL_PART
    + r"(?:\s*[/\-–—]\s*" + _SYMBOL_PART + r")*"
)
_PASS2 = regex.compile(
    rf"(?P<symbol>{_SYMBOL})"
    r"|(?P<zw>[\u200b-\u200d\u2060\ufeff\u00ad])"
    r"|(?P<space>[\u00a0\u2000-\u200a\u202f\u205f\u3000])"
    r"|(?P<dash>[\u2010-\u2015\u2212\ufe58\ufe63\uff0d])"
    r"|(?P<tone>(?<![qQ])[oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ](?!\p{L})|(?<![qQ])[uU][ỳýỷỹỵỲÝỶỸỴ](?!\p{L}))"
)
_DASHES = regex.compile(r"[\u2010-\u2015\u2212]")
_SPACES = regex.compile(r"\s+")


def _move_tone(pair: str) -> str:
    """"oà" → "òa": put the tone mark on the first vowel (the placement the 1980s reform chose)."""
    first, second = pair
    decomposed = unicodedata.normalize("NFD", second)
    tone = next((ch for ch in decomposed if ch in _TONES), "")
    bare = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
    return unicodedata.normalize("NFC", first + tone) + bare


def _pass2_replace(m: regex.Match) -> str | None:
    kind = m.lastgroup
    s = m.group(0)
    if kind == "symbol":
        if "/" not in s:
            return None
        return _SPACES.sub("", _DASHES.sub("-", s))
    if kind == "zw":
        return ""
    if kind == "space":
        return " "
    if kind == "dash":
        return "-"
    if kind == "tone":
        return _move_tone(s)
    return None


def _characters(text: str) -> tuple[str, Anchors]:
    return rewrite(text, regex_edits(_PASS2, text, _pass2_replace))


# --- pass 3: tables flattened one cell per line between "|" lines ---------------------------------------
_INDEX = regex.compile(r"\d{1,3}")
CELL_SEP = " | "


def _pipe_runs(text: str, lines: tuple[tuple[int, int], ...]) -> list[list[tuple[int, int]]]:
    """Runs of single-line cells separated by lines holding only "|": [cell spans]."""
    runs: list[list[tuple[int, int]]] = []
    i, n = 0, len(lines)
    is_pipe = [text[s:e].strip() == "|" for s, e in lines]
    while i < n:
        if not is_pipe[i]:
            i += 1
            continue
        cells: list[tuple[int, int]] = []
        if i > 0 and not is_pipe[i - 1] and text[slice(*lines[i - 1])].strip():
            cells.append(lines[i - 1])
        while i < n and is_pipe[i]:
            if i + 1 < n and not is_pipe[i + 1] and text[slice(*lines[i + 1])].strip():
                # One cell per line: the cell line must be followed by a pipe line (or end the run).
                cells.append(lines[i + 1])
                if i + 2 < n and is_pipe[i + 2]:
                    i += 2
                    continue
            i += 1
            break
        if len(cells) >= 6:
            runs.append(cells)
    return runs


def _stride(values: list[str]) -> tuple[int, int, int] | None:
    """(columns, first row cell index, rows) of the longest chain of row numbers 1, 2, 3 … at a fixed stride."""
    best: tuple[int, int, int] | None = None
    positions = [i for i, v in enumerate(values) if _INDEX.fullmatch(v)]
    for k in range(2, min(40, len(values) // 2) + 1):
        for start in positions:
            first = int(values[start])
            rows = 1
            while start + rows * k < len(values) and values[start + rows * k] == str(first + rows):
                rows += 1
            if rows >= 3 and (best is None or rows > best[2]):
                best = (k, start, rows)
    return best


def _short(value: str) -> bool:
    return len(value) <= 6


def _table_layout(text: str, cells: list[tuple[int, int]]):
    """Split a run of cells into (cells before the table, rows, cells after), or None if no clear shape."""
    values = [text[s:e].strip() for s, e in cells]
    found = _stride(values)
    if not found:
        return None
    k, start, n_rows = found
    while start - k >= 0 and _short(values[start - k]) and all(len(v) <= 40 for v in values[start - k:start]):
        start -= k
        n_rows += 1
    end = start + n_rows * k
    while end + k <= len(values) and _short(values[end]):
        end += k
    return cells[:start], [cells[i:i + k] for i in range(start, end, k)], cells[end:]


def _render_table(text: str, before, rows, after) -> tuple[str, list[list[tuple[int, int]]]]:
    """Render rows one per line, cells joined by " | "; return the text and cell spans relative to it."""
    pieces: list[str] = []
    pos = 0

    def put(s: str) -> tuple[int, int]:
        nonlocal pos
        pieces.append(s)
        pos += len(s)
        return pos - len(s), pos

    if before:
        put(CELL_SEP.join(text[s:e].strip() for s, e in before) + "\n")
    rel_rows = []
    for row in rows:
        rel_row = []
        for j, (s, e) in enumerate(row):
            if j:
                put(CELL_SEP)
            rel_row.append(put(text[s:e].strip()))
        put("\n")
        rel_rows.append(rel_row)
    if after:
        put(CELL_SEP.join(text[s:e].strip() for s, e in after) + "\n")
    return "".join(pieces).rstrip("\n"), rel_rows


def _rejoin(text: str) -> tuple[str, Anchors, list[list[list[tuple[int, int]]]]]:
    """Rejoin pipe-flattened tables. Returns the text, its anchors, and per table its rows of cell spans."""
    edits: list[tuple[int, int, str]] = []
    rel_tables = []
    for cells in _pipe_runs(text, line_spans(text)):
        layout = _table_layout(text, cells)
        if layout is None:
            continue
        rendered, rel_rows = _render_table(text, *layout)
        edits.append((cells[0][0], cells[-1][1], rendered))
        rel_tables.append(rel_rows)
    if not edits:
        return text, [], []
    new_text, anchors = rewrite(text, edits)
    tables, shift = [], 0
    for (s, e, r), rel_rows in zip(edits, rel_tables):
        base = s + shift
        tables.append([[(base + a, base + b) for a, b in row] for row in rel_rows])
        shift += len(r) - (e - s)
    return new_text, anchors, tables


# --- tables written inline: "a | b | c" rows, or markdown "| a | b |" rows -------------------------------
_MD_RULE = regex.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")  # used with fullmatch(text, s, e)


def _row_cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Cell spans of one inline row, or None when the line is not a row of at least 3 cells."""
    line = text[start:end]
    if line.count("|") < 2:
        return None
    parts, pos = [], start
    for part in line.split("|"):
        left = len(part) - len(part.lstrip())
        parts.append((pos + left, pos + len(part.rstrip())))
        pos += len(part) + 1
    if line.strip().startswith("|"):
        parts = parts[1:]
    if line.strip().endswith("|"):
        parts = parts[:-1]
    return parts if len(parts) >= 3 else None


def inline_tables(text: str, taken: list[tuple[int, int]], first_index: int = 0) -> list[Table]:
    """Runs of >= 2 consecutive rows with the same number of cells become tables; the text is unchanged.

    A header row may have fewer cells than the body (a merged group heading); a markdown rule line
    ("|---|---|") inside the run is skipped."""
    tables: list[Table] = []
    run: list[list[tuple[int, int]]] = []

    def flush() -> None:
        if not run:
            return
        body = [r for r in run if r]
        widths = [len(r) for r in body]
        if len(body) >= 2 and widths.count(max(set(widths), key=widths.count)) >= 2:
            cells = [Cell(row=i, col=j, text=text[a:b], start=a, end=b)
                     for i, row in enumerate(body) for j, (a, b) in enumerate(row)]
            tables.append(Table(index=first_index + len(tables), n_rows=len(body), n_cols=max(widths),
                                cells=cells, start=body[0][0][0], end=body[-1][-1][1]))
        run.clear()

    for s, e in line_spans(text):
        if any(a <= s <= b for a, b in taken):
            flush()
            continue
        if run and _MD_RULE.fullmatch(text, s, e):
            continue
        cells = _row_cells(text, s, e)
        if cells is None:
            flush()
        else:
            run.append(cells)
    flush()
    return tables


# --- the stage --------------------------------------------------------------------------------------------
def normalize_text(text: str) -> tuple[str, Anchors]:
    """Character-level normalisation (passes 1 and 2) with its offset map."""
    t1, a1 = _nfc(text)
    t2, a2 = _characters(t1)
    return t2, compose(a2, a1)


def _invert(anchors: Anchors) -> Anchors:
    return sorted((src, out) for out, src in anchors)


def _remap_table(table: Table, inv: Anchors, index: int) -> Table:
    cells = [
        cell.model_copy(update={"start": map_offset(inv, cell.start), "end": map_offset(inv, cell.end)})
        for cell in table.cells
    ]
    return table.model_copy(
        update={"index": index, "cells": cells, "start": map_offset(inv, table.start), "end": map_offset(inv, table.end)}
    )


def _remap_block(block: Block, maps: list[Anchors]) -> Block:
    """The block moved through each pass's inverted map in turn."""
    start, end = block.start, block.end
    for inv in maps:
        start, end = map_offset(inv, start), map_offset(inv, end)
    if start == block.start and end == block.end:
        return block  # (frozen) a block before every edit that changed the length stays where it was
    return block.model_copy(update={"start": start, "end": end})


def _rejoined_tables(text: str, rejoined: list[list[list[tuple[int, int]]]]) -> list[Table]:
    return [
        Table(index=0, n_rows=len(rows), n_cols=max(len(r) for r in rows),
              cells=[Cell(row=r, col=c, text=text[s:e], start=s, end=e)
                     for r, row in enumerate(rows) for c, (s, e) in enumerate(row)],
              start=rows[0][0][0], end=rows[-1][-1][1])
        for rows in rejoined
    ]


def _blocks(doc: Document, text: str, blocks: list[Block], tables: list[Table], new: list[Table]) -> list[Block]:
    """Blocks after normalisation: TXT is re-blocked line by line; other formats keep their blocks, except
    those the tables found here now cover, and get one block per table."""
    if doc.format is SourceFormat.txt:
        return line_blocks(text, tables)
    covered = [(t.start, t.end) for t in new]
    kept = [b for b in blocks if b.kind is not BlockKind.table and not any(a <= b.start <= z for a, z in covered)]
    kept += [Block(kind=BlockKind.table, start=t.start, end=t.end, page=t.page, table=t.index) for t in tables]
    return sorted(kept, key=lambda b: b.start)


def normalize_document(doc: Document) -> Document:
    """Return a new Document with normalised text, remapped blocks/tables/pages and the source map."""
    if doc.meta.normalised:
        return doc
    text, anchors = normalize_text(doc.text)
    inv = _invert(anchors)
    tables = [_remap_table(t, inv, t.index) for t in doc.tables]
    maps = [inv]  # blocks are moved last, and only if they are kept
    page_starts = [map_offset(inv, p) for p in doc.page_starts]

    # Pass 3 rewrites the text (pipe-flattened tables joined into rows): remap once more.
    new_text, a3, rejoined = _rejoin(text)
    new: list[Table] = []
    if rejoined:
        inv3 = _invert(a3)
        tables = [_remap_table(t, inv3, t.index) for t in tables]
        maps.append(inv3)
        page_starts = [map_offset(inv3, p) for p in page_starts]
        anchors = compose(a3, anchors)
        text = new_text
        new = _rejoined_tables(text, rejoined)
    # Inline "a | b | c" rows become tables without changing the text.
    new += inline_tables(text, [(t.start, t.end) for t in tables + new], 0)
    if new:
        tables = sorted(tables + new, key=lambda t: t.start)
        tables = [t.model_copy(update={"index": i}) for i, t in enumerate(tables)]
    if new and doc.format is SourceFormat.txt:
        blocks = line_blocks(text, tables)  # TXT is re-blocked line by line: its old blocks are not needed
    else:
        blocks = [_remap_block(b, maps) for b in doc.blocks]
        if new:
            blocks = _blocks(doc, text, blocks, tables, new)
    meta = doc.meta.model_copy(update={"normalised": True})
    return doc.model_copy(
        update={"text": text, "blocks": blocks, "tables": tables, "page_starts": page_starts,
                "source_map": anchors, "meta": meta}
    )
