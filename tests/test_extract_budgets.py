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
