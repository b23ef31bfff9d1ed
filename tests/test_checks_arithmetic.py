"""Table and list arithmetic: totals against their rows, formula rows, Vietnamese number formats."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.arithmetic import cell_value, list_sums, table_views
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed


def findings(tmp_path: Path, text: str, *codes: str, name: str = "plan.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    plan = kehoach.extract(doc, with_findings=False)
    return run_internal(plan, doc, set(codes))


@pytest.mark.parametrize("text, value", [
    ("7.449", Decimal(7449)), ("1.234,5", Decimal("1234.5")), ("0.69", Decimal("0.69")), ("8,11", Decimal("8.11")),
    ("0,001", Decimal("0.001")), ("1.011", Decimal(1011)), ("12%", Decimal(12)), ("01", Decimal(1)), ("3=2/1", None),
    ("Cộng", None),
])
def test_cell_values_in_vietnamese_formats(text, value) -> None:
    assert cell_value(text) == value


def test_seed_004_total_row_one_off_is_found() -> None:
    doc = kehoach.read(seed("004"))
    plan = kehoach.extract(doc, with_findings=False)
    found = run_internal(plan, doc, {"sum_mismatch"})
    assert len(found) == 1
    f = found[0]
    assert f.data["stated"] == "7.449" and f.data["computed"] == "7.450" and f.data["addends"] == 17
    texts = [e.text for e in f.evidence]
    assert texts[0].startswith("Tổng cộng toàn tỉnh") and texts[0].endswith("7.449")
    assert texts[1] == "5"  # the column's numbering-row cell
    # the rate column "3=2/1" agrees with its formula on every row, and col 4 (targets, an average) is not summed
    assert run_internal(plan, doc, {"pct_mismatch"}) == []


def test_seed_002_table_with_rate_columns_stays_quiet() -> None:
    doc = kehoach.read(seed("002"))
    view = table_views(doc)[0]
    assert [c.rate for c in view.columns][3:7] == [False, True, False, True]  # "Số hộ" / "Tỷ lệ %"
    assert view.rows[-1].total and view.rows[-1].label == "Cộng"
    plan = kehoach.extract(doc, with_findings=False)
    assert run_internal(plan, doc, {"sum_mismatch"}) == []
    table = doc.tables[0]
    rates = [f for f in run_internal(plan, doc, {"pct_mismatch"}) if f.evidence[0].start >= table.start]
    assert rates == []  # every "Tỷ lệ %" cell is its count over "Tổng số hộ dân cư"


GROUPED = """KẾ HOẠCH
Thực hiện giảm nghèo năm 2024

I. KINH PHÍ

TT\tNội dung\tKinh phí (triệu đồng)\tSố hộ
A\tB\t1\t2
\tTổng cộng\t{total}\t{households}
I\tDự án 2\t{group}\t20
1\tMô hình nuôi bò\t300\t12
2\tMô hình nuôi dê\t120,5\t8
II\tDự án 5\t400\t10
"""


def test_grouped_table_sums_groups_then_total(tmp_path) -> None:
    ok = GROUPED.format(total="820,5", households="30", group="420,5")
    assert findings(tmp_path, ok, "sum_mismatch") == []
    bad_group = GROUPED.format(total="820,5", households="30", group="402,5")
    found = findings(tmp_path, bad_group, "sum_mismatch")
    # the group row is wrong; the grand total equals the rows it adds (402,5 + 400 ≠ 820,5) so it is reported too
    assert {(f.data["what"], f.data["stated"], f.data["computed"]) for f in found} == {
        ('Bảng: dòng "Dự án 2", Kinh phí (triệu đồng) (cột 1)', "402,5", "420,5"),
        ('Bảng: dòng "Tổng cộng", Kinh phí (triệu đồng) (cột 1)', "820,5", "802,5")}
    bad_count = GROUPED.format(total="820,5", households="31", group="420,5")
    found = findings(tmp_path, bad_count, "sum_mismatch")
    assert [(f.data["what"], f.data["stated"], f.data["computed"]) for f in found] == [
        ('Bảng: dòng "Tổng cộng", Số hộ (cột 2)', "31", "30")]


def test_rates_and_averages_are_not_summed(tmp_path) -> None:
    text = """KẾ HOẠCH
Giảm nghèo năm 2024

TT\tĐơn vị\tSố hộ nghèo\tTỷ lệ giảm (%)\tMức giảm
1\tXã A\t120\t2,5\t3,0
2\tXã B\t80\t1,5\t2,0
\tCộng\t200\t2,1\t2,6
"""
    assert findings(tmp_path, text, "sum_mismatch") == []


def test_formula_row_is_checked(tmp_path) -> None:
    text = """KẾ HOẠCH
Kinh phí năm 2024

TT\tNguồn\tTổng số\tNgân sách trung ương\tNgân sách tỉnh
A\tB\t1=2+3\t2\t3
1\tDự án 2\t500\t300\t200
2\tDự án 4\t350\t250\t150
"""
    [f] = findings(tmp_path, text, "sum_mismatch")
    assert (f.data["formula"], f.data["stated"], f.data["computed"]) == ("1=2+3", "350", "400")
    assert f.evidence[0].text.startswith("Dự án 4")


def test_rate_formula_row_is_checked(tmp_path) -> None:
    text = """KẾ HOẠCH
Chỉ tiêu năm 2024

TT\tĐơn vị\tTổng số hộ\tHộ nghèo\tTỷ lệ
A\tB\t1\t2\t3=2/1
1\tXã A\t1.240\t150\t12,10
2\tXã B\t1.180\t352\t{rate}
"""
    assert findings(tmp_path, text.format(rate="29,83"), "pct_mismatch") == []
    [f] = findings(tmp_path, text.format(rate="28,93"), "pct_mismatch")
    assert f.data["formula"] == "3=2/1" and "29,83" in f.message


def test_amounts_in_a_list_add_up(tmp_path) -> None:
    good = "Tổng kinh phí thực hiện năm 2023 là 12,62 tỷ đồng, gồm: Dự án 2: 2,4 tỷ đồng; Dự án 3: 5,1 tỷ đồng; " \
           "Dự án 4: 3,2 tỷ đồng; Dự án 6: 0,82 tỷ đồng; Dự án 7: 1,1 tỷ đồng.\n"
    assert findings(tmp_path, good, "sum_mismatch") == []
    listed = """Tổng kinh phí thực hiện: 287.400.000 đồng, gồm:
- Tập huấn nghiệp vụ: 18.400.000 đồng;
- Thù lao cho 140 điều tra viên, mức 1.650.000 đồng/người: 231.000.000 đồng;
- In ấn phiếu: 28.000.000 đồng.
"""
    found = findings(tmp_path, listed, "sum_mismatch")
    assert len(found) == 1 and found[0].data["parts_vnd"] == 277_400_000  # the rate per person is not an addend
    subset = "Tổng vốn năm 2024 là 500 triệu đồng, trong đó ngân sách tỉnh 300 triệu đồng, ngân sách huyện 100 triệu đồng.\n"
    assert findings(tmp_path, subset, "sum_mismatch") == []  # "trong đó" may list only some parts
    [ls] = list_sums(subset)
    assert not ls.exhaustive and ls.total.amount_vnd == 500_000_000


def test_table_broken_by_a_page_is_read_as_one(tmp_path) -> None:
    text = """KẾ HOẠCH
Chỉ tiêu năm 2024

TT\tĐơn vị\tSố hộ\tSố hộ giảm
A\tB\t1\t2
I\tTổng cộng\t{total}\t60
1\tXã A\t300\t20
2\tXã B\t250\t15

Trang 2

3\tXã C\t200\t10
4\tXã D\t150\t15
"""
    assert findings(tmp_path, text.format(total="900"), "sum_mismatch") == []
    [f] = findings(tmp_path, text.format(total="910"), "sum_mismatch")
    assert (f.data["stated"], f.data["computed"], f.data["addends"]) == ("910", "900", 4)


def test_counts_under_a_misaligned_rate_header_are_still_summed(tmp_path) -> None:
    text = """KẾ HOẠCH
Chỉ tiêu năm 2024

TT\tĐơn vị\tTổng số hộ\tTỷ lệ (%)
A\tB\t1\t2
\tCộng\t1.050\t310
1\tXã A\t600\t180
2\tXã B\t450\t120
"""
    [f] = findings(tmp_path, text, "sum_mismatch")
    assert (f.data["stated"], f.data["computed"]) == ("310", "300")
