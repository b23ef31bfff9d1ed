"""Tell a file's real format from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

from kehoach.parsers.errors import CorruptDocument, UnsupportedFormat
from kehoach.schemas.document import SourceFormat

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<p ", b"<table")


def _looks_like_html(head: bytes) -> bool:
    probe = head[:4096].lower()
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = probe[2:].replace(b"\x00", b"")
    probe = probe.lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe.startswith(b"<?xml") and b"<html" in probe:
        return True
    return probe.startswith(b"<") and any(m in probe for m in _HTML_MARKERS)


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with BOM
    sample = head[:8192]
    if not sample:
        return False
    nul = sample.count(0)
    if nul:
        # UTF-16 without BOM has NULs in every other byte and nothing else odd.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > 0.3 * (len(sample) / 2) and min(even, odd) == 0:
            return False
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > 0.05 * len(sample)


def sniff(path: str, data: bytes) -> SourceFormat:
    """Return the format of ``data``; raise UnsupportedFormat for anything kehoach does not read."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return SourceFormat.pdf
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise CorruptDocument(path, f"damaged ZIP container ({exc})") from None
        if "word/document.xml" in names:
            return SourceFormat.docx
        raise UnsupportedFormat(path, "ZIP file without word/document.xml (not a DOCX document)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return SourceFormat.doc
    if data.startswith(b"{\\rtf"):
        raise UnsupportedFormat(path, "RTF documents are not supported; save as DOCX")
    if _looks_like_html(data):
        return SourceFormat.html
    if _looks_binary(data):
        raise UnsupportedFormat(path, "binary data of an unknown format (not PDF, DOCX, DOC, HTML or text)")
    return SourceFormat.txt
