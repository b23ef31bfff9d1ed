"""Targets that cannot be checked: a rate to change by ("tỷ lệ hộ nghèo dân tộc thiểu số giảm 3%", "tỷ lệ giảm
trung bình là 0,2 - 0,25%") with no figure anywhere in the plan for where the group stands now.

- ``target_unverifiable``: a target stated as a change of a rate ("giảm X%", "tăng X%") of a group the
  plan tracks (hộ nghèo, hộ cận nghèo … with its qualifier: dân tộc thiểu số …) when the plan states no
  baseline of that group: no "N hộ nghèo (dân tộc thiểu số)", no "tỷ lệ hộ nghèo … X%" outside its targets,
  no baseline the extractor read from the text or a table. Without the starting rate a reduction of 3% says
  neither where the group ends nor whether it means points or percent. A change in households ("giảm 17 hộ
  nghèo") is a count anyone can check against the next review, and a change stated against a named point
  ("giảm 3% so với cuối năm 2024") names the review it is measured from: both are left alone. In a plan whose
  title names the sub-group ("… vùng đồng bào dân tộc thiểu số và miền núi") every figure is of that sub-group.
  Only one-year plans are checked, and not rates given as a yearly pace ("giảm bình quân 3%/năm"): over a
  period the pace is the programme's own target, measured from the review the programme starts from.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from kehoach.pipeline.checks.registry import CheckContext, memo_last, rule
from kehoach.pipeline.reference import name_key
from kehoach.schemas.plan import Target

_NUM = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"
_ITEM_MARKER = regex.compile(r"^[ \t]*(?:[-+•*]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s", regex.M)
_FULL_STOP = regex.compile(r"\.(?:\s|$)")
DEFAULT_GROUPS = ["hộ cận nghèo", "hộ mới thoát nghèo", "hộ nghèo"]
DEFAULT_QUALIFIERS = {"dân tộc thiểu số": ["dân tộc thiểu số", "DTTS", "đồng bào"]}


def _alt(words) -> str:
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


class Grammar:
    def __init__(self, conf: dict):
        self.groups = regex.compile(rf"(?<!\p{{L}})(?:{_alt(conf.get('groups', DEFAULT_GROUPS))})(?!\p{{L}})", regex.I)
        quals = conf.get("qualifiers", DEFAULT_QUALIFIERS)
        self.qualifiers = {q: regex.compile(rf"(?<!\p{{L}})(?:{_alt(forms)})(?!\p{{L}})", regex.I)
                           for q, forms in quals.items()}
        self.reference = regex.compile(rf"(?<!\p{{L}})(?:{_alt(conf.get('reference_words', ['so với']))})(?!\p{{L}})",
                                       regex.I)
        self.pace = regex.compile(rf"\s*(?:/\s*năm|{_alt(conf.get('pace_words', ['mỗi năm', 'hằng năm', 'hàng năm']))})"
                                  rf"(?!\p{{L}})", regex.I)
        self.change = regex.compile(rf"(?<!\p{{L}})(?:{_alt(conf.get('change_words', ['giảm', 'tăng']))})(?!\p{{L}})"
                                    rf"[^\d\n;]{{0,25}}$", regex.I)

    def quals(self, text: str) -> frozenset[str]:
        return frozenset(q for q, rx in self.qualifiers.items() if rx.search(text))


@memo_last
def grammar(conf: dict) -> Grammar:
    """The Grammar of a configuration, built once."""
    return Grammar(conf)


def _item(text: str, start: int, end: int) -> tuple[int, int]:
    """The list item or sentence a target is written in: back to the line that opens it (a list marker, a
    blank line before, or a line after a full stop), forward to the next such line or a full stop."""
    marker = _ITEM_MARKER
    lo = text.rfind("\n", 0, start) + 1
    while lo > 0:
        prev_end = lo - 1
        prev_start = text.rfind("\n", 0, prev_end) + 1
        prev = text[prev_start:prev_end]
        if marker.match(text, lo) or not prev.strip() or prev.rstrip().endswith((".", ":", ";")):
            break
        lo = prev_start
    sentence = text.rfind(". ", lo, start)
    lo = sentence + 2 if sentence != -1 else lo
    hi = text.find("\n", end)
    hi = len(text) if hi == -1 else hi
    while hi < len(text):
        nxt_end = text.find("\n", hi + 1)
        nxt_end = len(text) if nxt_end == -1 else nxt_end
        nxt = text[hi + 1:nxt_end]
        if marker.match(nxt) or not nxt.strip() or text[lo:hi].rstrip().endswith((".", ":", ";")):
            break
        hi = nxt_end
    stop = _FULL_STOP.search(text, end, hi)
    hi = stop.start() if stop else hi
    while lo < hi and text[lo] in " \t-+•*":
        lo += 1
    return lo, lo + len(text[lo:hi].rstrip(" ;.\n"))


def _group_of(g: Grammar, text: str, item_lo: int, target: Target) -> tuple[str, frozenset[str]] | None:
    """The group a rate target is about: the last group named before its number in its item, with the
    qualifiers written between that group and the number ("hộ nghèo dân tộc thiểu số giảm 3%")."""
    before = text[item_lo:target.span.end]
    last = None
    for m in g.groups.finditer(before):
        last = m
    if last is None:
        return None
    return name_key(last.group(0)), g.quals(before[last.start():])


@lru_cache(maxsize=64)
def _baseline_patterns(group: str) -> tuple[regex.Pattern, ...]:
    """Figures of a group: "17 hộ nghèo", "hộ nghèo: 13 hộ", "tỷ lệ hộ nghèo … 8,11%"."""
    words = r"\s+".join(map(regex.escape, group.split()))
    return (
        regex.compile(rf"(?<![\d.,])(?P<n>{_NUM})\s+(?:{words})(?!\p{{L}})", regex.I),
        regex.compile(rf"(?<!\p{{L}})(?:{words})(?!\p{{L}})[^\n;.%\d]{{0,60}}?(?P<n>{_NUM})\s*(?:hộ|%)", regex.I),
        regex.compile(rf"(?<!\p{{L}})tỷ\s+lệ\s+(?:{words})(?!\p{{L}})[^\n;%]{{0,80}}?(?P<n>{_NUM})\s*%", regex.I),
    )


def _baseline_in_text(g: Grammar, text: str, group: str, quals: frozenset[str], skip: list[tuple[int, int]]) -> bool:
    """A figure of where the group stands: "17 hộ nghèo", "hộ nghèo 398 hộ", "hộ nghèo: 13 hộ", "tỷ lệ hộ
    nghèo … 8,11%", outside the plan's targets and not right after "giảm"/"tăng"."""
    for rx in _baseline_patterns(group):
        for m in rx.finditer(text):
            if any(a <= m.start("n") < b for a, b in skip):
                continue
            if g.change.search(text[max(0, m.start("n") - 30):m.start("n")]):
                continue
            clause_lo = max(text.rfind(x, 0, m.start()) for x in ("\n", ";", ". ")) + 1
            clause_hi = min([i for x in ("\n", ";", ". ") if (i := text.find(x, m.end())) != -1] or [len(text)])
            if quals <= g.quals(text[clause_lo:clause_hi]):
                return True
    return False


def _baseline_extracted(g: Grammar, text: str, group: str, quals: frozenset[str], baselines: list[Target]) -> bool:
    """A baseline the extractor read whose words name the group (or, for a target without qualifier, a table
    baseline that names no group at all: "Kết quả rà soát cuối năm 2023")."""
    for b in baselines:
        words = b.indicator
        if b.span is not None and b.table is None:
            lo = text.rfind("\n", 0, b.span.start) + 1
            words = text[lo:b.span.end]
        named = {name_key(m.group(0)) for m in g.groups.finditer(words)}
        if group in named and quals <= g.quals(words):
            return True
        if not named and not quals and b.table is not None and b.unit in ("%", "hộ"):
            return True
    return False


@rule("target_unverifiable", "info",
      "Chỉ tiêu \"{quote}\" (dòng {line}) nêu mức thay đổi tỷ lệ {group} nhưng kế hoạch không nêu số liệu hiện trạng "
      "của nhóm này (số hộ hoặc tỷ lệ đầu kỳ) nên không kiểm chứng được.",
      "The target \"{quote}\" (line {line}) changes the rate of {group} but the plan states no baseline for that group "
      "(current count or rate), so it cannot be verified.")
def target_unverifiable(ctx: CheckContext):
    conf = ctx.config
    period = ctx.plan.period
    if period.start_year and period.end_year and period.end_year > period.start_year:
        return  # a multi-year plan's rates are paces over the period, measured from the programme's own review
    g = grammar(conf)
    text = ctx.document.text
    skip = [(t.span.start, t.span.end) for t in ctx.plan.targets if t.span is not None]
    title = ctx.structure.title
    # a plan about a sub-group ("… vùng đồng bào dân tộc thiểu số") gives all its figures for that sub-group
    implied = g.quals(ctx.text(title.start, title.end)) if title else frozenset()
    reported: set[tuple[int, int]] = set()
    for t in ctx.plan.targets:
        if t.span is None or t.table is not None or t.unit != "%" or t.direction not in ("reduce_by", "increase_by"):
            continue
        lo, hi = _item(text, t.span.start, t.span.end)
        if (lo, hi) in reported:
            continue
        if g.reference.search(text, lo, hi):
            continue  # "giảm 3% so với cuối năm 2024": measured from a named review
        if g.pace.match(text, t.span.end) or g.pace.match(text, text.find("%", t.span.start, hi) + 1 or hi):
            continue  # "giảm bình quân 3%/năm": a yearly pace, not a level to reach
        found = _group_of(g, text, lo, t)
        if found is None:
            continue
        group, quals = found
        needed = quals - implied
        if _baseline_in_text(g, text, group, needed, skip) or _baseline_extracted(g, text, group, needed,
                                                                                  ctx.plan.baselines):
            continue
        reported.add((lo, hi))
        span = ctx.span(lo, hi)
        label = group + "".join(f" {q}" for q in sorted(quals))
        yield [span], {"quote": " ".join((span.text or "").split()), "line": span.line, "group": label,
                       "qualifiers": sorted(quals)}
