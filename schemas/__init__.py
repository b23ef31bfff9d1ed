"""Pydantic models: the contract between stages and the JSON that users receive."""

from kehoach.schemas.document import Block, BlockKind, Cell, Document, DocumentMeta, Location, SourceFormat, Table
from kehoach.schemas.plan import (
    Assignment,
    Budget,
    Deadline,
    DocType,
    Finding,
    Issuer,
    LegalRef,
    PartialDate,
    Period,
    Plan,
    Project,
    Signer,
    Span,
    Target,
)
from kehoach.schemas.structure import Closing, Header, MarkerKind, Region, Section, Structure

__all__ = [
    "Assignment", "Block", "BlockKind", "Budget", "Cell", "Closing", "Deadline", "DocType", "Document",
    "DocumentMeta", "Finding", "Header", "Issuer", "LegalRef", "Location", "MarkerKind", "PartialDate",
    "Period", "Plan", "Project", "Region", "Section", "Signer", "SourceFormat", "Span", "Structure",
    "Table", "Target",
]
