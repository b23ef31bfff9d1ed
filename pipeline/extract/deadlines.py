"""Deadlines: the dates by which something must be done or reported, with what and who.

A date is a deadline by the words around it: "trước ngày 15/12/2024", "chậm nhất ngày …", "… và ngày
30/10/2024" after another deadline, "từ ngày … đến ngày 31/10/2021" (the end), "trong quý I năm 2024" (the last
day of the quarter), "Dự kiến tháng 6/2023" (a month), "trước ngày 20 hằng tháng" (a day, monthly), "hằng năm
trước ngày 15/12" (a day and month, yearly). "cuối năm 2024" counts only where bodies are given tasks (the
organisation sections), and not when the same sentence gives the same task a fuller date. Dates of citations
are never deadlines: they are not introduced by these words. Date grammar: kehoach.pipeline.dates.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.tokens import Doc

from kehoach.pipeline.dates import date_at, find_dates
from kehoach.pipeline.extract.assignments import (
    _name_at,
    bodies_in,
    body_for,
    cache,
    clean,
    layout,
    load_patterns,
    phrase_alt,
)
from kehoach.pipeline.extract.targets import plan_years, sentences
from kehoach.pipeline.nlp import add_span, evidence
from kehoach.schemas.plan import Deadline, PartialDate

_DIGIT = regex.compile(r"\d")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@lru_cache(maxsize=1)
def _res() -> dict:
    d = load_patterns("xb_deadlines.yaml")
    return {
        "before": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['before_cues'])})\s*$", regex.I),
        "before_scan": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['before_cues'])})(?!\p{{L}})\s*", regex.I),
        "chain": regex.compile(d["chain"], regex.I),
        "month_cue": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['month_cues'])})(?!\p{{L}})", regex.I),
        "monthly": regex.compile(d["monthly"], regex.I),
        "quarterly": regex.compile(d["quarterly"], regex.I),
        "yearly": regex.compile(d["yearly"], regex.I),
        "quarter": regex.compile(d["quarter"], regex.I),
        "year_end": regex.compile(d["year_end"], regex.I),
        "day_month": regex.compile(d["day_month"]),
    }


@dataclass
class Found:
    date: PartialDate
    recurring: str | None
    start: int
    end: int
    sentence: tuple[int, int]
    partial_year: bool = False  # "cuối năm 2024"


def _quarter_end(q: int, year: int) -> PartialDate:
    month = q * 3
    return PartialDate(year=year, month=month, day=monthrange(year, month)[1])


def _in_sentence(text: str, s: int, e: int, first_year: int | None) -> list[Found]:
    r = _res()
    out: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(date: PartialDate, recurring: str | None, a: int, b: int, partial: bool = False) -> None:
        if any(ts < b and a < te for ts, te in taken):
            return
        taken.append((a, b))
        out.append(Found(date, recurring, a, b, (s, e), partial))

    sent = text[s:e]
    for m in r["monthly"].finditer(text, s, e):
        add(PartialDate(day=int(m.group("day"))), "monthly", m.start(), m.end())
    for m in r["quarterly"].finditer(text, s, e):
        add(PartialDate(day=int(m.group("day"))), "quarterly", m.start(), m.end())
    yearly = bool(r["yearly"].search(sent))
    # "trước ngày …", then "và ngày …" chained after it
    for m in r["before_scan"].finditer(text, s, e):
        pos = m.end()
        while pos < e:
            d = date_at(text, pos, e)
            if d is not None and d.style != "month_year":
                add(d.date, None, d.start, d.end)
                end = d.end
            else:
                dm = r["day_month"].match(text, pos, e)
                if dm is None or not (1 <= int(dm.group("day")) <= 31 and 1 <= int(dm.group("month")) <= 12):
                    break
                add(PartialDate(day=int(dm.group("day")), month=int(dm.group("month"))), "yearly" if yearly else None,
                    dm.start(), dm.end())
                end = dm.end()
            c = r["chain"].match(text, end, e)
            if c is None or c.end() == end:
                break
            pos = c.end()
    for m in r["quarter"].finditer(text, s, e):
        year = int(m.group("year")) if m.group("year") else first_year
        if year:
            add(_quarter_end(_QUARTERS[m.group("q").casefold()], year), None, m.start(), m.end())
    for d in find_dates(text, s, e):
        if d.style != "month_year":
            continue
        before = text[max(s, d.start - 40) : d.start]
        if r["month_cue"].search(before):
            add(d.date, None, d.start, d.end)
    return out


def _year_ends(text: str, s: int, e: int, found: list[Found]) -> list[Found]:
    out = []
    for m in _res()["year_end"].finditer(text, s, e):
        year = int(m.group("year"))
        if any(f.date.year == year for f in found):
            continue  # the sentence gives the task a fuller date
        out.append(Found(PartialDate(year=year), None, m.start(), m.end(), (s, e), True))
    return out


def _what(lay, f: Found) -> str | None:
    """The task a deadline is for: its sentence (after any heading it runs on from), with the sentence
    before when it says no more than the date ("…; hoàn thành trước ngày 05/10/2021")."""
    text = lay.text
    start, end = f.sentence
    info = lay.innermost(f.start)
    if info is not None and start <= info.head_end <= f.start and info.head_start >= start:
        start = info.head_end
    if len(_WORDS.findall(text, start, f.start)) < 6:
        prev = max(text.rfind(";", 0, start - 1), text.rfind(". ", 0, start - 1), text.rfind("\n", 0, start - 1))
        if prev != -1 and (info is None or prev >= info.section.start):
            start = prev + 1
    return clean(text[start:end]).lstrip("-+•*:;. ")[:200] or None


_WORDS = regex.compile(r"\p{L}+")
_MAX_NAME_WORDS = 16


def _who_nearby(doc: Doc, f: Found) -> str | None:
    """Who a deadline is for when no body's item holds it: the body its sentence opens with, else the one
    named in the numbered item around it ("Phân công thực hiện: Giao …" in the same project item)."""
    lay = layout(doc)
    text = lay.text
    start = f.sentence[0]
    info = lay.innermost(f.start)
    if info is not None and start <= info.head_end <= f.start:
        start = info.head_end  # the sentence runs on from a heading ("4. Trách nhiệm báo cáo … Các sở …")
    got = _name_at(text, start, f.sentence[1], whole=False, need_head=True)
    if got and len(_WORDS.findall(text, got[0], got[1])) <= _MAX_NAME_WORDS:
        return clean(text[got[0] : got[1]])
    for node in reversed(lay.chain(f.start)):
        if node.section.kind.value in ("dash", "plus", "bullet"):
            continue
        named = bodies_in(doc, node.section.start, node.section.end)
        if named:
            return named[0][0].name
        break
    return None


def find(doc: Doc) -> list[tuple[Found, str | None, str | None]]:
    """(deadline, what, who) for every deadline of the plan, once per date in each paragraph (memoised)."""
    memo = cache(doc)
    if "deadlines" in memo:
        return memo["deadlines"]
    lay = layout(doc)
    text = lay.text
    first_year, _ = plan_years(doc)
    found: list[Found] = []
    for s, e in sentences(text, lay.body_start, lay.body_end):
        if not _DIGIT.search(text, s, e) or not lay.in_body(s) or lay.kind_at(s) == "basis":
            continue  # every deadline has a number
        here = _in_sentence(text, s, e, first_year)
        if "org" in lay.kinds_at(s):
            here += _year_ends(text, s, e, here)
        found.extend(here)
    found.sort(key=lambda f: f.start)
    out: list[tuple[Found, str | None, str | None]] = []
    seen: set[tuple] = set()
    for f in found:
        info = lay.innermost(f.start)
        paragraph = info.section.start if info is not None else f.sentence[0]
        key = (paragraph, f.date.year, f.date.month, f.date.day, f.recurring)
        if key in seen:
            continue
        seen.add(key)
        what = _what(lay, f)
        who = body_for(doc, f.start) or _who_nearby(doc, f)
        out.append((f, what, who))
    memo["deadlines"] = out
    return out


def run(doc: Doc) -> None:
    document = doc._.document
    for f, what, who in find(doc):
        record = Deadline(
            date=f.date, recurring=f.recurring, what=what, who=who, span=evidence(document, f.start, f.end)
        )
        add_span(doc, "deadlines", f.start, f.end, "deadline", record)
