"""Plain text: decode, keep the text line for line (so line numbers match the file), one block per line,
and tab-separated runs of lines as tables."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from kehoach.parsers.encodings import decode
from kehoach.parsers.limits import Limits
from kehoach.schemas.document import Block, BlockKind, Cell, Document, DocumentMeta, SourceFormat, Table


def _tables_from_tabs(text: str, lines: tuple[tuple[int, int], ...]) -> list[Table]:
    """Runs of >= 2 consecutive lines with >= 2 tabs become tables; cells keep their spans in the line."""
    tables: list[Table] = []
    run: list[tuple[int, int]] = []

    def flush() -> None:
        if len(run) >= 2:
            cells: list[Cell] = []
            n_cols = 0
            for r, (s, e) in enumerate(run):
                col, pos = 0, s
                for part in text[s:e].split("\t"):
                    stripped = part.strip()
                    if stripped:
                        lead = len(part) - len(part.lstrip())
                        cells.append(Cell(row=r, col=col, text=stripped, start=pos + lead, end=pos + lead + len(stripped)))
                    pos += len(part) + 1
                    col += 1
                n_cols = max(n_cols, col)
            tables.append(Table(index=len(tables), n_rows=len(run), n_cols=n_cols, cells=cells,
                                start=run[0][0], end=run[-1][1]))
        run.clear()

    for s, e in lines:
        if text.count("\t", s, e) >= 2:
            run.append((s, e))
        else:
            flush()
    flush()
    return tables


@lru_cache(maxsize=4)
def line_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every line, without its newline. Remembered for the last few texts: parsing and each
    normalisation pass ask for the lines of the same text."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return tuple(spans)


def line_blocks(text: str, tables: list[Table]) -> list[Block]:
    """One paragraph block per non-blank line; the lines of a table make one table block."""
    table_at = {t.start: t for t in tables}
    blocks: list[Block] = []
    table_end = -1
    for s, e in line_spans(text):
        if s in table_at:
            t = table_at[s]
            blocks.append(Block(kind=BlockKind.table, start=t.start, end=t.end, table=t.index))
            table_end = t.end
        if s <= table_end:
            continue
        if text[s:e].strip():
            blocks.append(Block(kind=BlockKind.paragraph, start=s, end=e))
    return blocks


def parse(path: str, data: bytes, limits: Limits) -> Document:
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tables = _tables_from_tabs(text, line_spans(text))
    return Document(
        source=path, format=SourceFormat.txt, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        text=text, blocks=line_blocks(text, tables), tables=tables, meta=DocumentMeta(encoding=encoding),
    )
