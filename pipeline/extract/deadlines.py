"""Deadlines: the dates by which something must be done or reported, with what and who.

A date is a deadline by the words around it: "trước ngày 15/12/2024", "chậm nhất ngày …", "… và ngày
30/10/2024" after another deadline, "từ ngày … đến ngày 31/10/2021" (the end), "trong quý I năm 2024" (the last
day of the quarter), "Dự kiến tháng 6/2023" (a month), "trước ngày 20 hằng tháng" (a day, monthly), "hằng năm
trước ngày 15/12" (a day and month, yearly). "cuối năm 2024" counts only where bodies are given tasks (the
organisation sections), and not when the same sentence gives the same task a fuller date. Dates of citations
are never deadlines: they are not introduced by these words. Nor are the days of events ("Phiên chợ việc làm …
vào ngày 15 hằng tháng", "Hội nghị … vào ngày 17/10/2022") unless a report or a submission is due then, nor the
date of a situation ("Tính đến ngày 31/12/2022, toàn xã có …"). A table column headed "Thời gian hoàn thành"
or "Thời hạn" gives a deadline per cell. Date grammar: kehoach.pipeline.dates.
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
from kehoach.pipeline.extract.targets import header_field, plan_years, sentences
from kehoach.pipeline.nlp import add_span, evidence
from kehoach.schemas.plan import Deadline, PartialDate

_DIGIT = regex.compile(r"\d")
_DATEISH = regex.compile(r"\d\s?[/.-]\s?\d|(?<!\p{L})(?:tháng|quý)(?!\p{L})", regex.I)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@lru_cache(maxsize=1)
def _res() -> dict:
    d = load_patterns("xb_deadlines.yaml")
    return {
        "before": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['before_cues'])})\s*$", regex.I),
        "before_scan": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['before_cues'])})(?!\p{{L}})\s*:?\s*", regex.I),
        "as_of": regex.compile(r"^đến(?:\s+hết)?\s+ngày", regex.I),
        "as_of_lead": regex.compile(r"(?<!\p{L})tính\s*$", regex.I),
        "on_scan": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['on_cues'])})(?!\p{{L}})\s*", regex.I),
        "report": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['report_verbs'])})(?!\p{{L}})", regex.I),
        "quarter_bare": regex.compile(d["quarter_bare"], regex.I),
        "table_header": regex.compile(rf"^(?:{phrase_alt(d['table_headers'])})(?!\p{{L}})", regex.I),
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


def _before(a: PartialDate, b: PartialDate | None) -> bool:
    """Whether full date ``a`` is before full date ``b``."""
    if b is None or None in (a.year, a.month, a.day) or None in (b.year, b.month, b.day):
        return False
    return (a.year, a.month, a.day) < (b.year, b.month, b.day)


def _in_sentence(text: str, s: int, e: int, first_year: int | None, issued: PartialDate | None = None) -> list[Found]:
    r = _res()
    out: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(date: PartialDate, recurring: str | None, a: int, b: int, partial: bool = False) -> None:
        if any(ts < b and a < te for ts, te in taken):
            return
        taken.append((a, b))
        out.append(Found(date, recurring, a, b, (s, e), partial))

    sent = text[s:e]
    for pattern, recurring in ((r["monthly"], "monthly"), (r["quarterly"], "quarterly")):
        for m in pattern.finditer(text, s, e):
            if _due(text, s, m.start(), m.group(0)):
                add(PartialDate(day=int(m.group("day"))), recurring, m.start(), m.end())
    yearly = bool(r["yearly"].search(sent))
    # "trước ngày …", then "và ngày …" chained after it; "vào ngày …" for a report
    scans = list(r["before_scan"].finditer(text, s, e))
    scans += [m for m in r["on_scan"].finditer(text, s, e) if _reported(text, s, m.start())]
    for m in sorted(scans, key=lambda x: x.start()):
        pos = m.end()
        while pos < e:
            d = date_at(text, pos, e)
            if d is None and pos == m.end() and m.group(0).rstrip(" :").casefold().endswith("ngày"):
                # "chậm nhất ngày 30 tháng 6 năm 2022": the cue took the "ngày" of a date in words
                d = date_at(text, m.start() + m.group(0).casefold().rfind("ngày"), e)
                if d is not None and d.start < m.start():
                    d = None
            if d is not None and d.style != "month_year":
                if pos == m.end() and r["as_of"].search(m.group(0)) and (
                    r["as_of_lead"].search(text, max(s, m.start() - 12), m.start())
                    or _before(d.date, issued) and _opens_clause(text, s, m.start())
                ):
                    # "Tính đến ngày 31/12/2022, …", "Đến ngày 31/12/2022, toàn xã có …" opening a sentence: the
                    # date of a situation; "hoàn thành đến ngày …" before the plan is a deadline a check reports
                    break
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


def _clause_start(text: str, s: int, pos: int) -> int:
    cut = max(text.rfind(";", s, pos), text.rfind(". ", s, pos), text.rfind(":", s, pos))
    return cut + 1 if cut >= 0 else s


def _opens_clause(text: str, s: int, pos: int) -> bool:
    return not text[_clause_start(text, s, pos) : pos].strip(" -+•*,")


def _reported(text: str, s: int, pos: int) -> bool:
    """A report or a submission is what the clause before ``pos`` speaks of."""
    return bool(_res()["report"].search(text, _clause_start(text, s, pos), pos))


def _due(text: str, s: int, pos: int, matched: str) -> bool:
    """A recurring day is a deadline after "trước"/"chậm nhất", or for a report ("báo cáo … vào ngày 25 hằng
    tháng"); "Phiên chợ … vào ngày 15 hằng tháng" is the day of an event."""
    if matched.casefold().startswith("trước"):
        return True
    before = text[_clause_start(text, s, pos) : pos]
    if _res()["before"].search(before.rstrip()):
        return True
    return _reported(text, s, pos)


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


def _table_deadlines(doc: Doc, first_year: int | None, found: list[Found]) -> list[Found]:
    """Dates in a table column headed "Thời gian hoàn thành", "Thời hạn" …: each cell is a deadline (the end of
    a range, the last day of a quarter), also when the cell has no cue of its own ("30/6/2023", "Quý II/2023")."""
    r = _res()
    lay = layout(doc)
    text = lay.text
    taken = {(f.start, f.end) for f in found}
    out: list[Found] = []
    for table in doc._.document.tables:
        if not lay.in_body(table.start):
            continue
        grid = table.grid()
        cols: set[int] = set()
        header_end = 0
        for i, row in enumerate(grid[:3]):
            hits = {j for j, c in enumerate(row) if c is not None and r["table_header"].match(clean(c.text))}
            if hits:
                cols |= hits
                header_end = i + 1
        if not cols:
            continue
        header_cells = {id(c) for row in grid[:header_end] for c in row if c is not None}
        for row in grid[header_end:]:
            cells = [c for c in row if c is not None]
            if not cells:
                continue
            span = (min(c.start for c in cells), max(c.end for c in cells))
            for j in sorted(cols):
                cell = row[j] if j < len(row) else None
                if cell is None or id(cell) in header_cells or not _DIGIT.search(cell.text):
                    continue
                dates = find_dates(text, cell.start, cell.end)
                if dates:
                    d = dates[-1]  # "Từ 01/3 đến 31/3/2023": the end
                    if (d.start, d.end) not in taken:
                        out.append(Found(d.date, None, d.start, d.end, span))
                    continue
                q = r["quarter_bare"].search(text, cell.start, cell.end)
                year = int(q.group("year")) if q and q.group("year") else first_year
                if q and year:
                    out.append(Found(_quarter_end(_QUARTERS[q.group("q").casefold()], year), None, q.start(), q.end(),
                                     span))
    return out


def find(doc: Doc) -> list[tuple[Found, str | None, str | None]]:
    """(deadline, what, who) for every deadline of the plan, once per date in each paragraph (memoised)."""
    memo = cache(doc)
    if "deadlines" in memo:
        return memo["deadlines"]
    lay = layout(doc)
    text = lay.text
    first_year, _ = plan_years(doc)
    issued = header_field(doc, "issue_date")
    found: list[Found] = []
    for s, e in sentences(text, lay.body_start, lay.body_end):
        if not _DIGIT.search(text, s, e) or not lay.in_body(s) or lay.kind_at(s) == "basis":
            continue  # every deadline has a number
        # every date has a separator, a month or a quarter; most sentences have none
        here = _in_sentence(text, s, e, first_year, issued) if _DATEISH.search(text, s, e) else []
        if "org" in lay.kinds_at(s):
            here += _year_ends(text, s, e, here)
        found.extend(here)
    found.extend(_table_deadlines(doc, first_year, found))
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
