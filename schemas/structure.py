"""The segmented layout of a plan: header block, title, preamble, numbered section tree, closing, appendices.

Produced by ``pipeline.segment`` from a normalised Document; every part is a span of ``Document.text``,
so extractors look for a field only where it belongs (legal bases in the preamble, assignments in the
organisation section) and every value they find keeps its offsets.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterator

from pydantic import BaseModel, Field


class Region(BaseModel):
    """A span of Document.text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


class MarkerKind(StrEnum):
    """How a section or item is numbered, from the outermost to the innermost usual level."""

    part = "part"  # Phần I / PHẦN THỨ NHẤT
    roman = "roman"  # I.  II.
    arabic = "arabic"  # 1.  2.
    decimal = "decimal"  # 1.1.  2.3.1
    letter = "letter"  # a)  b)
    dash = "dash"  # -
    plus = "plus"  # +
    bullet = "bullet"  # •  *


class Section(BaseModel):
    """One numbered section or item. ``heading`` is its first line; ``start``/``end`` cover its whole body."""

    marker: str = Field(description='The marker as written: "II", "1", "2.1", "a", "-", "+".')
    kind: MarkerKind
    title: str = Field(description="Heading text after the marker (first line, stripped).")
    heading: Region = Field(description="Span of the heading line, marker included.")
    start: int = Field(ge=0, description="Start of the section (its marker).")
    end: int = Field(ge=0, description="End of the section body, children included.")
    depth: int = Field(ge=0, description="Nesting depth in the tree (0 = top level).")
    children: list[Section] = Field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def label(self) -> str:
        """Marker as a reader would cite it: "II.", "1.1", "a)", "-"."""
        if self.kind in (MarkerKind.roman, MarkerKind.arabic):
            return f"{self.marker}."
        if self.kind is MarkerKind.letter:
            return f"{self.marker})"
        return self.marker


class Header(BaseModel):
    """The header block above the title. Each part is None when the document does not have it."""

    issuer_lines: Region | None = Field(None, description="Issuing body and its parent (left column).")
    motto: Region | None = Field(None, description="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc.")
    number_line: Region | None = Field(None, description='"Số: 3456/KH-UBND".')
    place_date: Region | None = Field(None, description='"Gia Lai, ngày 08 tháng 12 năm 2023".')


class Closing(BaseModel):
    """The end of the plan: recipients and signature block."""

    recipients: Region | None = Field(None, description="Nơi nhận list.")
    signature: Region | None = Field(None, description="Authority line(s), position and signer name.")


class Structure(BaseModel):
    """The parts of one plan, in reading order."""

    header: Header = Field(default_factory=Header)
    decision: Region | None = Field(
        None, description="When the plan is issued as the annex of a Quyết định: the decision's text."
    )
    doc_kind_line: Region | None = Field(None, description='The document-kind line: "KẾ HOẠCH", "QUYẾT ĐỊNH".')
    title: Region | None = Field(None, description="Title after the kind line (may span several lines).")
    preamble: Region | None = Field(None, description="Căn cứ / Thực hiện … up to the first numbered section.")
    body: Region | None = Field(None, description="From the first numbered section to the closing.")
    sections: list[Section] = Field(default_factory=list, description="Top-level sections (tree).")
    closing: Closing = Field(default_factory=Closing)
    appendices: list[Region] = Field(default_factory=list, description="Phụ lục / Biểu after the signature.")

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def section_at(self, offset: int) -> list[Section]:
        """The chain of sections (outermost first) that contain an offset."""
        chain: list[Section] = []
        nodes = self.sections
        while True:
            hit = next((s for s in nodes if s.start <= offset < s.end), None)
            if hit is None:
                return chain
            chain.append(hit)
            nodes = hit.children
