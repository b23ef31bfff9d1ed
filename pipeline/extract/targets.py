"""Targets and baselines: quantitative aims of the plan, kept apart from the figures of the situation.

A target is a number with a unit (%, hộ, người, lớp, công trình … — the vocabulary is data,
xb_targets.yaml) stated as an aim: "giảm còn 0,43%", "Mở 01 lớp tập huấn", "100% người thuộc hộ nghèo
… được cấp thẻ BHYT". The same figures about the present ("Cuối năm 2024 toàn xã có 03 hộ nghèo",
"năm 2023 còn 3,2%") are baselines: told apart by the section they are in (Thực trạng, Phân tích kết quả),
by the year they are about compared with the plan's year (a year written next to one figure, the year of a
date "đến 31/12/2022"), and by cue words ("Theo kết quả rà soát …, toàn huyện có …" is the situation whatever
the year). Criteria ("các xã có tỷ lệ hộ nghèo trên 45%") and support norms ("hỗ trợ 70% chi phí", "40 triệu
đồng/hộ") are neither. Organisation and budget sections hold no targets. A target repeated in the plan (in the
aims and again in the tasks, or in the text and in the total row of a table) is counted once.

Per-unit tables give one target per row and column, with the row's unit as scope; tables whose rows are
indicators ("Chỉ tiêu | ĐVT | 2022 | 2023") give the row's indicator and unit. Header rows are read as a tree:
a column's role (target or baseline) comes from the most specific header cell that says it (a year, "Thực
trạng", "Kế hoạch") and its indicator from its group and its own cell together ("HỘ NGHÈO" over "Tỷ lệ (%)").
``read_tables`` (also used by budgets) reads a table's header, including headers a converter left above the
grid, multi-level headers flattened into one line, and the unit stated once for a table ("ĐVT: triệu đồng").
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

import regex
from rapidfuzz import fuzz
from spacy.tokens import Doc

from kehoach.pipeline.dates import find_dates
from kehoach.pipeline.extract.assignments import cache, clean, layout, load_patterns, phrase_alt
from kehoach.pipeline.nlp import Field, add_span, evidence, records
from kehoach.pipeline.numbers import find_numbers, parse_decimal
from kehoach.schemas.plan import Target

# regexes used in the code below, compiled once
_YEAR_RANGE_AFTER = regex.compile(r"\s*[-–—]\s*(?:19|20)\d{2}")
_YEAR_RANGE_BEFORE = regex.compile(r"(?:19|20)\d{2}\s*[-–—]\s*$")
_PIECE_BREAK = regex.compile(r",(?=\s)|:\s|;|\(|\)")
_WORD = regex.compile(r"\p{L}+")
_LEAD_PUNCT = regex.compile(r"^[\s\-+•*.:;,()]+")
_TRAIL_PUNCT = regex.compile(r"[\s\-+•*.:;,()]+$")
_CLAUSE_BREAK = regex.compile(r"[:;]\s")
_EDGE_PUNCT = regex.compile(r"^[\s\-+•*.:;,]+|[\s\-+•*.:;,(]+$")
_FORMULA = regex.compile(r"^\s*\d{1,2}\s*=\s*(.+)$")
_SMALL_INT = regex.compile(r"\d{1,2}")
_DECIMAL_COMMA = regex.compile(r"\d,\d")
_NO_TARGETS = {"org", "budget", "basis", "subject", "report"}
_YEAR = regex.compile(r"(?<![\d/.,])(?:19|20)\d{2}(?![\d/])")
_Y = r"(?:19|20)\d{2}"
_NAME = r"\p{Lu}[\p{L}'’]*(?:\s+\p{Lu}[\p{L}'’]*){0,3}"  # a place name: capitalised words
# Two equal figures in different passages are one target when their sentences are this similar (token-set
# ratio); figures that recur by nature (0, 1, 100 %) need more.
_SAME_TARGET = 55
_SAME_COMMON = 75


@dataclass
class _Res:
    unit: regex.Pattern
    unit_map: dict[str, str]
    label_before: regex.Pattern
    baseline_cue: regex.Pattern
    target_cue: regex.Pattern
    year_ignore: regex.Pattern
    directions: list[tuple[str, regex.Pattern]]
    unit_stop: dict[str, regex.Pattern]
    money_rate: regex.Pattern
    money_target: regex.Pattern
    unit_words: frozenset[str]
    not_label: regex.Pattern
    qualifier: regex.Pattern
    connective: regex.Pattern
    time_lead: regex.Pattern
    light_verb: regex.Pattern
    beneficiary_end: regex.Pattern
    place_split: regex.Pattern
    not_header: regex.Pattern
    period: regex.Pattern
    year_named: regex.Pattern
    scope: regex.Pattern
    at_unit: regex.Pattern
    unit_type_prefix: regex.Pattern
    number_then: regex.Pattern
    weak_cue: regex.Pattern
    fig_year_after: regex.Pattern
    fig_year_before: regex.Pattern
    criterion_subject: regex.Pattern
    criterion_bound_after: regex.Pattern
    norm_before: regex.Pattern
    income_bound: regex.Pattern
    income_bound_after: regex.Pattern
    norm_after: regex.Pattern
    t: dict


@lru_cache(maxsize=1)
def _res() -> _Res:
    d = load_patterns("xb_targets.yaml")
    unit_map = {k.casefold(): v for k, v in d["units"].items()}
    types = phrase_alt(d["unit_types"])
    fillers = phrase_alt(d["unit_fillers"])
    words = phrase_alt([u for u in d["units"] if u not in ("%",)])
    unit = regex.compile(
        rf"[ \t]*(?P<pct>%)|\s+(?:(?:{fillers})\s+)?(?P<unit>{words})(?![\p{{L}}\d])", regex.I
    )
    dirs = []
    for direction, cues in d["directions"].items():
        for cue in cues:
            dirs.append((direction, cue))
    dirs.sort(key=lambda dc: len(dc[1]), reverse=True)
    return _Res(
        unit=unit,
        unit_map=unit_map,
        label_before=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['label_before'])})\s*[:.]?\s*$", regex.I),
        baseline_cue=regex.compile(
            rf"(?<!\p{{L}})(?:{phrase_alt(d['baseline_cues'] + d['baseline_cues_more'])})(?!\p{{L}})", regex.I
        ),
        weak_cue=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['weak_target_cues'])})(?!\p{{L}})", regex.I),
        fig_year_after=regex.compile(d["figure_year_after"], regex.I),
        fig_year_before=regex.compile(d["figure_year_before"], regex.I),
        # "các xã có tỷ lệ hộ nghèo trên": a determiner, a subject, "có", a few words, a bound, then the figure
        criterion_subject=regex.compile(
            rf"(?<!\p{{L}})(?:{phrase_alt(d['criteria']['determiners'])})\s+(?:{phrase_alt(d['criteria']['subjects'])})"
            rf"(?:\s+[\p{{L}}\d-]+){{0,4}}?\s+có\s+(?:[\p{{L}}\d%,()/-]+\s+){{0,7}}?"
            rf"(?:\(?\s*(?P<bound>{phrase_alt(d['criteria']['bounds_before'])})\s+)?$",
            regex.I,
        ),
        income_bound_after=regex.compile(
            rf"\s*(?:{phrase_alt(d['criteria']['income_bounds_after'])})(?!\p{{L}})", regex.I
        ),
        income_bound=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['criteria']['income_bounds'])})\s*$", regex.I),
        norm_before=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['norm_percent']['before'])})(?!\p{{L}})", regex.I),
        norm_after=regex.compile(rf"\s*(?:{phrase_alt(d['norm_percent']['after'])})(?!\p{{L}})", regex.I),
        criterion_bound_after=regex.compile(
            rf"\s*(?:[\p{{L}}]+\s+){{0,4}}?(?:{phrase_alt(d['criteria']['bounds_after'])})(?!\p{{L}})", regex.I
        ),
        target_cue=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['target_cues'])})(?!\p{{L}})", regex.I),
        year_ignore=regex.compile(rf"(?:{phrase_alt(d['year_ignore_before'])})\s*(?:năm\s+)?$", regex.I),
        directions=[
            (dname, regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt([cue])})(?!\p{{L}})", regex.I)) for dname, cue in dirs
        ],
        unit_stop={
            k.casefold(): regex.compile(rf"\s*(?:{phrase_alt(v)})", regex.I) for k, v in d["unit_stop_after"].items()
        },
        money_rate=regex.compile(
            rf"\s*(?P<unit>(?:(?:{phrase_alt(d['money_rate']['scales'])})\s+)?"
            rf"(?:{phrase_alt(d['money_rate']['currency'])})"
            rf"(?:\s*/\s*\p{{L}}+){{1,2}})(?!\p{{L}})",
            regex.I,
        ),
        not_label=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['label_compounds'])})\s*$", regex.I),
        qualifier=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['value_qualifiers'])})\s*$", regex.I),
        connective=regex.compile(rf"^(?:{phrase_alt(d['connectives'])})(?!\p{{L}})\s*", regex.I),
        money_target=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['money_rate']['cues'])})(?!\p{{L}})", regex.I),
        unit_words=frozenset(
            w.casefold().split()[0] for w in list(d["units"]) + d["money_rate"]["scales"] + d["money_rate"]["currency"]
        ),
        beneficiary_end=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['beneficiary_markers'])})\s*$", regex.I),
        place_split=regex.compile(rf"\s+(?:{phrase_alt(d['place_markers'])})\s+"),
        not_header=regex.compile(phrase_alt(d["table"]["not_header"]), regex.I),
        period=regex.compile(rf"(?:{phrase_alt(d['period_words'])})\s+({_Y})\s*[-–—]\s*({_Y})", regex.I),
        year_named=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['year_words'])})\s+({_Y})(?!\d)", regex.I),
        scope=regex.compile(rf"(?<!\p{{L}})({types})\s+({_NAME})"),
        at_unit=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['scope_markers'])})\s+((?:{types})\s+{_NAME})"),
        unit_type_prefix=regex.compile(rf"^(?:{types})\s+", regex.I),
        number_then=regex.compile(
            rf"\d(?:[\d.,/]*\d)?(?:\s*[-–—]\s*\d[\d.,]*)?[ \t]*(?:(?P<pct>%)|(?:(?:{fillers})[ \t]+)?(?P<word>\p{{L}}+))",
            regex.I,
        ),
        light_verb=regex.compile(rf"^(?:(?:{phrase_alt(d['light_verbs'])})\s+)+", regex.I),
        time_lead=regex.compile(rf"^(?:{d['time_lead']})\s*[:,]?\s*", regex.I),
        t=d["table"],
    )


# --- the plan's year and unit -----------------------------------------------------------------------------
def header_field(doc: Doc, name: str):
    """A value the header extractor found ("issue_date", "period", "issuer"), or None."""
    for f in records(doc, "header"):
        if isinstance(f, Field) and f.name == name:
            return f.value
    return None




def plan_years(doc: Doc) -> tuple[int | None, int | None]:
    """(first, last) year the plan covers: the header's period, else the years its title names."""
    memo = cache(doc)
    if "plan_years" in memo:
        return memo["plan_years"]
    out: tuple[int | None, int | None] = (None, None)
    period = header_field(doc, "period")
    if period is not None and getattr(period, "start_year", None):
        out = (period.start_year, period.end_year or period.start_year)
    else:
        st = doc._.structure
        text = doc._.document.text
        title = text[st.title.start : st.title.end] if st.title else ""
        if not title and st.doc_kind_line:
            title = text[st.doc_kind_line.start : st.doc_kind_line.end]
        years = [int(y) for y in _res().year_named.findall(title)]
        if years:
            out = (min(years), max(years))
        else:
            m = _res().period.search(title)
            if m:
                out = (int(m.group(1)), int(m.group(2)))
            else:
                issue = header_field(doc, "issue_date")
                if issue is not None and getattr(issue, "year", None):
                    out = (issue.year, issue.year)
                else:
                    ys = [int(y) for y in _YEAR.findall(text[: st.body.start if st.body else 2000])]
                    if ys:
                        y = max(ys)
                        out = (y, y)
    memo["plan_years"] = out
    return out




def issuer_scope(doc: Doc) -> str | None:
    """The unit the plan is for ("xã Tân Lợi"): the header's issuer, else the unit named in title or preamble."""
    memo = cache(doc)
    if "scope" in memo:
        return memo["scope"]
    out = None
    issuer = header_field(doc, "issuer")
    if issuer is not None and getattr(issuer, "unit", None):
        out = f"{issuer.unit_type} {issuer.unit}".strip() if issuer.unit_type else issuer.unit
    else:
        st = doc._.structure
        text = doc._.document.text
        for region in (st.title, st.preamble):
            if region is None:
                continue
            m = _res().scope.search(text, region.start, region.end)
            if m:
                out = clean(m.group(1)).lower() + " " + m.group(2)
                break
    memo["scope"] = out
    return out


# --- sentences --------------------------------------------------------------------------------------------
_SENT_BREAK = regex.compile(r"\n[ \t]*\n|;|\.(?=\s+[\p{Lu}\d*\-+]|\s*$)|\n(?=[ \t]*[-+•*])|:(?=[ \t]*\n)")


@lru_cache(maxsize=4)
def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence-like pieces of text[start:end] (split at blank lines, ";", ". X", list dashes); the last few
    answers are kept, as budgets and deadlines read the same body."""
    return [(s, e) for s, e, _ in _sentences(text, start, end)]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Sentences with a flag telling whether a new paragraph (blank line, list item) starts with it."""
    out: list[tuple[int, int, bool]] = []
    pos, hard = start, True
    for m in _SENT_BREAK.finditer(text, start, end):
        if m.start() > pos and text[pos : m.start()].strip():
            out.append((pos, m.start(), hard))
        hard = m.group(0).startswith("\n")
        pos = m.end()
    if pos < end and text[pos:end].strip():
        out.append((pos, end, hard))
    return out


_LIST_KINDS = ("dash", "plus", "bullet")


def _passage(info) -> int:
    """Start of the passage a section belongs to: itself, or the section its list item is in."""
    node = info
    while node is not None and node.section.kind.value in _LIST_KINDS and node.parent is not None:
        node = node.parent
    return node.section.start if node is not None else info.section.start


def _own_regions(doc: Doc) -> list[tuple[int, int, object]]:
    """Each section's own text (up to its first child), with its layout info; the whole body if none."""
    lay = layout(doc)
    out = []
    for info in lay.sections:
        sec = info.section
        own_end = sec.children[0].start if sec.children else sec.end
        out.append((sec.start, own_end, info))
    if not out:
        out.append((lay.body_start, lay.body_end, None))
    return out


# --- text targets -----------------------------------------------------------------------------------------
@dataclass
class Found:
    """A target or baseline and where it was read."""

    record: Target
    label: str  # target | baseline
    start: int
    end: int
    sentence: tuple[int, int] | None = None
    region: int | None = None  # start of the section text it was read in
    total_row: bool = False
    row_label: str | None = None
    indicator_row: bool = False  # read from a table whose rows are indicators


def _reference_years(text: str, s: int, e: int, dates=None, skip_asides: bool = False) -> list[int]:
    """Years a sentence speaks of: written years ("cuối năm 2022") and the years of full dates ("đến
    31/12/2022"), leaving out periods, comparisons ("so với năm 2022") and the dates of cited documents."""
    r = _res()
    years = []
    asides = [(m.start(), m.end()) for m in _PAREN.finditer(text, s, e)] if skip_asides else []
    for m in _YEAR.finditer(text, s, e):
        if asides and any(a <= m.start() < b for a, b in asides):
            continue  # "(năm 2022 đạt 92,8%)" speaks of its own year
        before = text[max(s, m.start() - 25) : m.start()]
        if r.year_ignore.search(before):
            continue
        if _YEAR_RANGE_AFTER.match(text[m.end() : m.end() + 8]):
            continue  # "2022 - 2025": a period
        if _YEAR_RANGE_BEFORE.search(text[max(s, m.start() - 8) : m.start()]):
            continue
        years.append(int(m.group(0)))
    for d in dates if dates is not None else find_dates(text, s, e):
        if d.date.year is None or asides and any(a <= d.start < b for a, b in asides):
            continue
        before = text[max(s, d.start - 30) : d.start]
        if r.year_ignore.search(before) or _CITED.search(before):
            continue  # "so với ngày 31/12/2022"; "Quyết định số 12/QĐ-UBND ngày 15/12/2022"
        years.append(d.date.year)
    return years


# a document symbol right before a date: the date is the document's ("số 12/KH-UBND ngày …")
_CITED = regex.compile(r"\d+\s*/\s*(?:\d{4}\s*/\s*)?[\p{Lu}Đ]+[\p{L}\d-]*\s*(?:ngày\s*)?$")


def _sentence_is_baseline(sent: str, kind: str | None, ref_years: list[int], first_year: int | None,
                          para_baseline: bool) -> bool:
    """Whether a sentence states the situation rather than an aim.

    The situation section speaks of the present; an explicit aim ("phấn đấu", "chỉ tiêu") is an aim unless it
    reports the past with a situation word; a past year makes the rest the situation ("đến 31/12/2022 đạt 17
    tiêu chí"); so do situation words ("Theo kết quả rà soát …, toàn huyện có …") whatever the year; weak aim
    words ("đạt", "giảm còn") count only then."""
    r = _res()
    if kind == "status":
        return True
    past = bool(ref_years) and first_year is not None and max(ref_years) < first_year
    status = bool(r.baseline_cue.search(sent))
    if r.target_cue.search(sent):
        return past and status
    if past or status:
        return True
    if r.weak_cue.search(sent):
        return False
    return para_baseline if not ref_years else False


def _figure_year(text: str, s: int, num_start: int, unit_end: int, e: int) -> int | None:
    """The year written right next to one figure ("42,63% năm 2022", "năm 2022 còn 28,4%"), if any."""
    r = _res()
    m = r.fig_year_after.match(text, unit_end, min(e, unit_end + 40))
    if m:
        return int(m.group(1) or m.group(2))
    m = r.fig_year_before.search(text, max(s, num_start - 40), num_start)
    if m:
        return int(m.group(1))
    return None


def _criterion(text: str, s: int, num_start: int, unit_end: int, e: int) -> bool:
    """A figure that says which units something is for ("các xã có tỷ lệ hộ nghèo trên 45%", "các thôn có từ
    60% hộ nghèo trở lên"), not an aim: a determiner and a subject with "có" before it, and a bound."""
    r = _res()
    m = r.criterion_subject.search(text, max(s, num_start - 120), num_start)
    if not m:
        return False
    if r.target_cue.search(text, max(s, m.start() - 40), num_start):
        return False  # "Phấn đấu các xã có trên 90% hộ dân dùng nước sạch" is an aim
    return bool(m.group("bound")) or bool(r.criterion_bound_after.match(text, unit_end, min(e, unit_end + 40)))


def _norm_share(text: str, s: int, num_start: int, unit_end: int, e: int) -> bool:
    """A share of a cost the plan pays ("hỗ trợ 70% chi phí mua giống"): a support word earlier in the clause
    and a cost word right after the figure."""
    r = _res()
    if not r.norm_after.match(text, unit_end, min(e, unit_end + 30)):
        return False
    clause = max((m.end() for m in _CLAUSE_BREAK.finditer(text, max(s, num_start - 80), num_start)),
                 default=max(s, num_start - 80))
    return bool(r.norm_before.search(text, clause, num_start))


def _sentences_outside_tables(lay, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Sentences of text[start:end] outside tables; a sentence never runs on into a table."""
    text = lay.text
    pieces: list[tuple[int, int]] = []
    pos = start
    for ts, te in lay.tables:
        if te <= pos or ts >= end:
            continue
        if ts > pos:
            pieces.append((pos, ts))
        pos = max(pos, te)
    if pos < end:
        pieces.append((pos, end))
    out: list[tuple[int, int, bool]] = []
    for a, b in pieces:
        out.extend(_sentences(text, a, b))
    return out


_PAREN = regex.compile(r"\([^()]*\)")


def _indicator(text: str, s: int, e: int, num_start: int, num_end: int, unit_end: int, unit: str,
               next_figure: int | None = None) -> str:
    """The phrase a figure measures, in the order a reader states it ("hộ nghèo được hỗ trợ nhà ở").

    The figure's comma-piece of the sentence (asides in brackets dropped), widened backwards to its subject
    when it is short; "Hỗ trợ nhà ở cho 12 hộ nghèo" reads "hộ nghèo được hỗ trợ nhà ở"."""
    r = _res()
    # blank out brackets that do not hold the figure, keeping offsets
    sent = list(text[s:e])
    for m in _PAREN.finditer(text, s, e):
        if not m.start() <= num_start < m.end():
            for i in range(m.start() - s, m.end() - s):
                sent[i] = " "
    body = "".join(sent)
    rel_n, rel_ne, rel_ue = num_start - s, num_end - s, unit_end - s
    bounds = [0] + [m.end() for m in _PIECE_BREAK.finditer(body)] + [len(body)]
    pieces = list(zip(bounds, bounds[1:]))
    idx = next((i for i, (a, b) in enumerate(pieces) if a <= rel_n < b), 0)
    lo, hi = pieces[idx]
    while len(_WORD.findall(body[lo:hi])) < 6 and idx > 0:
        idx -= 1
        lo = pieces[idx][0]
    # what follows the figure runs to the end of its clause, or to the piece before the next figure
    limit = (next_figure - s) if next_figure is not None else len(body)
    hi = max((b for a, b in pieces if b <= limit and b > rel_ue), default=min(hi, limit))
    if next_figure is None:
        hi = next((b for a, b in pieces if a <= rel_ue < b and body[b - 1 : b] in (";",)), len(body))
    before = clean(body[lo:rel_n])
    after_start = rel_ue if unit == "%" or "/" in unit else rel_ne
    frac = _FRACTION.match(body, after_start)
    if frac:
        after_start = frac.end()  # "19/19 tiêu chí": the whole is not what is counted
    after = clean(body[after_start:hi])
    before = _LEAD_PUNCT.sub("", before)
    after = _TRAIL_PUNCT.sub("", after)
    before = r.qualifier.sub("", before).rstrip()  # "giảm tối thiểu 51 hộ": the bound is the value's
    before = r.connective.sub("", before)
    lead = r.time_lead.match(before)
    tail = ""
    if lead:
        tail, before = clean(lead.group(0)).rstrip(":, "), before[lead.end() :]
    m = r.beneficiary_end.search(before)
    if m and after:
        verb = before[: m.start()].strip(" ,")
        clause = clean(_CLAUSE_BREAK.split(body[:rel_n])[-1])
        clause = _LEAD_PUNCT.sub("", clause)
        clause = r.qualifier.sub("", clause).rstrip()
        cm = r.beneficiary_end.search(clause)
        if cm and len(clause[: cm.start()].split()) <= 14:
            verb = r.connective.sub("", clause[: cm.start()].strip(" ,"))
            lead = r.time_lead.match(verb)
            if lead:
                tail, verb = clean(lead.group(0)).rstrip(":, "), verb[lead.end() :]
        after = r.place_split.split(after, maxsplit=1)[0]  # where is not what
        verb = r.light_verb.sub("", verb)
        phrase = f"{after} được {verb[:1].lower()}{verb[1:]}" if verb else after
    else:
        phrase = f"{before} {after}".strip()
    if tail:
        phrase = f"{phrase} {tail[:1].lower()}{tail[1:]}"
    phrase = _EDGE_PUNCT.sub("", clean(phrase))
    return phrase[:200]


def _direction(text: str, s: int, num_start: int) -> str | None:
    before = text[max(s, num_start - 30) : num_start]
    best: tuple[int, str] | None = None
    for direction, pattern in _res().directions:
        for m in pattern.finditer(before):
            if best is None or m.start() > best[0]:
                best = (m.start(), direction)
    return best[1] if best else None


def _text_targets(doc: Doc) -> list[Found]:
    lay = layout(doc)
    text = lay.text
    r = _res()
    first_year, last_year = plan_years(doc)
    scope = issuer_scope(doc)
    out: list[Found] = []
    hints = _figure_hints(text, lay.body_start, lay.body_end)
    for start, end, info in _own_regions(doc):
        if not lay.in_body(start):
            continue
        kind = info.inherited_kind() if info is not None else None
        if kind in _NO_TARGETS:
            continue
        passage = _passage(info) if info is not None else start
        para_baseline = False
        for s, e, hard in _sentences_outside_tables(lay, start, end):
            if hard:
                para_baseline = False
            i = bisect_left(hints, s)
            numbers = find_numbers(text, s, e, fractions=True) if i < len(hints) and hints[i] < e else None
            if not numbers:
                if r.baseline_cue.search(text, s, e) and not r.target_cue.search(text, s, e):
                    para_baseline = True
                continue
            found_dates = find_dates(text, s, e)
            dates = [(d.start, d.end) for d in found_dates]
            sent = text[s:e]
            ref_years = _reference_years(text, s, e, found_dates, skip_asides=True)
            baseline = _sentence_is_baseline(sent, kind, ref_years, first_year, para_baseline)
            para_baseline = baseline
            figures = [(n, got) for n in numbers if (got := _figure(text, s, e, n, dates)) is not None]
            for k, (n, (unit, unit_end)) in enumerate(figures):
                if _criterion(text, s, n.start, unit_end, e):
                    continue  # "các xã có tỷ lệ hộ nghèo trên 45%": which units, not an aim
                if unit == "%" and _norm_share(text, s, n.start, unit_end, e):
                    continue  # "hỗ trợ 70% chi phí": a support norm
                next_figure = figures[k + 1][0].start if k + 1 < len(figures) else None
                years = ref_years or ([last_year] if last_year else [])
                label = "baseline" if baseline else "target"
                paren = next((m for m in _PAREN.finditer(text, s, e) if m.start() < n.start < m.end()), None)
                own_year = _figure_year(text, s, n.start, unit_end, e)
                if paren is not None:
                    # an aside in brackets speaks of its own year: "(năm 2023 đạt 56,4%)"
                    inner = _reference_years(text, paren.start(), paren.end())
                    if inner and first_year:
                        years = inner
                        label = "baseline" if max(inner) < first_year else "target"
                elif own_year is not None and first_year and kind != "status":
                    # "giảm từ 47,95% năm 2021 xuống còn 42,63% năm 2022": each figure has its own year
                    years = [own_year]
                    label = "baseline" if own_year < first_year else label
                record = Target(
                    indicator=_indicator(text, s, e, n.start, n.end, unit_end, unit, next_figure),
                    value=n.value,
                    value_max=n.value_max,
                    unit=unit,
                    year=max(years) if years else None,
                    scope=_mentioned_scope(text, s, e) or scope,
                    direction=None if label == "baseline" else (_direction(text, s, n.start) or "reach"),
                    span=evidence(doc._.document, n.start, unit_end),
                )
                out.append(Found(record, label, n.start, unit_end, (s, e), passage))
    return out




def _figure_hints(text: str, start: int, end: int) -> list[int]:
    """Offsets of numbers followed by "%" or by a unit's first word: the sentences worth reading for figures."""
    words = _res().unit_words
    return [
        m.start()
        for m in _res().number_then.finditer(text, start, end)
        if m.group("pct") or m.group("word").casefold() in words
    ]


def _figure(text: str, s: int, e: int, n, dates) -> tuple[str, int] | None:
    """(unit, end of the unit) when the number at ``n`` is a counted quantity, else None."""
    r = _res()
    if any(ds <= n.start < de for ds, de in dates):
        return None
    lb = r.label_before.search(text, max(s, n.start - 20), n.start)
    if lb and not r.not_label.search(text, max(s, lb.start() - 12), lb.end()):
        return None
    m = r.unit.match(text, n.end, e)
    if not m and text[n.end : n.end + 1] == "/":
        # "19/19 tiêu chí": so many of so many
        frac = _FRACTION.match(text, n.end, e)
        if frac:
            m = r.unit.match(text, frac.end(), e)
    if m:
        if m.group("pct"):
            unit, unit_end = "%", m.end()
        else:
            written = clean(m.group("unit")).casefold()
            unit, unit_end = r.unit_map[written], m.end()
            stop = r.unit_stop.get(written)
            if stop and stop.match(text, unit_end, e):
                return None
    else:
        rate = r.money_rate.match(text, n.end, e)
        if not rate or not r.money_target.search(text, s, n.start):
            # income is an aim only when the sentence speaks of it before the figure: "hỗ trợ 40 triệu
            # đồng/hộ … để tăng thu nhập" is a support norm
            return None
        unit, unit_end = clean(rate.group("unit")), rate.end()
        if r.income_bound_after.match(text, unit_end, min(e, unit_end + 40)) or r.income_bound.search(
            text, max(s, n.start - 20), n.start
        ):
            return None  # "thu nhập … từ 1.500.000 đồng/người/tháng trở xuống": a poverty line, not an aim
        return unit, unit_end
    per = _PER.match(text, unit_end, e)
    if per:
        if per.group("per").casefold() != "năm":
            if unit == "%":
                return None
            unit = unit + "/" + clean(per.group("per"))
        unit_end = per.end()
    if text[unit_end : unit_end + 1] == "/":
        return None  # a rate ("đồng/hộ"), not a count
    if 1900 <= n.value <= 2100 and n.value == int(n.value) and unit != "%" and not n.value_max:
        if text[max(s, n.start - 5) : n.start].strip().casefold().endswith("năm"):
            return None
    return unit, unit_end


_FRACTION = regex.compile(r"/\d{1,4}(?![\d/])")
_PER = regex.compile(r"\s*/\s*(?P<per>\p{L}+(?:\s+\p{L}+)?)(?=[\s.,;:)]|$)")




def _mentioned_scope(text: str, s: int, e: int) -> str | None:
    m = _res().at_unit.search(text, s, e)
    return clean(m.group(1)) if m else None


# --- tables -----------------------------------------------------------------------------------------------
@dataclass
class Column:
    index: int
    header: str
    unit: str | None  # "%", "hộ" … ; "money" for amounts; "rate" for a norm per unit (neither)
    money_scale: int = 1
    role: str | None = None  # target | baseline | None (not a figure column)
    label: bool = False
    formula_of: tuple[int, ...] = ()
    chain: tuple[str, ...] = ()  # header cells from the top group down to the column's own
    indicator: str = ""  # what the column measures: its group and its own header read together


@dataclass
class Row:
    index: int
    label: str
    cells: list  # Cell | None per column
    total: bool = False
    year: int | None = None


@dataclass
class TableView:
    """A table read for its figures: typed columns and labelled data rows."""

    index: int
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    label_col: int | None = None
    caption_unit: str | None = None  # "money" or a counted unit stated once for the table ("ĐVT: hộ")
    caption_scale: int = 1  # đồng per written unit when the caption is money ("ĐVT: triệu đồng")
    unit_col: int | None = None  # the "ĐVT" column giving each row's unit
    by_indicator: bool = False  # rows are indicators ("Chỉ tiêu | ĐVT | 2022 | 2023"), not places


def _is_number(cell_text: str) -> bool:
    t = cell_text.strip()
    return bool(t) and parse_decimal(t) is not None


@lru_cache(maxsize=1)
def _table_res() -> dict:
    t = _res().t
    money_units = {" ".join(k.casefold().split()): int(v) for k, v in t["money_units"].items()}
    unit_alt = "|".join(
        r"\s*".join(regex.escape(w) for w in k.split()) for k in sorted(money_units, key=len, reverse=True)
    )
    return {
        "total": regex.compile(rf"^(?:{phrase_alt(t['total_rows'])})(?!\p{{L}})", regex.I),
        "label": {x.casefold() for x in t["label_columns"]},
        "skip": {x.casefold() for x in t["skip_columns"]},
        "pct": regex.compile(rf"(?:{phrase_alt(t['percent_headers'])})", regex.I),
        "money": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['money_headers'])})(?!\p{{L}})", regex.I),
        "base": regex.compile(
            rf"(?<!\p{{L}})(?:{phrase_alt(t['baseline_headers'] + t['baseline_headers_more'])})(?!\p{{L}})", regex.I
        ),
        "tgt": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['target_headers'])})(?!\p{{L}})", regex.I),
        "places": {x.casefold() for x in _res().t["place_units"]},
        "weak_base": {" ".join(x.casefold().split()) for x in t["weak_baseline_headers"]},
        "strong_tgt": regex.compile(
            rf"(?<!\p{{L}})(?:{phrase_alt(x for x in t['target_headers'] if x not in t['weak_target_headers'])})"
            rf"(?!\p{{L}})",
            regex.I,
        ),
        "tgt_title": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['target_titles'])})(?!\p{{L}})", regex.I),
        "base_title": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['baseline_titles'])})(?!\p{{L}})", regex.I),
        "collabel": regex.compile(t["column_label"]),
        "unit": regex.compile(
            rf"(?<!\p{{L}})({phrase_alt(k for k in _res().unit_map if k != '%')})(?!\p{{L}})", regex.I
        ),
        "generic": {" ".join(x.casefold().split()) for x in t["generic_headers"]},
        "indicator_label": {x.casefold() for x in t["indicator_label_columns"]},
        "unit_columns": {x.casefold() for x in t["unit_columns"]},
        "caption": regex.compile(t["caption"], regex.I),
        # a money unit in a header or caption: "(triệu đồng)", "Tổng (tr.đ)", "tỷ đồng"; a "/" after it makes a rate
        "money_unit": regex.compile(
            rf"(?<![\p{{L}}\d])(?P<u>{unit_alt})(?![\p{{L}}])(?!\s*lệ)(?P<per>\s*/\s*\p{{L}})?", regex.I
        ),
        "money_scales": {k.replace(" ", ""): v for k, v in money_units.items()},
        "currency": regex.compile(r"đồng|đ$|đ\b|vn[dđ]", regex.I),
        "rate": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['rate_headers'])})(?!\p{{L}})", regex.I),
    }


_CELL_SPLIT = regex.compile(r"\s*(?:\||\t)\s*|\n")
_RULE_CELL = regex.compile(r"^:?-{2,}:?$")
_DATE_YEAR = regex.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*(?:\d{1,2}\s*[/.-]\s*)?((?:19|20)\d{2})(?!\d)")
_PAREN_UNIT = regex.compile(r"\s*\([^()]*\)\s*|%")
_LABEL_UNIT = regex.compile(r"\(\s*([%\p{L}][\p{L}/ ]{0,25}?)\s*\)\s*$")


def _title_above(text: str, table_start: int, stop: int) -> str:
    """The lines right above a table (not above the table before it): its title and caption."""
    lines = [ln.strip() for ln in text[max(stop, table_start - 600) : table_start].split("\n") if ln.strip()]
    return " ".join(lines[-2:])


def _text_header(text: str, table_start: int, stop: int = 0) -> tuple[list[str], str]:
    """Header cells a converter left above the grid, and the title lines above them."""
    lines = text[max(stop, table_start - 1500) : table_start].split("\n")
    cells: list[str] = []
    title: list[str] = []
    in_header = True
    for line in reversed(lines):
        raw = line.strip()
        if in_header:
            parts = [p.strip() for p in _CELL_SPLIT.split(raw)] if raw else []
            parts = [p for p in parts if p]
            if not raw or raw == "|":
                continue
            numeric = sum(1 for p in parts if _is_number(p))
            if numeric >= 2:
                continue  # a data row left out of the grid
            if _table_res()["caption"].search(raw) and not ("|" in raw or "\t" in raw):
                title.insert(0, raw)  # "ĐVT: triệu đồng" is the table's, not a column's
                continue
            if ("|" in raw or "\t" in raw or len(raw) <= 60) and not _res().not_header.search(raw):
                cells = parts + cells
                continue
            in_header = False
        title.insert(0, raw)
        if len(title) >= 3:
            break
    return cells, " ".join(title)


def _formula_refs(label: str) -> tuple[int, ...]:
    m = _FORMULA.match(label)
    if not m:
        return ()
    return tuple(int(x) for x in _SMALL_INT.findall(m.group(1)))


def _assign_flat_header(cells: list[str], n_cols: int, col_labels: list[str] | None) -> list[str]:
    """Headers for n_cols columns from a multi-level header flattened into more cells than columns."""
    if len(cells) == n_cols:
        return cells
    if len(cells) < n_cols:
        return cells + [""] * (n_cols - len(cells))
    n_label = 0
    while n_label < n_cols and n_label < len(cells) and (
        cells[n_label].casefold() in _table_res()["label"]
        or not _YEAR.search(cells[n_label]) and len(cells[n_label].split()) <= 2 and n_label < 2
    ):
        n_label += 1
    rest = cells[n_label:]
    long_heads = [c for c in rest if _YEAR.search(c) or len(c.split()) >= 4]
    data_cols = n_cols - n_label
    groups: list[list[int]] = []
    labels = col_labels[n_label:] if col_labels else [""] * data_cols
    for i, lab in enumerate(labels):
        refs = _formula_refs(lab)
        prev = labels[i - 1].strip() if i > 0 else ""
        if refs and groups and prev.isdigit() and int(prev) in refs:
            groups[-1].append(i)
        else:
            groups.append([i])
    out = cells[:n_label]
    per_col = [""] * data_cols
    if len(long_heads) == len(groups):
        for head, group in zip(long_heads, groups):
            for i in group:
                per_col[i] = head
    else:
        for i in range(data_cols):
            per_col[i] = long_heads[i] if i < len(long_heads) else (long_heads[-1] if long_heads else "")
    return out + per_col


def _is_rule_row(row: list[str]) -> bool:
    """A markdown rule line ("|---|---|") read as a row."""
    cells = [t for t in row if t]
    return bool(cells) and all(_RULE_CELL.match(t) for t in cells)


def _is_data_row(row: list[str], collabel, first: bool = False) -> bool:
    """A row with figures; a row whose only numbers are years is a header when it opens the table ("TT | Chỉ
    tiêu | 2022 | 2023") or sits under a heading ("| | 2022 | 2023")."""
    numbers = [t for t in row if _is_number(t)]
    if not numbers:
        return False
    if all(_YEAR.fullmatch(t) for t in numbers) and (first or not any(
        t and not _is_number(t) and not collabel.match(t) for t in row[:3]
    )):
        return False
    return any(_is_number(t) for t in row[1:]) and any(t and not _is_number(t) for t in row[:3]) or len(numbers) >= 2


def _header_chains(rows: list[list[str]], n_cols: int) -> list[tuple[str, ...]]:
    """Each column's header read as a path in the header tree: group headings over sub-headers.

    A merged group heading fills every column under it (grid() repeats merged cells; converters that leave
    the columns after a group heading empty are read the same way: an empty cell over a sub-header belongs
    to the group heading on its left, when that heading too has sub-headers)."""
    filled = [list(r) + [""] * (n_cols - len(r)) for r in rows]
    n = len(filled)

    def below(r_i: int, c: int) -> bool:
        return any(filled[k][c] for k in range(r_i + 1, n))

    for r_i in range(n - 1):
        _spread_ragged(filled, r_i, n_cols, below)

    for r_i in range(n - 1):
        for c in range(1, n_cols):
            if not filled[r_i][c] and filled[r_i][c - 1] and below(r_i, c) and below(r_i, c - 1):
                filled[r_i][c] = filled[r_i][c - 1]
    chains = []
    for c in range(n_cols):
        parts = [filled[r][c] for r in range(n) if filled[r][c]]
        chains.append(tuple(dict.fromkeys(parts)))
    return chains


def _spread_ragged(filled: list[list[str]], r_i: int, n_cols: int, below) -> None:
    """A group row written with one cell per group ("| TT | Xã | Thực trạng | Kế hoạch |" over six
    sub-headers): its groups are spread evenly over the sub-header columns. Only when the row's cells are
    contiguous and end before the sub-headers do (a row with gaps is already aligned)."""
    row = filled[r_i]
    subs = [c for c in range(n_cols) if below(r_i, c)]
    if not subs:
        return
    first = subs[0]
    groups = [c for c in range(first, n_cols) if row[c]]
    if not groups or groups[-1] >= subs[-1] or any(not row[c] for c in range(first, groups[-1] + 1)):
        return
    span_cols = [c for c in subs if c >= first]
    if len(span_cols) % len(groups):
        return
    width = len(span_cols) // len(groups)
    names = [row[c] for c in groups]
    for i, c in enumerate(span_cols):
        row[c] = names[i // width]


def _caption(text: str, start: int, stop: int, extra: list[str]) -> tuple[str | None, int]:
    """The unit stated once for a table: ("money", scale) for "ĐVT: triệu đồng", (unit, 1) for "ĐVT: hộ".

    Read in the lines just above the table (not above the table before it) and in its header cells."""
    tr = _table_res()
    lines = [ln for ln in text[max(stop, start - 400) : start].split("\n") if ln.strip()][-4:]
    for raw in list(reversed(lines)) + extra:
        for m in tr["caption"].finditer(raw):
            bare = m.group(0).casefold().startswith("đơn vị") and not m.group(0).casefold().startswith("đơn vị tính")
            # a bare "Đơn vị: xã Tà Long" names who; "(đơn vị: hộ)" closing a title names what is counted
            bracketed = bare and raw[: m.start()].rstrip().endswith("(")
            got = _unit_of(m.group("u"), money_only=bare and not bracketed)
            if bracketed and got[0] in tr["places"]:
                continue
            if got[0] is not None:
                return got
    return None, 1


def _unit_of(written: str, money_only: bool = False) -> tuple[str | None, int]:
    """What a caption names: ("money", scale), (counted unit, 1) or (None, 1)."""
    tr = _table_res()
    w = clean(written).strip(" .:")
    m = tr["money_unit"].match(w)
    if m:
        return (None, 1) if m.group("per") else ("money", _scale_of(m.group("u")))
    if money_only:
        return None, 1
    u = tr["unit"].match(w)
    if u and len(w.split()) <= 3:
        return _res().unit_map[clean(u.group(1)).casefold()], 1
    return None, 1


def _scale_of(written: str) -> int:
    key = "".join(written.casefold().split())
    return _table_res()["money_scales"].get(key, 1)


def _header_money(header: str) -> tuple[str | None, int | None]:
    """("money", scale or None) when a header names money, ("rate", None) for a norm per unit, else (None, None).

    A scale word without a currency ("tỷ", "triệu") counts only in brackets: "Kinh phí (triệu)", not "Tỷ lệ"."""
    tr = _table_res()
    if tr["rate"].search(header):
        return "rate", None
    for m in tr["money_unit"].finditer(header):
        u = m.group("u").casefold()
        bracketed = header.rfind("(", 0, m.start()) > header.rfind(")", 0, m.start())
        if not (tr["currency"].search(u) or bracketed):
            continue
        if len(u) == 1 and not bracketed:
            continue  # a bare "đ" only as "(đ)"
        if m.group("per"):
            return "rate", None  # "(triệu đồng/hộ)"
        return "money", _scale_of(m.group("u"))
    if tr["money"].search(header) and not tr["pct"].search(header):
        return "money", None  # "Kinh phí", "Vốn"; but "Tỷ lệ vốn đối ứng (%)" is a share
    return None, None


def _bracketed_unit(h: str) -> bool:
    """A unit a header writes in brackets ("Số người (người)") is its own; a unit word inside a measure's name
    ("Hỗ trợ nhà ở") yields to the unit the table's caption states."""
    return any(_table_res()["unit"].search(b) for b in regex.findall(r"\(([^()]*)\)", h))


def _header_years(h: str) -> list[int]:
    """Years a header speaks of: "năm 2023", and the years of dates ("đến 31/12/2022", "tháng 6/2023")."""
    years = [int(y) for y in _YEAR.findall(h)]
    years += [int(y) for y in _DATE_YEAR.findall(h)]
    return years


def _part_role(part: str, first_year: int | None) -> tuple[str | None, bool]:
    """(role, strong) a header cell gives: strong from a situation or plan word or a year, weak from a word that
    only describes the measure ("Số hộ giảm")."""
    tr = _table_res()
    first = part.split(" ")[0] if part else ""
    years = _header_years(part)
    base = tr["base"].search(part)
    if base and not tr["tgt"].search(first):
        weak = " ".join(base.group(0).casefold().split()) in tr["weak_base"]
        if not (weak and (tr["tgt"].search(part) or years and first_year and max(years) >= first_year)):
            return "baseline", True  # "Tổng số hộ" is where things stand; "Tổng số hộ giảm năm 2023" is not
    if years and first_year:
        return ("target" if max(years) >= first_year else "baseline"), True
    if tr["strong_tgt"].search(part):
        return "target", True
    if tr["tgt"].search(part):
        return "target", False
    return None, False


def _chain_role(chain: tuple[str, ...], first_year: int | None) -> str | None:
    """The role of a column from its header path: the most specific cell with a strong word decides, else a
    weak word anywhere on the path."""
    return _chain_role_strength(chain, first_year)[0]


def _chain_role_strength(chain: tuple[str, ...], first_year: int | None) -> tuple[str | None, bool]:
    """(role, strong) of a header path; a weak role ("Hỗ trợ nhà ở") yields to a role the table's title states."""
    weak = None
    for part in reversed(chain):
        role, strong = _part_role(part, first_year)
        if strong:
            return role, True
        weak = weak or role
    return weak, False


def _title_year(title: str, role: str | None) -> int | None:
    """The year a table's title gives the columns of its role: "Chỉ tiêu … giai đoạn 2022 - 2025" → 2025 for
    the aims, "Thực trạng hộ nghèo đầu năm 2023" → 2023 for the situation (the first year after the word)."""
    tr = _table_res()
    m = tr["tgt_title" if role == "target" else "base_title"].search(title) if role else None
    if m is None:
        return None
    years = [int(y) for y in _YEAR.findall(title[m.end():])]
    if not years:
        return None
    return max(years) if role == "target" else years[0]


def _generic(part: str) -> bool:
    key = " ".join(_PAREN_UNIT.sub(" ", part).casefold().split())
    return key in _table_res()["generic"] or not key


def _lower_caps(s: str) -> str:
    return s.lower() if s.isupper() else s


def _as_tail(s: str) -> str:
    """A header cell read after another: "HỘ NGHÈO" → "hộ nghèo", "Thực trạng" → "thực trạng", "UBND" kept."""
    if s.isupper() and len(s.split()) > 1:
        return s.lower()
    return s[:1].lower() + s[1:] if s[:1].isupper() and s[1:2].islower() else s


_COUNT_OF = regex.compile(r"^(?:tổng\s+)?số(?:\s+lượng)?\s*", regex.I)


def _compose_indicator(chain: tuple[str, ...], left: tuple[str, ...] | None) -> str:
    """Group and sub-header read together: "HỘ NGHÈO" over "Tỷ lệ (%)" is "Tỷ lệ hộ nghèo", never a bare
    "Tỷ lệ (%)"; a flat "Tỷ lệ (%)" is read with the column on its left, and under a heading that only says
    when ("Thực trạng đến 31/12/2022") with the noun of its sibling ("Số hộ nghèo")."""
    if not chain:
        return ""
    own, rest = chain[-1], [_as_tail(p) for p in chain[:-1]]
    if not _generic(own):
        return clean(" ".join([_lower_caps(chain[0])] + [_as_tail(p) for p in chain[1:]]))
    measure = clean(_PAREN_UNIT.sub(" ", own))
    if left and not _generic(left[-1]):
        noun = _COUNT_OF.sub("", _as_tail(left[-1]))
        if not rest:
            rest = [_as_tail(p) for p in left]  # flat: "Hộ nghèo cuối năm 2024 | Tỷ lệ (%)"
        elif noun and noun.casefold() not in " ".join(rest).casefold():
            rest = [noun] + rest  # "Thực trạng … > Số hộ nghèo | Tỷ lệ (%)"
    words = " ".join(rest)
    count_noun = _COUNT_OF.sub("", measure) if _COUNT_OF.match(measure) else ""
    if count_noun and regex.search(rf"(?<!\p{{L}}){regex.escape(count_noun)}(?!\p{{L}})", words, regex.I):
        return clean(words)  # "HỘ NGHÈO" > "Số hộ": the households are the group's
    if not measure:
        return clean(words)
    return clean(f"{measure} {words[:1].lower()}{words[1:]}")


def read_tables(doc: Doc) -> list[TableView]:
    """Every table of the plan with typed columns and data rows (memoised per document)."""
    memo = cache(doc)
    if "tables" in memo:
        return memo["tables"]
    document = doc._.document
    text = document.text
    tr = _table_res()
    views: list[TableView] = []
    prev_end = 0
    for table in document.tables:
        stop, prev_end = prev_end, table.end
        grid = table.grid()
        if not grid or table.n_cols < 2:
            continue
        texts = [[clean(c.text) if c else "" for c in row] for row in grid]
        keep = [i for i, row in enumerate(texts) if not _is_rule_row(row)]
        # header rows: those before the first row with a figure
        first_data = None
        col_label_row = None
        for i in keep:
            row = texts[i]
            filled = sum(1 for t in row if t)
            if all(not t or tr["collabel"].match(t) for t in row) and filled >= max(2, table.n_cols - 1):
                col_label_row = i
                continue
            if _is_data_row(row, tr["collabel"], first=i == keep[0]):
                first_data = i
                break
        if first_data is None:
            continue
        header_rows = [texts[i] for i in keep if i < first_data and i != col_label_row]
        captions = [t for r in header_rows for t in r if t and tr["caption"].match(t)]
        if captions:
            # "ĐVT: triệu đồng" left in a header row is the table's unit, not a column's heading
            header_rows = [["" if t in captions else t for t in r] for r in header_rows]
            header_rows = [r for r in header_rows if any(r)]
        if not header_rows:
            cells, title = _text_header(text, table.start, stop)
            labels = texts[col_label_row] if col_label_row is not None else None
            headers = _assign_flat_header(cells, table.n_cols, labels) if cells else [""] * table.n_cols
            chains = [(h,) if h else () for h in headers]
        else:
            chains = _header_chains(header_rows, table.n_cols)
            headers = [" ".join(ch) for ch in chains]
            title = _title_above(text, table.start, stop)
        caption_unit, caption_scale = _caption(
            text, table.start, stop, [title] + captions + [t for r in header_rows for t in r]
        )
        col_labels = texts[col_label_row] if col_label_row is not None else [""] * table.n_cols
        columns = [
            Column(i, headers[i], None, formula_of=_formula_refs(col_labels[i]) if i < len(col_labels) else (),
                   chain=chains[i])
            for i in range(table.n_cols)
        ]
        view = TableView(table.index, title, columns, caption_unit=caption_unit, caption_scale=caption_scale)
        for i in keep:
            if i < first_data or i == col_label_row:
                continue
            row_cells = grid[i]
            label, label_col = "", None
            for c, t in enumerate(texts[i][:3]):
                if t and not _is_number(t) and not tr["collabel"].match(t):
                    label, label_col = t, c
                    break
            if label_col is None:
                # a year as the row label ("2024 | 51,00 | 4,35")
                t0 = texts[i][0]
                if _YEAR.fullmatch(t0):
                    label, label_col = t0, 0
            if not label and not any(_is_number(t) for t in texts[i]):
                continue
            if view.label_col is None and label_col is not None:
                view.label_col = label_col
            row = Row(i, label, list(row_cells))
            row.total = bool(label) and bool(tr["total"].match(label))
            if label and _YEAR.fullmatch(label):
                row.year = int(label)
            view.rows.append(row)
        _type_columns(doc, view, texts, first_data)
        views.append(view)
    memo["tables"] = views
    return views


def _type_columns(doc: Doc, view: TableView, texts: list[list[str]], first_data: int) -> None:
    tr = _table_res()
    r = _res()
    first_year, _ = plan_years(doc)
    unit_re = tr["unit"]
    lay = layout(doc)
    tables = doc._.document.tables
    table_start = next((t.start for t in tables if t.index == view.index), 0)
    title_role = None
    if tr["base_title"].search(view.title):
        title_role = "baseline"
    if tr["tgt_title"].search(view.title):
        title_role = "target"
    stated_role = title_role  # said by the title itself, not guessed from the section
    if title_role is None:
        kind = lay.kind_at(table_start)
        title_role = {"status": "baseline", "target": "target"}.get(kind or "")
    if view.label_col is not None and view.label_col < len(view.columns):
        label_head = " ".join(view.columns[view.label_col].chain).casefold().strip(" :")
        view.by_indicator = label_head in tr["indicator_label"]
    seen_units: list[str] = []
    weak_role: set[int] = set()  # columns whose role comes only from a word describing the measure
    for col in view.columns:
        h = col.header
        values = [texts[row.index][col.index] for row in view.rows if col.index < len(texts[row.index])]
        numeric = [v for v in values if _is_number(v)]
        if h.casefold().strip(" :") in tr["unit_columns"]:
            view.unit_col = col.index
        if col.index == view.label_col or h.casefold() in tr["skip"] or not numeric:
            col.label = True
            continue
        kind, scale = _header_money(h)
        if view.by_indicator and view.unit_col is not None and kind is None and not tr["pct"].search(h):
            col.unit = "row"  # each row says its unit in the "ĐVT" column
            col.role = _chain_role(col.chain or ((h,) if h else ()), first_year)
            continue
        if kind == "rate":
            income = r.money_rate.search(h) if r.money_target.search(h) else None
            if income is None:
                col.unit = "rate"  # a support norm per unit: neither an amount nor an aim
                continue
            # "Thu nhập bình quân (triệu đồng/người/năm)": an income, an aim like any figure
            col.unit = clean(income.group("unit"))
            seen_units.append(col.unit)
            col.role = _chain_role(col.chain or ((h,) if h else ()), first_year)
            continue
        if kind == "money":
            col.unit = "money"
            if scale is None:  # "Kinh phí" under "ĐVT: triệu đồng"
                scale = view.caption_scale if view.caption_unit == "money" else 1
            col.money_scale = scale
            continue
        if tr["pct"].search(h) or col.formula_of:
            col.unit = "%"
        else:
            found = unit_re.findall(h)
            col.unit = r.unit_map[clean(found[-1]).casefold()] if found else None
            if found and view.caption_unit not in (None, "money") and not _bracketed_unit(h):
                col.unit = view.caption_unit  # "(đơn vị: hộ)" over "Hỗ trợ nhà ở": households, not houses
        if col.unit is None and view.caption_unit == "money" and view.unit_col is None:
            # "ĐVT: triệu đồng" over "Nội dung | Tổng số | NSTW | NSĐP": every figure is money
            col.unit, col.money_scale = "money", view.caption_scale
            continue
        if col.unit is None:
            decimals = [v for v in numeric if _DECIMAL_COMMA.search(v)]
            if decimals and len(decimals) * 2 >= len(numeric):
                col.unit = "%"
        if col.unit is None and view.caption_unit not in (None, "money"):
            col.unit = view.caption_unit
        if col.unit and col.unit != "%":
            seen_units.append(col.unit)
        col.role, strong = _chain_role_strength(col.chain or ((h,) if h else ()), first_year)
        if not strong and col.role is not None:
            weak_role.add(col.index)
    default_unit = max(set(seen_units), key=seen_units.count) if seen_units else None
    if default_unit is None:
        # "Chỉ tiêu giảm hộ nghèo năm 2023 | Xã | Số lượng": the title says what is counted
        found = [r.unit_map[clean(u).casefold()] for u in unit_re.findall(view.title)]
        found = [u for u in found if u not in tr["places"]]  # "giao cho các xã": where, not what
        default_unit = found[-1] if found else None
    for col in view.columns:
        if col.unit == "row":
            col.indicator = _compose_indicator(col.chain, None)
    figures = [c for c in view.columns if not c.label and c.unit not in ("money", "rate", "row")]
    for i, col in enumerate(figures):
        if col.unit is None:
            col.unit = default_unit
        left = next((c for c in reversed(figures[:i]) if not _generic(c.chain[-1] if c.chain else "")
                     and c.chain[:-1] == col.chain[:-1]), None)
        if col.role is None and left is not None and col.chain and _generic(col.chain[-1]):
            col.role = left.role  # "Hộ nghèo cuối năm 2024 | Tỷ lệ (%)": the rate of the count on its left
        if col.index in weak_role and stated_role is not None:
            col.role = stated_role  # "Thực trạng …" over "Đã hỗ trợ nhà ở": the title's word is stronger
        if col.role is None:
            col.role = title_role
        col.indicator = _compose_indicator(col.chain, left.chain if left is not None else None)


def _row_unit(view: TableView, row: Row) -> str | None:
    """A row's unit from the table's "ĐVT" column ("%", "người", "triệu đồng/người/năm"), else from its label
    ("Tỷ lệ hộ nghèo (%)")."""
    if view.unit_col is None or view.unit_col >= len(row.cells) or row.cells[view.unit_col] is None:
        m = _LABEL_UNIT.search(row.label)
        if m:
            return _res().unit_map.get(m.group(1).casefold(), m.group(1))
        return "%" if _table_res()["pct"].match(row.label) else None
    written = clean(row.cells[view.unit_col].text)
    if not written:
        return None
    key = written.casefold()
    if key in _res().unit_map:
        return _res().unit_map[key]
    if "/" in written:
        return written  # a rate kept as written: "triệu đồng/người/năm"
    money = _table_res()["money_unit"].fullmatch(written)
    if money:
        return "money"
    return written


def _table_targets(doc: Doc) -> list[Found]:
    document = doc._.document
    lay = layout(doc)
    scope = issuer_scope(doc)
    first_year, last_year = plan_years(doc)
    starts = {t.index: t.start for t in document.tables}
    out: list[Found] = []
    for view in read_tables(doc):
        kind = lay.kind_at(starts[view.index])
        if kind == "org" and any(_chain_role(c.chain, first_year) == "target" for c in view.columns if not c.label):
            pass  # "Giao chỉ tiêu cho các xã theo biểu sau" in the organisation section: its own headers say aims
        elif kind in _NO_TARGETS - {"report"}:
            continue
        by_year = any(row.year is not None for row in view.rows)
        cols = [c for c in view.columns if not c.label and c.unit not in (None, "money", "rate") and c.role is not None]
        if not cols:
            continue
        years_of = {c.index: _header_years(c.header) or _header_years(c.indicator) for c in cols}
        title_year = {r: _title_year(view.title, r) for r in ("target", "baseline")}
        direction_of = {c.index: _direction(c.header, 0, len(c.header)) or "reach" for c in cols}
        for row in view.rows:
            if by_year and row.total:
                continue  # the sum of a plan's yearly figures is not one more target
            row_unit = _row_unit(view, row) if view.by_indicator else None
            if row_unit == "money":
                continue  # an amount by year is money, not a quantitative aim
            for col in cols:
                cell = row.cells[col.index] if col.index < len(row.cells) else None
                if cell is None:
                    continue
                written = clean(cell.text)
                unit = row_unit or (col.unit if col.unit != "row" else None)
                if unit is None or not written:
                    continue
                value = parse_decimal(written, dot_decimal=unit == "%")
                if value is None:
                    continue
                role = col.role
                if row.year is not None and first_year:
                    role = "target" if row.year >= first_year else "baseline"
                years = years_of[col.index]
                year = row.year or (max(years) if years else title_year.get(role) or last_year)
                if view.by_indicator and row.label:
                    # rows are indicators: the row says what is measured, the column when and in which role
                    what = col.indicator or col.header
                    indicator = f"{row.label} ({what})" if what and len(cols) > 1 else row.label
                    row_scope = scope
                else:
                    indicator = col.indicator or col.header or view.title
                    row_scope = scope if row.total or row.year is not None or not row.label else row.label
                record = Target(
                    indicator=clean(indicator)[:200] or "—",
                    value=float(value),
                    unit=unit,
                    year=year,
                    scope=row_scope,
                    direction=None if role == "baseline" else direction_of[col.index],
                    table=view.index,
                    span=evidence(document, cell.start, cell.end),
                )
                out.append(Found(record, role, cell.start, cell.end, total_row=row.total, row_label=row.label,
                                 indicator_row=view.by_indicator))
    return out


# --- one target once --------------------------------------------------------------------------------------
def _similar(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a.casefold(), b.casefold())


def _dedupe(found: list[Found], text: str) -> list[Found]:
    """Drop a target said again: in another passage of the text, or in a table row the text already gave."""
    kept: list[Found] = []
    for f in found:
        rec = f.record
        dup = None
        if f.label == "target":
            for k in kept:
                kr = k.record
                if k.label != "target" or kr.value != rec.value or kr.value_max != rec.value_max:
                    continue
                if kr.unit != rec.unit and not (f.total_row and k.sentence is not None):
                    continue
                if f.sentence is not None and k.sentence is not None:
                    # figures of one passage are different targets; a figure said again elsewhere is the same
                    if f.region == k.region or kr.scope != rec.scope or kr.year != rec.year:
                        continue
                    need = _SAME_COMMON if rec.value in (0, 1, 100) else _SAME_TARGET
                    sim = _similar(
                        clean(text[k.sentence[0] : k.sentence[1]]), clean(text[f.sentence[0] : f.sentence[1]])
                    )
                    if sim >= need:
                        dup = k
                elif f.sentence is None and k.sentence is not None:
                    # a table row repeating a figure of the text: the total row, or a row the sentence names
                    if f.total_row or (f.row_label and _names(text, k.sentence, f.row_label)) or (
                        f.indicator_row and f.row_label
                        and _similar(f.row_label, clean(text[k.sentence[0] : k.sentence[1]])) >= _SAME_COMMON
                    ):
                        dup = k
                        if f.record.indicator and f.record.indicator not in kr.indicator:
                            kr.indicator = f"{kr.indicator} ({f.record.indicator})"[:250]
                if dup is not None:
                    break
        if dup is None:
            kept.append(f)
    return kept


def _names(text: str, sentence: tuple[int, int], label: str) -> bool:
    words = _res().unit_type_prefix.sub("", label.strip())
    return bool(words) and words.casefold() in clean(text[sentence[0] : sentence[1]]).casefold()


def find(doc: Doc) -> list[Found]:
    """Targets and baselines of the plan (memoised): text first, then tables, repeats removed."""
    memo = cache(doc)
    if "targets" in memo:
        return memo["targets"]
    found = _dedupe(_text_targets(doc) + _table_targets(doc), doc._.document.text)
    memo["targets"] = found
    return found


def run(doc: Doc) -> None:
    for f in find(doc):
        add_span(doc, "targets", f.start, f.end, f.label, f.record)
