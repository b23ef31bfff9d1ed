"""Budgets: amounts of money the plans give, in đồng, with the amount in words parsed and kept."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract import extract_plan

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"


@lru_cache(maxsize=None)
def _read(path: Path):
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def _syn(prefix: str):
    return _read(next(SYN.glob(f"{prefix}*.txt")))


def test_seed_001_amounts_with_their_words():
    doc, plan = _read(seed("001"))
    assert [(b.amount_vnd, b.in_words, b.in_words_vnd) for b in plan.budgets] == [
        (5_000_000, "năm triệu đồng", 5_000_000),
        (9_000_000, "Chín triệu đồng", 9_000_000),
        (12_000_000, "mười hai triệu đồng", 12_000_000),
    ]
    assert [b.span.text for b in plan.budgets] == ["5.000.000đ", "9.000.000 đ", "12.000.000 đ"]
    # "* Kinh phí thực hiện: …" says nothing of the purpose: the sub-project item does
    assert plan.budgets[0].purpose == "Tiểu dự án 2, Dự án 6: Truyền thông về giảm nghèo đa chiều"
    assert plan.budgets[2].purpose == "Tiêu dự án 2, Dự án 7: Giám sát, đánh giá"
    for b in plan.budgets:
        assert doc.text[b.span.start:b.span.end] == b.span.text


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_seeds_without_amounts(prefix):
    assert _read(seed(prefix))[1].budgets == []


def test_millions_in_a_table_and_rates_left_out():
    _, plan = _syn("syn01")
    amounts = [b.amount_vnd for b in plan.budgets]
    # "mức hỗ trợ 40 triệu đồng/hộ, kinh phí 480 triệu đồng": the rate is not a budget
    assert 40_000_000 not in amounts
    assert amounts.count(480_000_000) == 1  # in the text and in the table: once
    total = next(b for b in plan.budgets if b.amount_vnd == 3_640_000_000)
    assert (total.in_words, total.in_words_vnd) == ("Ba tỷ sáu trăm bốn mươi triệu đồng", 3_640_000_000)
    row = next(b for b in plan.budgets if b.amount_vnd == 875_000_000)  # "1 | Dự án 1 | 875" (triệu đồng)
    assert row.span.text == "875" and row.purpose.startswith("Dự án 1")
    assert len(plan.budgets) == 12
    assert plan.budgets[0].purpose == "Hỗ trợ nhà ở cho 12 hộ tại các thôn Lô Lô Chải, Séo Lủng, Thèn Ván"


def test_billions():
    _, plan = _syn("syn04")
    amounts = [b.amount_vnd for b in plan.budgets]
    assert amounts[:5] == [72_220_000_000, 1_215_600_000_000, 742_300_000_000, 426_800_000_000, 46_500_000_000]
    assert 11_460_000_000 in amounts  # "Huyện Mường Nhé … | 11.460" under "Kinh phí hỗ trợ (triệu đồng)"
    assert plan.budgets[3].purpose == "vốn sự nghiệp ngân sách trung ương"
    _, plan = _syn("syn02")
    assert [b.amount_vnd for b in plan.budgets][:2] == [42_335_000_000, 28_500_000_000]


def test_unit_prices_are_not_budgets():
    _, plan = _syn("syn08")  # "cho 84 hộ …, mỗi phần 500.000 đồng; tổng kinh phí 42.000.000 đồng"
    amounts = [b.amount_vnd for b in plan.budgets]
    assert 500_000 not in amounts and 42_000_000 in amounts
    _, plan = _syn("syn09")  # "thu nhập bình quân đầu người/tháng từ 2.000.000 đồng trở xuống" is a standard
    assert 2_000_000 not in [b.amount_vnd for b in plan.budgets]


# --- plans in new styles (tests/fixtures/plans/xb2_*) -------------------------------------------------------
PLANS = ROOT / "tests" / "fixtures" / "plans"


def _plan(prefix: str):
    return _read(next(PLANS.glob(f"{prefix}*")))


def test_a_unit_stated_once_scales_every_amount_of_its_table():
    doc, plan = _plan("xb2_01")
    amounts = [b.amount_vnd for b in plan.budgets]
    # Biểu 01 under a line "Đơn vị tính: triệu đồng", its column headed only "Kinh phí": 105 is 105 million
    row = next(b for b in plan.budgets if b.amount_vnd == 105_000_000)
    assert row.span.text == "105" and row.purpose.startswith("Dự án 6 - Tiểu dự án 2")
    assert {1_150_000_000, 1_330_000_000, 540_000_000, 175_000_000} <= set(amounts)
    # Biểu 02: the unit in the column header "Tổng (tr.đ)"
    assert {580_000_000, 520_000_000, 240_000_000} <= set(amounts)
    # Biểu 03: the unit in the title "(Đơn vị: tỷ đồng)", over a column headed "Năm 2023"
    assert {11_200_000_000, 840_000_000, 800_000_000} <= set(amounts)
    assert min(amounts) >= 100_000_000  # no amount left in the table's own unit
    for b in plan.budgets:
        assert doc.text[b.span.start:b.span.end] == b.span.text


def test_one_amount_in_text_and_tables_is_one_budget():
    _, plan = _plan("xb2_01")
    amounts = [b.amount_vnd for b in plan.budgets]
    # "12,84 tỷ đồng (Mười hai tỷ …)" in the text, "12.840" (triệu) in Biểu 01, "12,84" (tỷ) in Biểu 03
    total = [b for b in plan.budgets if b.amount_vnd == 12_840_000_000]
    assert len(total) == 1 and total[0].in_words_vnd == 12_840_000_000
    assert amounts.count(8_200_000_000) == 1  # "vốn đầu tư phát triển 8.200 triệu đồng" and Biểu 01 row 1
    assert amounts.count(1_340_000_000) == 1  # Biểu 01 row 5 and the "Cộng" row of Biểu 02
    assert len(plan.budgets) == 15


def test_support_norms_are_not_budgets():
    _, plan = _plan("xb2_01")
    amounts = {b.amount_vnd for b in plan.budgets}
    # "mỗi hộ tham gia được hỗ trợ tối đa 15 triệu đồng", "400.000 đồng/ha/năm", "1.500.000 đồng/người/khóa",
    # "30.000 đồng/người/ngày", "40 triệu đồng/hộ", "20 triệu đồng cho mỗi hộ", and the "Định mức (tr.đ/hộ)"
    # columns of Biểu 02
    for norm in (15_000_000, 400_000, 1_500_000, 30_000, 40_000_000, 20_000_000):
        assert norm not in amounts


def test_a_caption_row_inside_a_tab_table(tmp_path):
    text = """UBND HUYỆN MƯỜNG NHÉ

Số: 12/KH-UBND
Mường Nhé, ngày 10 tháng 02 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 huyện Mường Nhé

I. KINH PHÍ

Biểu kinh phí
\t\t\tĐVT: triệu đồng
TT\tNội dung\tTổng số\tNgân sách trung ương\tNgân sách tỉnh
1\tDự án 1\t1.200\t1.100\t100
2\tDự án 2\t350\t300\t50
\tTổng cộng\t1.550\t1.400\t150
"""
    path = tmp_path / "caption.txt"
    path.write_text(text, encoding="utf-8")
    _, plan = _read(path)
    assert [b.amount_vnd for b in plan.budgets] == [
        1_200_000_000, 1_100_000_000, 100_000_000, 350_000_000, 300_000_000, 50_000_000,
        1_550_000_000, 1_400_000_000, 150_000_000]
    assert plan.budgets[1].purpose == "Dự án 1 — Ngân sách trung ương"


def test_amounts_without_currency_in_a_money_clause(tmp_path):
    text = """UBND HUYỆN MƯỜNG NHÉ

Số: 15/KH-UBND
Mường Nhé, ngày 12 tháng 02 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 huyện Mường Nhé

I. KINH PHÍ THỰC HIỆN

Tổng kinh phí thực hiện: 2,5 tỷ; trong đó ngân sách tỉnh 1,8 tỷ, ngân sách huyện 700 triệu. Mỗi hộ tham gia mô hình được hỗ trợ 5 triệu cho giống và vật tư.
"""
    path = tmp_path / "bare.txt"
    path.write_text(text, encoding="utf-8")
    _, plan = _read(path)
    assert [(b.amount_vnd, b.span.text) for b in plan.budgets] == [
        (2_500_000_000, "2,5 tỷ"), (1_800_000_000, "1,8 tỷ"), (700_000_000, "700 triệu")]


def test_a_word_table_under_its_unit_caption(tmp_path):
    # the same plan as a DOCX, its tab tables drawn as Word tables: the same amounts
    from fixtures.render_docx import render_docx

    path = render_docx(next(PLANS.glob("xb2_01*")), tmp_path / "xb2_01.docx")
    _, plan = _read(path)
    _, txt = _plan("xb2_01")
    assert [b.amount_vnd for b in plan.budgets] == [b.amount_vnd for b in txt.budgets]
