"""Targets and baselines: quantitative aims of the plan, kept apart from the figures of the situation.

A target is a number with a unit (%, hộ, người, lớp, công trình … — the vocabulary is data,
xb_targets.yaml) stated as an aim: "giảm còn 0,43%", "Mở 01 lớp tập huấn", "100% người thuộc hộ nghèo
… được cấp thẻ BHYT". The same figures about the present ("Cuối năm 2024 toàn xã có 03 hộ nghèo",
"năm 2023 còn 3,2%") are baselines: told apart by the section they are in (Thực trạng, Phân tích kết quả),
by the year they are about compared with the plan's year, and by cue words. Organisation and budget
sections hold no targets. A target repeated in the plan (in the aims and again in the tasks, or in the text
and in the total row of a table) is counted once.

Per-unit tables give one target per row and column, with the row's unit as scope; a column is a target or
a baseline column by its header (year, "chỉ tiêu", "kết quả rà soát" …) and else by the table's title.
``read_tables`` (also used by budgets) reads a table's header, including headers a converter left above
the grid and multi-level headers flattened into one line.
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
        baseline_cue=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['baseline_cues'])})(?!\p{{L}})", regex.I),
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
def _header_field(doc: Doc, name: str):
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
    period = _header_field(doc, "period")
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
                issue = _header_field(doc, "issue_date")
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
    issuer = _header_field(doc, "issuer")
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


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence-like pieces of text[start:end] (split at blank lines, ";", ". X", list dashes)."""
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


def _reference_years(text: str, s: int, e: int) -> list[int]:
    r = _res()
    years = []
    for m in _YEAR.finditer(text, s, e):
        before = text[max(s, m.start() - 25) : m.start()]
        if r.year_ignore.search(before):
            continue
        if _YEAR_RANGE_AFTER.match(text[m.end() : m.end() + 8]):
            continue  # "2022 - 2025": a period
        if _YEAR_RANGE_BEFORE.search(text[max(s, m.start() - 8) : m.start()]):
            continue
        years.append(int(m.group(0)))
    return years


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
        for s, e, hard in _sentences(text, start, end):
            if lay.in_table(s):
                continue
            if hard:
                para_baseline = False
            i = bisect_left(hints, s)
            numbers = find_numbers(text, s, e, fractions=True) if i < len(hints) and hints[i] < e else None
            if not numbers:
                if r.baseline_cue.search(text, s, e) and not r.target_cue.search(text, s, e):
                    para_baseline = True
                continue
            dates = [(d.start, d.end) for d in find_dates(text, s, e)]
            sent = text[s:e]
            ref_years = _reference_years(text, s, e)
            aim = bool(r.target_cue.search(sent))
            if kind == "status":
                baseline = True
            elif aim:
                baseline = False
            elif ref_years and first_year:
                baseline = max(ref_years) < first_year
            else:
                baseline = para_baseline or bool(r.baseline_cue.search(sent))
            para_baseline = baseline
            figures = [(n, got) for n in numbers if (got := _figure(text, s, e, n, dates)) is not None]
            for k, (n, (unit, unit_end)) in enumerate(figures):
                next_figure = figures[k + 1][0].start if k + 1 < len(figures) else None
                years = ref_years or ([last_year] if last_year else [])
                label = "baseline" if baseline else "target"
                paren = next((m for m in _PAREN.finditer(text, s, e) if m.start() < n.start < m.end()), None)
                if paren is not None:
                    # an aside in brackets speaks of its own year: "(năm 2023 đạt 56,4%)"
                    inner = _reference_years(text, paren.start(), paren.end())
                    if inner and first_year:
                        years = inner
                        label = "baseline" if max(inner) < first_year else "target"
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
        if not rate or not r.money_target.search(text, s, e):
            return None
        unit, unit_end = clean(rate.group("unit")), rate.end()
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
    unit: str | None  # "%", "hộ" … ; "money" for amounts
    money_scale: int = 1
    role: str | None = None  # target | baseline | None (not a figure column)
    label: bool = False
    formula_of: tuple[int, ...] = ()


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


def _is_number(cell_text: str) -> bool:
    t = cell_text.strip()
    return bool(t) and parse_decimal(t) is not None


@lru_cache(maxsize=1)
def _table_res() -> dict:
    t = _res().t
    return {
        "total": regex.compile(rf"^(?:{phrase_alt(t['total_rows'])})(?!\p{{L}})", regex.I),
        "label": {x.casefold() for x in t["label_columns"]},
        "skip": {x.casefold() for x in t["skip_columns"]},
        "pct": regex.compile(rf"(?:{phrase_alt(t['percent_headers'])})", regex.I),
        "money": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['money_headers'])})(?!\p{{L}})", regex.I),
        "base": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['baseline_headers'])})(?!\p{{L}})", regex.I),
        "tgt": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['target_headers'])})(?!\p{{L}})", regex.I),
        "tgt_title": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['target_titles'])})(?!\p{{L}})", regex.I),
        "base_title": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(t['baseline_titles'])})(?!\p{{L}})", regex.I),
        "collabel": regex.compile(t["column_label"]),
        "unit": regex.compile(
            rf"(?<!\p{{L}})({phrase_alt(k for k in _res().unit_map if k != '%')})(?!\p{{L}})", regex.I
        ),
    }


_CELL_SPLIT = regex.compile(r"\s*(?:\||\t)\s*|\n")


def _text_header(text: str, table_start: int) -> tuple[list[str], str]:
    """Header cells a converter left above the grid, and the title lines above them."""
    lines = text[max(0, table_start - 1500) : table_start].split("\n")
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


def read_tables(doc: Doc) -> list[TableView]:
    """Every table of the plan with typed columns and data rows (memoised per document)."""
    memo = cache(doc)
    if "tables" in memo:
        return memo["tables"]
    document = doc._.document
    text = document.text
    tr = _table_res()
    views: list[TableView] = []
    for table in document.tables:
        grid = table.grid()
        if not grid or table.n_cols < 2:
            continue
        texts = [[clean(c.text) if c else "" for c in row] for row in grid]
        # header rows: those before the first row with a figure
        first_data = None
        col_label_row = None
        for i, row in enumerate(texts):
            filled = sum(1 for t in row if t)
            if all(not t or tr["collabel"].match(t) for t in row) and filled >= max(2, table.n_cols - 1):
                col_label_row = i
                continue
            if any(_is_number(t) for t in row[1:]) and any(t and not _is_number(t) for t in row[:3]) or (
                sum(1 for t in row if _is_number(t)) >= 2
            ):
                first_data = i
                break
        if first_data is None:
            continue
        header_rows = [texts[i] for i in range(first_data) if i != col_label_row]
        title = ""
        if not header_rows:
            cells, title = _text_header(text, table.start)
            labels = texts[col_label_row] if col_label_row is not None else None
            headers = _assign_flat_header(cells, table.n_cols, labels) if cells else [""] * table.n_cols
        else:
            # merged header cells left empty by the converter belong to the cell on their left
            filled = [list(r) for r in header_rows]
            for r_i in range(len(filled) - 1):
                for c in range(1, table.n_cols):
                    below = any(filled[k][c] for k in range(r_i + 1, len(filled)))
                    if not filled[r_i][c] and below and filled[r_i][c - 1]:
                        filled[r_i][c] = filled[r_i][c - 1]
            headers = [" ".join(dict.fromkeys(r[c] for r in filled if r[c])) for c in range(table.n_cols)]
            _, title = _text_header(text, table.start)
        col_labels = texts[col_label_row] if col_label_row is not None else [""] * table.n_cols
        columns = [
            Column(i, headers[i], None, formula_of=_formula_refs(col_labels[i]) if i < len(col_labels) else ())
            for i in range(table.n_cols)
        ]
        view = TableView(table.index, title, columns)
        for i in range(first_data, len(grid)):
            if i == col_label_row:
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
    if title_role is None:
        kind = lay.kind_at(table_start)
        title_role = {"status": "baseline", "target": "target"}.get(kind or "")
    seen_units: list[str] = []
    for col in view.columns:
        h = col.header
        values = [texts[row.index][col.index] for row in view.rows if col.index < len(texts[row.index])]
        numeric = [v for v in values if _is_number(v)]
        if col.index == view.label_col or h.casefold() in tr["skip"] or not numeric:
            col.label = True
            continue
        if tr["money"].search(h):
            col.unit = "money"
            col.money_scale = _money_scale(h)
            continue
        if tr["pct"].search(h) or col.formula_of:
            col.unit = "%"
        else:
            found = unit_re.findall(h)
            col.unit = r.unit_map[clean(found[-1]).casefold()] if found else None
        if col.unit is None:
            decimals = [v for v in numeric if _DECIMAL_COMMA.search(v)]
            if decimals and len(decimals) * 2 >= len(numeric):
                col.unit = "%"
        if col.unit and col.unit != "%":
            seen_units.append(col.unit)
        years = [int(y) for y in _YEAR.findall(h)]
        if tr["base"].search(h) and not tr["tgt"].search(h.split(" ")[0] if h else ""):
            col.role = "baseline"
        elif years and first_year:
            col.role = "target" if max(years) >= first_year else "baseline"
        elif tr["tgt"].search(h):
            col.role = "target"
        else:
            col.role = title_role
    default_unit = max(set(seen_units), key=seen_units.count) if seen_units else None
    for col in view.columns:
        if not col.label and col.unit is None:
            col.unit = default_unit


def _money_scale(header: str) -> int:
    h = header.casefold()
    if "tỷ" in h or "tỉ" in h:
        return 1_000_000_000
    if "triệu" in h:
        return 1_000_000
    if "nghìn" in h or "ngàn" in h:
        return 1_000
    return 1


def _table_targets(doc: Doc) -> list[Found]:
    document = doc._.document
    lay = layout(doc)
    scope = issuer_scope(doc)
    first_year, last_year = plan_years(doc)
    out: list[Found] = []
    for view in read_tables(doc):
        table = next(t for t in document.tables if t.index == view.index)
        if lay.kind_at(table.start) in _NO_TARGETS - {"report"}:
            continue
        by_year = any(row.year is not None for row in view.rows)
        for row in view.rows:
            if by_year and row.total:
                continue  # the sum of a plan's yearly figures is not one more target
            for col in view.columns:
                if col.label or col.unit in (None, "money") or col.role is None:
                    continue
                cell = row.cells[col.index] if col.index < len(row.cells) else None
                if cell is None or not _is_number(clean(cell.text)):
                    continue
                value = parse_decimal(clean(cell.text), dot_decimal=col.unit == "%")
                if value is None:
                    continue
                role = col.role
                if row.year is not None and first_year:
                    role = "target" if row.year >= first_year else "baseline"
                years = [int(y) for y in _YEAR.findall(col.header)]
                year = row.year or (max(years) if years else last_year)
                row_scope = scope if row.total or row.year is not None or not row.label else row.label
                indicator = col.header or view.title
                record = Target(
                    indicator=clean(indicator)[:200] or "—",
                    value=float(value),
                    unit=col.unit,
                    year=year,
                    scope=row_scope,
                    direction=None if role == "baseline" else _direction(col.header, 0, len(col.header)) or "reach",
                    table=view.index,
                    span=evidence(document, cell.start, cell.end),
                )
                out.append(Found(record, role, cell.start, cell.end, total_row=row.total, row_label=row.label))
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
                    if f.total_row or (f.row_label and _names(text, k.sentence, f.row_label)):
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
