"""Vietnamese numbers as the plans write them: "." groups thousands, "," marks decimals, amounts in words."""

from __future__ import annotations

import pytest

from kehoach.pipeline.numbers import (
    find_amounts,
    find_numbers,
    parse_amount,
    parse_decimal,
    parse_number,
    parse_range,
    to_vnd,
    words_to_number,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.234,5", 1234.5),
        ("7.449", 7449.0),  # seed 004, "Số hộ giảm nghèo năm 2024"
        ("388.231", 388231.0),
        ("0,43", 0.43),  # seed 002, "giảm còn 0,43%"
        ("0,001", 0.001),  # seed 000, "chiếm 0,001%"
        ("00", 0.0),  # seed 002, "00 hộ, tỷ lệ 00%"
        ("03", 3.0),
        ("1.215,6", 1215.6),
        ("0.69", 0.69),  # seed 002 appendix, English-style decimal point
        ("2,00", 2.0),
        ("12", 12.0),
        ("1,234,567", 1234567.0),
        ("1,234.5", 1234.5),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12/2023", ",5", "2.0.1"])
def test_parse_number_rejects_what_is_not_a_number(text):
    assert parse_number(text) is None


def test_dot_decimal_hint_reads_a_percentage_column():
    assert parse_number("1.500") == 1500.0
    assert parse_number("1.500", dot_decimal=True) == 1.5


def test_parse_decimal_is_exact():
    assert str(parse_decimal("1.215,6")) == "1215.6"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0,2- 0,25", (0.2, 0.25)),  # seed 003
        ("65-70", (65.0, 70.0)),
        ("12 - 15", (12.0, 15.0)),
        ("từ 12 đến 15", (12.0, 15.0)),
        ("4 - 5", (4.0, 5.0)),
        ("12", (12.0, None)),
        ("không", None),
    ],
)
def test_parse_range(text, expected):
    assert parse_range(text) == expected


def test_find_numbers_reads_ranges_and_leaves_year_periods_alone():
    sentence = "Giảm 85 hộ nghèo, tỷ lệ giảm trung bình là 0,2- 0,25%; giảm 65-70 hộ cận nghèo, giai đoạn 2021-2025"
    found = [(n.value, n.value_max, sentence[n.start : n.end]) for n in find_numbers(sentence)]
    assert found == [
        (85.0, None, "85"),
        (0.2, 0.25, "0,2- 0,25"),
        (65.0, 70.0, "65-70"),
        (2021.0, None, "2021"),
        (2025.0, None, "2025"),
    ]


def test_find_numbers_skips_dates_and_symbols_but_reads_fractions_when_asked():
    text = "Kế hoạch số 91/KH-UBND ngày 20/04/2023; Đến hết năm 2024 xã đạt 19/19 tiêu chí"
    assert [n.value for n in find_numbers(text)] == [2024.0]
    # "91/KH-UBND" and "20/04/2023" are a symbol and a date, not fractions
    assert [n.value for n in find_numbers(text, fractions=True)] == [2024.0, 19.0]


@pytest.mark.parametrize(
    "words, value",
    [
        ("mười hai triệu năm trăm nghìn đồng", 12_500_000),
        ("năm triệu đồng", 5_000_000),  # seed 001
        ("Chín triệu đồng", 9_000_000),  # seed 001
        ("mười hai triệu đồng", 12_000_000),  # seed 001
        ("Ba tỷ sáu trăm bốn mươi triệu đồng", 3_640_000_000),
        ("Hai mươi mốt triệu sáu trăm nghìn đồng", 21_600_000),
        ("Hai tỷ không trăm tám mươi triệu đồng", 2_080_000_000),
        ("Sáu mươi ba triệu năm trăm nghìn đồng", 63_500_000),
        ("một trăm linh năm", 105),
        ("mười lăm", 15),
        ("hai mươi tư", 24),
        ("hai triệu rưỡi", 2_500_000),
        ("một nghìn hai trăm tỷ", 1_200_000_000_000),
        ("một nghìn tỷ", 1_000_000_000_000),
    ],
)
def test_words_to_number(words, value):
    assert words_to_number(words) == value


@pytest.mark.parametrize("words", ["năm năm", "không có số", "", "hai mười"])
def test_words_to_number_rejects(words):
    assert words_to_number(words) is None


@pytest.mark.parametrize(
    "sentence, amount, words, words_value",
    [
        ("* Kinh Phí thực hiện: 5.000.000đ (năm triệu đồng)", 5_000_000, "năm triệu đồng", 5_000_000),
        ("*** Kinh phí thực hiện:** 12.000.000 đ (mười hai triệu đồng)", 12_000_000, "mười hai triệu đồng", 12_000_000),
        ("Tổng kinh phí dự kiến thực hiện năm 2024 là 42,335 tỷ đồng, trong đó:", 42_335_000_000, None, None),
        ("tổng kinh phí hỗ trợ 72.220 triệu đồng.", 72_220_000_000, None, None),
        ("Tổng vốn dự kiến thực hiện Chương trình năm 2025 là 1.215,6 tỷ đồng", 1_215_600_000_000, None, None),
        ("Kinh phí: 21.600.000 đồng (Hai mươi mốt triệu sáu trăm nghìn đồng).", 21_600_000,
         "Hai mươi mốt triệu sáu trăm nghìn đồng", 21_600_000),
    ],
)
def test_find_amounts(sentence, amount, words, words_value):
    (found,) = find_amounts(sentence)
    assert found.amount_vnd == amount
    assert found.in_words == words
    assert found.in_words_vnd == words_value
    assert sentence[found.start : found.end] == found.text
    if words:
        assert sentence[found.words_start : found.words_end] == words


def test_amount_in_words_that_disagrees_is_kept_parsed():
    # the words say eighteen million, the digits eighteen and a half: a check compares them
    (found,) = find_amounts("Kinh phí: 18.500.000 đồng (Mười tám triệu đồng).")
    assert (found.amount_vnd, found.in_words_vnd) == (18_500_000, 18_000_000)


def test_parse_amount_and_to_vnd():
    assert parse_amount("5 triệu đồng") == 5_000_000
    assert parse_amount("3,5 tỷ đồng") == 3_500_000_000
    assert parse_amount("mười hai triệu đồng") == 12_000_000
    assert parse_amount("12 đơn vị") is None
    assert to_vnd("72.220", "triệu") == 72_220_000_000
    assert to_vnd("12.000.000") == 12_000_000


def test_amounts_without_a_currency_word_only_when_asked():
    # plans write "kinh phí 1,5 tỷ" as often as "1,5 tỷ đồng"; a caller that knows the context asks for them
    text = "Tổng kinh phí 1,5 tỷ; vốn tỉnh 500 triệu từ ngân sách. Đào tạo 1,5 triệu người, tỷ lệ 5 tỷ lệ."
    assert find_amounts(text) == []
    assert [(a.amount_vnd, a.text) for a in find_amounts(text, bare=True)] == [
        (1_500_000_000, "1,5 tỷ"), (500_000_000, "500 triệu")]
    # with a currency the amount is found once, as before
    assert [a.amount_vnd for a in find_amounts("kinh phí 2 tỷ đồng; 3 tỷ", bare=True)] == [2_000_000_000, 3_000_000_000]
