"""DocumentBuilder: the one way parsers assemble a Document, so that spans are right by construction.

A parser adds blocks in reading order; the builder appends their text, separated by newlines, and records
each block's span. Tables are rendered one row per line, cells separated by `` | ``, and each cell keeps
its own span, so a table cell can be quoted as evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kehoach.schemas.document import Block, BlockKind, Cell, Document, DocumentMeta, SourceFormat, Table

CELL_SEP = " | "


@dataclass
class CellSpec:
    """A cell as a parser sees it, before it has a span."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def _clean_cell(text: str) -> str:
    return " ".join(text.split())


@dataclass
class DocumentBuilder:
    source: str
    format: SourceFormat
    data: bytes
    _parts: list[str] = field(default_factory=list)
    _pos: int = 0
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)
    page: int | None = None

    def _append(self, text: str) -> tuple[int, int]:
        start = self._pos
        self._parts.append(text)
        self._pos += len(text)
        return start, self._pos

    def new_page(self) -> None:
        """Start a new page: the next block's offset is where the page begins."""
        self.page_starts.append(self._pos)
        self.page = len(self.page_starts)

    def add(self, kind: BlockKind | str, text: str, style: str | None = None) -> Block | None:
        """Add one block (text without trailing newline). Empty text adds nothing."""
        text = text.strip("\n")
        if not text.strip():
            return None
        start, end = self._append(text)
        self._append("\n")
        block = Block(kind=BlockKind(kind), start=start, end=end, page=self.page, style=style)
        self.blocks.append(block)
        return block

    def add_table(self, rows: list[list[CellSpec]]) -> Table | None:
        """Add a table given as rows of CellSpec (merged cells appear once, with their spans)."""
        rows = [r for r in rows if any(c.text.strip() for c in r)]
        if not rows:
            return None
        n_cols = 0
        occupied: dict[tuple[int, int], bool] = {}
        cells: list[Cell] = []
        t_start = self._pos
        for r, row in enumerate(rows):
            c = 0
            line_parts = 0
            for spec in row:
                while occupied.get((r, c)):
                    c += 1
                if line_parts:
                    self._append(CELL_SEP)
                text = _clean_cell(spec.text)
                start, end = self._append(text)
                cells.append(Cell(row=r, col=c, text=text, start=start, end=end,
                                  rowspan=spec.rowspan, colspan=spec.colspan))
                for dr in range(spec.rowspan):
                    for dc in range(spec.colspan):
                        occupied[(r + dr, c + dc)] = True
                c += spec.colspan
                line_parts += 1
            n_cols = max(n_cols, c)
            self._append("\n")
        t_end = self._pos - 1
        table = Table(index=len(self.tables), n_rows=len(rows), n_cols=n_cols, cells=cells,
                      start=t_start, end=t_end, page=self.page)
        self.tables.append(table)
        self.blocks.append(Block(kind=BlockKind.table, start=t_start, end=t_end, page=self.page, table=table.index))
        return table

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def build(self, meta: DocumentMeta | None = None) -> Document:
        return Document(
            source=self.source,
            format=self.format,
            sha256=hashlib.sha256(self.data).hexdigest(),
            size=len(self.data),
            text=self.text,
            blocks=self.blocks,
            tables=self.tables,
            page_starts=self.page_starts,
            meta=meta or DocumentMeta(),
        )


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """Read a file, refusing one over the byte limit before reading it."""
    from kehoach.parsers.errors import EmptyDocument, TooLarge

    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise TooLarge(str(path), f"file is {size:,} bytes, over the limit of {max_bytes:,}")
    data = p.read_bytes()
    if not data.strip():
        raise EmptyDocument(str(path), "file is empty" if not data else "file holds only whitespace")
    return data
