"""Drafts: a plan sent without its number, its day or month of issue, or its signer's name."""

from __future__ import annotations

import regex

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.segment import NAME_LINE, NUMBER_LINE, PLACE_DATE

_NUMBER_VALUE = regex.compile(r"\d")
_PLACEHOLDER = regex.compile(r"(?:…|\.{3,}|\bx{3,}\b|\bX{3,}\b|_{3,})")


@rule("draft_blank_number", "warning", "Số hiệu văn bản để trống: \"{quote}\".",
      "The document number is blank: \"{quote}\".")
def blank_number(ctx: CheckContext):
    region = ctx.structure.header.number_line
    if region is None:
        return
    text = ctx.text(region.start, region.end)
    m = NUMBER_LINE.match(text) or NUMBER_LINE.search(text)
    if m and not _NUMBER_VALUE.match(m.group("value").strip()):
        yield [ctx.span(region.start, region.end)], {"quote": text}
    # the appendix caption that cites the plan itself ("Kèm theo Kế hoạch số: /KH-UBND") is a separate blank
    from kehoach.pipeline.checks.dates import own_captions

    for cap, number, _ in own_captions(ctx):
        if number is None:
            quote = " ".join(cap.group(0).split()).rstrip(",")
            yield [ctx.span(cap.start(), cap.start() + len(cap.group(0).rstrip(", ")))], {"quote": quote}


@rule("draft_blank_date", "warning", "Ngày, tháng ban hành để trống: \"{quote}\".",
      "The day or month of issue is blank: \"{quote}\".")
def blank_date(ctx: CheckContext):
    region = ctx.structure.header.place_date
    if region is None:
        return
    m = PLACE_DATE.match(ctx.document.text, region.start, region.end)
    if m and (m.group("day") is None or m.group("month") is None):
        quote = " ".join(ctx.text(region.start, region.end).split())
        yield [ctx.span(region.start, region.end)], {"quote": quote}


@rule("draft_blank_signer", "warning", "Phần ký chỉ có chức danh \"{quote}\", không có họ tên người ký.",
      "The signature block has the position \"{quote}\" but no signer's name.")
def blank_signer(ctx: CheckContext):
    region = ctx.structure.closing.signature
    if region is None:
        return
    lines = [ln for ln in ctx.text(region.start, region.end).split("\n") if ln.strip()]
    if lines and not NAME_LINE.match(lines[-1]):
        yield [ctx.span(region.start, region.end)], {"quote": " ".join(" ".join(lines).split())}


@rule("draft_placeholder", "warning", "Văn bản còn chỗ trống chưa điền: \"{quote}\".",
      "The text still has a placeholder: \"{quote}\".")
def placeholder(ctx: CheckContext):
    """Placeholders where a name or number belongs ("Ông/bà ……", "xxx") in the header or signature."""
    regions = [r for r in (ctx.structure.header.number_line, ctx.structure.header.place_date,
                           ctx.structure.closing.signature, ctx.structure.title) if r]
    for r in regions:
        for m in _PLACEHOLDER.finditer(ctx.document.text, r.start, r.end):
            yield [ctx.span(m.start(), m.end())], {"quote": m.group(0)}
