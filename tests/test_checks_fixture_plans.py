"""Four clean plans written for the checks (tests/fixtures/plans/k2*.txt): signature blocks in the forms plans
use ("TM. UBND THỊ TRẤN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "TM. UBND XÃ / …", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
"KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" alone), baseline sentences of past years ("Theo kết quả rà soát cuối năm 2023 …
có", "đến 31/12/2022 đạt", "năm 2024 còn"), orientations beyond the plan, and appendices announced and present.
No rule may fire on them; the same plans with one defect planted must be caught."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.registry import run_internal

from conftest import ROOT

PLANS = sorted((ROOT / "tests" / "fixtures" / "plans").glob("k2*.txt"))


def test_there_are_four_plans() -> None:
    assert [p.name[:3] for p in PLANS] == ["k2a", "k2b", "k2c", "k2d"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name[:3])
def test_clean_plan_has_no_finding(path) -> None:
    plan = kehoach.extract(path)
    assert [(f.code, f.message) for f in plan.findings] == []
    assert plan.signer.name and plan.period.start_year


def _planted(tmp_path: Path, name: str, old: str, new: str, code: str):
    path = next(p for p in PLANS if p.name.startswith(name))
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    target = tmp_path / path.name
    target.write_text(text.replace(old, new), encoding="utf-8")
    doc = kehoach.read(target)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, {code})


def test_planted_defects_are_caught(tmp_path) -> None:
    # more appendices announced than attached
    [f] = _planted(tmp_path, "k2a", "chi tiết tại Phụ lục kèm theo", "chi tiết tại Phụ lục 01, 02 kèm theo",
                   "missing_attachment")
    assert f.data["announced"] == 2 and f.data["present"] == 1
    [f] = _planted(tmp_path, "k2b", "\nBIỂU 02: KINH PHÍ", "\nBIỂU 03: KINH PHÍ", "missing_attachment")
    assert f.data["missing_ids"] == [2]
    # another unit in the signature
    [f] = _planted(tmp_path, "k2c", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN HUYỆN NAM TRÀ MY\nCHỦ TỊCH",
                   "issuer_name_mismatch")
    assert f.data["where"] == "phần ký"
    # last year's aim left in the plan
    [f] = _planted(tmp_path, "k2d", "Phấn đấu đến cuối năm 2025 giảm", "Phấn đấu đến cuối năm 2024 giảm",
                   "target_year_outside_period")
    assert f.data["year"] == 2024
    # a provincial body tasked by a district
    [f] = _planted(tmp_path, "k2c", "4. Đề nghị Ngân hàng Chính sách xã hội tỉnh - Phòng giao dịch huyện",
                   "4. Ngân hàng Chính sách xã hội tỉnh", "authority_level_mismatch")
    assert f.data["levels"] == ["tinh"]
