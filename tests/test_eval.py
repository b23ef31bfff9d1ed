"""`kehoach eval`: the FORMAT.md match rules, one-to-one matching, findings scoring, and the seeds' numbers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from kehoach.pipeline.cli import app
from kehoach.pipeline.evaluate import (
    Count,
    DocScore,
    _covers,
    evaluate,
    match_one_to_one,
    norm,
    quoted_fragments,
    same_assignment,
    same_ref,
    same_target,
    score_findings,
)
from kehoach.schemas.document import Document, SourceFormat
from kehoach.schemas.plan import Finding, LegalRef, Plan, Span

from conftest import ROOT

GOLD = ROOT / "corpus" / "gold"


def test_norm_collapses_case_spaces_and_dashes() -> None:
    assert norm("91/KH – UBND") == norm("91/kh-ubnd") == "91/kh-ubnd"
    assert norm("giai đoạn 2021 -2025") == norm("Giai  đoạn 2021-2025")
    assert norm(None) == ""


def test_match_rules() -> None:
    assert same_ref({"number": "91/KH – UBND"}, LegalRef(number="91/KH-UBND"))
    assert not same_ref({"number": "90/QĐ-TTg"}, LegalRef(number="09/QĐ-TTg"))
    # laws cited without a number match by type and title
    assert same_ref({"type": "luat", "number": None, "title": "Luật Trợ giúp pháp lý"},
                    LegalRef(type="luat", title="Luật trợ giúp pháp lý"))
    assert not same_ref({"type": "luat", "number": None, "title": "Luật Đầu tư công"},
                        LegalRef(type="luat", title="Luật Trợ giúp pháp lý"))
    gold_target = {"indicator": "tỷ lệ hộ nghèo giảm còn", "value": 0.43, "unit": "%"}
    assert same_target(gold_target, {"indicator": "tỷ lệ hộ nghèo chung trên địa bàn phường giảm còn",
                                     "value": 0.43, "unit": "%"})
    assert not same_target(gold_target, {"indicator": "tỷ lệ hộ nghèo giảm còn", "value": 0.97, "unit": "%"})
    assert same_assignment({"body": "Phòng Lao động - Thương binh và Xã hội"},
                           {"body": "Phòng Lao động – Thương binh và Xã hội thành phố"})


def test_one_to_one_matching_is_maximal() -> None:
    # greedy would give gold 0 the first prediction and leave gold 1 unmatched
    pairs = match_one_to_one(["a", "b"], ["ab", "a"], lambda g, p: g in p)
    assert len(pairs) == 2
    c = Count(tp=3, fp=1, fn=0)
    assert (round(c.precision, 2), c.recall, round(c.f1, 3)) == (0.75, 1.0, 0.857)


def _document(text: str) -> Document:
    return Document(source="x.txt", format=SourceFormat.txt, sha256="0", size=len(text), text=text)


def test_findings_need_the_code_and_evidence_over_the_quote() -> None:
    text = "Số: /KH-UBND\nTân Lợi, ngày tháng năm 2024\n"
    document = _document(text)
    gold = {"findings_expected": [
        {"code": "draft_blank_number", "detail": "Số hiệu để trống: \"Số: /KH-UBND\" (dòng 3)."},
        {"code": "draft_blank_date", "detail": "Ngày để trống: “Tân Lợi, ngày tháng năm 2024”."},
    ]}
    assert quoted_fragments(gold["findings_expected"][1]["detail"]) == ["Tân Lợi, ngày tháng năm 2024"]
    number = Finding(code="draft_blank_number", severity="warning", message="m", evidence=[Span(start=0, end=12)])
    wrong_place = Finding(code="draft_blank_date", severity="warning", message="m", evidence=[Span(start=0, end=3)])
    out = DocScore(source="x.txt")
    score_findings(gold, Plan(source="x.txt", findings=[number, wrong_place]), document, out)
    assert (out.findings_found, out.findings_expected) == (1, 2)
    assert out.findings_missed[0].startswith("draft_blank_date")
    assert _covers([Span(start=0, end=5), Span(start=5, end=12)], 0, 12)
    clean = DocScore(source="y.txt")
    score_findings({"findings_expected": []}, Plan(source="y.txt", findings=[number]), document, clean)
    assert clean.clean and clean.false_findings == 1


def test_seeds_score_full_marks_on_header_and_references() -> None:
    report = evaluate([GOLD])
    assert len(report.docs) == 5 and not report.missing
    totals = report.totals()
    for name in ("doc_type", "number", "symbol", "issuer", "place", "issue_date", "title", "period", "signer"):
        assert (totals[name].tp, totals[name].fp, totals[name].fn) == (5, 0, 0), name
    assert totals["legal_bases"].f1 >= 0.98 and totals["references"].f1 >= 0.98
    assert totals["legal_bases"].tp == 13 and totals["references"].tp == 39
    assert totals["references.date"].f1 >= 0.98


def test_cli_prints_the_table_and_json(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    for name in ("000_1f67692e7bf12802.json", "004_10eda197f87e4d1b.json"):
        shutil.copy(GOLD / name, gold / name)
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--docs", str(ROOT / "corpus" / "seeds"), "--per-doc"])
    assert result.exit_code == 0, result.output
    assert "Overall (2 documents)" in result.output
    assert "legal_bases" in result.output and "F1" in result.output
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--docs", str(ROOT / "corpus" / "seeds"), "--json"])
    data = json.loads(result.output)
    assert data["documents"] == 2
    assert data["fields"]["symbol"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["findings"]["expected"] == 9 + 12  # findings_expected of seeds 000 and 004


def test_cli_reports_a_missing_document(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "nowhere.json").write_text(json.dumps({"source": "nowhere.txt", "doc_type": "ke_hoach"}), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold)])
    assert result.exit_code == 1
    assert "no document for gold" in result.output
