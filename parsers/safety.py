"""Guards for container formats: ZIP bombs, hostile XML (DTDs, entities) and bounded reads.

Office files are ZIP archives of XML parts, and both layers can be turned against a reader: members that
inflate to gigabytes, and XML whose DTD expands entities (billion laughs) or pulls in files and URLs (XXE).
Every DOCX part goes through here before anything parses it, so the rest of the code can trust the bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from kehoach.parsers.errors import CorruptDocument, DecompressionBomb, EncryptedDocument, HostileContent
from kehoach.parsers.limits import Limits

# Ratios are only meaningful for large members: a tiny part of repeated bytes compresses well and harms nobody.
RATIO_MIN_SIZE = 1024 * 1024
MAX_MEMBERS = 20_000
_CHUNK = 1024 * 1024

# A DTD is the only way to declare entities; Office parts never carry one, so any DOCTYPE is refused.
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)


def open_zip(path: str, data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open a ZIP container and refuse it when its members would inflate past the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise CorruptDocument(path, f"damaged ZIP container ({_one_line(exc)})") from None
    if len(infos) > MAX_MEMBERS:
        raise DecompressionBomb(path, f"ZIP container has {len(infos):,} members, over the limit of {MAX_MEMBERS:,}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedDocument(path, f"ZIP member {info.filename} is password-protected")
        total += info.file_size
        if info.file_size >= RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise DecompressionBomb(
                    path, f"ZIP member {info.filename} expands {ratio:,.0f}x "
                    f"(limit {limits.max_compression_ratio}x)")
    if total > limits.max_decompressed:
        raise DecompressionBomb(
            path, f"ZIP members expand to {total:,} bytes, over the limit of {limits.max_decompressed:,}")
    return zf


def read_member(path: str, zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """Read one member, never inflating more than the limit whatever its header claims."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise CorruptDocument(path, f"ZIP member {name} is missing") from None
    cap = min(info.file_size, limits.max_decompressed)
    buf = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                buf += chunk
                if len(buf) > cap:
                    raise DecompressionBomb(path, f"ZIP member {name} inflates past its declared size")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise CorruptDocument(path, f"ZIP member {name} is damaged ({_one_line(exc)})") from None
    return bytes(buf)


def reject_dtd(path: str, name: str, data: bytes) -> None:
    """Refuse XML that declares a DTD or entities, in any of the encodings XML allows."""
    for marker in _DTD_MARKERS:
        if marker in data:
            raise HostileContent(path, f"{name} declares a DTD or entities (refused: XXE / entity expansion)")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False,
        remove_comments=True, remove_pis=True, recover=False,
    )


def parse_xml(path: str, name: str, data: bytes) -> etree._Element:
    """Parse one XML part safely: DTDs refused before and after parsing, no network, no entity expansion."""
    reject_dtd(path, name, data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(path, f"{name} is not well-formed XML ({_one_line(exc)})") from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise HostileContent(path, f"{name} declares a DTD (refused)")
    return root


def _one_line(exc: BaseException) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return text[:200] or type(exc).__name__
