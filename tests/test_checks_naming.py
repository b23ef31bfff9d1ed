"""The issuer's name, unit-type words that contradict the issuer's type, and known misspellings."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed

COMMUNE = """UBND HUYỆN HỚN QUẢN
UBND XÃ TÂN LỢI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 215/KH-UBND
Tân Lợi, ngày 20 tháng 12 năm 2024

KẾ HOẠCH
Thực hiện Chương trình giảm nghèo bền vững năm 2025 trên địa bàn xã Tân Lợi

Căn cứ Công văn số 424/UBND-VX ngày 10/03/2023 của UBND huyện Hớn Quản về việc thực hiện Chương trình.

UBND xã Tân Lợi xây dựng Kế hoạch thực hiện năm 2025 như sau:

I. TỔ CHỨC THỰC HIỆN

1. Cán bộ phụ trách giảm nghèo: phối hợp với UBND xã Tân Hưng, xã Thanh An tổ chức {body}; UBND các xã, phường
lân cận hỗ trợ.

Trên đây là Kế hoạch thực hiện Chương trình giảm nghèo bền vững năm 2025 trên địa bàn {closing}./.

Nơi nhận:
- UBMTTQVN và các đoàn thể xã;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Nguyễn Văn Bình
"""


def findings(tmp_path: Path, text: str, *codes: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


def seed_findings(prefix: str, *codes: str):
    doc = kehoach.read(seed(prefix))
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


def test_seed_000_closing_sentence_truncates_the_commune_name() -> None:
    [f] = seed_findings("000", "issuer_name_mismatch")
    assert f.evidence[0].text == "trên địa bàn xã Lợi" and f.data["where"] == "câu kết"


def test_other_units_named_in_the_body_are_not_the_issuer(tmp_path) -> None:
    text = COMMUNE.format(body="tập huấn", closing="xã Tân Lợi")
    assert findings(tmp_path, text, "issuer_name_mismatch", "scope_mismatch") == []
    [f] = findings(tmp_path, COMMUNE.format(body="tập huấn", closing="xã Tân Hưng"), "issuer_name_mismatch")
    assert f.data["name"] == "Tân Hưng"  # a real neighbour, but the plan's own closing names it


def test_truncated_name_in_the_body(tmp_path) -> None:
    [f] = findings(tmp_path, COMMUNE.format(body="tập huấn cho cán bộ xã Lợi", closing="xã Tân Lợi"),
                   "issuer_name_mismatch")
    assert f.data["where"] == "văn bản" and f.evidence[0].text == "xã Lợi"


def test_seed_002_ward_plan_with_commune_words() -> None:
    found = seed_findings("002", "scope_mismatch")
    quotes = [" ".join(f.evidence[0].text.split()) for f in found]
    assert quotes[0] == "trên địa bàn thị xã có 17 hộ nghèo với 29 nhân khẩu, chiếm tỷ lệ 0,57%"
    assert quotes[1].startswith("đoàn thể các thôn")
    assert quotes[2] == "UBMTTQ xã và các Đoàn thể phường"
    assert any(e.text == "Thôn" for e in found[1].evidence)  # the appendix column header
    assert len(found) == 3


def test_commune_plan_may_name_wards_in_plural(tmp_path) -> None:
    text = COMMUNE.format(body="tập huấn; Trạm Y tế xã khám sàng lọc", closing="xã Tân Lợi")
    assert findings(tmp_path, text, "scope_mismatch") == []
    [f] = findings(tmp_path, COMMUNE.format(body="họp với Đảng ủy phường", closing="xã Tân Lợi"), "scope_mismatch")
    assert "Đảng ủy phường" in f.evidence[0].text


def test_known_misspellings() -> None:
    [typo] = seed_findings("001", "term_typo")
    assert typo.data["wrong"] == "Tiêu dự án" and typo.data["right"] == "Tiểu dự án" and typo.data["count"] == 2
    found = {f.data["wrong"]: f for f in seed_findings("004", "term_typo")}
    assert set(found) == {"NTTQ", "Nghị quyết Nghị quyết"}
    assert any(e.text == "Ủy ban NTTQVN tỉnh" for e in found["NTTQ"].evidence)
    [place] = seed_findings("003", "term_typo")
    assert (place.data["wrong"], place.data["right"]) == ("Vinh Yên", "Vĩnh Yên")
    [ap] = seed_findings("000", "term_typo")  # "áp/sóc" twice and "các áp" once: one finding
    assert ap.data["count"] == 3 and [e.text for e in ap.evidence[::2]] == ["các áp", "áp/sóc", "áp/sóc"]


def test_correct_words_that_contain_a_misspelling(tmp_path) -> None:
    text = ("Các chỉ tiêu dự án được giao; mục tiêu dự án 2; các áp dụng chính sách; Ủy ban MTTQVN tỉnh; "
            "Hỗ trợ Đăk Glong.\n")
    assert findings(tmp_path, text, "term_typo") == []


def test_the_issuers_province_of_the_same_type_word_is_not_a_mismatch(tmp_path) -> None:
    text = COMMUNE.replace("UBND HUYỆN HỚN QUẢN\nUBND XÃ TÂN LỢI", "UBND TỈNH BÌNH PHƯỚC\nUBND XÃ TÂN LỢI")
    text = text.replace("trên địa bàn xã Tân Lợi\n", "trên địa bàn xã Tân Lợi, huyện Hớn Quản, tỉnh Bình Phước\n")
    assert findings(tmp_path, text.format(body="tập huấn", closing="xã Tân Lợi"), "issuer_name_mismatch") == []


SIGNED = """{parent}
{own}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 31/KH-UBND
{place}, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện công tác giảm nghèo năm 2024 trên địa bàn {unit}

Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia giảm
nghèo bền vững giai đoạn 2021 - 2025;

Ủy ban nhân dân {unit} xây dựng Kế hoạch thực hiện năm 2024 như sau:

I. MỤC TIÊU

1. Giảm 12 hộ nghèo.

II. TỔ CHỨC THỰC HIỆN

1. Công chức Văn hóa - Xã hội: tham mưu triển khai Kế hoạch.

Trên đây là Kế hoạch thực hiện công tác giảm nghèo năm 2024 trên địa bàn {unit}./.

Nơi nhận:
- Như trên;
- Lưu: VT.

{signature}

Nguyễn Văn Bình
"""
TAM_DUONG = dict(parent="UBND HUYỆN TAM ĐƯỜNG", own="UBND THỊ TRẤN TAM ĐƯỜNG", place="Tam Đường",
                 unit="thị trấn Tam Đường")
NAM_XE = dict(parent="UBND HUYỆN PHONG THỔ", own="UBND XÃ NẬM XE", place="Nậm Xe", unit="xã Nậm Xe")
DAK_GLONG = dict(parent="UBND TỈNH ĐẮK NÔNG", own="UBND HUYỆN ĐẮK GLONG", place="Đắk Glong", unit="huyện Đắk Glong")


@pytest.mark.parametrize("unit, signature, wrong", [
    (TAM_DUONG, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", None),
    (NAM_XE, "TM. UBND XÃ\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),
    (TAM_DUONG, "TM. UBND THỊ TRẤN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),
    (TAM_DUONG, "TM. UBND THỊ TRẤN\nKT. CHỦ TỊCH", None),  # position line left out: not a naming matter
    (TAM_DUONG, "TM. ỦY BAN NHÂN DÂN THỊ TRẤN\nCHỦ TỊCH", None),
    (TAM_DUONG, "TM. UBND THỊ TRẤN KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),  # two lines run together by a converter
    (DAK_GLONG, "TM. UBND HUYỆN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),
    (DAK_GLONG, "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),
    (DAK_GLONG, "TM. ỦY BAN NHÂN DÂN\nHUYỆN ĐẮK GLONG\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", None),  # wrapped authority line
    (DAK_GLONG, "TM. ỦY BAN NHÂN DÂN HUYỆN ĐẮK SONG\nCHỦ TỊCH", "ĐẮK SONG"),
    (TAM_DUONG, "TM. UBND THỊ TRẤN PHONG THỔ\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "PHONG THỔ"),
])
def test_signature_forms(tmp_path, unit, signature, wrong) -> None:
    found = findings(tmp_path, SIGNED.format(signature=signature, **unit), "issuer_name_mismatch")
    if wrong is None:
        assert found == []
    else:
        [f] = found
        assert f.data["where"] == "phần ký" and f.data["name"] == wrong
        assert f.evidence[0].text.endswith(wrong)


def test_unit_type_without_a_name_is_no_mention() -> None:
    from kehoach.pipeline.checks.naming import unit_mentions

    text = "TM. UBND THỊ TRẤN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTM. ỦY BAN NHÂN DÂN\nHUYỆN KON PLÔNG\nCHỦ TỊCH"
    assert [(m.type, m.name) for m in unit_mentions(text)] == [("huyện", "KON PLÔNG")]
