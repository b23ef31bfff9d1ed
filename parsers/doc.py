"""Legacy Word .doc (OLE compound file): refuse what cannot be read, convert the rest with LibreOffice.

An OLE file may be a Word 97-2003 document, but also an Excel or PowerPoint file, or a password-protected
DOCX (Office wraps encrypted OOXML packages in OLE with EncryptionInfo/EncryptedPackage streams). The
directory is read here, without extra packages, to tell those apart with a precise error; readable Word
documents are converted to DOCX by ``soffice --headless`` and read by the DOCX parser.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import struct
import subprocess
import tempfile
from pathlib import Path

from kehoach.parsers import docx
from kehoach.parsers.errors import (
    CorruptDocument,
    EncryptedDocument,
    MissingDependency,
    TooLarge,
    UnsupportedFormat,
)
from kehoach.parsers.limits import Limits
from kehoach.schemas.document import Document, SourceFormat

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_ENCRYPTED_STREAMS = ("EncryptionInfo", "EncryptedPackage")
_OTHER_OFFICE = {"Workbook": "Excel", "Book": "Excel", "PowerPoint Document": "PowerPoint"}


class _Ole:
    """The directory of a compound file: stream names and where each stream starts."""

    def __init__(self, path: str, data: bytes):
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise CorruptDocument(path, "truncated OLE header")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise CorruptDocument(path, f"OLE header has an invalid sector size (2^{shift})")
        self.size = 1 << shift
        self.cutoff = struct.unpack_from("<I", data, 0x38)[0]
        n_sectors = max((len(data) - 512) // self.size, 0)
        fat_sectors = self._difat(path, n_sectors)
        fat: list[int] = []
        for s in fat_sectors:
            fat.extend(struct.unpack_from(f"<{self.size // 4}I", self._sector(path, s)))
        self.fat = fat
        self.entries: dict[str, tuple[int, int]] = {}
        first_dir = struct.unpack_from("<I", data, 0x30)[0]
        for s in self._chain(path, first_dir, n_sectors):
            block = self._sector(path, s)
            for off in range(0, self.size, 128):
                name_len, kind = struct.unpack_from("<HB", block, off + 0x40)
                if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                    continue
                name = block[off:off + name_len - 2].decode("utf-16-le", errors="replace")
                start, size = struct.unpack_from("<II", block, off + 0x74)
                self.entries[name] = (start, size)

    def _sector(self, path: str, index: int) -> bytes:
        off = (index + 1) * self.size
        if index > _MAX_SECTOR or off + self.size > len(self.data):
            raise CorruptDocument(path, f"OLE sector {index} lies outside the file (truncated?)")
        return self.data[off:off + self.size]

    def _difat(self, path: str, n_sectors: int) -> list[int]:
        count = struct.unpack_from("<I", self.data, 0x2C)[0]
        sectors = [s for s in struct.unpack_from("<109I", self.data, 0x4C) if s <= _MAX_SECTOR]
        nxt = struct.unpack_from("<I", self.data, 0x44)[0]
        seen: set[int] = set()
        while nxt <= _MAX_SECTOR and nxt not in seen and len(sectors) < count:
            seen.add(nxt)
            block = self._sector(path, nxt)
            values = struct.unpack_from(f"<{self.size // 4}I", block)
            sectors.extend(s for s in values[:-1] if s <= _MAX_SECTOR)
            nxt = values[-1]
        if count > n_sectors + 1:
            raise CorruptDocument(path, "OLE header claims more FAT sectors than the file holds")
        return sectors[:count]

    def _chain(self, path: str, start: int, limit: int) -> list[int]:
        chain: list[int] = []
        s = start
        while s != _ENDOFCHAIN:
            if s > _MAX_SECTOR or s >= len(self.fat) or len(chain) > limit:
                raise CorruptDocument(path, "OLE sector chain is broken or loops")
            chain.append(s)
            s = self.fat[s]
        return chain

    def head(self, path: str, name: str, n: int) -> bytes:
        """The first bytes of a stream stored in regular sectors (large streams such as WordDocument)."""
        start, size = self.entries[name]
        if size < self.cutoff:
            return b""
        return self._sector(path, start)[:n]


def _refuse_unreadable(path: str, data: bytes) -> None:
    """Raise the precise error for encrypted or non-Word OLE files."""
    markers = [m for m in _ENCRYPTED_STREAMS if m.encode("utf-16-le") in data]
    try:
        ole = _Ole(path, data)
    except CorruptDocument:
        if markers:
            raise EncryptedDocument(path, "password-protected Office document (encrypted package)") from None
        raise
    if any(name in ole.entries for name in _ENCRYPTED_STREAMS):
        raise EncryptedDocument(path, "password-protected Office document (encrypted package)")
    if "WordDocument" not in ole.entries:
        kinds = sorted({v for k, v in _OTHER_OFFICE.items() if k in ole.entries})
        what = f"an {kinds[0]} file" if kinds else "not a Word document"
        raise UnsupportedFormat(path, f"OLE compound file is {what}, not a Word .doc")
    fib = ole.head(path, "WordDocument", 12)
    if len(fib) >= 12:
        ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 0x0A)[0]
        if ident == 0xA5EC and flags & 0x0100:
            raise EncryptedDocument(path, "password-protected Word document")


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(path: str, data: bytes, limits: Limits, soffice: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
               "--convert-to", "docx", "--outdir", tmp, str(src)]
        env = dict(os.environ, HOME=tmp)
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                    start_new_session=True)
        except OSError as exc:
            raise MissingDependency(path, f"cannot run LibreOffice ({exc.strerror or exc})") from None
        try:
            _, err = proc.communicate(timeout=limits.max_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise TooLarge(path, f"LibreOffice conversion took longer than {limits.max_seconds:g} s") from None
        out = Path(tmp) / "input.docx"
        if proc.returncode != 0 or not out.exists():
            last = (err or b"").decode("utf-8", "replace").strip().splitlines()
            why = last[-1][:200] if last else f"exit code {proc.returncode}"
            raise CorruptDocument(path, f"LibreOffice could not convert the .doc file ({why})")
        return out.read_bytes()


def parse(path: str, data: bytes, limits: Limits) -> Document:
    _refuse_unreadable(path, data)
    soffice = find_soffice()
    if soffice is None:
        raise MissingDependency(
            path, "legacy .doc needs LibreOffice: install the [doc] extra and LibreOffice "
            "(Debian: libreoffice-writer-nogui), or save the file as DOCX")
    converted = _convert(path, data, limits, soffice)
    doc = docx.parse(path, converted, limits)
    meta = doc.meta.model_copy(update={"warnings": [*doc.meta.warnings, "converted from .doc by LibreOffice"]})
    return doc.model_copy(update={
        "format": SourceFormat.doc, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "meta": meta,
    })
