"""Percentages against their counts and bases: stated bases, impossible implied bases, lists with two bases."""

from __future__ import annotations

from pathlib import Path

import kehoach
from kehoach.pipeline.checks.percentages import find_counts, find_pcts
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed


def findings(tmp_path: Path, text: str, *codes: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    plan = kehoach.extract(doc, with_findings=False)
    return run_internal(plan, doc, set(codes))


def seed_findings(prefix: str, *codes: str):
    doc = kehoach.read(seed(prefix))
    plan = kehoach.extract(doc, with_findings=False)
    return run_internal(plan, doc, set(codes))


def test_counts_and_percentages_are_read_in_vietnamese_formats() -> None:
    text = "toàn xã có 1.012 hộ; hộ nghèo 398 hộ, chiếm 39,33%; Giảm tỷ lệ hộ nghèo 0,2- 0,25%, tương đương giảm 85 hộ"
    counts = find_counts(text, {})
    assert [(float(c.value), c.universe, sorted(c.category)) for c in counts] == [
        (1012.0, True, []), (398.0, False, ["nghèo"]), (85.0, False, [])]
    pcts = find_pcts(text, {})
    assert [(float(p.lo), float(p.hi), p.places, [float(c.value) for c in p.counts]) for p in pcts] == [
        (39.33, 39.33, 2, [398.0]), (0.2, 0.25, 2, [85.0])]


def test_seed_002_deficiency_lists_against_their_stated_bases() -> None:
    found = seed_findings("002", "pct_mismatch")
    got = {(f.evidence[0].line, f.data["stated_base"], f.data["expected_pct"]) for f in found}
    assert got == {(45, 17.0, 17.65), (51, 17.0, 23.53), (52, 17.0, 11.76), (54, 17.0, 17.65),
                   (62, 44.0, 9.09), (63, 44.0, 75.0), (68, 44.0, 4.55), (69, 44.0, 6.82), (72, 44.0, 15.91)}
    # "16 hộ, tỷ lệ 94,12%" is 16/17 and "06 hộ, tỷ lệ 13,64%" is 6/44: both right, both quiet
    assert not any("94,12" in (f.evidence[0].text or "") or "13,64" in (f.evidence[0].text or "") for f in found)


def test_seed_002_lists_with_two_bases() -> None:
    found = seed_findings("002", "implied_base_conflict")
    assert [f.evidence[0].line for f in found] == [45, 62]
    assert "≈7 (" in found[0].data["bases"] and "≈17 (" in found[0].data["bases"]


def test_seed_000_impossible_implied_base_for_a_commune() -> None:
    [pct] = seed_findings("000", "pct_mismatch")
    assert pct.data["implied_base"] == 300000.0
    assert pct.evidence[0].text.endswith("03 hộ nghèo, chiếm 0,001% tổng số hộ dân")
    [conflict] = seed_findings("000", "implied_base_conflict")
    assert "≈300.000" in conflict.data["bases"] and "≈26.000" in conflict.data["bases"]


def test_the_same_percentage_is_possible_for_a_province(tmp_path) -> None:
    text = "Cuối năm 2023 toàn tỉnh có 03 hộ nghèo, chiếm 0,001% tổng số hộ dân.\n"
    assert findings(tmp_path, text, "pct_mismatch") == []
    commune = "Cuối năm 2023 toàn xã có 03 hộ nghèo, chiếm 0,001% tổng số hộ dân.\n"
    assert len(findings(tmp_path, commune, "pct_mismatch")) == 1


def test_group_count_against_the_units_households(tmp_path) -> None:
    right = "Cuối năm 2022, toàn xã có 1.012 hộ với 4.986 khẩu; hộ nghèo 398 hộ, chiếm 39,33%; hộ cận nghèo 121 hộ, chiếm 11,96%.\n"
    assert findings(tmp_path, right, "pct_mismatch", "implied_base_conflict") == []
    wrong = right.replace("39,33%", "39,83%")
    [f] = findings(tmp_path, wrong, "pct_mismatch")
    assert f.data["stated_base"] == 1012.0 and f.data["expected_pct"] == 39.33


def test_count_rounded_from_a_target_rate_is_right(tmp_path) -> None:
    text = ("Cuối năm 2023, toàn xã có 1.240 hộ, trong đó có 150 hộ nghèo, chiếm tỷ lệ 12,10%; 96 hộ cận nghèo, chiếm tỷ lệ 7,74%.\n\n"
            "- Phấn đấu năm 2024 giảm tỷ lệ hộ nghèo 3,00%, tương ứng giảm 37 hộ nghèo.\n"
            "- Giảm tỷ lệ hộ nghèo từ 3 - 4%, tương đương giảm khoảng 40 hộ nghèo.\n")
    assert findings(tmp_path, text, "pct_mismatch", "implied_base_conflict") == []


def test_percentage_of_a_named_subgroup(tmp_path) -> None:
    text = ("Đến cuối năm 2023, toàn huyện có 19.452 hộ, trong đó 8.135 hộ đồng bào dân tộc thiểu số; hộ nghèo 3.520 hộ, "
            "chiếm 18,10%; hộ nghèo dân tộc thiểu số 2.846 hộ, chiếm {pct}% tổng số hộ dân tộc thiểu số.\n")
    assert findings(tmp_path, text.format(pct="34,98"), "pct_mismatch", "implied_base_conflict") == []
    [f] = findings(tmp_path, text.format(pct="31,52"), "pct_mismatch")
    assert f.data["stated_base"] == 8135.0
    assert f.evidence[0].text == "hộ nghèo dân tộc thiểu số 2.846 hộ, chiếm 31,52% tổng số hộ dân tộc thiểu số"


def test_table_rate_column_row_that_breaks_the_rule_of_the_others(tmp_path) -> None:
    table = """KẾ HOẠCH
Giảm nghèo năm 2025

TT\tTổ dân phố\tTổng số hộ\tHộ nghèo\tTỷ lệ hộ nghèo (%)
1\tTổ dân phố số 1\t365\t3\t0,82
2\tTổ dân phố số 2\t398\t4\t1,01
3\tTổ dân phố số 3\t412\t6\t{rate}
4\tTổ dân phố số 4\t350\t2\t0,57
\tCộng\t1.525\t15\t0,98
"""
    assert findings(tmp_path, table.format(rate="1,46"), "pct_mismatch") == []
    [f] = findings(tmp_path, table.format(rate="1,64"), "pct_mismatch")
    assert f.data["expected_pct"] == 1.46 and f.evidence[0].text.startswith("Tổ dân phố số 3")


def test_zero_counts_and_correct_lists_stay_quiet(tmp_path) -> None:
    text = ("Toàn xã có 17 hộ nghèo.\n\n- Kết quả đo lường mức độ thiếu hụt của hộ nghèo:\n\n"
            "- + Thiếu hụt chỉ số việc làm: 00 hộ, tỷ lệ 00%;\n- + Thiếu hụt chỉ số người phụ thuộc: 16 hộ, tỷ lệ 94,12%;\n"
            "- + Thiếu hụt chỉ số viễn thông: 12 hộ, tỷ lệ\n\n70,59%.\n")
    assert findings(tmp_path, text, "pct_mismatch", "implied_base_conflict") == []
