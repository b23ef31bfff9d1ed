"""Section numbering: gaps (II then VI), repeats (3, 3) and wrong order among sibling sections."""

from __future__ import annotations

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.schemas.structure import MarkerKind, Section

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ORDERED = (MarkerKind.roman, MarkerKind.arabic, MarkerKind.decimal, MarkerKind.letter)


def roman_value(marker: str) -> int:
    total = 0
    for ch, nxt in zip(marker, marker[1:] + " "):
        v = _ROMAN[ch]
        total += -v if nxt != " " and _ROMAN.get(nxt, 0) > v else v
    return total


def ordinal(section: Section) -> int | None:
    """The number a marker stands for: II → 2, 3 → 3, 2.4 → 4, c → 3."""
    m = section.marker
    if section.kind is MarkerKind.roman:
        return roman_value(m)
    if section.kind is MarkerKind.arabic:
        return int(m)
    if section.kind is MarkerKind.decimal:
        return int(m.rsplit(".", 1)[1])
    if section.kind is MarkerKind.letter:
        letters = "abcdđeghiklmnopqrstuvxy"
        return letters.index(m) + 1 if m in letters else None
    return None


def _sibling_pairs(sections: list[Section]):
    """Consecutive siblings of the same marker kind (and the same decimal prefix), depth first."""
    for parent_children in _groups(sections):
        runs: dict[tuple, list[Section]] = {}
        for s in parent_children:
            if s.kind not in _ORDERED:
                continue
            key = (s.kind, s.marker.rsplit(".", 1)[0] if s.kind is MarkerKind.decimal else "")
            runs.setdefault(key, []).append(s)
        for run in runs.values():
            yield from zip(run, run[1:])


def _groups(sections: list[Section]):
    yield sections
    for s in sections:
        yield from _groups(s.children)


def _quote(ctx: CheckContext, s: Section) -> str:
    return " ".join(ctx.text(s.heading.start, s.heading.end).split())


def _pairs_where(ctx: CheckContext, test):
    for a, b in _sibling_pairs(ctx.structure.sections):
        na, nb = ordinal(a), ordinal(b)
        if na is None or nb is None:
            continue
        if test(na, nb):
            spans = [ctx.span(a.heading.start, a.heading.end), ctx.span(b.heading.start, b.heading.end)]
            yield spans, {"a": _quote(ctx, a), "b": _quote(ctx, b), "line_a": spans[0].line, "line_b": spans[1].line}


@rule("numbering_gap", "warning", "Đánh số mục nhảy từ \"{a}\" (dòng {line_a}) sang \"{b}\" (dòng {line_b}).",
      "Section numbering skips from \"{a}\" (line {line_a}) to \"{b}\" (line {line_b}).")
def numbering_gap(ctx: CheckContext):
    yield from _pairs_where(ctx, lambda na, nb: nb > na + 1)


@rule("numbering_repeat", "warning", "Số mục lặp lại: \"{a}\" (dòng {line_a}) và \"{b}\" (dòng {line_b}).",
      "Section number repeated: \"{a}\" (line {line_a}) and \"{b}\" (line {line_b}).")
def numbering_repeat(ctx: CheckContext):
    yield from _pairs_where(ctx, lambda na, nb: nb == na)


@rule("numbering_order", "warning", "Số mục sai thứ tự: \"{a}\" (dòng {line_a}) rồi \"{b}\" (dòng {line_b}).",
      "Sections out of order: \"{a}\" (line {line_a}) then \"{b}\" (line {line_b}).")
def numbering_order(ctx: CheckContext):
    yield from _pairs_where(ctx, lambda na, nb: nb < na)
