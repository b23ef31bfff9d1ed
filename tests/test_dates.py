"""Vietnamese dates as plans write them, including drafts' blanks, with the span each was read from."""

from __future__ import annotations

import pytest

from kehoach.pipeline.dates import date_at, find_dates, parse_date, to_iso
from kehoach.schemas.plan import PartialDate

# (text, (year, month, day), matched text)
DATES = [
    ("27/01/2021", (2021, 1, 27), "27/01/2021"),
    ("27-01-2021", (2021, 1, 27), "27-01-2021"),
    ("27/1/2021", (2021, 1, 27), "27/1/2021"),
    ("27.01.2021", (2021, 1, 27), "27.01.2021"),
    ("ngày 27 tháng 01 năm 2021", (2021, 1, 27), "ngày 27 tháng 01 năm 2021"),
    ("ngày 05 tháng 3 năm 2024", (2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
    # seeds 003, 001, 000: blanks of a draft
    ("Vinh Yên, ngày tháng 5 năm 2022", (2022, 5, None), "ngày tháng 5 năm 2022"),
    ("ngày  tháng 5 năm 2022", (2022, 5, None), "ngày  tháng 5 năm 2022"),
    ("Cẩm Lương, ngày tháng 05 năm 2023", (2023, 5, None), "ngày tháng 05 năm 2023"),
    ("Tân Lợi, ngày tháng năm 2024", (2024, None, None), "ngày tháng năm 2024"),
    ("ngày ..... tháng ..... năm 2024", (2024, None, None), "ngày ..... tháng ..... năm 2024"),
    # seed 004: a date wrapped over two lines of a flattened header
    ("Gia Lai, ngày 08\ntháng 12 năm 2023", (2023, 12, 8), "ngày 08\ntháng 12 năm 2023"),
    # seed 002 appendix: a space before the slash
    ("Kế hoạch số: /KH-UBND ngày 22 /02/2024", (2024, 2, 22), "ngày 22 /02/2024"),
    ("ngày …/…/2024", (2024, None, None), "ngày …/…/2024"),
    # seed 001: month and year only
    ("Dự kiến tổ chức vào tháng 7/2023", (2023, 7, None), "tháng 7/2023"),
    ("từ tháng 7 đến hết tháng 9/2023", (2023, 9, None), "tháng 9/2023"),
]


@pytest.mark.parametrize("text, expected, matched", DATES)
def test_dates(text: str, expected: tuple, matched: str) -> None:
    found = find_dates(text)
    assert len(found) == 1
    d = found[0]
    assert (d.date.year, d.date.month, d.date.day) == expected
    assert text[d.start:d.end] == matched


@pytest.mark.parametrize("text", ["ngày 31/13/2020", "17/2.991 hộ", "tỷ lệ 0,2- 0,25%", "giai đoạn 2021-2025",
                                  "Số: 3456/KH-UBND", "07/2021/NĐ-CP"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_several_dates_in_reading_order() -> None:
    text = "định kỳ trước ngày 20/5/2024 (báo cáo 06 tháng) và ngày 30/10/2024 (báo cáo năm)"
    assert [d.iso for d in find_dates(text)] == ["2024-05-20", "2024-10-30"]


def test_date_at_reads_only_where_asked() -> None:
    text = "Nghị định số 07/2021/NĐ-CP, ngày 27/1/2021 của Chính phủ"
    assert date_at(text, text.index(",") + 1).iso == "2021-01-27"
    assert date_at(text, 0) is None


def test_parse_date_and_iso() -> None:
    assert parse_date("Kỳ Sơn, ngày 16 tháng 6 năm 2022") == PartialDate(year=2022, month=6, day=16)
    assert parse_date("không có ngày") is None
    assert to_iso(PartialDate(year=2022, month=6, day=16)) == "2022-06-16"
    assert to_iso(PartialDate(year=2022, month=5)) == "2022-05"
    assert to_iso(PartialDate(year=2024)) == "2024"
    assert to_iso(None) is None
