"""Segmentation of the five seeds: header, title, top-level sections and closing as a reader sees them."""

from __future__ import annotations

import pytest

import kehoach
from kehoach.pipeline.segment import match_marker
from kehoach.schemas.structure import MarkerKind

from conftest import seed


def _text(doc, region) -> str | None:
    return None if region is None else " ".join(doc.text[region.start:region.end].split())


SEEDS = {
    "000": dict(
        number_line="Số: /KH-UBND",
        place_date="Tân Lợi, ngày tháng năm 2024",
        title="Thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2025",
        sections=["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "VI. TỔ CHỨC THỰC HIỆN"],
        signature="CHỦ TỊCH",
    ),
    "001": dict(
        number_line="Số: /KH-UBND",
        place_date="Cẩm Lương, ngày tháng 05 năm 2023",
        title="Triển khai thực hiện các dự án, tiểu dự án Chương trình mục tiêu quốc gia giảm nghèo bền vững "
              "năm 2022 và năm 2023 thuộc Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025 trên địa "
              "bàn xã Cẩm Lương",
        sections=["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NỘI DUNG", "IV. TỔ CHỨC THỰC HIỆN"],
        signature="CHỦ TỊCH Bùi Quốc Bảo",
    ),
    "002": dict(
        number_line="Số: /KH-UBND",
        place_date="Quảng Minh, ngày tháng năm 2024",
        title="Thực hiện công tác giảm nghèo và an sinh xã hội năm 2024",
        sections=["I. MỤC TIÊU, CHỈ TIÊU", "II. PHÂN TÍCH KẾT QUẢ HỘ NGHÈO NĂM 2023", "III. NHIỆM VỤ CỤ THỂ",
                  "IV. GIẢI PHÁP THỰC HIỆN", "V. TỔ CHỨC THỰC HIỆN"],
        signature="KT. CHỦ TỊCH PHÓ CHỦ TỊCH** Nguyễn Thị Hương",
    ),
    "003": dict(
        number_line="Số: /KH-UBND",
        place_date="Vinh Yên, ngày tháng 5 năm 2022",
        title="Thực hiện chương trình giảm nghèo năm 2022",
        sections=["I. MỤC TIÊU", "II. NỘI DUNG THỰC HIỆN", "III. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN",
                  "IV. KINH PHÍ THỰC HIỆN", "V. TỔ CHỨC THỰC HIỆN"],
        signature="TM. ỦY BAN NHÂN DÂN KT.CHỦ TỊCH PHÓ CHỦ TỊCH Đào Văn Quyết",
    ),
    "004": dict(
        number_line="Số: 3456/KH-UBND",
        place_date="Gia Lai, ngày 08 tháng 12 năm 2023",
        title="THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG NĂM 2024 TRÊN ĐỊA BÀN TỈNH GIA LAI",
        sections=["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NHIỆM VỤ VÀ GIẢI PHÁP", "IV. NGUỒN LỰC THỰC HIỆN",
                  "V. TỔ CHỨC THỰC HIỆN"],
        signature="TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thị Thanh Lịch",
    ),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_structure(prefix: str) -> None:
    expected = SEEDS[prefix]
    doc = kehoach.read(seed(prefix))
    s = kehoach.segment(doc)
    assert _text(doc, s.header.number_line) == expected["number_line"]
    assert _text(doc, s.header.place_date) == expected["place_date"]
    assert _text(doc, s.doc_kind_line) == "KẾ HOẠCH"
    assert _text(doc, s.title) == expected["title"]
    assert [f"{x.label} {x.title}" for x in s.sections] == expected["sections"]
    assert _text(doc, s.closing.signature) == expected["signature"]
    assert s.closing.recipients is not None and doc.text[s.closing.recipients.start:].startswith("Nơi nhận")
    # Sections tile the body in order and every child lies inside its parent.
    for node in s.walk():
        assert node.start <= node.end
        for child in node.children:
            assert node.start <= child.start and child.end <= node.end


def test_preamble_holds_the_legal_bases() -> None:
    doc = kehoach.read(seed("003"))
    s = kehoach.segment(doc)
    pre = doc.text[s.preamble.start:s.preamble.end]
    assert pre.strip().startswith("Căn cứ Nghị định số 07/2021/NĐ-CP")
    assert "Kế hoạch số 113/KH-UBND ngày 29/4/2022" in pre
    assert "I. MỤC TIÊU" not in pre


def test_header_of_a_flattened_two_column_layout() -> None:
    doc = kehoach.read(seed("004"))
    s = kehoach.segment(doc)
    assert _text(doc, s.header.issuer_lines) == "ỦY BAN NHÂN DÂN TỈNH GIA LAI"
    assert "Độc lập - Tự do - Hạnh phúc" in _text(doc, s.header.motto)
    assert [_text(doc, a)[:42] for a in s.appendices] == ["BIỂU TỔNG HỢP CHỈ TIÊU GIẢM NGHÈO NĂM 2024"]


def test_numbering_gap_is_kept_as_written() -> None:
    """Seed 003 part V runs 1 … 11, 13, 14: the tree shows the gap for the checks to find."""
    doc = kehoach.read(seed("003"))
    s = kehoach.segment(doc)
    part_v = s.sections[-1]
    markers = [c.marker for c in part_v.children if c.kind is MarkerKind.arabic]
    assert markers == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "13", "14"]


MARKERS = [
    ("I. MỤC ĐÍCH, YÊU CẦU", (MarkerKind.roman, "I")),
    ("IV. TỔ CHỨC THỰC HIỆN", (MarkerKind.roman, "IV")),
    ("2.1 Chỉ tiêu chung trên địa bàn phường:", (MarkerKind.decimal, "2.1")),
    ("1.2.3. Nội dung", (MarkerKind.decimal, "1.2.3")),
    ("3. Dự án 3: Hỗ trợ phát triển sản xuất", (MarkerKind.arabic, "3")),
    ("a) *Mục tiêu:* Hỗ trợ", (MarkerKind.letter, "a")),
    ("b. Nội dung hỗ trợ", (MarkerKind.letter, "b")),
    ("a Tiêu dự án 1, Dự án 7", (MarkerKind.letter, "a")),
    ("- Phối hợp với UB. MTTQ xã", (MarkerKind.dash, "-")),
    ("+ Thiếu hụt chỉ số việc làm", (MarkerKind.plus, "+")),
    ("PHẦN II. TỔ CHỨC THỰC HIỆN", (MarkerKind.part, "II")),
    ("**1. Mục tiêu**", (MarkerKind.arabic, "1")),
    ("24/2021/NQ ngày 28 tháng 7 năm 2021 của Quốc hội", None),
    ("2025 theo Nghị quyết", None),
    ("IVAN", None),
    ("Căn cứ Nghị định số 07/2021/NĐ-CP", None),
]


@pytest.mark.parametrize("line, expected", MARKERS)
def test_markers(line: str, expected) -> None:
    found = match_marker(line)
    assert (found[:2] if found else None) == expected
