"""Direct tasks given to bodies of a higher level than the plan's."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.authority import body_level
from kehoach.pipeline.checks.registry import config, run_internal

from conftest import seed
from fixtures.clean_seeds import corrected

DISTRICT = """UBND TỈNH QUẢNG NAM
UBND HUYỆN BẮC TRÀ MY
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 52/KH-UBND
Bắc Trà My, ngày 14 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2024 trên địa bàn huyện Bắc Trà My

Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia giảm
nghèo bền vững giai đoạn 2021 - 2025;

I. MỤC TIÊU

1. Giảm 350 hộ nghèo.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Lao động - Thương binh và Xã hội huyện

Chủ trì, phối hợp với các cơ quan, đơn vị liên quan triển khai Kế hoạch.

2. {body}

{task}

3. Ủy ban nhân dân các xã, thị trấn

Xây dựng kế hoạch giảm nghèo năm 2024 của địa phương.

Nơi nhận:
- UBND tỉnh (b/c);
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Hồ Văn Tâm
"""
TASK = "Thực hiện cấp thẻ bảo hiểm y tế cho người thuộc hộ nghèo, hộ cận nghèo kịp thời, đầy đủ."


def findings(tmp_path: Path, text: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, {"authority_level_mismatch"})


@pytest.mark.parametrize("name, issuer_level, issuer_type, level", [
    ("Bảo hiểm xã hội Tỉnh", "huyen", "thành phố", "tinh"),
    ("Ngân hàng Chính sách xã hội tỉnh", "huyen", "huyện", "tinh"),
    ("Bảo hiểm Xã hội huyện", "huyen", "huyện", "huyen"),
    ("Bảo hiểm Xã hội", "huyen", "huyện", None),  # "Xã hội" is no commune
    ("Sở Y tế", "huyen", "huyện", "tinh"),
    ("Phòng Giao dịch Ngân hàng Chính sách xã hội huyện", "xa", "xã", "huyen"),
    ("Công an thành phố", "xa", "phường", "huyen"),
    ("Phòng Tư pháp thành phố", "huyen", "thành phố", None),  # the city's own office
    ("Trạm Y tế xã", "xa", "xã", "xa"),
])
def test_body_level(name, issuer_level, issuer_type, level) -> None:
    assert body_level(name, issuer_level, issuer_type, config()["authority_level_mismatch"]) == level


def test_seed_003_city_plan_tasks_provincial_bodies() -> None:
    doc = kehoach.read(seed("003"))
    [f] = run_internal(kehoach.extract(doc, with_findings=False), doc, {"authority_level_mismatch"})
    assert [e.line for e in f.evidence] == [274, 290]
    assert f.evidence[0].text.startswith("Bảo hiểm xã hội Tỉnh\n\nThực hiện cấp thẻ bảo hiểm y tế")
    assert "Ngân hàng Chính sách xã hội tỉnh" in f.message and f.severity == "info"


def test_corrected_seed_003_asks_them(tmp_path) -> None:
    _, text = corrected("003")
    assert findings(tmp_path, text) == []


def test_district_plan_tasking_a_provincial_department(tmp_path) -> None:
    [f] = findings(tmp_path, DISTRICT.format(body="Sở Y tế", task=TASK))
    assert f.data["levels"] == ["tinh"] and f.evidence[0].text.startswith("Sở Y tế")
    [f] = findings(tmp_path, DISTRICT.format(body="Bảo hiểm xã hội tỉnh", task=TASK))
    assert f.evidence[0].text.endswith("kịp thời, đầy đủ")


@pytest.mark.parametrize("body, task", [
    ("Đề nghị Bảo hiểm xã hội tỉnh", TASK),  # asked
    ("Đề nghị\nBảo hiểm xã hội tỉnh", TASK),  # asked, the heading wrapped
    ("Bảo hiểm xã hội tỉnh", "Phối hợp với Phòng Lao động - Thương binh và Xã hội cấp thẻ bảo hiểm y tế."),  # joint
    ("Bảo hiểm xã hội huyện", TASK),  # the district's own office
    ("Trung tâm Y tế huyện", TASK),
])
def test_bodies_a_district_plan_may_task(tmp_path, body, task) -> None:
    assert findings(tmp_path, DISTRICT.format(body=body, task=task)) == []
