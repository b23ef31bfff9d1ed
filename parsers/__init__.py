"""File formats to one Document model. ``read(path)`` sniffs the real format from the bytes."""

from __future__ import annotations

import importlib
from pathlib import Path

from kehoach.parsers.base import read_bytes
from kehoach.parsers.errors import (
    CorruptDocument,
    DecompressionBomb,
    EmptyDocument,
    EncryptedDocument,
    HostileContent,
    MissingDependency,
    NoTextLayer,
    ParseError,
    TooLarge,
    UnsupportedFormat,
)
from kehoach.parsers.limits import DEFAULT_LIMITS, Limits
from kehoach.parsers.sniff import sniff
from kehoach.schemas.document import Document, SourceFormat

# One module per format; each has parse(path, data, limits) -> Document.
PARSERS: dict[SourceFormat, str] = {
    SourceFormat.txt: "kehoach.parsers.txt",
    SourceFormat.docx: "kehoach.parsers.docx",
    SourceFormat.doc: "kehoach.parsers.doc",
    SourceFormat.pdf: "kehoach.parsers.pdf",
    SourceFormat.html: "kehoach.parsers.html",
}


def parse(path: str | Path, limits: Limits | None = None) -> Document:
    """Read a file into a Document with the parser's text (not yet normalised)."""
    limits = limits or DEFAULT_LIMITS
    path = str(path)
    data = read_bytes(path, limits.max_bytes)
    fmt = sniff(path, data)
    module = importlib.import_module(PARSERS[fmt])
    doc = module.parse(path, data, limits)
    if not doc.text.strip():
        raise EmptyDocument(path, f"no text in this {fmt.value.upper()} file")
    return doc


__all__ = [
    "CorruptDocument", "DecompressionBomb", "Document", "EmptyDocument", "EncryptedDocument", "HostileContent",
    "Limits", "MissingDependency", "NoTextLayer", "ParseError", "TooLarge", "UnsupportedFormat", "parse", "sniff",
]
