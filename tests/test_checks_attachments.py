"""Attachments the text announces against those the document carries after its signature."""

from __future__ import annotations

from pathlib import Path

import kehoach
from kehoach.pipeline.checks.attachments import _parse_ids
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed
from fixtures.clean_seeds import corrected

PLAN = """UBND HUYỆN PHONG THỔ
UBND XÃ NẬM XE
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 18/KH-UBND
Nậm Xe, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện công tác giảm nghèo năm 2024 trên địa bàn xã Nậm Xe

Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia giảm
nghèo bền vững giai đoạn 2021 - 2025;

I. MỤC TIÊU

1. Giảm 12 hộ nghèo; chỉ tiêu giao cho từng bản {announce}.

2. Thực hiện hỗ trợ nhà ở theo Phụ lục I kèm theo Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ.

3. Các bản xây dựng kế hoạch của bản, có phụ lục danh sách hộ nghèo và giải pháp hỗ trợ kèm theo kế hoạch.

II. TỔ CHỨC THỰC HIỆN

1. Công chức Văn hóa - Xã hội: tham mưu triển khai Kế hoạch.

Nơi nhận:
- UBND huyện (b/c);
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Lý Văn Sử
{appendices}"""

BIEU = """
BIỂU {n}: CHỈ TIÊU GIẢM HỘ NGHÈO NĂM 2024
(Kèm theo Kế hoạch số 18/KH-UBND ngày 05/3/2024 của UBND xã Nậm Xe)

TT\tBản\tTổng số hộ\tChỉ tiêu giảm hộ nghèo (hộ)
1\tBản Nậm Xe\t212\t5
2\tBản Nậm Củng\t186\t7
\tCộng\t398\t12
"""


def findings(tmp_path: Path, text: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, {"missing_attachment"})


def test_ids_of_an_announcement() -> None:
    assert _parse_ids("01, 02, 03") == {1, 2, 3}
    assert _parse_ids("I, II") == {1, 2}
    assert _parse_ids("01 - 04") == {1, 2, 3, 4}
    assert _parse_ids("số 02 và số 05") == {2, 5}


def test_seed_002_announces_three_tables_and_carries_one() -> None:
    doc = kehoach.read(seed("002"))
    [f] = run_internal(kehoach.extract(doc, with_findings=False), doc, {"missing_attachment"})
    assert [e.text for e in f.evidence[:2]] == ["Có biểu 01, 02, 03 kèm theo", "phụ lục kèm theo"]
    assert f.evidence[2].text.startswith("PHỤ LỤC: KẾ HOẠCH GIẢM NGHÈO NĂM 2024")
    assert f.data["announced"] == 3 and f.data["present"] == 1


def test_corrected_seed_002_is_quiet(tmp_path) -> None:
    path, text = corrected("002")
    assert findings(tmp_path, text) == []


def test_announced_and_present(tmp_path) -> None:
    text = PLAN.format(announce="(Có Biểu 01, 02 kèm theo)", appendices=BIEU.format(n="01") + BIEU.format(n="02"))
    assert findings(tmp_path, text) == []
    text = PLAN.format(announce="theo Phụ lục kèm theo Kế hoạch này", appendices=BIEU.format(n="01"))
    assert findings(tmp_path, text) == []


def test_a_numbered_table_that_is_not_there(tmp_path) -> None:
    text = PLAN.format(announce="(Có Biểu 01, 02 kèm theo)", appendices=BIEU.format(n="01"))
    [f] = findings(tmp_path, text)
    assert f.evidence[0].text == "Có Biểu 01, 02 kèm theo"
    assert f.data["missing_ids"] == [2] and f.data["present"] == 1
    text = PLAN.format(announce="(Có Biểu 01, 03 kèm theo)", appendices=BIEU.format(n="01") + BIEU.format(n="02"))
    [f] = findings(tmp_path, text)
    assert f.data["missing_ids"] == [3]


def test_an_appendix_announced_and_none_attached(tmp_path) -> None:
    [f] = findings(tmp_path, PLAN.format(announce="(chi tiết tại Phụ lục kèm theo)", appendices=""))
    assert f.evidence[0].text == "chi tiết tại Phụ lục kèm theo" and f.data["present"] == 0


def test_other_documents_appendices_are_not_announcements(tmp_path) -> None:
    # "Phụ lục I kèm theo Quyết định số 90/QĐ-TTg" and "có phụ lục … kèm theo kế hoạch" (of the bản) only
    assert findings(tmp_path, PLAN.format(announce="theo kết quả rà soát", appendices="")) == []
