"""The Document model: what every parser produces, whatever the file format.

A Document is text plus structure. ``text`` is the normalised text that every later stage reads and every
span points into; ``blocks`` and ``tables`` describe its layout with character spans; ``page_starts`` and
the line index map any offset back to a page (PDF) or a line (every format), so evidence can be shown as
"page 3" or "line 31". ``source_map`` maps normalised offsets back to offsets in the text the parser read
(before normalisation), so that evidence can be put back into the original.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field


class BlockKind(StrEnum):
    paragraph = "paragraph"
    heading = "heading"
    list_item = "list_item"
    table = "table"


class SourceFormat(StrEnum):
    txt = "txt"
    docx = "docx"
    doc = "doc"
    pdf = "pdf"
    html = "html"


class Block(BaseModel):
    """One paragraph, heading, list item or table, as a span of ``Document.text``."""

    model_config = ConfigDict(frozen=True)

    kind: BlockKind
    start: int = Field(ge=0, description="Offset of the first character in Document.text.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    page: int | None = Field(None, ge=1, description="1-based page (paged formats only).")
    style: str | None = Field(None, description="Source style name, e.g. a Word paragraph style.")
    table: int | None = Field(None, description="Index into Document.tables when kind is table.")


class Cell(BaseModel):
    """One cell of a table grid. A merged cell is one Cell with row/col spans > 1."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    text: str
    start: int = Field(ge=0, description="Span of the cell text in Document.text.")
    end: int = Field(ge=0)
    rowspan: int = Field(1, ge=1)
    colspan: int = Field(1, ge=1)


class Table(BaseModel):
    """A table as a grid of cells; ``grid()`` resolves merged cells to a plain rows x columns matrix."""

    index: int = Field(ge=0)
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    cells: list[Cell]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = None

    def grid(self) -> list[list[Cell | None]]:
        """Rows x columns; a merged cell appears in every position it covers."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    grid[r][c] = cell
        return grid

    def rows(self) -> list[list[str]]:
        """The grid as plain strings ("" where no cell)."""
        return [[cell.text if cell else "" for cell in row] for row in self.grid()]


class DocumentMeta(BaseModel):
    """Facts about how the file was read."""

    pages: int | None = Field(None, description="Page count for paged formats.")
    encoding: str | None = Field(None, description="Text encoding detected (txt/html), e.g. utf-8, cp1258, tcvn3.")
    ocr: bool = Field(False, description="True when the text came from OCR.")
    normalised: bool = Field(False, description="True once pipeline.normalize has run.")
    warnings: list[str] = Field(default_factory=list)


class Location(BaseModel):
    """Where an offset falls: 1-based line in Document.text, and page when the format is paged."""

    line: int
    page: int | None = None


class Document(BaseModel):
    """A file read into text and layout. Built by ``kehoach.parsers``; normalised by ``pipeline.normalize``."""

    source: str = Field(description="Path of the file the document was read from.")
    format: SourceFormat
    sha256: str = Field(description="Hash of the file's bytes: the identity used to skip unchanged files.")
    size: int = Field(ge=0, description="Size of the file in bytes.")
    text: str
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    page_starts: list[int] = Field(
        default_factory=list, description="Offset in text where each page begins (paged formats)."
    )
    source_map: list[tuple[int, int]] = Field(
        default_factory=list,
        description="Anchors (offset in text, offset in the parser's text) at every point where "
        "normalisation changed the length; between anchors the offsets move together.",
    )
    meta: DocumentMeta = Field(default_factory=DocumentMeta)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect_right(self._line_starts, offset)

    def page_of(self, offset: int) -> int | None:
        """1-based page of a character offset, or None for formats without pages."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset)

    def locate(self, offset: int) -> Location:
        return Location(line=self.line_of(offset), page=self.page_of(offset))

    def line_span(self, line: int) -> tuple[int, int]:
        """(start, end) of a 1-based line, without its newline."""
        starts = self._line_starts
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return start, end

    def to_source_offset(self, offset: int) -> int:
        """Map an offset in the normalised text back to the parser's text."""
        if not self.source_map:
            return offset
        i = bisect_right(self.source_map, (offset, float("inf"))) - 1
        if i < 0:
            return offset
        norm, src = self.source_map[i]
        return src + (offset - norm)

    @property
    def n_pages(self) -> int:
        return len(self.page_starts) or (self.meta.pages or 1)
