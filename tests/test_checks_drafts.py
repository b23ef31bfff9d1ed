"""Drafts: the appendix caption that cites the plan with a blank number is reported on its own."""

from __future__ import annotations

import kehoach
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed


def test_blank_number_in_header_and_in_appendix_caption() -> None:
    doc = kehoach.read(seed("002"))
    found = run_internal(kehoach.extract(doc, with_findings=False), doc, {"draft_blank_number"})
    assert [f.evidence[0].text for f in found] == ["Số: /KH-UBND", "Kèm theo Kế hoạch số: /KH-UBND"]
    assert [f.evidence[0].line for f in found] == [3, 243]


def test_numbered_caption_is_not_blank() -> None:
    doc = kehoach.read(seed("004"))  # "Kèm theo Kế hoạch số: 3456/KH-UBND ngày 08/12/2023"
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"draft_blank_number"}) == []
