"""Cited documents checked against themselves, the plan and the reference list of national documents.

The rules read the extracted legal bases and references (``Plan.legal_bases`` and ``Plan.references``: one
record per cited document with every place it is cited) and find each citation's date in its own words:

- ``citation_date_conflict``: one document cited with two different dates;
- ``citation_title_conflict``: one document cited under two different subjects;
- ``number_year_mismatch``: the year in the symbol is not the year of its date ("61/2015/NĐ-CP ngày 09/7/2018");
- ``citation_after_issue``: a cited document dated after the plan itself;
- ``national_doc_mismatch``: a national document (corpus/reference/national_documents.yaml, verified entries
  only) cited with another date or issuer;
- ``malformed_symbol``: a symbol of a normative document without its issuing-body part ("24/2021/NQ").
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex
from rapidfuzz import fuzz

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.dates import DateMatch, find_dates
from kehoach.pipeline.reference import body_key, doc_types, name_key, national_documents
from kehoach.schemas.plan import LegalRef, PartialDate, Span

_SYMBOL_YEAR = regex.compile(r"^\s*\d+[\p{L}]?\s*/\s*(?P<year>(?:19|20)\d{2})\s*/")
_BARE_TYPE = regex.compile(r"^\s*\d+[\p{L}]?\s*/\s*(?:(?:19|20)\d{2}\s*/\s*)?(?P<type>[\p{L}]+)\s*$")
_LEAD_WORDS = regex.compile(r"^(?:về\s+việc|v/v|về|quy\s+định|ban\s+hành|phê\s+duyệt)\s+", regex.I)


def _iso(d: PartialDate) -> str | None:
    return d.iso()


_GAP = regex.compile(r"^[\s,;:]*(?:ban\s+hành\s+)?(?:ngày\s*)?$", regex.I)
_SYMBOL_SEPARATOR = regex.compile(r"\s*([/\-–])\s*")
_SPACES = regex.compile(r"\s+")
_SLASH = regex.compile(r"\s*/\s*")
_DASH = regex.compile(r"\s*[-–]\s*")


@lru_cache(maxsize=1 << 12)
def _symbol_pattern(number: str) -> regex.Pattern:
    """The symbol as it may be written: spaces around "/" and "-" ("47- KH/TU", "91/KH – UBND")."""
    parts = _SYMBOL_SEPARATOR.split(number.strip())
    body = "".join(r"\s*[-–]\s*" if p in "-–" and p else r"\s*/\s*" if p == "/" else regex.escape(p) for p in parts)
    return regex.compile(body, regex.I)


def mention_dates(ctx: CheckContext, ref: LegalRef) -> list[tuple[Span, DateMatch | None]]:
    """Each place a document is cited with its own date: the date written right after its symbol ("… số
    61/2015/NĐ-CP ngày 09/7/2018"), not a date inside its title (None when it has none). Read once per run
    (several rules ask)."""
    return ctx.shared(("mention_dates", id(ref)), lambda: _mention_dates(ctx, ref))


def _mention_dates(ctx: CheckContext, ref: LegalRef) -> list[tuple[Span, DateMatch | None]]:
    text = ctx.document.text
    symbol = _symbol_pattern(ref.number) if ref.number else None
    out = []
    for span in ref.mentions or ([ref.span] if ref.span else []):
        dates = [d for d in find_dates(text, span.start, span.end) if d.date.year]
        date = None
        if symbol is None:
            date = dates[0] if dates else None
        else:
            sm = symbol.search(text, span.start, span.end)
            if sm is not None:
                date = next((d for d in dates if d.start >= sm.end() and _GAP.match(text[sm.end():d.start])), None)
        out.append((span, date))
    return out


def _refs(ctx: CheckContext) -> Iterator[LegalRef]:
    own = {_SPACES.sub("", s).casefold() for s in (ctx.plan.symbol, ctx.plan.number) if s and "/" in s}
    for ref in ctx.plan.all_refs():
        if ref.number and _SPACES.sub("", ref.number).casefold() in own:
            continue
        yield ref


def _quote(span: Span, date: DateMatch | None = None, ctx: CheckContext | None = None, number: str | None = None) -> str:
    """The citation as a reader quotes it: from its symbol to its date ("61/2015/NĐ-CP ngày 09/7/2018") when
    both are known, else the citation."""
    if date is not None and ctx is not None and number:
        sm = _symbol_pattern(number).search(ctx.document.text, span.start, span.end)
        if sm is not None and sm.start() < date.end:
            return " ".join(ctx.text(sm.start(), date.end).split())
    return " ".join((span.text or "").split())


def _symbol_year(number: str | None) -> int | None:
    m = _SYMBOL_YEAR.match(number or "")
    return int(m.group("year")) if m else None


def _fmt_date(d: PartialDate) -> str:
    parts = [f"{d.day:02d}" if d.day else None, f"{d.month:02d}" if d.month else None, str(d.year)]
    return "/".join(p for p in parts if p)


@rule("citation_date_conflict", "error",
      "Văn bản {number} được trích dẫn với hai ngày khác nhau: \"{first}\" (dòng {line_a}) và \"{second}\" (dòng {line_b}).",
      "Document {number} is cited with two different dates: \"{first}\" (line {line_a}) and \"{second}\" (line {line_b}).")
def citation_date_conflict(ctx: CheckContext):
    for ref in _refs(ctx):
        if not ref.number:
            continue
        seen: dict[str, tuple[Span, DateMatch]] = {}
        for span, date in mention_dates(ctx, ref):
            if date is None or not date.complete:
                continue
            seen.setdefault(date.iso, (span, date))
        if len(seen) < 2:
            continue
        (a_span, a), (b_span, b) = list(seen.values())[:2]
        if _symbol_year(ref.number) is None and a.date.year != b.date.year and ctx.config.get("same_year_only", True):
            continue  # numbers without a year restart every year: likely two documents with one number
        yield [a_span, b_span], {"number": ref.number, "first": _quote(a_span, a, ctx, ref.number),
                                 "second": _quote(b_span, b, ctx, ref.number),
                                 "line_a": a_span.line, "line_b": b_span.line,
                                 "dates": [a.iso, b.iso]}


def _title_key(title: str) -> str:
    key = name_key(title)
    while True:
        stripped = _LEAD_WORDS.sub("", key)
        if stripped == key:
            return key
        key = stripped


@rule("citation_title_conflict", "warning",
      "Văn bản {number} được trích dẫn với hai trích yếu khác nhau: \"{first}\" và \"{second}\".",
      "Document {number} is cited under two different subjects: \"{first}\" and \"{second}\".")
def citation_title_conflict(ctx: CheckContext):
    threshold = float(ctx.config.get("max_similarity", 50))
    min_len = int(ctx.config.get("min_length", 25))
    for ref in _refs(ctx):
        titles = [t for t in dict.fromkeys(ref.titles_seen) if len(t) >= min_len]
        if len(titles) < 2 or not ref.mentions:
            continue
        a, b = titles[0], titles[1]
        if fuzz.token_set_ratio(_title_key(a), _title_key(b)) >= threshold:
            continue
        spans = [m for m in ref.mentions if m.text and (_title_key(a)[:20] in name_key(m.text) or
                                                       _title_key(b)[:20] in name_key(m.text))] or ref.mentions[:2]
        yield spans, {"number": ref.number or ref.title or "", "first": a, "second": b}


@rule("number_year_mismatch", "error",
      "Năm trong số hiệu {number} ({symbol_year}) khác năm ban hành được ghi \"{quote}\" (dòng {line}).",
      "The year in the symbol {number} ({symbol_year}) differs from the date it is cited with: \"{quote}\" (line {line}).")
def number_year_mismatch(ctx: CheckContext):
    for ref in _refs(ctx):
        year = _symbol_year(ref.number)
        if year is None:
            continue
        for span, date in mention_dates(ctx, ref):
            if date is not None and date.date.year and date.date.year != year:
                yield [span], {"number": ref.number, "symbol_year": year, "quote": _quote(span, date, ctx, ref.number),
                               "line": span.line,
                               "date_year": date.date.year}


def issue_date(ctx: CheckContext) -> PartialDate | None:
    """The plan's date of issue: the extracted one, else the date of the header's place-and-date line."""
    d = ctx.plan.issue_date
    if d and d.year:
        return d
    region = ctx.structure.header.place_date
    if region is None:
        return None
    found = find_dates(ctx.document.text, region.start, region.end)
    return found[0].date if found else None


def after(a: PartialDate, b: PartialDate) -> bool:
    """Whether date ``a`` is certainly later than ``b`` (blank parts of ``b`` are taken at their latest)."""
    ka = (a.year, a.month or 1, a.day or 1)
    kb = (b.year, b.month or 12, b.day or 31)
    return ka > kb


@rule("citation_after_issue", "error",
      "Văn bản được trích dẫn \"{quote}\" (dòng {line}) có ngày sau ngày ban hành kế hoạch ({issued}).",
      "The cited document \"{quote}\" (line {line}) is dated after the plan itself ({issued}).")
def citation_after_issue(ctx: CheckContext):
    issued = issue_date(ctx)
    if issued is None or issued.year is None:
        return
    for ref in _refs(ctx):
        for span, date in mention_dates(ctx, ref):
            if date is not None and date.complete and after(date.date, issued):
                yield [span], {"quote": _quote(span), "line": span.line, "issued": _fmt_date(issued),
                               "number": ref.number}
                break


@rule("national_doc_mismatch", "error",
      "{number} là {expected}; văn bản ghi \"{quote}\" (dòng {line}).",
      "{number} is {expected_en}; the plan writes \"{quote}\" (line {line}).")
def national_doc_mismatch(ctx: CheckContext):
    catalogue = national_documents()
    for ref in _refs(ctx):
        nd = catalogue.get(ref.number) if ref.number else None
        if nd is None or not nd.verified:
            continue
        symbol_year = _symbol_year(ref.number)
        for span, date in mention_dates(ctx, ref):
            if date is None or not date.complete or nd.date is None or date.iso == nd.date:
                continue
            if symbol_year is not None and date.date.year != symbol_year:
                continue  # number_year_mismatch already says it
            y, m, d = nd.date.split("-")
            yield [span], {"number": nd.number, "quote": _quote(span, date, ctx, ref.number), "line": span.line,
                           "expected": f"văn bản ngày {d}/{m}/{y} của {nd.issuer}",
                           "expected_en": f"dated {d}/{m}/{y}, issued by {nd.issuer}", "reference_date": nd.date}
            break
        if ref.issuer and nd.issuer:
            a, b = body_key(ref.issuer), body_key(nd.issuer)
            if a and b and a not in b and b not in a and ref.mentions:
                span = ref.mentions[0]
                if name_key(ref.issuer) in name_key(span.text or ""):
                    yield [span], {"number": nd.number, "quote": _quote(span), "line": span.line,
                                   "expected": f"văn bản của {nd.issuer}", "expected_en": f"issued by {nd.issuer}",
                                   "reference_issuer": nd.issuer}


@rule("malformed_symbol", "warning",
      "Số hiệu \"{number}\" thiếu phần cơ quan ban hành{hint} (dòng {line}).",
      "The symbol \"{number}\" lacks its issuing-body part{hint_en} (line {line}).")
def malformed_symbol(ctx: CheckContext):
    types = doc_types()
    catalogue = national_documents()
    for ref in _refs(ctx):
        m = _BARE_TYPE.match(ref.number or "")
        if not m or types.by_abbreviation(m.group("type")) is None or not ref.mentions:
            continue
        nd = catalogue.get(ref.number)
        hint = f"; số hiệu đúng là {nd.number}" if nd and nd.number != ref.number else ""
        hint_en = f"; the right symbol is {nd.number}" if hint else ""
        spans = [s for s in ref.mentions if s.text and "/" in s.text] or ref.mentions
        yield spans, {"number": ref.number, "hint": hint, "hint_en": hint_en, "line": spans[0].line}


_ISSUER_BEFORE = regex.compile(r"(?<!\p{L})(?:của|do)\s+(?:\p{Lu}|UBND|HĐND|BCĐ)[^;.\n]{0,80}?(?:tại|theo)\s*$")
_ISSUER_AFTER = regex.compile(r"^[^;\n]{0,40}?(?<!\p{L})(?:của|do)\s+(?:\p{Lu}|UBND|HĐND)")


def symbol_names_issuer(number: str) -> bool:
    """Whether a symbol says who issued it: "90/QĐ-TTg" (the Prime Minister), "05-NQ/TU" (the provincial Party
    committee); "14/2020/NQ-HĐND" and "728/QĐ-UBND" say only the kind of body, not which one."""
    last = _SLASH.split(number.strip())[-1]
    codes = _DASH.split(last)
    codes = codes[1:] if len(codes) > 1 else codes
    types = doc_types()
    return any((entry := types.issuer(c)) is not None and entry.level for c in codes if c)


def _issuer_near(ctx: CheckContext, span: Span) -> bool:
    """An issuer written around a mention the extractor did not attach: "đề nghị của Trưởng phòng … tại Tờ trình
    số 85/TTr-LĐTBXH", "Thông tư số 190/2014/TT-BTC ngày … của Bộ Tài chính"."""
    text = ctx.document.text
    if _ISSUER_BEFORE.search(text[max(0, span.start - 120):span.start]):
        return True
    return bool(_ISSUER_AFTER.search(text[span.end:span.end + 120]))


@rule("citation_incomplete", "info",
      "Văn bản {number} được trích dẫn không có {missing} (dòng {lines}).",
      "Document {number} is cited without {missing_en} (line {lines}).")
def citation_incomplete(ctx: CheckContext):
    """A cited document that, over all the places it is cited (second mentions and short forms included),
    is never given its date, or never its issuer when its symbol does not name the issuer. Documents cited
    by name only (Luật Trợ giúp pháp lý) identify themselves and are left alone."""
    skip = set(ctx.config.get("skip_types", ["luat", "hien_phap", "bo_luat"]))
    for ref in _refs(ctx):
        if not ref.number or ref.type in skip or not ref.mentions:
            continue
        dated = bool(ref.date or ref.dates_seen) or any(d is not None for _, d in mention_dates(ctx, ref))
        issued = (bool(ref.issuer) or symbol_names_issuer(ref.number)
                  or any(_issuer_near(ctx, s) for s in ref.mentions))
        if dated and issued:
            continue
        missing = [w for ok, w in ((dated, "ngày ban hành"), (issued, "cơ quan ban hành")) if not ok]
        missing_en = [w for ok, w in ((dated, "its date"), (issued, "its issuer")) if not ok]
        spans = ref.mentions[: int(ctx.config.get("max_evidence", 3))]
        yield spans, {"number": ref.number, "missing": " và ".join(missing), "missing_en": " or ".join(missing_en),
                      "lines": ", ".join(str(s.line) for s in spans), "no_date": not dated, "no_issuer": not issued}
