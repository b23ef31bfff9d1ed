"""Typed errors for files that cannot be read. Each has a stable ``code`` recorded as the file's outcome."""

from __future__ import annotations


class ParseError(Exception):
    """Base class: a file that cannot be turned into a Document. ``str(err)`` is one line for the user."""

    code = "parse_error"

    def __init__(self, path: str, detail: str):
        self.path = str(path)
        self.detail = detail
        super().__init__(f"{self.path}: {detail}")


class EmptyDocument(ParseError):
    code = "empty"


class EncryptedDocument(ParseError):
    code = "encrypted"


class NoTextLayer(ParseError):
    """A scanned PDF with no text, and OCR not available."""

    code = "no_text_layer"


class CorruptDocument(ParseError):
    code = "corrupt"


class UnsupportedFormat(ParseError):
    code = "unsupported_format"


class TooLarge(ParseError):
    """Over a configured limit: bytes, pages or time."""

    code = "too_large"


class DecompressionBomb(ParseError):
    """A container whose members expand past the limit (zip bombs)."""

    code = "decompression_bomb"


class HostileContent(ParseError):
    """XML with DTDs/external entities/entity expansion, or similar."""

    code = "hostile_content"


class MissingDependency(ParseError):
    """The format needs an optional extra or a system package that is not installed."""

    code = "missing_dependency"
