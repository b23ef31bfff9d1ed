"""DOCX: body in reading order (paragraphs, tables, text boxes), headers first and footers last, Word's
automatic numbering rendered as the reader sees it, and tables as grids with merged cells.

The package is checked by ``parsers.safety`` before anything parses it (bounded inflation, a DTD in any XML
member refused), then opened with python-docx. Two things python-docx refuses are repaired in memory first:
macro-enabled and template main parts (.docm, .dotx, .dotm: the same WordprocessingML under another content
type) are given the .docx content type, and relationships to parts that are absent or have no content type
(left by some add-ins, python-docx issue #797) are dropped with a warning. Strict OOXML is refused as
unsupported. Text is read from python-docx's element trees (runs, fields, text boxes and content controls
have no higher-level API); numbering labels come from ``parsers.numbering``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import OpcError
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from lxml import etree

from kehoach.parsers import safety
from kehoach.parsers.base import CellSpec, DocumentBuilder
from kehoach.parsers.errors import CorruptDocument, UnsupportedFormat
from kehoach.parsers.limits import Deadline, Limits
from kehoach.parsers.numbering import DINGBAT_FONTS, MC, W, Numbering, on_off, to_int, val
from kehoach.schemas.document import BlockKind, Document, DocumentMeta, SourceFormat

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Main-part content types python-docx refuses although the part is the same WordprocessingML.
_MAIN_VARIANTS = frozenset({
    "application/vnd.ms-word.document.macroEnabled.main+xml",                             # .docm
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",   # .dotx
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",                     # .dotm
})
_STRICT = "http://purl.oclc.org/ooxml/"
_STRICT_MESSAGE = "Strict Open XML document (ISO/IEC 29500 Strict) is not supported; save it as a Word Document (.docx)"

_HEADING_NAME = re.compile(r"^(heading\s*[1-9]|title)$", re.IGNORECASE)
_SYMBOL_CHARS = {0x2D: "-", 0xB7: "•", 0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xAE: "→"}
_SKIP = {W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr", "tblPr",
                         "trPr", "tcPr", "fldData", "footnoteReference", "endnoteReference", "commentReference",
                         "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "annotationRef")}
# (first-page, default, even-page) header and footer of a python-docx Section, in the order a reader meets them.
_HEADERS = ("first_page_header", "header", "even_page_header")
_FOOTERS = ("first_page_footer", "footer", "even_page_footer")


# -- opening the package ---------------------------------------------------------------------------------

def open_document(path: str, data: bytes, limits: Limits) -> tuple[WordDocument, list[str]]:
    """Check the package, repair in memory what python-docx would refuse, and open it with python-docx."""
    zf = safety.open_zip(path, data, limits)
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names:
        raise CorruptDocument(path, "no [Content_Types].xml (not an Office Open XML package)")
    types = safety.parse_xml(path, "[Content_Types].xml", safety.read_member(path, zf, "[Content_Types].xml", limits))
    content_type = _content_types(types)
    xml_members = sorted(n for n in names if _is_xml(n, content_type))
    rels: dict[str, etree._Element] = {}
    for name in xml_members:
        blob = safety.read_member(path, zf, name, limits)
        if name.endswith(".rels"):
            rels[name] = safety.parse_xml(path, name, blob)
        else:
            safety.reject_dtd(path, name, blob)
    root_rels = rels.get("_rels/.rels")
    if root_rels is not None and any(r.get("Type", "").startswith(_STRICT) for r in root_rels):
        raise UnsupportedFormat(path, _STRICT_MESSAGE)

    warnings: list[str] = []
    changed: dict[str, bytes] = {}
    if _retype_main(types):
        changed["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
    for name, root in rels.items():
        dropped = _drop_unreadable_targets(name, root, names, content_type)
        if dropped:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            warnings.append(f"{name}: relationships to missing parts dropped ({', '.join(dropped)})")
    if changed:
        data = _rezip(path, zf, changed, limits)

    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError:
        for name in xml_members:  # name the broken part (python-docx's message does not)
            safety.parse_xml(path, name, changed.get(name) or safety.read_member(path, zf, name, limits))
        raise CorruptDocument(path, "an XML part is not well-formed") from None
    except (OpcError, KeyError, ValueError, AttributeError, TypeError, zipfile.BadZipFile, zlib.error, EOFError,
            OSError, NotImplementedError) as exc:
        raise CorruptDocument(path, f"python-docx cannot open the package ({_one_line(exc)})") from None
    if document.element.tag != W + "document":
        if (etree.QName(document.element).namespace or "").startswith(_STRICT):
            raise UnsupportedFormat(path, _STRICT_MESSAGE)
        raise CorruptDocument(path, f"main part is not a WordprocessingML document ({document.element.tag})")
    return document, warnings


def _content_types(types: etree._Element) -> dict[str, str]:
    """Content type by member name ("word/document.xml") and by extension ("*.xml"), lower-cased keys."""
    out = {}
    for el in types:
        if el.tag == CT_NS + "Default":
            out["*." + el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif el.tag == CT_NS + "Override":
            out[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
    return out


def _type_of(name: str, content_type: dict[str, str]) -> str | None:
    lower = name.lower()
    return content_type.get(lower) or content_type.get("*." + lower.rsplit(".", 1)[-1])


def _is_xml(name: str, content_type: dict[str, str]) -> bool:
    """XML by name or by content type: every member an XML parser may be handed."""
    if name.lower().endswith((".xml", ".rels", ".vml")):
        return True
    return (_type_of(name, content_type) or "").endswith("xml")


def _retype_main(types: etree._Element) -> bool:
    """Give a .docm/.dotx/.dotm main part the .docx content type (python-docx accepts only that one)."""
    changed = False
    for el in types.iter(CT_NS + "Override"):
        if el.get("ContentType") in _MAIN_VARIANTS:
            el.set("ContentType", CT.WML_DOCUMENT_MAIN)
            changed = True
    return changed


def _drop_unreadable_targets(name: str, rels: etree._Element, names: set[str],
                             content_type: dict[str, str]) -> list[str]:
    """Remove internal relationships python-docx cannot follow (no such member, or no content type)."""
    folder, _ = posixpath.split(name)
    if posixpath.basename(folder) != "_rels":
        return []
    base = "/" + posixpath.dirname(folder)
    dropped = []
    for rel in list(rels.iter(REL + "Relationship")):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        try:
            member = PackURI.from_rel_ref(base, target).membername
        except ValueError:
            member = ""
        if member not in names or _type_of(member, content_type) is None:
            rels.remove(rel)
            dropped.append(target)
    return dropped


def _rezip(path: str, zf: zipfile.ZipFile, changed: dict[str, bytes], limits: Limits) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as new:
        for info in zf.infolist():
            if not info.is_dir():
                new.writestr(info.filename, changed.get(info.filename)
                             or safety.read_member(path, zf, info.filename, limits))
    return out.getvalue()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


# -- styles ----------------------------------------------------------------------------------------------

@dataclass
class Styles:
    """Paragraph styles: names, inheritance, numbering and outline level, read from word/styles.xml."""

    names: dict[str, str] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    num_pr: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    outline: dict[str, int] = field(default_factory=dict)
    default: str | None = None

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        for st in root.iter(W + "style"):
            if st.get(W + "type", "paragraph") != "paragraph":
                continue
            sid = st.get(W + "styleId")
            if not sid:
                continue
            name = val(st.find(W + "name"), sid) or sid
            # Built-in styles are stored in lower case ("heading 1"); Word shows them capitalised.
            styles.names[sid] = name[:1].upper() + name[1:] if name.islower() else name
            if on_off(st.get(W + "default")) and styles.default is None:
                styles.default = sid
            base = val(st.find(W + "basedOn"))
            if base:
                styles.based_on[sid] = base
            ppr = st.find(W + "pPr")
            if ppr is not None:
                npr = ppr.find(W + "numPr")
                if npr is not None:
                    styles.num_pr[sid] = (val(npr.find(W + "numId")), val(npr.find(W + "ilvl")))
                outline = val(ppr.find(W + "outlineLvl"))
                if outline is not None:
                    styles.outline[sid] = to_int(outline, 9)
        return styles

    def chain(self, sid: str | None) -> Iterator[str]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        seen: set[str] = set()
        while sid and sid not in seen and len(seen) < 32:
            seen.add(sid)
            yield sid
            sid = self.based_on.get(sid)

    def numbering(self, sid: str | None) -> tuple[str | None, str | None]:
        for s in self.chain(sid):
            if s in self.num_pr:
                return self.num_pr[s]
        return None, None

    def is_heading(self, sid: str | None) -> bool:
        for s in self.chain(sid):
            if _HEADING_NAME.match(self.names.get(s, "")):
                return True
            if s in self.outline:
                return self.outline[s] < 9
        return False


# -- reading ---------------------------------------------------------------------------------------------

@dataclass
class _Para:
    kind: BlockKind
    text: str
    style: str | None


@dataclass
class _Table:
    rows: list[list[CellSpec]]


@dataclass
class _RawCell:
    col: int
    span: int
    vmerge: str | None
    text: str
    rowspan: int = 1
    merged: bool = False


class _Reader:
    """Reads one python-docx Document: styles and numbering, then the stories in reading order.

    Elements are read through their tags rather than python-docx's element classes because parts
    python-docx does not type (footnotes, or parts a non-Word writer gave a generic content type) are
    plain lxml trees, and the same code must read both.
    """

    def __init__(self, path: str, document: WordDocument, limits: Limits, warnings: list[str]):
        self.path = path
        self.document = document
        self.deadline = Deadline(path, limits)
        self.warnings = warnings
        self.styles = Styles.from_xml(self._related(RT.STYLES))
        self.numbering = Numbering.from_xml(self._related(RT.NUMBERING), self.styles.num_pr)
        self._count = 0

    # -- parts ---------------------------------------------------------------------------------------
    def _xml(self, part: Part) -> etree._Element:
        """A part's XML: python-docx's tree for parts it types, else the bytes parsed by the safe parser."""
        if isinstance(part, XmlPart):
            return part.element
        return safety.parse_xml(self.path, part.partname.membername, part.blob)

    def _related(self, reltype: str) -> etree._Element | None:
        """The first part the main document relates to by ``reltype`` (None if there is none)."""
        for rel in self.document.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return self._xml(rel.target_part)
        return None

    def _header_footer_parts(self, attrs: tuple[str, str, str]) -> list[Part]:
        """The header (or footer) parts a reader sees, in order, each once.

        Per section: the first-page one if the section has a distinct first page, the default one, and the
        even-page one if the document alternates; a section linked to the previous one reuses its part.
        """
        settings = self._related(RT.SETTINGS)
        flag = settings.find(W + "evenAndOddHeaders") if settings is not None else None
        even = flag is not None and on_off(val(flag))
        parts: list[Part] = []
        inherited: dict[str, Part] = {}
        for section in self.document.sections:
            shown = [attrs[1]]
            if section.different_first_page_header_footer:
                shown.insert(0, attrs[0])
            if even:
                shown.append(attrs[2])
            for attr in shown:
                story = getattr(section, attr)
                if story.is_linked_to_previous:
                    part = inherited.get(attr)
                else:
                    try:
                        part = story.part
                    except KeyError:  # a reference to a relationship that does not exist
                        part = None
                    if part is not None:
                        inherited[attr] = part
                if part is not None and all(part is not p for p in parts):
                    parts.append(part)
        return parts

    # -- stories -------------------------------------------------------------------------------------
    def read(self, builder: DocumentBuilder) -> None:
        body = self.document.element.body
        if body is None:
            raise CorruptDocument(self.path, "main document part has no w:body")
        body_numbering = self.numbering
        for part in self._header_footer_parts(_HEADERS):
            self.numbering = body_numbering.fresh()
            self._emit(builder, self._xml(part))
        self.numbering = body_numbering
        self._emit(builder, body)
        for reltype in (RT.FOOTNOTES, RT.ENDNOTES):
            notes = self._related(reltype)
            if notes is None:
                continue
            self.numbering = body_numbering.fresh()
            for note in notes:
                if note.get(W + "type") in (None, "normal"):
                    self._emit(builder, note)
        for part in self._header_footer_parts(_FOOTERS):
            self.numbering = body_numbering.fresh()
            self._emit(builder, self._xml(part))
        self.numbering = body_numbering

    def _emit(self, builder: DocumentBuilder, container: etree._Element) -> None:
        for item in self._items(container):
            if isinstance(item, _Table):
                builder.add_table(item.rows)
            else:
                builder.add(item.kind, item.text, style=item.style)

    def _items(self, container: etree._Element) -> Iterator[_Para | _Table]:
        """Paragraphs and tables of a container (body, cell, header, text box) in reading order."""
        for child in container:
            tag = child.tag
            if tag == W + "p":
                yield from self._paragraph(child)
            elif tag == W + "tbl":
                yield _Table(self._table(child))
            elif tag == MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    yield from self._items(branch)
            elif tag in (W + "sdt", W + "customXml", W + "ins", W + "moveTo", W + "sdtContent"):
                inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if inner is not None:
                    yield from self._items(inner)
            elif tag == W + "altChunk" and "altChunk" not in " ".join(self.warnings):
                self.warnings.append("altChunk (embedded foreign content) not read")

    # -- paragraphs ----------------------------------------------------------------------------------
    def _paragraph(self, p: etree._Element) -> Iterator[_Para | _Table]:
        self._count += 1
        if self._count % 500 == 0:
            self.deadline.check()
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._inline(p, parts, boxes)
        text = "".join(parts)
        ppr = p.find(W + "pPr")
        sid = val(ppr.find(W + "pStyle")) if ppr is not None else None
        sid = sid or self.styles.default
        label = self._label(ppr, sid)
        heading = self.styles.is_heading(sid) or (
            ppr is not None and to_int(val(ppr.find(W + "outlineLvl")), 9) < 9)
        kind = BlockKind.heading if heading else BlockKind.list_item if label else BlockKind.paragraph
        if text.strip():
            yield _Para(kind, label + text, self.styles.names.get(sid or "", sid))
        for box in boxes:
            yield from self._items(box)

    def _label(self, ppr: etree._Element | None, sid: str | None) -> str:
        num_id = ilvl = None
        npr = ppr.find(W + "numPr") if ppr is not None else None
        if npr is not None:
            num_id, ilvl = val(npr.find(W + "numId")), val(npr.find(W + "ilvl"))
        if num_id is None:
            num_id, style_lvl = self.styles.numbering(sid)
            ilvl = ilvl if ilvl is not None else style_lvl
        if num_id is None or num_id == "0":
            return ""
        if ilvl is None:  # a list level can name the paragraph style it belongs to
            ilvl = self.numbering.level_of_style(num_id, sid)
        return self.numbering.label(num_id, to_int(ilvl, 0))

    def _inline(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:  # comments and processing instructions too
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "r":
                rpr = child.find(W + "rPr")
                if rpr is not None and (_is_on(rpr.find(W + "vanish")) or _is_on(rpr.find(W + "specVanish"))):
                    continue
                self._inline(child, parts, boxes)
            elif tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "softHyphen":
                continue
            elif tag == W + "sym":
                parts.append(_symbol(child.get(W + "char", ""), child.get(W + "font", "")))
            elif tag == W + "txbxContent":
                boxes.append(child)
            elif tag == MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, parts, boxes)
            else:
                self._inline(child, parts, boxes)

    # -- tables --------------------------------------------------------------------------------------
    def _table(self, tbl: etree._Element) -> list[list[CellSpec]]:
        rows: list[list[_RawCell]] = []
        for tr in _children(tbl, W + "tr"):
            trpr = tr.find(W + "trPr")
            before = to_int(val(trpr.find(W + "gridBefore")), 0) if trpr is not None else 0
            cells: list[_RawCell] = [_RawCell(0, before, None, "")] if before > 0 else []
            col = max(before, 0)
            for tc in _children(tr, W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span, vmerge, hmerge = 1, None, None
                if tcpr is not None:
                    span = min(max(to_int(val(tcpr.find(W + "gridSpan")), 1), 1), 1000)
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None:
                        vmerge = "restart" if val(vm) == "restart" else "continue"
                    hm = tcpr.find(W + "hMerge")
                    hmerge = None if hm is None else ("restart" if val(hm) == "restart" else "continue")
                text = self._cell_text(tc)
                if hmerge == "continue" and cells:
                    cells[-1].span += span
                    cells[-1].text = " ".join(t for t in (cells[-1].text, text) if t.strip())
                else:
                    cells.append(_RawCell(col, span, vmerge, text))
                col += span
            rows.append(cells)
        return _merge_rows(rows)

    def _cell_text(self, tc: etree._Element) -> str:
        out: list[str] = []
        for item in self._items(tc):
            if isinstance(item, _Table):
                out.extend(c.text for row in item.rows for c in row if c.text.strip())
            else:
                out.append(item.text)
        return "\n".join(out)


def _merge_rows(rows: list[list[_RawCell]]) -> list[list[CellSpec]]:
    """Resolve vertical merges into rowspans over the rows that hold text (empty rows are dropped)."""
    kept = [r for r in rows if any(c.text.strip() for c in r)]
    open_: dict[tuple[int, int], _RawCell] = {}
    for row in kept:
        now: dict[tuple[int, int], _RawCell] = {}
        for cell in row:
            key = (cell.col, cell.span)
            anchor = open_.get(key)
            if cell.vmerge == "continue" and anchor is not None:
                anchor.rowspan += 1
                if cell.text.strip():
                    anchor.text = f"{anchor.text}\n{cell.text}"
                cell.merged = True
                now[key] = anchor
            elif cell.vmerge is not None:
                now[key] = cell
        open_ = now
    return [[CellSpec(c.text, c.rowspan, c.span) for c in row if not c.merged] for row in kept]


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                yield from _children(inner, tag)
        elif child.tag == MC + "AlternateContent":
            branch = _branch(child)
            if branch is not None:
                yield from _children(branch, tag)


def _branch(alt: etree._Element) -> etree._Element | None:
    """One branch of mc:AlternateContent (the first Choice, else the Fallback), so text is read once."""
    choice = alt.find(MC + "Choice")
    return choice if choice is not None else alt.find(MC + "Fallback")


def _is_on(el: etree._Element | None) -> bool:
    return el is not None and on_off(val(el, "true"))


def _symbol(code: str, font: str) -> str:
    try:
        point = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= point <= 0xF0FF:
        point -= 0xF000
    if font.lower().startswith(DINGBAT_FONTS):
        return _SYMBOL_CHARS.get(point, "•") if font.lower().startswith("symbol") else "•"
    return chr(point)


def parse(path: str, data: bytes, limits: Limits) -> Document:
    document, warnings = open_document(path, data, limits)
    reader = _Reader(path, document, limits, warnings)
    builder = DocumentBuilder(path, SourceFormat.docx, data)
    reader.read(builder)
    if reader.numbering.missing:
        warnings.append(f"numbering definitions missing: {', '.join(sorted(reader.numbering.missing))}")
    return builder.build(DocumentMeta(warnings=warnings))
