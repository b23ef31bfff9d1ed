"""Offset maps: piecewise-identity maps from a rewritten text back to the text it was rewritten from.

A map is a sorted list of anchors ``(out, src)``; between two anchors offsets move together. Every
normalisation pass returns one, and passes compose, so any offset in the final text maps back to the
parser's text without storing a per-character table.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable

Anchors = list[tuple[int, int]]


def map_offset(anchors: Anchors, offset: int) -> int:
    if not anchors:
        return offset
    i = bisect_right(anchors, (offset, float("inf"))) - 1
    if i < 0:
        return offset
    out, src = anchors[i]
    return src + (offset - out)


def compose(outer: Anchors, inner: Anchors) -> Anchors:
    """Anchors of ``inner ∘ outer``: final text → (outer) → intermediate → (inner) → source."""
    if not inner:
        return list(outer)
    if not outer:
        return list(inner)
    inner_points = [o for o, _ in inner]
    result: Anchors = []
    bounds = outer + [(float("inf"), None)]
    if outer[0][0] > 0:
        bounds = [(0, 0)] + bounds
    for (o_start, m_start), (o_next, _) in zip(bounds, bounds[1:]):
        result.append((o_start, map_offset(inner, m_start)))
        m_end = m_start + (o_next - o_start)
        j = bisect_right(inner_points, m_start)
        while j < len(inner_points) and inner_points[j] < m_end:
            m = inner_points[j]
            result.append((o_start + (m - m_start), inner[j][1]))
            j += 1
    return _simplify(result)


def _simplify(anchors: Anchors) -> Anchors:
    """Drop anchors that the previous one already implies (same shift)."""
    out: Anchors = []
    for o, s in anchors:
        if out and out[-1][1] - out[-1][0] == s - o:
            continue
        if out and out[-1][0] == o:
            out[-1] = (o, s)
            continue
        out.append((o, s))
    return out


def rewrite(text: str, edits: Iterable[tuple[int, int, str]]) -> tuple[str, Anchors]:
    """Apply non-overlapping edits (start, end, replacement), sorted by start; return text and anchors."""
    parts: list[str] = []
    anchors: Anchors = []
    pos = 0
    out = 0
    for start, end, repl in edits:
        if start < pos:
            continue  # overlapping edit: first wins
        parts.append(text[pos:start])
        out += start - pos
        anchors.append((out, start))
        parts.append(repl)
        out += len(repl)
        anchors.append((out, end))
        pos = end
    parts.append(text[pos:])
    return "".join(parts), _simplify(anchors)


def regex_edits(pattern, text: str, replace: Callable) -> Iterable[tuple[int, int, str]]:
    """Edits from a compiled pattern; ``replace(match)`` returns the replacement or None to keep the text."""
    for m in pattern.finditer(text):
        repl = replace(m)
        if repl is not None and repl != m.group(0):
            yield m.start(), m.end(), repl
