"""Deadlines: dates by which something must be done or reported, full, partial or recurring."""

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


def _dates(plan) -> list[tuple]:
    return [(d.date.year, d.date.month, d.date.day, d.recurring) for d in plan.deadlines]


def test_seed_004_dates_quarter_and_chained():
    doc, plan = _read(seed("004"))
    assert _dates(plan) == [(2024, 3, 31, None), (2024, 1, 31, None), (2024, 5, 20, None), (2024, 10, 30, None)]
    # "trong quý I năm 2024": the last day of the quarter
    assert plan.deadlines[0].span.text == "trong quý I năm 2024"
    assert plan.deadlines[1].who == "Ủy ban nhân dân các huyện, thị xã, thành phố"
    # "định kỳ trước ngày 20/5/2024 (báo cáo 06 tháng) và ngày 30/10/2024 (báo cáo năm)"
    assert plan.deadlines[3].span.text == "30/10/2024"
    assert plan.deadlines[2].who == "Các sở, ban, ngành, đoàn thể và các địa phương"
    for d in plan.deadlines:
        assert doc.text[d.span.start:d.span.end] == d.span.text


def test_seed_000_year_ends_in_the_organisation_section_only():
    _, plan = _read(seed("000"))
    # "Cuối năm 2024 toàn xã có 03 hộ nghèo" (II) describes the situation; V gives tasks "cuối năm 2024"
    assert _dates(plan) == [(2024, None, None, None), (2024, None, None, None)]
    assert [d.who for d in plan.deadlines] == ["Cán bộ Phụ trách công tác giảm nghèo", "Các áp/sóc"]


def test_seed_001_months():
    _, plan = _read(seed("001"))
    # "từ tháng 7 đến hết tháng 9/2023", "Dự kiến tổ chức vào tháng 7/2023", "Dự kiến tháng 6/2023"
    assert _dates(plan) == [(2023, 9, None, None), (2023, 7, None, None), (2023, 6, None, None)]
    assert plan.deadlines[0].who == "công chức văn hóa chính sách"


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_seeds_without_deadlines(prefix):
    assert _read(seed(prefix))[1].deadlines == []


@pytest.mark.parametrize(
    "prefix, expected",
    [
        # "trước ngày 20 hằng tháng"; "trong quý III năm 2024"
        ("syn02", [(2024, 12, 15, None), (2024, 6, 15, None), (2024, 12, 10, None), (2024, 9, 30, None),
                   (None, None, 20, "monthly")]),
        # "định kỳ hằng quý trước ngày 15 của tháng cuối quý"
        ("syn04", [(None, None, 15, "quarterly"), (2025, 12, 10, None), (2025, 1, 15, None), (2026, 1, 31, None)]),
        # "hằng năm trước ngày 15/12"; "trong quý IV năm 2025"
        ("syn05", [(None, 12, 15, "yearly"), (2025, 12, 31, None), (2022, 7, 15, None)]),
        # "hoàn thành trước 30/6/2022" without "ngày"
        ("syn03", [(2022, 9, 30, None), (2022, 6, 30, None), (2022, 11, 25, None)]),
    ],
)
def test_synthetic_deadlines(prefix, expected):
    _, plan = _read(next(SYN.glob(f"{prefix}*.txt")))
    assert _dates(plan) == expected


def test_range_end_is_the_deadline():
    _, plan = _read(next(SYN.glob("syn09*.txt")))
    # "Rà soát, thu thập thông tin tại hộ gia đình: từ ngày 11/10/2021 đến ngày 31/10/2021."
    assert (2021, 10, 31, None) in _dates(plan)
    assert (2021, 10, 11, None) not in _dates(plan)


# --- plans in new styles (tests/fixtures/plans/xb2_*) -------------------------------------------------------
PLANS = ROOT / "tests" / "fixtures" / "plans"


def test_report_dates_and_days_that_are_not_deadlines():
    _, plan = _read(next(PLANS.glob("xb2_06*")))
    assert _dates(plan) == [
        (2022, 7, None, None),  # "hoàn thành trong tháng 7/2022"
        (2022, 6, 15, None),  # a "Thời gian hoàn thành" column: "15/6/2022"
        (2022, 9, 30, None),  # … and "Quý III/2022"
        (2022, 6, 30, None),  # "chậm nhất ngày 30 tháng 6 năm 2022": the cue takes the "ngày" of a date in words
        (None, None, 25, "monthly"),  # "báo cáo UBND xã vào ngày 25 hằng tháng": a report
        (2022, 12, 10, None),  # "Tổng hợp, báo cáo kết quả thực hiện năm 2022 … trước ngày 10/12/2022"
    ]
    # not deadlines: the fair "vào ngày 15 hằng tháng", the conference "vào ngày 17/10/2022", the handing out
    # of seeds "ngay trong ngày 20/8/2022"
    assert plan.deadlines[-1].what.startswith("Tổng hợp, báo cáo kết quả thực hiện năm 2022")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Tổng hợp, báo cáo kết quả thực hiện năm 2023 về UBND huyện trước ngày 10 tháng 12 năm 2023.",
         [(2023, 12, 10, None)]),
        ("Báo cáo kết quả thực hiện năm 2023 gửi UBND huyện, thời hạn: ngày 10/12/2023.", [(2023, 12, 10, None)]),
        ("Tính đến ngày 31/12/2022, toàn xã có 45 hộ nghèo.", []),
        ("Đến ngày 31/12/2022, toàn xã có 15 tiêu chí đạt chuẩn.", []),
        ("Phiên giao dịch việc làm được tổ chức vào ngày 15 hằng tháng.", []),
        ("Các thôn báo cáo tiến độ về UBND xã vào ngày 20 hằng tháng.", [(None, None, 20, "monthly")]),
        # a task due before the plan was issued is still a deadline (a check reports it)
        ("Các thôn hoàn thành rà soát đến ngày 15/01/2023.", [(2023, 1, 15, None)]),
    ],
    ids=["date-in-words", "thoi-han", "tinh-den-ngay", "den-ngay-past", "fair-day", "report-day", "den-ngay-task"],
)
def test_cues_around_a_date(tmp_path, sentence, expected):
    text = f"""UBND HUYỆN BẢO YÊN
UBND XÃ NGHĨA ĐÔ

Số: 70/KH-UBND
Nghĩa Đô, ngày 12 tháng 3 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 trên địa bàn xã Nghĩa Đô

I. TỔ CHỨC THỰC HIỆN

{sentence}
"""
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    assert _dates(_read(path)[1]) == expected
