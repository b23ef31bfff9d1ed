"""Normalisation: one spelling for the variants a reader treats as equal, with offsets kept."""

from __future__ import annotations

import unicodedata

import pytest

import kehoach
from kehoach.pipeline.normalize import normalize_text
from kehoach.pipeline.offsets import map_offset

from conftest import seed

# (raw text, normalised text)
CASES = [
    ("Kế hoạch số 91/KH – UBND ngày 20/04/2023", "Kế hoạch số 91/KH-UBND ngày 20/04/2023"),
    ("Công văn số 1040/UBND – LĐTĐ ngày 08/05/2023", "Công văn số 1040/UBND-LĐTĐ ngày 08/05/2023"),
    ("Kế hoạch số 47- KH/TU, ngày 21", "Kế hoạch số 47-KH/TU, ngày 21"),
    ("Quyết định số 728/QĐ- UBND ngày", "Quyết định số 728/QĐ-UBND ngày"),
    ("Quyết định số 125 /QĐ-UBND", "Quyết định số 125/QĐ-UBND"),
    ("Quyết định số 90/QĐ-TTg ngày 18/01/2022", "Quyết định số 90/QĐ-TTg ngày 18/01/2022"),
    ("giai đoạn 2021 – 2025", "giai đoạn 2021 - 2025"),
    ("Dự án 3 - Hỗ trợ phát triển sản xuất", "Dự án 3 - Hỗ trợ phát triển sản xuất"),
    ("xã Thuận Hoà, huyện Cẩm Thuỷ", "xã Thuận Hòa, huyện Cẩm Thủy"),
    ("chăm sóc sức khoẻ", "chăm sóc sức khỏe"),
    ("hoàn thành, quý, quyết toán", "hoàn thành, quý, quyết toán"),
    ("UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
    ("Số:\u00a0125/KH-UBND\u200b", "Số: 125/KH-UBND"),
    (unicodedata.normalize("NFD", "Tiếp tục triển khai"), "Tiếp tục triển khai"),
]


@pytest.mark.parametrize("raw, expected", CASES)
def test_normalize_text(raw: str, expected: str) -> None:
    text, anchors = normalize_text(raw)
    assert text == expected
    # The end of the text maps to the end of the raw text; the start to the start.
    assert map_offset(anchors, len(text)) == len(raw)
    assert map_offset(anchors, 0) == 0


def test_offsets_map_back_to_the_source_text() -> None:
    raw = "Thực hiện Kế hoạch số 91/KH – UBND ngày 20/04/2023 của UBND huyện Cẩm Thuỷ"
    text, anchors = normalize_text(raw)
    start = text.index("ngày 20/04/2023")
    src = map_offset(anchors, start)
    assert raw[src:src + len("ngày 20/04/2023")] == "ngày 20/04/2023"


def test_pipe_flattened_table_is_rejoined_into_rows() -> None:
    doc = kehoach.read(seed("004"))
    table = doc.tables[-1]
    rows = table.rows()
    assert table.n_cols == 7
    assert rows[0] == ["A", "B", "1", "2", "3=2/1", "4", "5"]
    assert rows[1] == ["I", "Tổng cộng toàn tỉnh", "388.231", "31.502", "8,11", "2,00", "7.449"]
    assert rows[-1] == ["17", "Huyện Đức Cơ", "19.628", "2.001", "10,19", "2,20", "435"]
    for cell in table.cells:
        assert doc.text[cell.start:cell.end] == cell.text
    # Each data row is one line of text now.
    assert "7 | Huyện Kông Chro | 12.837 | 4.336 | 33,78 | 5,50 | 715" in doc.text.splitlines()


def test_tab_table_cells_keep_their_spans() -> None:
    doc = kehoach.read(seed("002"))
    table = doc.tables[0]
    last = table.rows()[-1]
    assert last[1:4] == ["Cộng", "2.991", "17"]
    for cell in table.cells:
        assert doc.text[cell.start:cell.end] == cell.text


def test_line_numbers_match_the_file() -> None:
    path = seed("000")
    doc = kehoach.read(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    offset = doc.text.index("VI. TỔ CHỨC THỰC HIỆN")
    assert doc.line_of(offset) == 51
    assert lines[50].startswith("VI. TỔ CHỨC THỰC HIỆN")


def test_inline_and_markdown_rows_become_tables(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "Chỉ tiêu giao các khóm:\n"
        "| TT | Khóm | Tổng số hộ | Hộ nghèo |\n"
        "|---|---|---|---|\n"
        "| 1 | Khóm 1 | 812 | 4 |\n"
        "| 2 | Khóm 2 | 1.021 | 7 |\n"
        "Một dòng văn bản thường | không phải bảng.\n"
        "TT | Thôn | Số hộ\n"
        "1 | Nà Coóc | 95\n",
        encoding="utf-8",
    )
    doc = kehoach.read(path)
    assert [t.rows() for t in doc.tables] == [
        [["TT", "Khóm", "Tổng số hộ", "Hộ nghèo"], ["1", "Khóm 1", "812", "4"], ["2", "Khóm 2", "1.021", "7"]],
        [["TT", "Thôn", "Số hộ"], ["1", "Nà Coóc", "95"]],
    ]
    for table in doc.tables:
        for cell in table.cells:
            assert doc.text[cell.start:cell.end] == cell.text
