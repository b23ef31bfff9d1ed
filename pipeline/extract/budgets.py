"""Budgets: the amounts of money a plan gives, in đồng, with the amount in words and what they are for.

Amounts are read in the text ("12.000.000 đ (mười hai triệu đồng)", "3,5 tỷ đồng", "72.220 triệu đồng", and
"kinh phí 1,5 tỷ" where the clause speaks of money) and in the money columns of tables, scaled to đồng by the
column's header ("Kinh phí (triệu đồng)", "Tổng (tr.đ)") or by the unit stated once for the table ("ĐVT: triệu
đồng"). An amount written out in words is parsed and kept next to the digits, so a check can compare them.
Rates and norms ("40 triệu đồng/hộ", "mỗi hộ được hỗ trợ 15 triệu đồng", "20 triệu đồng cho mỗi hộ", "mỗi phần
500.000 đồng", a "Định mức" column, "thu nhập … từ 2.000.000 đồng trở xuống") are not budgets. A table row that
repeats an amount of the text, and a table's total that restates an amount already given, are counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.tokens import Doc

from kehoach.pipeline.extract.assignments import cache, clean, layout, load_patterns, phrase_alt
from kehoach.pipeline.extract.targets import read_tables, sentences
from kehoach.pipeline.nlp import add_span, evidence
from kehoach.pipeline.numbers import find_amounts, parse_decimal
from kehoach.schemas.plan import Budget

# regexes used in the code below, compiled once
_EDGE_PUNCT = regex.compile(r"^[\s\-+•*.:;,()]+|[\s\-+•*.:;,(]+$")
_CLAUSE_BREAK = regex.compile(r";\s|\.\s")
_ITEM_MARKER = regex.compile(r"^\s*(?:[a-zđ]\)|\d+(?:\.\d+)*\.)\s*")
_SLASH_AFTER = regex.compile(r"\s*/")
_TRAILING_PAREN = regex.compile(r"\s*\([^()]*\)\s*$")
_NO_BUDGETS = {"basis"}
_CURRENCY = regex.compile(r"đ|vn", regex.I)  # an amount of money names its currency ("đồng", "đ", "VND") …
_MONEYISH = regex.compile(r"đ|vn|tỷ|tỉ|triệu", regex.I)  # … or at least its scale ("kinh phí 1,5 tỷ")


@dataclass
class FoundBudget:
    record: Budget
    start: int
    end: int
    sentence: tuple[int, int] | None  # None for a table cell
    total_row: bool = False


@lru_cache(maxsize=1)
def _res() -> dict:
    d = load_patterns("xb_budgets.yaml")
    return {
        "rate_before": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['rate_before'])})\s*:?\s*$", regex.I),
        "generic": regex.compile(rf"^(?:{phrase_alt(d['generic_labels'])})(?!\p{{L}})\s*:?\s*", regex.I),
        "generic_label": regex.compile(rf"^(?:{phrase_alt(d['generic_labels'])})\s*:", regex.I),
        "rate": regex.compile(
            rf",?\s*(?:{phrase_alt(d['rate_before'])})[^,;]*?/\s*\p{{L}}+(?:\s*/\s*\p{{L}}+)?", regex.I
        ),
        "tail": regex.compile(rf"(?:[\s,]*(?:{phrase_alt(d['purpose_tail'])}|:))+\s*$", regex.I),
        "money_words": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['money_words'])})(?!\p{{L}})", regex.I),
        "per_before": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['distributive_before'])})\s+\p{{L}}", regex.I),
        "per_after": regex.compile(
            rf"\s*(?:\([^()]*\)\s*)?(?:/|(?:{phrase_alt(x for x in d['distributive_after'] if x != '/')})\s+\p{{L}})",
            regex.I,
        ),
    }


def _purpose_text(text: str) -> str:
    """Clean a phrase into a purpose: no bullets, labels, rates or dangling words."""
    r = _res()
    phrase = clean(text)
    phrase = r["rate"].sub("", phrase)
    phrase = _EDGE_PUNCT.sub("", phrase)
    phrase = r["generic"].sub("", phrase) if r["generic_label"].match(phrase) else phrase
    phrase = r["tail"].sub("", phrase)
    return phrase.strip(" ,;:-*")


def _item_heading(doc: Doc, offset: int) -> str | None:
    """The heading of the innermost numbered item around ``offset`` that says what it is about."""
    r = _res()
    for info in reversed(layout(doc).chain(offset)):
        if info.section.kind.value in ("dash", "plus", "bullet"):
            continue
        heading = _purpose_text(info.heading)
        if heading and not r["generic"].fullmatch(heading) and len(heading) < 200:
            return heading
    return None


def _purpose(doc: Doc, start: int, sentence: tuple[int, int]) -> str | None:
    """What an amount is for: the words before it (after the last colon or semicolon), else the first clause
    of its paragraph, else the heading of the item it is in."""
    lay = layout(doc)
    text = lay.text
    s0 = sentence[0]
    info = lay.innermost(start)
    if info is not None and s0 <= info.head_end <= start and info.head_start >= s0:
        s0 = info.head_end  # the amount is in the section's text, not in its heading
    cut = max(text.rfind(";", s0, start), text.rfind(":", s0, start))
    own = _purpose_text(text[cut + 1 if cut >= 0 else s0 : start])
    if len(own.split()) >= 3:
        return own[:200]
    para_start = text.rfind("\n", 0, sentence[0]) + 1
    first = _CLAUSE_BREAK.split(text[para_start:start], maxsplit=1)[0]
    first = _purpose_text(_ITEM_MARKER.sub("", first))
    if len(first.split()) >= 3 and not _res()["generic"].fullmatch(first):
        return first[:200]
    return _item_heading(doc, start) or own or None


def _text_budgets(doc: Doc) -> list[FoundBudget]:
    lay = layout(doc)
    text = lay.text
    document = doc._.document
    out: list[FoundBudget] = []
    r = _res()
    for s, e in sentences(text, lay.body_start, lay.body_end):
        if not _MONEYISH.search(text, s, e) or not lay.in_body(s) or lay.in_table(s) or lay.kind_at(s) in _NO_BUDGETS:
            continue
        for a in find_amounts(text, s, e, bare=True):
            if not _CURRENCY.search(a.text) and not _money_context(text, s, a.start):
                continue  # "1,5 tỷ" without "đồng" is money only after "kinh phí", "vốn", "ngân sách" …
            if text[a.end : a.end + 1] == "/" or _SLASH_AFTER.match(text[a.end : a.end + 3]):
                continue  # a rate
            if r["rate_before"].search(text, max(s, a.start - 20), a.start):
                continue
            if _per_unit(text, s, a.start, a.end, e):
                continue  # "mỗi hộ được hỗ trợ 15 triệu đồng", "20 triệu đồng cho mỗi hộ": a norm
            record = Budget(
                amount_vnd=a.amount_vnd,
                in_words=a.in_words,
                in_words_vnd=a.in_words_vnd,
                purpose=_purpose(doc, a.start, (s, e)),
                span=evidence(document, a.start, a.end),
            )
            out.append(FoundBudget(record, a.start, a.end, (s, e)))
    return out


_CLAUSE_START = regex.compile(r"[;:.,]\s|\n")


def _money_context(text: str, s: int, start: int) -> bool:
    """Whether the clause before ``start`` speaks of money ("Tổng kinh phí: 1,5 tỷ", "vốn ngân sách tỉnh 500 triệu")."""
    lo = max(s, start - 60)
    lo = max([lo] + [m.end() for m in _SENTENCE_BREAK.finditer(text, lo, start)])
    return bool(_res()["money_words"].search(text, lo, start))


_SENTENCE_BREAK = regex.compile(r";\s|\.\s|\n")


def _per_unit(text: str, s: int, start: int, end: int, e: int) -> bool:
    """An amount distributed over units (a norm), told by "mỗi"/"từng" in its clause before it or right after it."""
    r = _res()
    if r["per_after"].match(text, end, min(e, end + 40)):
        return True
    clause = max((m.end() for m in _CLAUSE_START.finditer(text, max(s, start - 80), start)), default=max(s, start - 80))
    return bool(r["per_before"].search(text, clause, start))


def _table_budgets(doc: Doc) -> list[FoundBudget]:
    document = doc._.document
    lay = layout(doc)
    out: list[FoundBudget] = []
    for view in read_tables(doc):
        money = [c for c in view.columns if c.unit == "money"]
        if not money:
            continue
        by_year = any(row.year is not None for row in view.rows)
        for row in view.rows:
            if by_year and row.total:
                continue
            for col in money:
                cell = row.cells[col.index] if col.index < len(row.cells) else None
                if cell is None:
                    continue
                value = parse_decimal(clean(cell.text))
                if value is None or not lay.in_body(cell.start) and not any(
                    a.start <= cell.start < a.end for a in doc._.structure.appendices
                ):
                    continue
                what = _TRAILING_PAREN.sub("", col.header).strip()
                purpose = " — ".join(p for p in (row.label or view.title, what) if p)
                record = Budget(
                    amount_vnd=int(value * col.money_scale),
                    purpose=clean(purpose)[:200] or None,
                    span=evidence(document, cell.start, cell.end),
                )
                out.append(FoundBudget(record, cell.start, cell.end, None, row.total))
    return out


def find(doc: Doc) -> list[FoundBudget]:
    """The plan's budgets (memoised): text amounts, then table amounts the text does not already give."""
    memo = cache(doc)
    if "budgets" in memo:
        return memo["budgets"]
    kept: list[FoundBudget] = []
    for f in _text_budgets(doc) + _table_budgets(doc):
        dup = False
        for k in kept:
            if k.record.amount_vnd != f.record.amount_vnd:
                continue
            if f.sentence is None and k.sentence is not None:
                dup = True  # a table cell repeating an amount of the text
            elif f.sentence is None and f.total_row:
                dup = True  # a table's total restating an amount already given (a row of another table)
            elif f.sentence is not None and f.sentence == k.sentence:
                dup = True  # said twice in one sentence
            if dup:
                break
        if not dup:
            kept.append(f)
    memo["budgets"] = kept
    return kept


def run(doc: Doc) -> None:
    for f in find(doc):
        add_span(doc, "budgets", f.start, f.end, "budget", f.record)
