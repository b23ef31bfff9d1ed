"""Rate targets without a baseline of their group anywhere in the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed
from fixtures.clean_seeds import corrected

PLAN = """UBND HUYỆN PHONG THỔ
UBND XÃ BẢN LANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 21/KH-UBND
Bản Lang, ngày 11 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện công tác giảm nghèo năm 2024 trên địa bàn xã Bản Lang

Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục tiêu quốc gia giảm
nghèo bền vững giai đoạn 2021 - 2025;

I. TÌNH HÌNH CHUNG

{situation}

II. MỤC TIÊU

{target}

III. TỔ CHỨC THỰC HIỆN

1. Công chức Văn hóa - Xã hội: tham mưu triển khai Kế hoạch.

Nơi nhận:
- UBND huyện (b/c);
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Lò Văn Sinh
"""
SITUATION = ("Theo kết quả rà soát cuối năm 2023, toàn xã có 1.120 hộ, trong đó 214 hộ nghèo, chiếm 19,11%; 96 hộ cận "
             "nghèo, chiếm 8,57%.")
NO_FIGURES = "Công tác giảm nghèo năm 2023 đạt nhiều kết quả tích cực, đời sống người dân từng bước được cải thiện."


def findings(tmp_path: Path, situation: str, target: str):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.format(situation=situation, target=target), encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, {"target_unverifiable"})


def test_seed_003_and_004_rate_targets_without_baseline() -> None:
    doc = kehoach.read(seed("003"))
    [f] = run_internal(kehoach.extract(doc, with_findings=False), doc, {"target_unverifiable"})
    assert f.evidence[0].text == ("Giảm 85 hộ nghèo, tỷ lệ giảm trung bình là 0,2- 0,25%; giảm 65-70 hộ cận nghèo, tỷ lệ "
                                  "giảm trung bình là 0,2- 0,25%")
    assert f.severity == "info"
    doc = kehoach.read(seed("004"))
    [f] = run_internal(kehoach.extract(doc, with_findings=False), doc, {"target_unverifiable"})
    assert " ".join(f.evidence[0].text.split()) == "Tỷ lệ hộ nghèo dân tộc thiểu số giảm 3%"
    assert f.data["qualifiers"] == ["dân tộc thiểu số"]  # the table gives the rate of all poor households only


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_corrected_seeds_state_their_baselines(tmp_path, prefix) -> None:
    _, text = corrected(prefix)
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"target_unverifiable"}) == []


def test_rate_target_without_baseline(tmp_path) -> None:
    [f] = findings(tmp_path, NO_FIGURES, "1. Giảm tỷ lệ hộ nghèo 4% trở lên; giảm 45 hộ nghèo.")
    assert f.data["group"] == "hộ nghèo"


@pytest.mark.parametrize("situation, target", [
    (SITUATION, "1. Giảm tỷ lệ hộ nghèo 4%, tương đương giảm 45 hộ nghèo."),  # the baseline is stated
    (NO_FIGURES, "1. Giảm 45 hộ nghèo, giảm 20 hộ cận nghèo."),  # counts are checked against the next review
    (NO_FIGURES, "1. Tỷ lệ hộ nghèo giảm 4% so với cuối năm 2023."),  # measured from a named review
    (SITUATION + " Hộ nghèo dân tộc thiểu số 198 hộ, chiếm 92,52% tổng số hộ nghèo.",
     "1. Tỷ lệ hộ nghèo dân tộc thiểu số giảm 4%."),
])
def test_rate_targets_that_can_be_verified(tmp_path, situation, target) -> None:
    assert findings(tmp_path, situation, target) == []


def test_a_sub_group_needs_its_own_baseline(tmp_path) -> None:
    [f] = findings(tmp_path, SITUATION, "1. Tỷ lệ hộ nghèo dân tộc thiểu số giảm 4%.")
    assert f.data["group"] == "hộ nghèo dân tộc thiểu số"


def test_a_plan_about_the_sub_group_gives_its_figures_for_it(tmp_path) -> None:
    text = PLAN.format(situation=SITUATION, target="1. Tỷ lệ hộ nghèo dân tộc thiểu số giảm 4%.").replace(
        "Thực hiện công tác giảm nghèo năm 2024 trên địa bàn xã Bản Lang",
        "Thực hiện Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền "
        "núi năm 2024 trên địa bàn xã Bản Lang")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"target_unverifiable"}) == []


def test_a_yearly_pace_is_not_a_level(tmp_path) -> None:
    assert findings(tmp_path, NO_FIGURES, "1. Tỷ lệ hộ nghèo giảm bình quân 4%/năm.") == []
    assert findings(tmp_path, NO_FIGURES, "1. Tỷ lệ hộ nghèo giảm 4% mỗi năm.") == []
