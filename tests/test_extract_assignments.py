"""Assignments: one per body, names as written, from the organisation sections and the task items."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract import extract_plan
from kehoach.pipeline.extract.assignments import heading_kind, name_key

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"


@lru_cache(maxsize=None)
def _read(path: Path):
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def _bodies(prefix: str) -> list[str]:
    return [a.body for a in _read(seed(prefix))[1].assignments]


def test_seed_000_items_of_the_organisation_section():
    assert _bodies("000") == [
        "Cán bộ Phụ trách công tác giảm nghèo",
        "Ủy ban Mặt trận Tổ quốc Việt Nam và các đoàn thể",
        "Cán bộ phụ trách công tác Dân tộc - tôn giáo",
        "Các Trường học trên địa bàn xã",
        "Công chức Văn hóa - xã hội (phụ trách thông tin truyền thông), Đài Truyền thanh xã",
        "Các áp/sóc",
    ]
    roles = {a.body: a.role for a in _read(seed("000"))[1].assignments}
    assert roles["Ủy ban Mặt trận Tổ quốc Việt Nam và các đoàn thể"] == "de_nghi"
    assert roles["Các Trường học trên địa bàn xã"] == "chu_tri"


def test_seed_001_giao_in_project_items_merged_per_body():
    # "Giao công chức văn hóa chính sách", "… chính sách xã hội", "công chức chính sách" and "công chức văn hóa
    # phụ trách chính sách" are one body; "Công chức Văn hóa – Thông tin" is another
    assert _bodies("001") == [
        "công chức văn hóa chính sách",
        "công chức địa chính Nông nghiệp",
        "công chức văn phòng",
        "Công chức Văn hóa - Thông tin",
        "Các ban ngành, đoàn thể, cán bộ công chức",
        "Ủy ban Mặt trận Tổ quốc xã và các tổ chức chính trị - xã hội",
    ]
    plan = _read(seed("001"))[1]
    assert plan.assignments[2].role == "chu_tri"  # "Giao công chức văn phòng chủ trì, phối hợp …"


def test_seed_002_two_items_of_one_list_stay_two_bodies():
    bodies = _bodies("002")
    assert len(bodies) == 11
    assert "Công chức Văn hóa - Xã hội (phụ trách LĐTĐ&XH)" in bodies
    assert "Công chức Văn hóa - Xã hội" in bodies
    assert bodies[-1] == ("Thành viên Ban chỉ đạo thực hiện các Chương trình mục tiêu quốc gia giai đoạn 2021- 2025 "
                          "phường")


def test_seed_003_a_list_of_named_organisations_is_one_body_each():
    bodies = _bodies("003")
    assert bodies[-6:] == [
        "Ủy ban Mặt trận Tổ quốc", "Hội liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh thành phố",
        "Thành Đoàn",
        "Các thành viên Ban chỉ đạo thực hiện các chương trình mục tiêu Quốc gia giai đoạn 2021-2025 trên địa "
        "bàn thành phố Vĩnh Yên",
    ]
    # "Chính sách vay vốn tín dụng ưu đãi: Ngân hàng Chính sách xã hội tiếp tục phối hợp …" (III.2) is the
    # same body as item V.10 "Ngân hàng Chính sách xã hội tỉnh"
    assert bodies.count("Ngân hàng Chính sách xã hội tỉnh") == 1
    assert len(bodies) == 17


def test_seed_004_bodies_from_task_sections_and_the_organisation_section():
    bodies = _bodies("004")
    assert len(bodies) == 20
    for name in ["Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Tư pháp", "Ban Dân tộc",
                 "Ngân hàng Chính sách xã hội tỉnh", "Bảo hiểm xã hội tỉnh", "Ủy ban MTTQVN tỉnh",
                 "các tổ chức xã hội trên địa bàn tỉnh", "Sở Văn hóa, Thể thao và Du lịch"]:
        assert name in bodies
    # III.1.2 "UBND các huyện…", III.2.10 and V.2 "Ủy ban nhân dân các huyện…" are one body
    assert sum(1 for b in bodies if name_key(b) >= {"huyện", "thị", "xã", "thành", "phố"}) == 1
    roles = {a.body: a.role for a in _read(seed("004"))[1].assignments}
    assert roles["Sở Kế hoạch và Đầu tư"] == "chu_tri"  # "có trách nhiệm\nChủ trì, phối hợp …"
    assert roles["Ủy ban MTTQVN tỉnh"] == "de_nghi"


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("syn03", ["Công chức Văn hóa - Xã hội", "Công chức Tài chính - Kế toán", "Trạm Y tế thị trấn",
                   "Công an thị trấn", "Ủy ban MTTQ Việt Nam thị trấn", "Hội Liên hiệp Phụ nữ", "Hội Nông dân",
                   "Hội Cựu chiến binh", "Đoàn Thanh niên thị trấn", "Trưởng các tiểu khu, bản"]),
        ("syn04", ["Ban Dân tộc tỉnh", "Sở Kế hoạch và Đầu tư", "Sở Tài chính",
                   "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giáo dục và Đào tạo",
                   "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế",
                   "Hội Liên hiệp Phụ nữ tỉnh", "UBND các huyện, thị xã, thành phố"]),
    ],
)
def test_synthetic_bodies(prefix, expected):
    _, plan = _read(next(SYN.glob(f"{prefix}*.txt")))
    assert [a.body for a in plan.assignments] == expected


def test_decision_articles_are_not_assignments():
    # syn05 is a Quyết định issuing the plan: "Điều 3. Chánh Văn phòng …, Thủ trưởng các phòng … chịu trách
    # nhiệm thi hành" belongs to the decision, not to the plan's organisation section
    _, plan = _read(next(SYN.glob("syn05*.txt")))
    assert [a.body for a in plan.assignments][0] == "Phòng Lao động - Thương binh và Xã hội"
    assert not any("Chánh Văn phòng" in a.body for a in plan.assignments)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_spans_slice_the_text(prefix):
    doc, plan = _read(seed(prefix))
    for a in plan.assignments:
        assert doc.text[a.span.start:a.span.end] == a.span.text
        assert " ".join(a.span.text.split()).replace("–", "-") == a.body.replace("–", "-")
        assert a.tasks


@pytest.mark.parametrize(
    "heading, kind",
    [("TỔ CHỨC THỰC HIỆN", "org"), ("*** Phân công thực hiện:**", "org"), ("MỤC TIÊU, CHỈ TIÊU", "target"),
     ("PHÂN TÍCH KẾT QUẢ HỘ NGHÈO NĂM 2023", "status"), ("KINH PHÍ THỰC HIỆN", "budget"),
     ("MỤC ĐÍCH, YÊU CẦU", "purpose"), ("NHIỆM VỤ VÀ GIẢI PHÁP", None), ("Dự án 2: Đa dạng hóa sinh kế", None)],
)
def test_heading_kind(heading, kind):
    assert heading_kind(heading) == kind


def test_name_key_expands_abbreviations():
    assert name_key("UBND các huyện, thị xã, thành phố") == name_key("Ủy ban nhân dân các huyện, thị xã, thành phố")


# --- plans in new styles (tests/fixtures/plans/xb2_*) -------------------------------------------------------
PLANS = ROOT / "tests" / "fixtures" / "plans"


def test_an_item_naming_several_bodies_gives_one_assignment_each():
    _, plan = _read(next(PLANS.glob("xb2_05*")))
    assert [(a.body, a.role) for a in plan.assignments] == [
        ("Phòng Lao động - Thương binh và Xã hội", "chu_tri"),
        ("Phòng Văn hóa và Thông tin", "chu_tri"),
        # two names in an item that is not a request are read as written, as the gold does with "Sở Kế hoạch
        # và Đầu tư, Sở Tài chính"
        ("Công an huyện, Ban Chỉ huy Quân sự huyện", "phoi_hop"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "de_nghi"),
        ("Hội Nông dân huyện", "de_nghi"),  # "5. Đề nghị Hội Nông dân huyện, …, Huyện đoàn Hà Quảng, …"
        ("Hội Liên hiệp Phụ nữ huyện", "de_nghi"),
        ("Huyện đoàn Hà Quảng", "de_nghi"),
        ("Hội Cựu chiến binh huyện", "de_nghi"),
        ("Liên đoàn Lao động huyện", "de_nghi"),
        ("Hội Người cao tuổi", "de_nghi"),  # "6. Đề nghị Hội Người cao tuổi và Hội Chữ thập đỏ huyện"
        ("Hội Chữ thập đỏ huyện", "de_nghi"),
        ("UBND các xã, thị trấn", "thuc_hien"),
    ]
    huyen_doan = next(a for a in plan.assignments if a.body == "Huyện đoàn Hà Quảng")
    assert huyen_doan.tasks.startswith("Tuyên truyền, vận động hội viên, đoàn viên")


def test_bodies_listed_in_dash_items_of_the_organisation_section(tmp_path):
    text = """ỦY BAN NHÂN DÂN
HUYỆN HÀ QUẢNG

Số: 103/KH-UBND
Hà Quảng, ngày 06 tháng 4 năm 2023

KẾ HOẠCH
Hưởng ứng Tháng cao điểm vì người nghèo năm 2023

I. TỔ CHỨC THỰC HIỆN

Giao Phòng Lao động - Thương binh và Xã hội chủ trì, theo dõi, tổng hợp kết quả thực hiện.

- Đề nghị Ủy ban MTTQ Việt Nam huyện, Hội Nông dân huyện, Hội LHPN huyện, Huyện đoàn, Hội Cựu chiến binh huyện phối hợp tuyên truyền, vận động Nhân dân.
- Đoàn Thanh niên xã và Hội Phụ nữ xã có trách nhiệm vận động đoàn viên, hội viên tham gia.
- Liên đoàn Lao động huyện: Vận động công nhân, viên chức ủng hộ Quỹ.
"""
    path = tmp_path / "org.txt"
    path.write_text(text, encoding="utf-8")
    _, plan = _read(path)
    # "Huyện đoàn" and "Liên đoàn Lao động huyện" share two words but are two bodies
    assert [a.body for a in plan.assignments] == [
        "Phòng Lao động - Thương binh và Xã hội", "Ủy ban MTTQ Việt Nam huyện", "Hội Nông dân huyện",
        "Hội LHPN huyện", "Huyện đoàn", "Hội Cựu chiến binh huyện", "Đoàn Thanh niên xã và Hội Phụ nữ xã",
        "Liên đoàn Lao động huyện"]
    assert [a.role for a in plan.assignments][1:6] == ["de_nghi"] * 5


def test_a_criterion_is_not_a_body():
    # "2. Các xã có từ 05 công trình trở lên được giao làm chủ đầu tư …" in the tasks section
    _, plan = _read(next(PLANS.glob("xb2_03*")))
    assert [a.body for a in plan.assignments] == ["Phòng Lao động - Thương binh và Xã hội", "UBND các xã, thị trấn"]


def test_bodies_in_one_paragraph_of_the_organisation_section(tmp_path):
    text = """ỦY BAN NHÂN DÂN
XÃ NẬM CHUA

Số: 21/KH-UBND
Nậm Chua, ngày 06 tháng 3 năm 2023

KẾ HOẠCH
Giảm nghèo năm 2023 trên địa bàn xã Nậm Chua

I. TỔ CHỨC THỰC HIỆN

Giao Công chức Văn hóa - Xã hội chủ trì tham mưu UBND xã triển khai Kế hoạch; Công chức Tài chính - Kế toán tham mưu bố trí kinh phí thực hiện; Trạm Y tế xã phối hợp thực hiện chính sách bảo hiểm y tế. Đề nghị Ủy ban MTTQ Việt Nam xã, Hội Nông dân xã, Đoàn Thanh niên xã phối hợp tuyên truyền, vận động Nhân dân tham gia thực hiện.
"""
    path = tmp_path / "paragraph.txt"
    path.write_text(text, encoding="utf-8")
    _, plan = _read(path)
    # a body after ";" or ". " with a verb of responsibility is named as well as one opening a line
    assert [(a.body, a.role) for a in plan.assignments] == [
        ("Công chức Văn hóa - Xã hội", "chu_tri"), ("Công chức Tài chính - Kế toán", "tham_muu"),
        ("Trạm Y tế xã", "phoi_hop"), ("Ủy ban MTTQ Việt Nam xã", "de_nghi"), ("Hội Nông dân xã", "de_nghi"),
        ("Đoàn Thanh niên xã", "de_nghi")]
