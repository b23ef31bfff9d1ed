"""The closing: a plan annexed to a decision is sent and signed by the decision; KT. with its position."""

from __future__ import annotations

import kehoach
from kehoach.pipeline.checks.registry import run_internal

from conftest import ROOT

SYN = ROOT / "corpus" / "synthetic" / "plans"


def test_plan_annexed_to_a_decision_has_its_recipients_and_signature_there() -> None:
    doc = kehoach.read(SYN / "syn05_qd_huyen_ky_son_giam_ngheo_2022_2025.txt")
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"missing_section"}) == []


def test_deputy_authority_with_the_chairmans_title_is_quoted_in_one_span() -> None:
    doc = kehoach.read(SYN / "syn14_huyen_huong_hoa_giam_ngheo_2023.txt")
    [f] = run_internal(kehoach.extract(doc, with_findings=False), doc, {"signer_authority_mismatch"})
    assert " ".join(f.evidence[0].text.split()) == "KT. CHỦ TỊCH CHỦ TỊCH"


def test_closing_laid_out_as_a_table_is_not_missing(tmp_path) -> None:
    from fixtures.render_docx import render_docx

    from conftest import seed

    target = render_docx(seed("004"), tmp_path / "004.docx")  # "Nơi nhận" and the signature share a table row
    doc = kehoach.read(target)
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"missing_section"}) == []


def test_plan_without_recipients_or_signature(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\nGiảm nghèo năm 2024\n\nCăn cứ Kế hoạch số 12/KH-UBND ngày 02/01/2024 của UBND huyện.\n\n"
                    "I. MỤC TIÊU\n\n1. Giảm 20 hộ nghèo.\n\nII. TỔ CHỨC THỰC HIỆN\n\n1. Công chức văn hóa: theo dõi.\n",
                    encoding="utf-8")
    doc = kehoach.read(path)
    found = run_internal(kehoach.extract(doc, with_findings=False), doc, {"missing_section"})
    assert sorted(f.data["part"] for f in found) == ["chữ ký (thẩm quyền, chức vụ, họ tên)", "nơi nhận"]
