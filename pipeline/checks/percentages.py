"""Percentages against their counts: "03 hộ, tỷ lệ 58,8%" is checked against the base the plan states.

Three rules, all reading the normalised text and tables directly:

- ``pct_mismatch``: a count paired with a percentage ("N hộ …, chiếm/tỷ lệ P%", "P%, tương đương N hộ")
  that no base stated in the plan explains. It is reported when the plan states the base the percentage
  must be of (the total of the group a list is about: "… thiếu hụt … của hộ nghèo:" → the "17 hộ nghèo"
  stated above; the households of the unit: "toàn xã có 623 hộ"), or, when no base is stated, when the
  base the percentage implies is impossible for the unit ("3 hộ = 0,001%" of a commune is 300.000
  households). In tables, a rate column whose rows follow count/total on most rows is checked row by row.
- ``implied_base_conflict``: several percentages in one paragraph or list that imply different bases,
  at least one of which the plan never states.

Every base is compared with the rounding the percentage is written with (one unit of its last digit) and
the rounding of the count (a count is a whole number), so correct statements stay quiet; when any number
the plan states explains a percentage, the rule keeps quiet too: precision matters more than recall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import regex

from kehoach.pipeline.checks.arithmetic import (Column, TableView, cell_value, decimals, formula_findings,
                                                 row_slice, table_views)
from kehoach.pipeline.checks.registry import CheckContext, config, rule
from kehoach.pipeline.numbers import NUMBER, parse_decimal

_NUM = rf"(?<![\d.,/\p{{L}}])(?:{NUMBER})(?![\d/]|[.,]\d)"
_RANGE = rf"{_NUM}(?:\s*[-–]\s*{_NUM})?"

DEFAULT_UNITS = ["hộ gia đình", "hộ", "nhân khẩu", "khẩu", "người", "lao động", "học sinh", "trẻ em", "trẻ"]
DEFAULT_KEYWORDS = ["chiếm tỷ lệ", "chiếm tỉ lệ", "chiếm", "tỷ lệ", "tỉ lệ", "tương đương", "tương ứng", "bằng", "đạt"]
DEFAULT_CATEGORIES = ["cận nghèo", "mới thoát nghèo", "thoát cận nghèo", "thoát nghèo", "nghèo", "dân tộc thiểu số",
                      "DTTS", "khuyết tật", "bảo trợ xã hội"]
DEFAULT_MAX_BASE = {"xa": {"hộ": 50000, "người": 250000}, "huyen": {"hộ": 400000, "người": 1600000},
                    "tinh": {"hộ": 3500000, "người": 14000000}, "trung_uong": {"hộ": 30000000, "người": 110000000}}
_PERSON_UNITS = {"nhân khẩu", "khẩu", "người", "lao động", "học sinh", "trẻ em", "trẻ"}
_LEVEL_WORDS = {"xa": r"xã|phường|thị\s+trấn", "huyen": r"huyện|quận|thị\s+xã|thành\s+phố", "tinh": r"tỉnh"}
# "toàn xã", "trên địa bàn huyện", "của tỉnh": the level a percentage's clause speaks of
_LEVEL_SCOPE = {level: regex.compile(rf"(?:toàn|trên\s+địa\s+bàn|của|cả)\s+(?:{words})(?!\p{{L}})", regex.I)
                for level, words in _LEVEL_WORDS.items()}
_RANGE_DASH = regex.compile(r"\s*[-–]\s*")
_WORDS_BEFORE_PUNCTUATION = regex.compile(r"\s*([^,;.:()\d]*)")
_CLAUSE_PUNCTUATION = regex.compile(r"[,;.:]")
_WHOLE_OF_UNIT = regex.compile(r"(?:toàn|tổng\s+số|có)\s+(?:[\p{L}]+\s+){0,3}$", regex.I)  # "toàn xã có"
_SUBSET_CUT = regex.compile(r"(?<!\p{L})trong\s+(?:số\s+)?đó(?!\p{L})|;", regex.I)  # "trong đó", "trong số đó"
_NUMBER_TOKEN = regex.compile(_NUM)
_LIST_ITEM = regex.compile(r"^[-+•*]")
_PCT_LINE = regex.compile(r"^[\d,.]+\s*%")  # the wrapped end of an item: "70,59%."


def _alt(words: list[str]) -> str:
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@dataclass
class Count:
    value: Decimal
    value_max: Decimal | None
    unit: str
    start: int
    end: int
    category: frozenset[str] = frozenset()
    universe: bool = False  # "toàn xã có 623 hộ": all households of the unit


@dataclass
class Pct:
    """A percentage with the counts it is stated with."""

    lo: Decimal
    hi: Decimal
    places: int
    start: int  # span of the number and "%"
    end: int
    counts: list[Count]
    clause_start: int
    explicit_subgroup: bool = False  # "… chiếm 69,48% tổng số hộ nghèo"
    base_category: frozenset[str] = frozenset()  # the group that explicit base names
    group: int = -1
    header_category: frozenset[str] | None = None

    @property
    def unit(self) -> Decimal:
        return Decimal(1) / Decimal(10) ** self.places


@dataclass
class Grammar:
    count: regex.Pattern
    pct_after_count: regex.Pattern
    count_after_pct: regex.Pattern
    category: regex.Pattern
    categories: list[str]
    units: list[str]
    subgroup: regex.Pattern  # after a percentage: "… của tổng số hộ nghèo DTTS", the base it is of


_GRAMMARS: dict[tuple, Grammar] = {}


def grammar(conf: dict) -> Grammar:
    units = conf.get("count_units", DEFAULT_UNITS)
    keywords = conf.get("keywords", DEFAULT_KEYWORDS)
    categories = conf.get("categories", DEFAULT_CATEGORIES)
    key = (tuple(units), tuple(keywords), tuple(categories))
    if key not in _GRAMMARS:
        unit_alt = _alt(units)
        kw_alt = _alt(keywords)
        count = regex.compile(rf"(?P<n>{_RANGE})\s+(?P<unit>{unit_alt})(?!\p{{L}})", regex.I)
        pct_after_count = regex.compile(
            rf"(?P<n>{_RANGE})\s+(?P<unit>{unit_alt})(?!\p{{L}})(?P<mid>[^;%\n]{{0,120}}?)"
            rf"(?:\(\s*)?(?P<kw>{kw_alt}|giảm|tăng)(?:\s+(?:là|khoảng|còn|xuống|trên|dưới))?\s*:?\s*"
            rf"(?P<p>{_RANGE})\s*%", regex.I)
        count_after_pct = regex.compile(
            rf"(?P<p>{_RANGE})\s*%(?:\s*/\s*năm)?(?:\s+trở\s+(?:lên|xuống))?\s*[,(]?\s*(?:tương\s+(?:đương|ứng)|khoảng|bằng)"
            rf"(?:\s+với)?(?:\s+(?:giảm|tăng))?(?:\s+(?:khoảng|tối\s+thiểu|từ|ít\s+nhất|trên|dưới))?\s+"
            rf"(?P<n>{_RANGE})\s+(?P<unit>{unit_alt})(?!\p{{L}})", regex.I)
        category = regex.compile(rf"(?<!\p{{L}})(?:{_alt(categories)})(?!\p{{L}})", regex.I)
        subgroup = regex.compile(
            rf"\s*(?:của\s+|trong\s+|so\s+với\s+)?(?:tổng\s+)?(?:số\s+)?hộ\s+(?:đồng\s+bào\s+)?"
            rf"(?P<cat>(?:{_alt(categories)})(?:\s+(?:{_alt(categories)}))*)", regex.I)
        _GRAMMARS[key] = Grammar(count, pct_after_count, count_after_pct, category, categories, units, subgroup)
    return _GRAMMARS[key]


def _range(text: str) -> tuple[Decimal, Decimal | None] | None:
    parts = _RANGE_DASH.split(text.strip())
    vals = [parse_decimal(p) for p in parts]
    if any(v is None for v in vals):
        return None
    if len(vals) == 2:
        if vals[1] <= vals[0]:
            return None
        return vals[0], vals[1]
    return vals[0], None


def _category_key(g: Grammar, text: str) -> frozenset[str]:
    """The groups a phrase names: "hộ nghèo dân tộc thiểu số" → {nghèo, dân tộc thiểu số}."""
    out = set()
    for m in g.category.finditer(text):
        found = " ".join(m.group(0).casefold().split())
        out.add("dân tộc thiểu số" if found == "dtts" else found)
    return frozenset(out)


def find_counts(text: str, conf: dict) -> list[Count]:
    """Every "N unit" in the text, with the group it counts ("17 hộ nghèo" → nghèo) and whether it is the
    whole of the unit ("toàn xã có 623 hộ", "Tổng số hộ dân cư: 2.991")."""
    g = grammar(conf)
    out: list[Count] = []
    for m in g.count.finditer(text):
        r = _range(m.group("n"))
        if r is None:
            continue
        unit = " ".join(m.group("unit").casefold().split())
        after = text[m.end():m.end() + 40].split("\n")[0]
        before = text[max(0, m.start() - 40):m.start()].split("\n")[-1]
        after_words = _WORDS_BEFORE_PUNCTUATION.match(after).group(1)
        category = _category_key(g, after_words[:30]) or _category_key(g, _CLAUSE_PUNCTUATION.split(before)[-1])
        universe = not category and bool(_WHOLE_OF_UNIT.search(before)) and unit in ("hộ", "hộ gia đình")
        out.append(Count(r[0], r[1], unit, m.start("n"), m.end("unit"), category, universe))
    return out


def find_pcts(text: str, conf: dict, all_counts: list[Count] | None = None) -> list[Pct]:
    """Percentages stated with a count, in reading order (``all_counts``: find_counts(text, conf) if known)."""
    g = grammar(conf)
    if all_counts is None:
        all_counts = find_counts(text, conf)
    found: dict[int, Pct] = {}
    for m in g.pct_after_count.finditer(text):
        p = _range(m.group("p"))
        if p is None:
            continue
        clause_start = m.start()
        clause = text[clause_start:m.start("kw")]
        cut = None
        for cm in _SUBSET_CUT.finditer(clause):
            cut = cm.end()
        lo = clause_start + (cut or 0)
        counts = [c for c in all_counts if lo <= c.start and c.end <= m.start("kw")]
        if len(counts) > 1:
            counts = [c for c in counts if not c.universe] or counts
        if not counts:
            continue
        places = max(decimals(x) for x in _RANGE_DASH.split(m.group("p").strip()))
        tail = text[m.end():m.end() + 40]
        sub = g.subgroup.match(tail)
        found[m.start("p")] = Pct(p[0], p[1] or p[0], places, m.start("p"), m.end(), counts, m.start(),
                                  explicit_subgroup=sub is not None,
                                  base_category=_category_key(g, sub.group("cat")) if sub else frozenset())
    for m in g.count_after_pct.finditer(text):
        if m.start("p") in found:
            continue
        p = _range(m.group("p"))
        n = _range(m.group("n"))
        if p is None or n is None:
            continue
        places = max(decimals(x) for x in _RANGE_DASH.split(m.group("p").strip()))
        unit = " ".join(m.group("unit").casefold().split())
        count = Count(n[0], n[1], unit, m.start("n"), m.end("unit"))
        pct_end = text.index("%", m.start("p")) + 1
        found[m.start("p")] = Pct(p[0], p[1] or p[0], places, m.start("p"), pct_end, [count], m.start())
    return [found[k] for k in sorted(found)]


def _consistent(pct: Pct, count: Count, base: Decimal, slack: Decimal) -> bool:
    """Whether count/base is the percentage as written: within one unit of its last digit, or the count is a
    rounding of percentage × base."""
    if base <= 0:
        return False
    n_lo, n_hi = count.value, count.value_max or count.value
    if n_hi > base and pct.hi < 100:
        return False
    tol = pct.unit + slack
    r_lo, r_hi = n_lo * 100 / base, n_hi * 100 / base
    if r_hi >= pct.lo - tol and r_lo <= pct.hi + tol:
        return True
    return count_rounds(n_lo, n_hi, pct.lo, pct.hi, base, pct.places)


def count_rounds(n_lo: Decimal, n_hi: Decimal, p_lo: Decimal, p_hi: Decimal, base: Decimal, places: int,
                 min_base: Decimal = Decimal(100)) -> bool:
    """Whether the count is percentage × base rounded to a whole number ("3,00% of 1.240 hộ, tương ứng 37 hộ").
    Only for bases large enough that a whole count cannot give the percentage to its last digit."""
    if base < min_base:
        return False
    half = Decimal(1) / Decimal(10) ** places / 2
    c_lo = ((p_lo - half) * base / 100).to_integral_value(rounding="ROUND_HALF_UP")
    c_hi = ((p_hi + half) * base / 100).to_integral_value(rounding="ROUND_HALF_UP")
    return n_hi >= c_lo and n_lo <= c_hi


def _explained(pct: Pct, bases: list[Decimal], slack: Decimal) -> bool:
    if all(c.value == 0 and not c.value_max for c in pct.counts):
        return True  # "00 hộ, tỷ lệ 00%"
    return any(_consistent(pct, c, b, slack) for c in pct.counts for b in bases)


def _weak_bases(text: str) -> list[Decimal]:
    """Every whole number ≥ 10 the plan writes (years and dates excluded): a percentage any of them explains
    is not reported."""
    out = set()
    for m in _NUMBER_TOKEN.finditer(text):
        v = _weak_base(m.group(0))
        if v is not None:
            out.add(v)
    return sorted(out)


@lru_cache(maxsize=1 << 12)
def _weak_base(s: str) -> Decimal | None:
    """The whole number ≥ 10 a numeral writes, or None (a decimal, a year, a small number)."""
    if "," in s:
        return None
    v = parse_decimal(s)
    if v is None or v < 10 or v != v.to_integral_value():
        return None
    if 1990 <= v <= 2100 and "." not in s:
        return None
    return v


def _table_bases(views: list[TableView]) -> list[Decimal]:
    """Totals a table states: its total rows, and every row of a "Tổng số …" column."""
    out = set()
    for view in views:
        for row in view.rows:
            for col in view.columns:
                if col.rate or not col.numeric or not (row.total or "tổng" in col.header.casefold()):
                    continue
                cell = row.cells[col.index]
                v = cell_value(cell.text) if cell is not None else None
                if v is not None and v > 0:
                    out.add(v)
    return sorted(out)


@dataclass
class Analysis:
    pcts: list[Pct]
    counts: list[Count]
    strong: list[Decimal]
    weak: list[Decimal]
    groups: dict[int, list[Pct]] = field(default_factory=dict)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: runs of text between blank lines or list markers; a line broken before its last
    number ("tỷ lệ\\n\\n70,59%.") stays with its paragraph."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _group(text: str, pcts: list[Pct], g: Grammar) -> None:
    """Give each percentage a group: the list it is an item of (under a header line ending with ":"), or its
    line. A list header names the category its items count ("… của hộ nghèo:")."""
    lines = _paragraphs(text)
    line_of = {}
    for i, (a, b) in enumerate(lines):
        line_of[i] = (a, b)
    header: tuple[int, str | None] | None = None
    group_of_line: dict[int, tuple[int, str | None]] = {}
    for i, (a, b) in enumerate(lines):
        s = text[a:b].strip()
        item = bool(_LIST_ITEM.match(s))
        if s.endswith(":"):
            header = (i, _category_key(g, s) or None)
            continue
        if item and header is not None:
            group_of_line[i] = header
        elif _PCT_LINE.match(s) and i - 1 in group_of_line:
            group_of_line[i] = group_of_line[i - 1]  # the wrapped end of the previous item
        else:
            header = None
    starts = [a for a, _ in lines]
    import bisect

    for p in pcts:
        i = bisect.bisect_right(starts, p.clause_start) - 1
        if i in group_of_line:
            gid, cat = group_of_line[i]
            p.group, p.header_category = -(gid + 1), cat
        else:
            p.group = i


def analyse(ctx: CheckContext) -> Analysis:
    cache = getattr(ctx, "_pct_analysis", None)
    if cache is not None and cache[0] is ctx.document:
        return cache[1]
    conf = config().get("pct_mismatch", {})
    text = ctx.document.text
    g = grammar(conf)
    counts = find_counts(text, conf)
    pcts = find_pcts(text, conf, counts)
    views = table_views(ctx.document)
    _group(text, pcts, g)
    # the counts of list items are numerators of their own percentages, not bases for their neighbours
    numerators = {(c.start, c.end) for p in pcts if p.header_category is not None or p.group < 0 for c in p.counts}
    strong = sorted({c.value for c in counts if c.value > 0 and (c.start, c.end) not in numerators}
                    | set(_table_bases(views)))
    weak = sorted(set(_weak_bases(text)) - {c.value for c in counts if (c.start, c.end) in numerators} | set(strong))
    groups: dict[int, list[Pct]] = {}
    for p in pcts:
        groups.setdefault(p.group, []).append(p)
    result = Analysis(pcts, counts, strong, weak, groups)
    ctx._pct_analysis = (ctx.document, result)
    return result


def _stated_base(a: Analysis, p: Pct) -> Count | None:
    """The base the plan states for this percentage: for a list item, the total of the group its header names;
    for a group count ("241 hộ nghèo, chiếm …"), the households of the unit stated before it."""
    before = [c for c in a.counts if c.end <= p.clause_start]
    unit = p.counts[0].unit
    if p.explicit_subgroup:
        cands = [c for c in before if c.category == p.base_category and c.value_max is None and c.unit == unit]
        return cands[-1] if cands else None
    if p.header_category:
        cands = [c for c in before if c.category == p.header_category and c.value_max is None and c.unit == unit]
        if cands:
            recent = cands[-6:]
            return max(recent, key=lambda c: c.value)
        return None
    if any(c.category for c in p.counts) and not p.explicit_subgroup:
        cands = [c for c in before if c.universe and c.value_max is None and c.start >= p.clause_start - 600]
        if cands:
            return cands[-1]
    return None


def _level(ctx: CheckContext, p: Pct) -> str | None:
    text = ctx.document.text
    line_start = text.rfind("\n", 0, p.clause_start) + 1
    window = text[line_start:p.end]
    for level in ("xa", "huyen", "tinh"):
        if _LEVEL_SCOPE[level].search(window):
            return level
    return ctx.plan.issuer.level


def _fmt_pct(v: Decimal) -> str:
    return f"{v.quantize(Decimal('0.01'))}".replace(".", ",")


def _fmt_n(v: Decimal) -> str:
    s = f"{v.quantize(Decimal(1)):f}"
    groups = []
    while len(s) > 3:
        groups.insert(0, s[-3:])
        s = s[:-3]
    return ".".join([s] + groups)


def _written(ctx: CheckContext, p: Pct) -> str:
    return " ".join(ctx.text(p.start, p.end).split())


def _quote(ctx: CheckContext, p: Pct) -> str:
    return " ".join(ctx.text(p.counts[0].start if p.counts[0].start < p.start else p.start,
                             max(p.end, p.counts[-1].end)).split())


_BASE_PHRASE = regex.compile(r"[ \t]*(?:của|trong|so\s+với|trên)?[ \t]*(?:tổng\s+số|tổng|số)\s+[^,;.\n()]{1,60}", regex.I)


def _evidence(ctx: CheckContext, p: Pct):
    """The clause of the percentage: from the group it counts ("hộ nghèo dân tộc thiểu số 2.846 hộ") to the base
    it names ("… chiếm 31,52% tổng số hộ dân tộc thiểu số")."""
    text = ctx.document.text
    start = min([p.start] + [c.start for c in p.counts])
    end = max([p.end] + [c.end for c in p.counts])
    bound = max(text.rfind(ch, 0, start) for ch in ";:\n") + 1
    piece = text[bound:start]
    lead = len(piece) - len(piece.lstrip(" \t*"))
    if len(piece) - lead <= 80:
        start = bound + lead
    m = _BASE_PHRASE.match(text, end)
    if m:
        end = m.end()
    return ctx.span(start, end)


@rule("pct_mismatch", "warning",
      "\"{quote}\": {detail}",
      "\"{quote}\": {detail_en}")
def pct_mismatch(ctx: CheckContext):
    a = analyse(ctx)
    slack = Decimal(str(ctx.config.get("slack", 0)))
    bases = sorted(set(a.strong) | set(a.weak))
    max_base = ctx.config.get("max_base", DEFAULT_MAX_BASE)
    for p in a.pcts:
        if _explained(p, bases, slack):
            continue
        count = p.counts[0]
        stated = _stated_base(a, p)
        if stated is not None:
            actual = count.value * 100 / stated.value
            detail = (f"tính lại trên mẫu số đã nêu {_fmt_n(stated.value)} {stated.unit} "
                      f"(dòng {ctx.span(stated.start, stated.end).line}) là {_fmt_pct(actual)}%, không phải "
                      f"{_written(ctx, p)}")
            detail_en = (f"on the stated base of {_fmt_n(stated.value)} ({stated.unit}) it is {_fmt_pct(actual)}%, "
                         f"not {_written(ctx, p)}")
            yield [_evidence(ctx, p), ctx.span(stated.start, stated.end)], {
                "quote": _quote(ctx, p), "detail": detail, "detail_en": detail_en,
                "stated_base": float(stated.value), "expected_pct": float(round(actual, 2))}
            continue
        if p.hi <= 0:
            continue
        implied = count.value * 100 / p.hi  # ("đạt 125% kế hoạch" is no defect: only a base too large is)
        level = _level(ctx, p) or "trung_uong"
        kind = "người" if count.unit in _PERSON_UNITS else "hộ"
        limit = Decimal(str((max_base.get(level) or {}).get(kind, 0)))
        if not limit or implied <= limit:
            continue
        detail = (f"{_fmt_n(count.value)} {count.unit} = {_written(ctx, p)} ngụ ý tổng số "
                  f"{_fmt_n(implied)} {count.unit}, không thể có ở đơn vị này; văn bản không nêu mẫu số")
        detail_en = (f"{_fmt_n(count.value)} = {_written(ctx, p)} implies a base of {_fmt_n(implied)}, impossible "
                     f"for this unit; the plan states no base")
        yield [_evidence(ctx, p)], {"quote": _quote(ctx, p), "detail": detail, "detail_en": detail_en,
                                    "implied_base": float(round(implied, 1))}
    yield from _table_findings(ctx)
    for spans, data in formula_findings(ctx, division=True, slack=slack):  # "3=2/1": a rate column's formula
        yield spans, {"quote": " ".join((spans[0].text or "").split()),
                      "detail": f"{data['what']} ghi {data['stated']} nhưng theo công thức \"{data['formula']}\" là "
                                f"{data['computed']}",
                      "detail_en": f"{data['what_en']} says {data['stated']} but its formula \"{data['formula']}\" "
                                   f"gives {data['computed']}", "formula": data["formula"]}


def _table_findings(ctx: CheckContext):
    share = float(ctx.config.get("table_min_share", 0.6))
    for view in table_views(ctx.document):
        for row, rate, num, den, expected, stated in table_pct_mismatches(view, share):
            cell = row.cells[rate.index]
            spans = [ctx.span(*row_slice(row, cell))]
            if rate.header_cell is not None:
                spans.append(ctx.span(rate.header_cell.start, rate.header_cell.end))
            n_cell, d_cell = row.cells[num.index], row.cells[den.index]
            column = (rate.header.split(" / ")[-1] if rate.header else rate.label) or ""
            row_name = " ".join((row.label or row.tt).split())
            quote = " ".join(c.text.strip() for c in row.cells if c is not None and c.text.strip())
            yield spans, {
                "quote": quote,
                "detail": f"cột \"{column}\" ghi {_fmt_pct(stated)}% nhưng {n_cell.text.strip()}/{d_cell.text.strip()} "
                          f"= {_fmt_pct(expected)}% (các dòng khác của bảng đều theo phép tính này)",
                "detail_en": f"column \"{column}\" says {_fmt_pct(stated)}% but {n_cell.text.strip()}/{d_cell.text.strip()} "
                             f"= {_fmt_pct(expected)}% (the other rows follow this rule)",
                "row": row_name, "expected_pct": float(round(expected, 2))}


def _implied_interval(p: Pct) -> tuple[Decimal, Decimal] | None:
    c = p.counts[0]
    if c.value_max is not None or p.hi != p.lo or c.value == 0 or p.lo <= 0:
        return None
    half = p.unit / 2
    lo_pct, hi_pct = p.lo - half, p.lo + half
    if lo_pct <= 0:
        return None
    return c.value * 100 / hi_pct, c.value * 100 / lo_pct


@rule("implied_base_conflict", "warning",
      "Các tỷ lệ trong cùng đoạn/danh sách ngụ ý các mẫu số khác nhau: {bases}.",
      "Percentages in one paragraph or list imply different bases: {bases}.")
def implied_base_conflict(ctx: CheckContext):
    a = analyse(ctx)
    bases = sorted(set(a.strong) | set(a.weak))
    min_items = int(ctx.config.get("min_items", 2))
    families: list[list[Pct]] = []
    for _, pcts in sorted(a.groups.items(), key=lambda kv: kv[1][0].start):
        for family in (True, False):  # households and persons are never one base
            families.append([p for p in pcts if (p.counts[0].unit in _PERSON_UNITS) == family])
    for pcts in families:
        items = [(p, iv) for p in pcts if not p.explicit_subgroup and (iv := _implied_interval(p)) is not None]
        if len(items) < min_items:
            continue
        clusters: list[list[tuple[Pct, tuple[Decimal, Decimal]]]] = []
        for p, iv in sorted(items, key=lambda x: x[1][0]):
            if clusters and iv[0] <= max(x[1][1] for x in clusters[-1]):
                clusters[-1].append((p, iv))
            else:
                clusters.append([(p, iv)])
        if len(clusters) < 2:
            continue

        def explained(cluster) -> bool:
            lo = min(x[1][0] for x in cluster)
            hi = max(x[1][1] for x in cluster)
            return any(lo - Decimal("0.5") <= b <= hi + Decimal("0.5") for b in bases)

        unexplained = [c for c in clusters if not explained(c)]
        if not unexplained:
            continue
        parts = []
        for c in clusters:
            first = c[0][0]
            mid = first.counts[0].value * 100 / first.lo
            parts.append(f"≈{_fmt_n(mid)} ({', '.join(_quote(ctx, p) for p, _ in c)})")
        spans = [_evidence(ctx, p) for p, _ in items]
        yield spans, {"bases": "; ".join(parts), "clusters": len(clusters)}


def table_pct_mismatches(view: TableView, min_share: float = 0.6, min_rows: int = 3):
    """Rows of a rate column that break the count/total rule most of its rows follow."""
    numeric = [c for c in view.columns if c.numeric and not c.rate and c.index > 0]
    rows = view.rows

    def values(col: Column) -> list[Decimal | None]:  # each row's number in the column (None: no cell or number)
        return [cell_value(c.text) if (c := row.cells[col.index]) is not None else None for row in rows]

    by_column = {col.index: values(col) for col in numeric}
    for rate in view.columns:
        if not rate.rate or not rate.numeric or (rate.label and "=" in rate.label):
            continue
        rates = values(rate)
        places = [decimals(c.text) if (c := row.cells[rate.index]) is not None else 0 for row in rows]
        best = None
        for num in numeric:
            for den in numeric:
                if num is den:
                    continue
                ok, bad, seen = 0, [], 0
                for row, n, d, r, p in zip(rows, by_column[num.index], by_column[den.index], rates, places):
                    if n is None or d is None or r is None or d <= 0:
                        continue
                    seen += 1
                    unit = Decimal(1) / Decimal(10) ** p
                    if abs(n * 100 / d - r) <= unit or count_rounds(n, n, r, r, d, p):
                        ok += 1
                    else:
                        bad.append((row, n * 100 / d, r))
                if seen >= min_rows and ok >= min_share * seen and (best is None or ok > best[0]):
                    best = (ok, num, den, bad)
        if best and best[3]:
            for row, expected, stated in best[3]:
                yield row, rate, best[1], best[2], expected, stated
