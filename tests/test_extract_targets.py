"""Targets and baselines read from the seeds and the synthetic plans, values asserted as the plans write them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract import extract_plan
from kehoach.pipeline.extract.targets import sentences

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"
CHAINS = ROOT / "corpus" / "synthetic" / "chains"
PLANS = ROOT / "tests" / "fixtures" / "plans"  # plans written in styles the corpus does not have (helper X-b2)


@lru_cache(maxsize=None)
def _read(path: Path):
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def _seed(prefix: str):
    return _read(seed(prefix))


def _syn(prefix: str):
    return _read(next(SYN.glob(f"{prefix}*.txt")))


def _figures(items, scope: str | None = None) -> list[tuple[float, float | None, str]]:
    return [(t.value, t.value_max, t.unit) for t in items if scope is None or t.scope == scope]


def test_seed_000_targets_and_the_situation_apart():
    _, plan = _seed("000")
    assert _figures(plan.targets) == [(100.0, None, "%"), (100.0, None, "%")]
    assert "thẻ bảo hiểm y tế" in plan.targets[0].indicator
    assert {t.scope for t in plan.targets} == {"xã Tân Lợi"}
    assert {t.year for t in plan.targets} == {2025}
    # "Cuối năm 2024 toàn xã có 03 hộ nghèo, chiếm 0,001% …": the situation a 2025 plan starts from
    assert _figures(plan.baselines) == [(3.0, None, "hộ"), (0.001, None, "%"), (1.0, None, "hộ"),
                                        (13.0, None, "hộ"), (0.05, None, "%"), (2.0, None, "hộ")]


def test_seed_001_counts_of_households_and_classes():
    _, plan = _seed("001")
    assert _figures(plan.targets) == [(17.0, None, "hộ"), (5.0, None, "hộ"), (1.0, None, "lớp"), (1.0, None, "lớp")]
    first = plan.targets[0]
    assert (first.direction, first.year) == ("reduce_by", 2023)
    assert "lớp đào tạo nghề cho người lao động thuộc hộ nghèo" in plan.targets[2].indicator
    assert plan.baselines == []


def test_seed_002_text_targets_once_and_the_appendix_table():
    doc, plan = _seed("002")
    text_targets = [t for t in plan.targets if t.table is None]
    # "giảm còn 0,43%" is said in 1. Mục tiêu and again in 2.1 Chỉ tiêu chung and in the total row: one target
    assert _figures(text_targets) == [(0.43, None, "%"), (100.0, None, "%"), (0.97, None, "%"),
                                      (100.0, None, "%"), (100.0, None, "%"), (100.0, None, "%")]
    assert text_targets[0].direction == "reduce_to"
    assert doc.text[text_targets[0].span.start:text_targets[0].span.end] == "0,43%"
    # per-unit rows: the "Có khả năng thoát nghèo 2024" and "Cuối năm 2024" columns are targets
    assert _figures(plan.targets, "TDP Khả Lý Thượng") == [
        (1.0, None, "hộ"), (0.1, None, "%"), (6.0, None, "hộ"), (0.59, None, "%"),
        (4.0, None, "hộ"), (0.4, None, "%"), (11.0, None, "hộ"), (1.09, None, "%"),
    ]
    assert len(_figures(plan.targets, "TDP Khả Lý Hạ")) == 8
    total = [t for t in plan.targets if t.table is not None and t.scope == "phường Quảng Minh"]
    assert _figures(total) == [(4.0, None, "hộ"), (0.13, None, "%"), (13.0, None, "hộ"),
                               (15.0, None, "hộ"), (0.5, None, "%"), (29.0, None, "hộ")]
    # the analysis of 2023 and the "Phê duyệt cuối năm 2023" columns are baselines
    baseline_values = _figures(plan.baselines)
    for expected in [(17.0, None, "hộ"), (29.0, None, "nhân khẩu"), (0.57, None, "%"), (58.8, None, "%"),
                     (1011.0, None, "hộ"), (0.69, None, "%")]:
        assert expected in baseline_values
    assert len(plan.targets) == 52


def test_seed_003_ranges():
    _, plan = _seed("003")
    assert _figures(plan.targets)[:4] == [(85.0, None, "hộ"), (0.2, 0.25, "%"), (65.0, 70.0, "hộ"), (0.2, 0.25, "%")]
    assert [t.direction for t in plan.targets[:4]] == ["reduce_by"] * 4
    assert len(plan.targets) == 9


def test_seed_004_text_and_per_district_table():
    _, plan = _seed("004")
    text = [t for t in plan.targets if t.table is None]
    assert _figures(text) == [(6.11, None, "%"), (2.0, None, "%"), (3.0, None, "%"), (5.5, None, "%")]
    assert text[0].direction == "reduce_to"
    assert text[3].scope == "huyện Kông Chro"
    # the total row repeats the 2% of the text; the Kông Chro row repeats its 5,5%: each counted once
    assert _figures(plan.targets, "tỉnh Gia Lai").count((2.0, None, "%")) == 1
    assert _figures(plan.targets, "Huyện Kông Chro") == [(715.0, None, "hộ")]
    assert (7449.0, None, "hộ") in _figures(plan.targets, "tỉnh Gia Lai")
    assert _figures(plan.targets, "Huyện Đak Đoa") == [(2.0, None, "%"), (640.0, None, "hộ")]
    assert len(plan.targets) == 38
    # "Tổng số hộ dân cư cuối năm 2023" and "Kết quả rà soát cuối năm 2023" are the situation
    assert _figures(plan.baselines, "tỉnh Gia Lai") == [
        (388231.0, None, "hộ"), (31502.0, None, "hộ"), (8.11, None, "%")]
    assert len(plan.baselines) == 54


def test_synthetic_units_ranges_fractions_and_asides():
    _, plan = _syn("syn05")
    first = plan.targets[0]
    assert (first.value, first.value_max, first.unit, first.direction) == (4.0, 5.0, "%", "reduce_by")
    assert (600.0, None, "lao động") in _figures(plan.targets)
    # a table of yearly figures: one target per year row
    assert [(t.year, t.value) for t in plan.targets if t.table is not None][:2] == [(2022, 51.0), (2022, 4.35)]

    _, plan = _syn("syn07")
    assert (18.5, None, "tiêu chí/xã") in _figures(plan.targets)
    assert (52.0, None, "triệu đồng/người/năm") in _figures(plan.targets)

    _, plan = _syn("syn10")
    nineteen = [t for t in plan.targets if t.value == 19.0 and t.unit == "tiêu chí"]
    assert len(nineteen) == 1 and nineteen[0].year == 2024

    _, plan = _syn("syn12")
    # "đạt 62% vào năm 2026 (năm 2023 đạt 56,4%)": the bracket speaks of 2023
    assert (62.0, None, "%") in _figures(plan.targets)
    assert (56.4, None, "%") in _figures(plan.baselines) and (56.4, None, "%") not in _figures(plan.targets)


def test_indicator_reads_as_what_is_measured():
    _, plan = _syn("syn01")
    indicators = {t.value: t.indicator for t in plan.targets if t.unit == "hộ"}
    assert indicators[12.0] == "hộ nghèo dân tộc thiểu số thiếu nhà ở được hỗ trợ nhà ở"
    assert indicators[65.0] == "hộ được hỗ trợ nước sinh hoạt phân tán"


def test_repeated_target_in_the_tasks_is_counted_once():
    _, plan = _syn("syn01")
    # "Hỗ trợ nhà ở cho 12 hộ …" in II.2 and again in III.1 with the villages named
    assert _figures(plan.targets).count((12.0, None, "hộ")) == 1
    assert _figures(plan.targets).count((35.0, None, "lao động")) == 1


def test_rates_and_labels_are_not_targets():
    _, plan = _syn("syn01")
    values = _figures(plan.targets) + _figures(plan.baselines)
    assert all(unit != "triệu đồng" for _, _, unit in values)  # "mức hỗ trợ 40 triệu đồng/hộ" is a rate
    _, plan = _seed("001")
    assert all(t.value not in (2.0, 3.0, 4.0, 6.0, 7.0) for t in plan.targets)  # "Dự án 2", "Tiểu dự án 3" …


ALL = (sorted((ROOT / "corpus" / "seeds").glob("*.txt")) + sorted(SYN.glob("*.txt")) + sorted(CHAINS.glob("*/*.txt"))
       + sorted(PLANS.glob("xb2_*.txt")))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:24])
def test_spans_slice_the_text(path):
    doc, plan = _read(path)
    for t in plan.targets + plan.baselines:
        assert t.span is not None
        assert doc.text[t.span.start:t.span.end] == t.span.text
        assert t.span.line == doc.line_of(t.span.start)
        assert t.span.text.strip()


def test_sentences_split_at_semicolons_blank_lines_and_list_dashes():
    text = "Giảm 85 hộ nghèo; giảm 65 hộ.\n\n- 100% hộ. Năm 2024 đạt"
    assert [text[s:e] for s, e in sentences(text, 0, len(text))] == [
        "Giảm 85 hộ nghèo", " giảm 65 hộ", "- 100% hộ", " Năm 2024 đạt"]


# --- plans in new styles (tests/fixtures/plans/xb2_*) -------------------------------------------------------
def _plan(prefix: str):
    return _read(next(PLANS.glob(f"{prefix}*")))


def _write(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _read(path)


def test_column_groups_read_as_a_tree_of_headers():
    _, plan = _plan("xb2_02")
    # "HỘ NGHÈO CUỐI NĂM 2022" over "Số hộ | Tỷ lệ (%)" is the situation; "KẾ HOẠCH … NĂM 2023" over
    # "Số hộ giảm | Tỷ lệ giảm (%)" the aims; the markdown rule line between the header rows is not a row
    assert _figures(plan.targets, "Xã Tú Lý") == [(62.0, None, "hộ"), (5.0, None, "%")]
    assert _figures(plan.baselines, "Xã Tú Lý") == [(1240.0, None, "hộ"), (310.0, None, "hộ"), (25.0, None, "%")]
    rate = next(t for t in plan.baselines if t.scope == "Xã Cao Sơn" and t.unit == "%")
    assert (rate.value, rate.indicator) == (40.0, "Tỷ lệ hộ nghèo cuối năm 2022")
    assert all(t.indicator.casefold() not in ("tỷ lệ (%)", "tỷ lệ") for t in plan.targets + plan.baselines)
    # the total row ("Toàn huyện") restates the district's aims said in the text: counted once
    assert _figures(plan.targets, "huyện Đà Bắc")[:2] == [(210.0, None, "hộ"), (3.56, None, "%")]
    assert [t.table for t in plan.targets if t.value in (210.0, 3.56)] == [None, None]


def test_a_date_in_a_header_dates_the_column():
    _, plan = _plan("xb2_02")
    # "Số tiêu chí đạt đến 31/12/2022" is where each xã stands; "… phấn đấu đạt năm 2023" the aim
    table = [t for t in plan.targets if t.unit == "tiêu chí"]
    assert [(t.scope, t.value) for t in table] == [("Tú Lý", 19.0), ("Hào Lý", 14.0), ("Cao Sơn", 11.0)]
    past = [t for t in plan.baselines if t.unit == "tiêu chí"]
    assert [(t.value, t.year) for t in past] == [(16.0, 2022), (12.0, 2022), (9.0, 2022)]


def test_a_table_of_indicators_takes_each_rows_unit():
    _, plan = _plan("xb2_02")
    # "TT | Chỉ tiêu | ĐVT | Thực hiện năm 2022 | Kế hoạch năm 2023": rows are indicators of the district
    rows = [t for t in plan.targets if t.table == 2]
    assert [(t.value, t.unit, t.scope, t.year) for t in rows] == [
        (95.0, "%", "huyện Đà Bắc", 2023), (450.0, "người", "huyện Đà Bắc", 2023),
        (32.0, "triệu đồng/người/năm", "huyện Đà Bắc", 2023)]
    assert rows[0].indicator.startswith("Tỷ lệ người dân tham gia bảo hiểm y tế")
    assert [t.value for t in plan.baselines if t.table == 2] == [93.5, 410.0, 28.6]
    assert len(plan.targets) == 16


def test_merged_header_cells_of_an_html_table(tmp_path):
    html = """<html><body><p>ỦY BAN NHÂN DÂN HUYỆN MƯỜNG ẢNG</p><p>Số: 31/KH-UBND</p>
<p>Mường Ảng, ngày 10 tháng 02 năm 2023</p><p>KẾ HOẠCH</p><p>Giảm nghèo năm 2023 trên địa bàn huyện Mường Ảng</p>
<p>I. CHỈ TIÊU GIAO CÁC XÃ</p>
<table border="1">
<tr><td rowspan="2">TT</td><td rowspan="2">Xã</td><td colspan="2">Thực trạng đến 31/12/2022</td>
<td colspan="2">Kế hoạch năm 2023</td></tr>
<tr><td>Số hộ nghèo</td><td>Tỷ lệ (%)</td><td>Số hộ giảm</td><td>Tỷ lệ giảm (%)</td></tr>
<tr><td>1</td><td>Xã Ẳng Tở</td><td>120</td><td>12,5</td><td>20</td><td>2,1</td></tr>
<tr><td>2</td><td>Xã Búng Lao</td><td>80</td><td>8,0</td><td>15</td><td>1,5</td></tr>
</table></body></html>"""
    _, plan = _write(tmp_path, "merged.html", html)
    assert _figures(plan.targets, "Xã Ẳng Tở") == [(20.0, None, "hộ"), (2.1, None, "%")]
    assert _figures(plan.baselines, "Xã Búng Lao") == [(80.0, None, "hộ"), (8.0, None, "%")]
    rate = next(t for t in plan.baselines if t.unit == "%")
    assert rate.indicator == "Tỷ lệ hộ nghèo thực trạng đến 31/12/2022"


RAGGED = """UBND HUYỆN MƯỜNG NHÉ

Số: 12/KH-UBND
Mường Nhé, ngày 10 tháng 02 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 huyện Mường Nhé

I. CHỈ TIÊU

1. Chỉ tiêu giao các xã

| TT | Xã | Thực trạng cuối năm 2022 | Kế hoạch năm 2023 |
| | | Hộ nghèo | Tỷ lệ (%) | Giảm hộ nghèo | Tỷ lệ giảm (%) |
| 1 | Xã Sín Thầu | 210 | 30,5 | 30 | 4,3 |
| 2 | Xã Chung Chải | 190 | 28,1 | 25 | 3,7 |

2. Số tiêu chí nông thôn mới

TT\tXã\tSố tiêu chí đạt\t
\t\t2022\t2023
1\tXã Sín Thầu\t9\t11
2\tXã Chung Chải\t8\t10
"""


def test_a_group_row_written_with_one_cell_per_group_and_years_as_sub_headers(tmp_path):
    _, plan = _write(tmp_path, "ragged.txt", RAGGED)
    # two group cells over four sub-headers: two each
    assert _figures(plan.targets, "Xã Sín Thầu") == [(30.0, None, "hộ"), (4.3, None, "%"), (11.0, None, "tiêu chí")]
    assert _figures(plan.baselines, "Xã Chung Chải") == [(190.0, None, "hộ"), (28.1, None, "%"), (8.0, None, "tiêu chí")]


def test_sentences_about_the_present_are_baselines():
    _, plan = _plan("xb2_03")
    assert _figures(plan.targets) == [(37.5, None, "%"), (660.0, None, "hộ"), (27.0, None, "%"), (95.0, None, "%"),
                                      (100.0, None, "%"), (250.0, None, "hộ")]
    base = _figures(plan.baselines)
    # "Theo kết quả điều tra, rà soát … cuối năm 2022 (…), toàn huyện có 12.834 hộ, trong đó 5.471 hộ nghèo …"
    for figure in [(12834.0, None, "hộ"), (5471.0, None, "hộ"), (42.63, None, "%"), (1206.0, None, "hộ"),
                   (9.4, None, "%"),
                   (47.95, None, "%"),  # "giảm từ 47,95% năm 2021 xuống còn 42,63% năm 2022"
                   (2.0, None, "xã"), (11.0, None, "tiêu chí"),  # "Đến 31/12/2022 … đạt 11 tiêu chí"
                   (28.4, None, "%"),  # "năm 2022 còn 28,4%"
                   (92.8, None, "%")]:  # "(năm 2022 đạt 92,8%)", while "đạt trên 95%" in the same line is the aim
        assert figure in base
    assert [t.year for t in plan.baselines if t.value == 47.95] == [2021]


def test_criteria_and_thresholds_are_neither_targets_nor_baselines():
    _, plan = _plan("xb2_03")
    figures = _figures(plan.targets) + _figures(plan.baselines)
    # "các xã có tỷ lệ hộ nghèo trên 45%", "các thôn có từ 60% hộ nghèo trở lên", "Các xã có từ 05 công trình
    # trở lên", "hộ có thu nhập bình quân dưới 1.500.000 đồng/người/tháng"
    for value in (45.0, 60.0, 5.0, 1_500_000.0):
        assert all(v != value for v, _, _ in figures)


def test_a_plan_for_a_period_still_reads_the_review_as_the_situation(tmp_path):
    text = """ỦY BAN NHÂN DÂN
HUYỆN SÌN HỒ

Số: 205/KH-UBND
Sìn Hồ, ngày 15 tháng 11 năm 2021

KẾ HOẠCH
Thực hiện Chương trình giảm nghèo bền vững giai đoạn 2021 - 2025 trên địa bàn huyện Sìn Hồ

I. MỤC TIÊU, CHỈ TIÊU

Theo kết quả rà soát cuối năm 2021, toàn huyện có 6.472 hộ, trong đó 2.561 hộ nghèo, chiếm 39,57%.

- Phấn đấu đến cuối năm 2025 tỷ lệ hộ nghèo giảm còn dưới 20%.
"""
    _, plan = _write(tmp_path, "period.txt", text)
    assert _figures(plan.targets) == [(20.0, None, "%")]
    assert _figures(plan.baselines) == [(6472.0, None, "hộ"), (2561.0, None, "hộ"), (39.57, None, "%")]


def test_countable_outputs_take_the_whole_noun_as_unit():
    _, plan = _plan("xb2_04")
    assert [(t.value, t.unit) for t in plan.targets] == [
        (38.0, "triệu đồng/người/năm"), (99.0, "%"), (4.0, "trạm biến áp"), (3.5, "km"), (5.0, "chủ thể OCOP"),
        (2.0, "mô hình"), (2.0, "nhà văn hóa"), (3.0, "phòng học"), (12.0, "bể"), (6.0, "buổi")]
    ocop = next(t for t in plan.targets if t.unit == "chủ thể OCOP")
    assert ocop.span.text == "05 chủ thể OCOP"


def test_support_norms_are_not_targets_but_income_is():
    # "hỗ trợ 40 triệu đồng/hộ … để tăng thu nhập" and "400.000 đồng/ha/năm …, giúp người dân tăng thu nhập"
    # are norms; "Thu nhập bình quân đầu người … đạt 32 triệu đồng/người/năm" is an aim
    for prefix, income in (("xb2_04", 38.0), ("xb2_01", 32.0)):
        _, plan = _plan(prefix)
        money = [(t.value, t.unit) for t in plan.targets + plan.baselines if "đồng" in t.unit]
        assert money == [(income, "triệu đồng/người/năm")]
    # "mức hỗ trợ tối đa 50% chi phí thiết kế bao bì": a share of a cost the plan pays
    _, plan = _plan("xb2_04")
    assert 50.0 not in [t.value for t in plan.targets + plan.baselines]


def test_an_income_column_is_an_aim_with_its_rate_as_unit(tmp_path):
    text = """UBND HUYỆN MƯỜNG NHÉ

Số: 16/KH-UBND
Mường Nhé, ngày 12 tháng 02 năm 2023

KẾ HOẠCH
Xây dựng nông thôn mới năm 2023 huyện Mường Nhé

I. CHỈ TIÊU

TT\tXã\tThu nhập bình quân năm 2022 (triệu đồng/người/năm)\tThu nhập bình quân năm 2023 (triệu đồng/người/năm)
1\tXã Sín Thầu\t24,5\t27
2\tXã Chung Chải\t26\t29,5
"""
    _, plan = _write(tmp_path, "income.txt", text)
    # a money header with "/người/năm" is a rate: a norm unless it is an income ("thu nhập")
    assert _figures(plan.targets) == [(27.0, None, "triệu đồng/người/năm"), (29.5, None, "triệu đồng/người/năm")]
    assert [t.value for t in plan.baselines] == [24.5, 26.0]
    assert plan.budgets == []


def test_years_as_the_header_row_of_a_table_of_indicators(tmp_path):
    text = """UBND HUYỆN MƯỜNG NHÉ

Số: 17/KH-UBND
Mường Nhé, ngày 12 tháng 02 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 huyện Mường Nhé

I. CHỈ TIÊU CHỦ YẾU

TT\tChỉ tiêu\tĐVT\t2022\t2023
1\tTỷ lệ hộ nghèo\t%\t35,2\t31,0
2\tSố hộ thoát nghèo\thộ\t410\t450
"""
    _, plan = _write(tmp_path, "years.txt", text)
    # "TT | Chỉ tiêu | ĐVT | 2022 | 2023" is the header, not a first row of figures
    assert [(t.indicator, t.value, t.unit, t.year) for t in plan.targets] == [
        ("Tỷ lệ hộ nghèo (2023)", 31.0, "%", 2023), ("Số hộ thoát nghèo (2023)", 450.0, "hộ", 2023)]
    assert [(t.value, t.year) for t in plan.baselines] == [(35.2, 2022), (410.0, 2022)]


def test_grouped_headers_of_a_word_table(tmp_path):
    # a Word table whose group headings are merged cells (gridSpan) over their sub-headers, and whose first
    # columns are merged down (vMerge): the same reading as the pipe and HTML tables
    import docx

    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN", "HUYỆN MƯỜNG ẢNG", "Số: 32/KH-UBND", "Mường Ảng, ngày 10 tháng 02 năm 2023",
                 "KẾ HOẠCH", "Giảm nghèo năm 2023 trên địa bàn huyện Mường Ảng", "I. CHỈ TIÊU GIAO CÁC XÃ"):
        document.add_paragraph(line)
    rows = [["TT", "Xã", "Hộ nghèo cuối năm 2022", "", "Kế hoạch năm 2023", ""],
            ["", "", "Số hộ", "Tỷ lệ (%)", "Số hộ giảm", "Tỷ lệ giảm (%)"],
            ["1", "Xã Ẳng Nưa", "150", "15,0", "25", "2,5"],
            ["2", "Xã Ngối Cáy", "90", "9,0", "18", "1,8"]]
    table = document.add_table(rows=4, cols=6)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 2).merge(table.cell(0, 3))
    table.cell(0, 4).merge(table.cell(0, 5))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    path = tmp_path / "merged.docx"
    document.save(path)
    _, plan = _read(path)
    assert _figures(plan.targets, "Xã Ẳng Nưa") == [(25.0, None, "hộ"), (2.5, None, "%")]
    assert _figures(plan.baselines, "Xã Ngối Cáy") == [(90.0, None, "hộ"), (9.0, None, "%")]
    assert [t.indicator for t in plan.baselines][:2] == ["hộ nghèo cuối năm 2022", "Tỷ lệ hộ nghèo cuối năm 2022"]


def _rows(items, table: int) -> list[tuple[str, float, str, int | None, str | None]]:
    return [(t.indicator, t.value, t.unit, t.year, t.scope) for t in items if t.table == table]


def test_a_tables_title_gives_the_role_the_unit_and_the_year():
    # "Bảng 2. Chỉ tiêu hỗ trợ giai đoạn 2022 - 2025 theo xã (đơn vị: hộ)" over bare measure names: every column
    # is an aim counted in households for 2025, the unit of the title winning over "nhà" in "Hỗ trợ nhà ở"; the
    # column "Thiếu nhà ở đầu năm 2023" says a state, so it stays the situation
    doc, plan = _plan("xb3_title_role_unit")
    assert _rows(plan.targets, 1) == [
        ("Hỗ trợ nhà ở", 35.0, "hộ", 2025, "Xã Trà Mai"),
        ("Nước sinh hoạt phân tán", 120.0, "hộ", 2025, "Xã Trà Mai"),
        ("Đào tạo nghề", 40.0, "hộ", 2025, "Xã Trà Mai"),
        ("Hỗ trợ nhà ở", 22.0, "hộ", 2025, "Xã Trà Don"),
        ("Nước sinh hoạt phân tán", 95.0, "hộ", 2025, "Xã Trà Don"),
        ("Đào tạo nghề", 31.0, "hộ", 2025, "Xã Trà Don"),
        ("Hỗ trợ nhà ở", 57.0, "hộ", 2025, "huyện Nam Trà My"),
        ("Nước sinh hoạt phân tán", 215.0, "hộ", 2025, "huyện Nam Trà My"),
        ("Đào tạo nghề", 71.0, "hộ", 2025, "huyện Nam Trà My"),
    ]
    first = next(t for t in plan.targets if t.table == 1)
    assert doc.text[first.span.start:first.span.end] == "35"
    assert _rows(plan.baselines, 1) == [
        ("Thiếu nhà ở đầu năm 2023", 48.0, "hộ", 2023, "Xã Trà Mai"),
        ("Thiếu nhà ở đầu năm 2023", 30.0, "hộ", 2023, "Xã Trà Don"),
        ("Thiếu nhà ở đầu năm 2023", 78.0, "hộ", 2023, "huyện Nam Trà My"),
    ]


def test_a_situation_title_makes_every_column_a_baseline():
    # "Bảng 1. Thực trạng hộ nghèo đầu năm 2023 (đơn vị: hộ)": the situation in 2023, even the column whose header
    # only describes the measure with an aim word ("Đã được hỗ trợ nhà ở")
    _, plan = _plan("xb3_title_role_unit")
    assert [t for t in plan.targets if t.table == 0] == []
    assert _rows(plan.baselines, 0)[:4] == [
        ("Hộ nghèo", 412.0, "hộ", 2023, "Xã Trà Mai"),
        ("Thiếu nhà ở", 48.0, "hộ", 2023, "Xã Trà Mai"),
        ("Thiếu nước sinh hoạt", 130.0, "hộ", 2023, "Xã Trà Mai"),
        ("Đã được hỗ trợ nhà ở", 16.0, "hộ", 2023, "Xã Trà Mai"),
    ]
    assert [(t.value, t.scope) for t in plan.baselines if t.table == 0 and t.indicator == "Hộ nghèo"] == [
        (412.0, "Xã Trà Mai"), (305.0, "Xã Trà Don"), (717.0, "huyện Nam Trà My")]


def test_a_caption_line_under_a_plan_title_counts_every_column(tmp_path):
    # "Biểu 1. Kế hoạch … năm 2024 theo thôn" then "ĐVT: hộ" over "Nuôi bò sinh sản | Trồng quế": aims in
    # households; "Đã tham gia năm 2023" names a past year, so it is where things stand
    text = """ỦY BAN NHÂN DÂN
XÃ TRÀ LENG
Số: 12/KH-UBND
Trà Leng, ngày 10 tháng 01 năm 2024

KẾ HOẠCH
Phát triển sản xuất cho hộ nghèo năm 2024 trên địa bàn xã Trà Leng

I. MỤC TIÊU

Phấn đấu hỗ trợ phát triển sản xuất cho hộ nghèo theo biểu sau.

Biểu 1. Kế hoạch phát triển sản xuất năm 2024 theo thôn
ĐVT: hộ

| TT | Thôn | Nuôi bò sinh sản | Trồng quế | Đã tham gia năm 2023 |
|---|---|---|---|---|
| 1 | Thôn 1 | 12 | 30 | 4 |
| 2 | Thôn 2 | 8 | 25 | 2 |
| | Toàn xã | 20 | 55 | 6 |

II. TỔ CHỨC THỰC HIỆN

Công chức Lao động - Thương binh và Xã hội xã theo dõi, tổng hợp kết quả thực hiện.
"""
    _, plan = _write(tmp_path, "caption.txt", text)
    assert _rows(plan.targets, 0) == [
        ("Nuôi bò sinh sản", 12.0, "hộ", 2024, "Thôn 1"), ("Trồng quế", 30.0, "hộ", 2024, "Thôn 1"),
        ("Nuôi bò sinh sản", 8.0, "hộ", 2024, "Thôn 2"), ("Trồng quế", 25.0, "hộ", 2024, "Thôn 2"),
        ("Nuôi bò sinh sản", 20.0, "hộ", 2024, "xã Trà Leng"), ("Trồng quế", 55.0, "hộ", 2024, "xã Trà Leng"),
    ]
    assert [(t.value, t.year) for t in plan.baselines if t.table == 0] == [(4.0, 2023), (2.0, 2023), (6.0, 2023)]
