"""Segment a normalised plan into its parts: header block, kind line and title, preamble, numbered section
tree, closing (Nơi nhận, signature) and appendices.

The rules follow how administrative documents are laid out (Nghị định 30/2020/NĐ-CP on document format),
not any one file: the header sits above the kind line ("KẾ HOẠCH"); the preamble cites the legal bases
until the first numbered section; sections nest by marker type (PHẦN > I. > 1. > 1.1. > a) > - > +);
the closing starts at "Nơi nhận" or the authority line (TM./KT.). Files flattened from two-column layouts
("|" between columns) and documents issued as the annex of a Quyết định are handled.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import regex

from kehoach.schemas.document import BlockKind, Document
from kehoach.schemas.structure import Closing, Header, MarkerKind, Region, Section, Structure

_B = r"(?:\*{2})?"  # markdown bold left by some converters: "**1. Mục tiêu**"

MOTTO = regex.compile(
    r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+X[ÃA]\s+H[ỘO]I|CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc", regex.I
)
NUMBER_LINE = regex.compile(r"(?<![\p{L}])Số\s*:?\s*(?P<value>[^\n|]*?/[^\s|,]*)", regex.I)
PLACE_DATE = regex.compile(
    r"(?P<place>\p{Lu}[\p{L}.' -]{1,40}?)\s*,\s*ngày\s+(?P<day>\d{1,2})?[\s._…]*tháng\s+(?P<month>\d{1,2})?"
    r"[\s._…]*năm\s+(?P<year>\d{4})"
)
KIND_WORDS = r"KẾ\s+HOẠCH|QUYẾT\s+ĐỊNH|CHƯƠNG\s+TRÌNH|HƯỚNG\s+DẪN|CÔNG\s+VĂN|THÔNG\s+BÁO|NGHỊ\s+QUYẾT|CHỈ\s+THỊ|BÁO\s+CÁO|ĐỀ\s+ÁN|TỜ\s+TRÌNH"
KIND_LINE = regex.compile(rf"^\s*{_B}(?P<kind>{KIND_WORDS}){_B}(?=\s|$)(?P<rest>[^\n]*)$")
PREAMBLE_START = regex.compile(
    r"^\s*[-–+•*]?\s*(?:Căn\s+cứ|Thực\s+hiện|Triển\s+khai(?:\s+thực\s+hiện)?|Theo|Xét)\s+(?:[\p{L}]+\s+){0,3}?(?:số|"
    r"Luật|Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Hướng\s+dẫn|Thông\s+báo|"
    r"Văn\s+bản|Chương\s+trình\s+(?:số|hành\s+động|phối\s+hợp))",
    regex.I,
)
PREAMBLE_SENTENCE = regex.compile(r"^\s*[-–+•*]?\s*Căn\s+cứ|[;:]\s*$|như\s+sau", regex.I)
ANNEX_NOTE = regex.compile(r"^\s*\(?\s*(?:Ban\s+hành\s+)?kèm\s+theo", regex.I)
RECIPIENTS = regex.compile(rf"^\s*{_B}\s*Nơi\s+nhận\s*:?", regex.I)
AUTHORITY = regex.compile(rf"^\s*{_B}\s*(?P<auth>(?:TM|KT|TL|TUQ|Q)\s*\.\s*[\p{{Lu}}\s.]+?|(?:PHÓ\s+)?CHỦ\s+TỊCH|"
                          rf"GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|BÍ\s+THƯ){_B}\s*$")
APPENDIX = regex.compile(rf"^\s*{_B}\s*(?:PHỤ\s+LỤC|Phụ\s+lục|BIỂU|Biểu\s+(?:số|\d))", regex.U)
NAME_LINE = regex.compile(r"^\s*(?:\*\*)?(?P<name>(?:\p{Lu}[\p{Ll}]*\s+){1,5}\p{Lu}[\p{Ll}]*)(?:\*\*)?\s*$")

_SPACE_RUN = regex.compile(r"\s+")
_RULE_LINE = regex.compile(r"^\s*-{3,}\s*$")  # "-----" under a title

ROMAN = regex.compile(r"(?=[IVXLC])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})")

_MARKERS: list[tuple[MarkerKind, regex.Pattern]] = [
    (MarkerKind.part, regex.compile(rf"^\s*{_B}(?:PHẦN|Phần)\s+(?P<m>[IVXLC]+|THỨ\s+\p{{Lu}}+|\d+)\s*[.:)-]?\s*")),
    (MarkerKind.roman, regex.compile(rf"^\s*{_B}(?P<m>[IVXLC]{{1,6}})\s*[.)/]\s*(?=\S)")),
    (MarkerKind.decimal, regex.compile(rf"^\s*{_B}(?P<m>\d{{1,2}}(?:\.\d{{1,2}})+)\.?\s*[.)]?\s+(?=\S)")),
    (MarkerKind.arabic, regex.compile(rf"^\s*{_B}(?P<m>\d{{1,2}})\s*[.)]\s*(?=[^\d\s])")),
    (MarkerKind.letter, regex.compile(rf"^\s*{_B}(?P<m>[a-zđ])\s*[).]\s*(?=\S)|^\s*(?P<m>[a-h])\s+(?=\p{{Lu}})")),
    (MarkerKind.bullet, regex.compile(r"^\s*(?P<m>\*)(?=\*\*\s)|^\s*(?P<m>[•·])\s*")),
    (MarkerKind.dash, regex.compile(r"^\s*(?P<m>-)\s*(?=\S)")),
    (MarkerKind.plus, regex.compile(r"^\s*(?P<m>\+)\s*(?=\S)")),
]

_RANK_BASE = {MarkerKind.part: 0, MarkerKind.roman: 1, MarkerKind.arabic: 2, MarkerKind.decimal: 3,
              MarkerKind.letter: 7, MarkerKind.dash: 8, MarkerKind.plus: 9, MarkerKind.bullet: 8}


@dataclass
class Line:
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _lines(text: str, lo: int = 0, hi: int | None = None) -> list[Line]:
    hi = len(text) if hi is None else hi
    out, pos = [], lo
    for raw in text[lo:hi].split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _trimmed(line: Line) -> Region:
    """Span of a line without surrounding blanks and markdown asterisks."""
    s = line.text
    left = len(s) - len(s.lstrip(" \t*"))
    right = len(s.rstrip(" \t*"))
    return Region(start=line.start + left, end=line.start + max(right, left))


def _markers_by_first_character() -> dict[str, list[tuple[MarkerKind, regex.Pattern]]]:
    """The marker patterns that can match a line, by the line's first character after its blanks."""

    def only(*kinds: MarkerKind) -> list[tuple[MarkerKind, regex.Pattern]]:
        return [(k, p) for k, p in _MARKERS if k in kinds]

    table = {"P": only(MarkerKind.part), "-": only(MarkerKind.dash), "+": only(MarkerKind.plus),
             "•": only(MarkerKind.bullet), "·": only(MarkerKind.bullet)}
    table.update(dict.fromkeys("IVXLC", only(MarkerKind.roman)))
    table.update(dict.fromkeys("0123456789", only(MarkerKind.decimal, MarkerKind.arabic)))
    table.update(dict.fromkeys("abcdefghijklmnopqrstuvwxyzđ", only(MarkerKind.letter)))
    return table


# A marker starts, after leading blanks, with "**" (any kind), PHẦN/Phần, a Roman numeral, a digit, a lower-case
# letter, a bullet, "-" or "+". Other capitals (most lines) start no marker; anything else tries every pattern.
_MARKERS_BY_FIRST = _markers_by_first_character()


def match_marker(text: str) -> tuple[MarkerKind, str, int] | None:
    """(kind, marker, length of the marker prefix) for a line that starts a section or item."""
    first = text.lstrip()[:1]
    candidates = _MARKERS_BY_FIRST.get(first)
    if candidates is None:
        if first.isupper():
            return None
        candidates = _MARKERS
    for kind, pattern in candidates:
        m = pattern.match(text)
        if not m:
            continue
        marker = m.group("m")
        if kind is MarkerKind.roman and not ROMAN.fullmatch(marker):
            continue
        if kind is MarkerKind.part:
            marker = " ".join(marker.split())
        return kind, marker, m.end()
    return None


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _rank(kind: MarkerKind, marker: str) -> int:
    if kind is MarkerKind.decimal:
        return _RANK_BASE[kind] + marker.count(".") - 1
    return _RANK_BASE[kind]


def _table_spans(doc: Document) -> list[tuple[int, int]]:
    return [(b.start, b.end) for b in doc.blocks if b.kind is BlockKind.table]


def _in_tables(lines: list[Line], spans: list[tuple[int, int]]) -> list[bool]:
    """For each line, whether it starts inside a table block (start <= offset <= end), worked out once."""
    flags = [False] * len(lines)
    starts = [line.start for line in lines]
    for s, e in spans:
        for i in range(bisect_left(starts, s), bisect_right(starts, e)):
            flags[i] = True
    return flags


def _find_kind_line(lines: list[Line], in_table: list[bool]) -> tuple[int | None, int | None]:
    """Index of the kind line that starts the plan and, for a plan annexed to a Quyết định, of the decision."""
    kinds = []
    for i, line in enumerate(lines):
        if in_table[i]:
            continue
        m = KIND_LINE.match(line.text)
        if m and (not m.group("rest").strip() or m.group("rest").strip()[:1].isupper()):
            kinds.append((i, _SPACE_RUN.sub(" ", m.group("kind"))))
        if len(kinds) >= 6:
            break
    if not kinds:
        return None, None
    first_i, first_kind = kinds[0]
    if first_kind == "QUYẾT ĐỊNH":
        for i, kind in kinds[1:]:
            if kind == "KẾ HOẠCH":
                following = next((ln for ln in lines[i + 1:i + 8] if ANNEX_NOTE.match(ln.text)), None)
                if following is not None:
                    return i, first_i
    return first_i, None


def _header(doc: Document, lines: list[Line]) -> Header:
    header = Header()
    issuer_parts: list[Region] = []
    for line in lines:
        # A two-column header flattened to one line keeps its columns apart with "|".
        pos = line.start
        for part in line.text.split("|"):
            start = pos + len(part) - len(part.lstrip())
            end = pos + len(part.rstrip())
            pos += len(part) + 1
            if end <= start:
                continue
            region = Region(start=start, end=end)
            chunk = doc.text[start:end]
            if MOTTO.search(chunk):
                header.motto = Region(start=header.motto.start, end=end) if header.motto else region
            elif header.number_line is None and NUMBER_LINE.search(chunk):
                m = NUMBER_LINE.search(chunk)
                header.number_line = Region(start=start + m.start(), end=start + m.end())
                rest = PLACE_DATE.search(doc.text, start + m.end(), end + 80)
                if rest and header.place_date is None:
                    header.place_date = Region(start=rest.start("place"), end=rest.end())
            elif header.place_date is None and PLACE_DATE.search(doc.text, start, min(end + 60, len(doc.text))):
                m = PLACE_DATE.search(doc.text, start, min(end + 60, len(doc.text)))
                if m.start() < end:
                    header.place_date = Region(start=m.start("place"), end=m.end())
            elif header.motto is None and header.number_line is None and chunk.strip("-_ *") and chunk.upper() == chunk:
                # Issuer lines: the upper-case lines of the left column, above the motto.
                issuer_parts.append(region)
    if issuer_parts:
        header.issuer_lines = Region(start=issuer_parts[0].start, end=issuer_parts[-1].end)
    return header


def _title(lines: list[Line], k: int, kind_rest: Region | None) -> tuple[Region | None, int]:
    """Title lines after the kind line; returns the region and the index of the first line after it."""
    parts: list[Region] = [kind_rest] if kind_rest else []
    i = k + 1
    while i < len(lines) and lines[i].blank and not parts:
        i += 1
    while i < len(lines) and len(parts) < 6:
        line = lines[i]
        # "Thực hiện Nghị quyết số …" first after the kind line is the title ("Kế hoạch thực hiện Nghị quyết …")
        # unless it reads as a preamble sentence.
        preamble = PREAMBLE_START.match(line.text) and (parts or PREAMBLE_SENTENCE.search(line.text))
        if line.blank or preamble or match_marker(line.text) or ANNEX_NOTE.match(line.text):
            break
        if _RULE_LINE.match(line.text):
            i += 1
            continue
        parts.append(_trimmed(line))
        i += 1
    if not parts:
        return None, i
    return Region(start=parts[0].start, end=parts[-1].end), i


def _closing(doc: Document, lines: list[Line], lo: int, in_table: list[bool]) -> tuple[Closing, int | None, int | None]:
    """Closing parts after ``lo``; returns closing, index where the body ends and where appendices start."""
    closing = Closing()
    body_end_i = None
    sig_lines: list[int] = []
    recipients_i = None
    for i in range(lo, len(lines)):
        line = lines[i]
        if in_table[i]:
            continue
        if recipients_i is None and RECIPIENTS.match(line.text):
            recipients_i = i
        if AUTHORITY.match(line.text) and (recipients_i is not None or i > lo):
            # An authority line in the last part of the document (not a heading like "CHỦ TỊCH" in the body).
            if not sig_lines or i - sig_lines[-1] <= 2:
                sig_lines.append(i)
                continue
        if sig_lines and not line.blank:
            if _is_upper(line.text) and not NAME_LINE.match(line.text) and i - sig_lines[-1] == 1:
                sig_lines.append(i)  # an authority line wrapped: "TM. ỦY BAN NHÂN" / "DÂN"
                continue
            if NAME_LINE.match(line.text) and i - sig_lines[-1] <= 4:
                sig_lines.append(i)
            break
    starts = [x for x in (recipients_i, sig_lines[0] if sig_lines else None) if x is not None]
    if starts:
        body_end_i = min(starts)
    if recipients_i is not None:
        end_i = recipients_i + 1
        while end_i < len(lines) and (lines[end_i].blank or lines[end_i].text.lstrip().startswith(("-", "+", "•"))):
            if sig_lines and end_i >= sig_lines[0]:
                break
            end_i += 1
        closing.recipients = Region(start=lines[recipients_i].start, end=lines[end_i - 1].end)
    if sig_lines:
        closing.signature = Region(start=_trimmed(lines[sig_lines[0]]).start, end=_trimmed(lines[sig_lines[-1]]).end)
    after = max([sig_lines[-1] if sig_lines else -1, recipients_i or -1])
    appendix_i = None
    if after >= 0:
        for i in range(after + 1, len(lines)):
            if APPENDIX.match(lines[i].text) or in_table[i]:
                appendix_i = i
                break
    return closing, body_end_i, appendix_i


def _sections(doc: Document, lines: list[Line], lo: int, hi_offset: int, in_table: list[bool]) -> list[Section]:
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    body = lines[lo:]
    for j, line in enumerate(body):
        if line.start >= hi_offset:
            break
        if line.blank or in_table[lo + j]:
            continue
        found = match_marker(line.text)
        if not found:
            continue
        kind, marker, length = found
        rank = _rank(kind, marker)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        trimmed = _trimmed(line)
        # An upper-case heading wrapped over several lines ("III. NHIỆM VỤ" / "VÀ GIẢI PHÁP").
        if kind in (MarkerKind.part, MarkerKind.roman) and _is_upper(line.text[length:]):
            for nxt in body[j + 1:j + 4]:
                if nxt.blank or match_marker(nxt.text) or not _is_upper(nxt.text) or nxt.start >= hi_offset:
                    break
                trimmed = Region(start=trimmed.start, end=_trimmed(nxt).end)
        title = " ".join(doc.text[line.start + length:trimmed.end].split()).strip(" *")
        node = Section(marker=marker, kind=kind, title=title, heading=trimmed, start=trimmed.start,
                       end=hi_offset, depth=len(stack))
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((rank, node))
    _close(roots, hi_offset)
    return roots


def _close(nodes: list[Section], end: int) -> None:
    """Each section ends where its next sibling starts (the last one where its parent ends)."""
    for node, nxt in zip(nodes, nodes[1:] + [None]):
        node.end = nxt.start if nxt else end
        _close(node.children, node.end)


def segment(doc: Document) -> Structure:
    text = doc.text
    lines = _lines(text)
    in_table = _in_tables(lines, _table_spans(doc))
    structure = Structure()
    k, decision_i = _find_kind_line(lines, in_table)
    if k is None:
        k = -1
    if decision_i is not None:
        structure.decision = Region(start=lines[decision_i].start, end=lines[k].start)
    header_lines = lines[: (decision_i if decision_i is not None else max(k, 0))]
    structure.header = _header(doc, header_lines)
    if decision_i is not None and structure.header.number_line is None:
        structure.header = _header(doc, lines[:k])
    kind_rest = None
    if k >= 0:
        m = KIND_LINE.match(lines[k].text)
        structure.doc_kind_line = Region(start=lines[k].start + m.start("kind"), end=lines[k].start + m.end("kind"))
        rest = m.group("rest")
        if rest.strip(" *"):
            off = lines[k].start + m.start("rest")
            left = len(rest) - len(rest.lstrip(" *"))
            kind_rest = Region(start=off + left, end=off + len(rest.rstrip(" *")))
    structure.title, after_title = _title(lines, k, kind_rest) if k >= 0 else (None, 0)

    closing, body_end_i, appendix_i = _closing(doc, lines, after_title, in_table)
    structure.closing = closing
    body_end = lines[body_end_i].start if body_end_i is not None else len(text)
    if appendix_i is not None:
        structure.appendices.append(Region(start=lines[appendix_i].start, end=len(text)))

    # Preamble: from the title to the first numbered section.
    first_section_i = next(
        (i for i in range(after_title, len(lines))
         if lines[i].start < body_end and not in_table[i]
         and (found := match_marker(lines[i].text)) and found[0] in (MarkerKind.part, MarkerKind.roman, MarkerKind.arabic)),
        None,
    )
    pre_start = lines[after_title].start if after_title < len(lines) else len(text)
    pre_end = lines[first_section_i].start if first_section_i is not None else body_end
    if pre_end > pre_start and text[pre_start:pre_end].strip():
        structure.preamble = Region(start=pre_start, end=pre_end)
    if first_section_i is not None:
        structure.body = Region(start=lines[first_section_i].start, end=body_end)
        structure.sections = _sections(doc, lines, first_section_i, body_end, in_table)
    return structure
