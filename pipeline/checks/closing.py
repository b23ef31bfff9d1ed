"""The closing and the parts a plan must have: signer position vs authority line, missing parts."""

from __future__ import annotations

import regex

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.segment import AUTHORITY, RECIPIENTS

_KT = regex.compile(r"\bKT\s*\.\s*(?P<head>[\p{Lu} ]+?)\s*$", regex.M)
_POSITION = regex.compile(r"^\s*\**\s*(?P<pos>(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG))\s*\**\s*$", regex.M)
_RECIPIENTS_IN_CELL = regex.compile(r"(?<!\p{L})Nơi\s+nhận\s*:", regex.I)
_AUTHORITY_IN_CELL = regex.compile(r"(?<!\p{L})(?:TM|KT|TL|TUQ)\s*\.\s*(?:ỦY\s+BAN|UBND|CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG)"
                                   r"|^\s*(?:PHÓ\s+)?CHỦ\s+TỊCH\s*$", regex.M)
_ORGANISATION = regex.compile(r"TỔ\s+CHỨC\s+THỰC\s+HIỆN|PHÂN\s+CÔNG|TRÁCH\s+NHIỆM", regex.I)
_DELEGATED = regex.compile(r"\b(?:TL|TUQ|Q)\s*\.")  # "TL. CHỦ TỊCH", "TUQ.": signed on delegation


@rule("signer_authority_mismatch", "error",
      "Chức danh người ký \"{position}\" không khớp dòng thẩm quyền \"{authority}\".",
      "The signer's position \"{position}\" does not fit the authority line \"{authority}\".")
def signer_authority(ctx: CheckContext):
    """KT. (ký thay) means a deputy signs: KT. CHỦ TỊCH goes with PHÓ CHỦ TỊCH, and a deputy needs KT."""
    region = ctx.structure.closing.signature
    if region is None:
        return
    text = ctx.text(region.start, region.end)
    kt = _KT.search(text)
    positions = [m for m in _POSITION.finditer(text) if not (kt and m.start("pos") >= kt.start("head") and m.end("pos") <= kt.end("head"))]
    if not positions:
        return
    pos = positions[-1]
    position = " ".join(pos.group("pos").split())
    deputy = position.startswith("PHÓ")
    if kt:
        head = " ".join(kt.group("head").split())
        if not deputy or not position.endswith(head):
            # one span from the authority line to the position: what a reader quotes ("KT. CHỦ TỊCH CHỦ TỊCH")
            lo, hi = sorted((kt.start(), pos.end("pos")))
            yield ([ctx.span(region.start + lo, region.start + max(hi, kt.end()))],
                   {"position": position, "authority": f"KT. {head}"})
    elif deputy and not _DELEGATED.search(text):
        yield ([ctx.span(region.start + pos.start("pos"), region.start + pos.end("pos"))],
               {"position": position, "authority": "(không có KT.)"})


@rule("missing_section", "warning", "Kế hoạch thiếu phần bắt buộc: {part}.", "The plan lacks a required part: {part}.")
def missing_parts(ctx: CheckContext):
    s = ctx.structure
    doc = ctx.document
    anchor = s.doc_kind_line or s.title
    if anchor is None:
        return  # not recognisably a plan: nothing to compare against
    kind_span = [ctx.span(anchor.start, anchor.end)]
    if not ctx.plan.legal_bases and s.preamble is None:
        yield kind_span, {"part": "căn cứ ban hành (Căn cứ/Thực hiện …)"}
    if not any(_ORGANISATION.search(sec.title) for sec in s.walk() if sec.depth <= 1):
        last = s.sections[-1].heading if s.sections else anchor
        yield [ctx.span(last.start, last.end)], {"part": "tổ chức thực hiện"}
    end = len(doc.text.rstrip())
    tail = [ctx.span(max(0, end - 40), end)] if end else kind_span
    # a plan issued as the annex of a Quyết định is sent and signed by the decision
    decision_lines = ctx.text(s.decision.start, s.decision.end).split("\n") if s.decision else []
    # a closing laid out as a two-column table puts "Nơi nhận:" and "TM. ỦY BAN NHÂN DÂN …" inside cells
    end_mark = doc.text.rfind("./.")  # the body's last sentence ends with "./."
    rest = doc.text[end_mark if end_mark != -1 else len(doc.text) * 3 // 5:]
    if (s.closing.recipients is None and not any(RECIPIENTS.match(ln) for ln in decision_lines)
            and not _RECIPIENTS_IN_CELL.search(rest)):
        yield tail, {"part": "nơi nhận"}
    if (s.closing.signature is None and not any(AUTHORITY.match(ln) for ln in decision_lines)
            and not _AUTHORITY_IN_CELL.search(rest)):
        yield tail, {"part": "chữ ký (thẩm quyền, chức vụ, họ tên)"}
