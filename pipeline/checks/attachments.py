"""Attachments the text announces but the document does not carry: "(Có biểu 01, 02, 03 kèm theo)" in a plan
that ends with a single unnumbered "PHỤ LỤC".

- ``missing_attachment``: the plan announces its own appendices ("biểu 01, 02, 03 kèm theo", "Phụ lục kèm
  theo Kế hoạch này", "(Kèm theo Bảng tổng hợp …)") and the document has fewer of them after the signature
  (appendix headings PHỤ LỤC / BIỂU / BẢNG, their captions "(Kèm theo Kế hoạch số …)", and tables), or
  announces numbered ones ("Biểu 03") that no numbered heading carries.

Only announcements of the plan's own attachments count: "kèm theo" must end the phrase or be followed by
"Kế hoạch này" / "Quyết định này"; "Phụ lục I kèm theo Quyết định số 90/QĐ-TTg" is another document's, and
"có phụ lục … kèm theo kế hoạch" tells a lower level what its own plan must carry. A paged document whose
pages after the signature have (almost) no text is not checked: its appendices are images.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from kehoach.pipeline.checks.numbering import roman_value
from kehoach.pipeline.checks.registry import CheckContext, memo_last, rule

_KINDS = {"phụ lục": "phụ lục", "biểu": "biểu", "biểu mẫu": "biểu", "bảng": "bảng", "bảng tổng hợp": "bảng"}
_ID = r"(?:số\s*)?(?:\d{1,2}|(?-i:[IVX]{1,4})(?![\p{L}]))"
_IDS = rf"(?P<ids>{_ID}(?:\s*(?:,|;|và|-|–|đến)\s*{_ID})*)?"
_ID_TOKEN = regex.compile(r"\d{1,2}|[IVX]{1,4}|-|–|đến")
_CITED_NUMBER = regex.compile(r"(?:kế\s+hoạch|quyết\s+định|văn\s+bản)\s+số", regex.I)
_VERB_BEFORE = regex.compile(r"(?<!\p{L})(?:có|theo|tại|xem)\s+$", regex.I)


def _kind_alt(conf: dict) -> str:
    words = conf.get("kinds", list(_KINDS))
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@memo_last
def _announcements_re(conf: dict) -> tuple[regex.Pattern, regex.Pattern]:
    kinds = _kind_alt(conf)
    not_after = "|".join(map(regex.escape, conf.get("not_after_kind", [])))
    guard = rf"(?!\s+(?:{not_after})(?!\p{{L}}))" if not_after else ""
    # "biểu 01, 02, 03 kèm theo", "Phụ lục kèm theo Kế hoạch này", "phụ lục danh sách … kèm theo"
    trailing = regex.compile(
        rf"(?<!\p{{L}})(?P<kind>{kinds}){guard}\s*{_IDS}"
        rf"(?P<title>[^()\n;.]{{0,80}}?|[^()\n;.]{{0,80}}?\n[^()\n;.]{{0,80}}?)"
        rf"\s*kèm\s+theo(?P<own>\s+(?:kế\s+hoạch|quyết\s+định|văn\s+bản)\s+này)?(?=[ \t*_]*(?:[).;,:]|\n|$))", regex.I)
    # "(Kèm theo Bảng tổng hợp chỉ tiêu giảm nghèo năm 2024)"
    leading = regex.compile(rf"\(\s*kèm\s+theo\s+(?P<kind>{kinds}){guard}\s*{_IDS}[^()]{{0,120}}\)", regex.I)
    return trailing, leading


def _parse_ids(text: str | None) -> set[int]:
    """"01, 02, 03" → {1, 2, 3}; "I, II" → {1, 2}; "01 - 03" → {1, 2, 3}."""
    if not text:
        return set()
    out: set[int] = set()
    tokens = _ID_TOKEN.findall(text)
    prev = None
    pending_range = False
    for tok in tokens:
        if tok in ("-", "–", "đến"):
            pending_range = prev is not None
            continue
        value = int(tok) if tok.isdigit() else roman_value(tok)
        if pending_range and prev is not None and 0 < value - prev <= 20:
            out.update(range(prev, value + 1))
        else:
            out.add(value)
        prev, pending_range = value, False
    return out


@dataclass
class Announcement:
    kind: str
    ids: set[int]
    start: int
    end: int


@dataclass
class Attachments:
    """What the document carries after its signature."""

    headings: list[tuple[str, int | None, int, int]] = field(default_factory=list)  # kind, id, start, end
    captions: int = 0
    tables: int = 0

    @property
    def count(self) -> int:
        return max(len(self.headings), self.captions, self.tables)

    def ids(self, kind: str) -> set[int]:
        return {i for k, i, _, _ in self.headings if k == kind and i is not None}


_HEADING = regex.compile(
    r"^[ \t*_#]*(?P<kind>PHỤ\s+LỤC|Phụ\s+lục|BIỂU\s+MẪU|Biểu\s+mẫu|BIỂU|Biểu|BẢNG|Bảng)(?![\p{L}])"
    r"(?:[ \t]+(?:SỐ|Số|số))?[ \t]*(?P<id>\d{1,2}|[IVX]{1,4}(?![\p{L}]))?[ \t]*(?P<rest>[^\n]*)$", regex.M)
_CAPTION = regex.compile(r"^[ \t*_]*\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\s+(?:Kế\s+hoạch|Quyết\s+định|Công\s+văn)",
                         regex.M)


_OTHER_DOC = regex.compile(r"\s*(?:Luật|Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Thông\s+tư|Kế\s+hoạch|Công\s+văn|"
                           r"Văn\s+bản|Hướng\s+dẫn|Chỉ\s+thị|Chương\s+trình)(?!\p{L})", regex.I)


def _kind(word: str) -> str:
    key = " ".join(word.casefold().split())
    return _KINDS.get(key, key)


def announcements(ctx: CheckContext, hi: int) -> list[Announcement]:
    """The plan's announcements of its own attachments in its body up to ``hi`` (the preamble cites other
    documents, whose appendices are theirs: "Căn cứ Quyết định số … (Phụ lục kèm theo)")."""
    text = ctx.document.text
    s = ctx.structure
    lo = s.body.start if s.body else (s.preamble.end if s.preamble else 0)
    trailing, leading = _announcements_re(ctx.config)
    out: list[Announcement] = []
    for m in trailing.finditer(text, lo, hi):
        title = m.group("title") or ""
        if not m.group("own") and _OTHER_DOC.match(text, m.end()):
            continue  # "Phụ lục I kèm theo\nQuyết định số 90/QĐ-TTg": another document's appendix
        if _CITED_NUMBER.search(title):
            continue  # "phụ lục của Quyết định số … kèm theo": another document's
        out.append(Announcement(_kind(m.group("kind")), _parse_ids(m.group("ids")), *_phrase(text, m.start(), m.end())))
    for m in leading.finditer(text, lo, hi):
        if any(a.start <= m.start() < a.end for a in out):
            continue
        out.append(Announcement(_kind(m.group("kind")), _parse_ids(m.group("ids")), m.start() + 1, m.end() - 1))
    return sorted(out, key=lambda a: a.start)


def _phrase(text: str, start: int, end: int) -> tuple[int, int]:
    """The announcement as a reader quotes it: from an open bracket just before it ("(Có biểu 01 … kèm theo)")
    or the verb right before it ("tại Biểu kèm theo"), to the end of "kèm theo (Kế hoạch này)"."""
    before = text[max(0, start - 40):start]
    bracket = before.rfind("(")
    if bracket != -1 and ")" not in before[bracket:] and "\n" not in before[bracket:]:
        lo = start - len(before) + bracket + 1
        while lo < start and text[lo] in " *_":
            lo += 1
        return lo, end
    verb = _VERB_BEFORE.search(before)
    return (start - len(verb.group(0)) if verb else start), end


def attachments(ctx: CheckContext, lo: int) -> Attachments:
    text = ctx.document.text
    out = Attachments()
    for m in _HEADING.finditer(text, lo):
        rest = m.group("rest").strip(" *_:.-–")
        if not m.group("id") and rest and not (rest[:1].isupper() or rest.startswith("(")):
            continue  # "Bảng này …": a sentence, not a heading
        ident = m.group("id")
        value = None if ident is None else (int(ident) if ident.isdigit() else roman_value(ident))
        out.headings.append((_kind(m.group("kind")), value, m.start("kind"), m.end()))
    out.captions = len(_CAPTION.findall(text, lo))
    out.tables = sum(1 for t in ctx.document.tables if t.start >= lo)
    return out


def _image_pages_after(ctx: CheckContext, lo: int, min_chars: int) -> bool:
    """Whether a paged document has pages after ``lo`` with almost no text (scanned appendices)."""
    doc = ctx.document
    starts = list(doc.page_starts or [])
    if len(starts) < 2:
        return False
    bounds = starts + [len(doc.text)]
    for a, b in zip(bounds, bounds[1:]):
        if b > lo and len(doc.text[max(a, lo):b].strip()) < min_chars:
            return True
    return False


@rule("missing_attachment", "warning",
      "Văn bản ghi \"{quote}\" (dòng {line}) nhưng chỉ kèm theo {present} phụ lục/biểu{detail}.",
      "The plan announces \"{quote}\" (line {line}) but carries only {present} appendix/table(s){detail_en}.")
def missing_attachment(ctx: CheckContext):
    s = ctx.structure
    end_of_body = s.closing.signature or s.closing.recipients
    if end_of_body is None:
        return  # where the plan ends is unknown: its attachments cannot be told from its body
    if _image_pages_after(ctx, end_of_body.end, int(ctx.config.get("min_page_chars", 80))):
        return
    found = announcements(ctx, end_of_body.start)
    if not found:
        return
    present = attachments(ctx, end_of_body.end)
    numbered = set().union(*(a.ids for a in found))
    required = max(len(numbered), 1)
    missing: set[int] = set()
    for kind in {a.kind for a in found if a.ids}:
        have = present.ids(kind)
        if have:
            missing |= {i for a in found if a.kind == kind for i in a.ids} - have
    if present.count >= required and not missing:
        return
    spans = [ctx.span(a.start, a.end) for a in found]
    spans += [ctx.span(a, b) for _, _, a, b in present.headings[:2]]
    heads = [" ".join(ctx.text(a, b).split())[:80] for _, _, a, b in present.headings[:2]]
    detail = f" (\"{heads[0]}\", dòng {ctx.span(*present.headings[0][2:]).line})" if heads else ""
    detail_en = f" (\"{heads[0]}\")" if heads else ""
    if missing:
        detail += f"; không có phụ lục/biểu số {', '.join(f'{i:02d}' for i in sorted(missing))}"
        detail_en += f"; none numbered {', '.join(f'{i:02d}' for i in sorted(missing))}"
    first = spans[0]
    yield spans, {"quote": " ".join((first.text or "").split()), "line": first.line, "present": present.count,
                  "announced": required, "detail": detail, "detail_en": detail_en,
                  "missing_ids": sorted(missing)}
