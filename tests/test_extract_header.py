"""Header fields of every seed and synthetic plan, asserted as the gold has them, with spans that slice to them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.schemas.plan import Plan

from conftest import ROOT, seed

SYNTHETIC = ROOT / "corpus" / "synthetic"


@lru_cache(maxsize=None)
def plan_of(path: Path) -> Plan:
    return kehoach.extract(path, with_findings=False)


# prefix: doc_type, number, symbol, place, issue_date (y, m, d), title, period, issuer (name, level, unit, parent)
SEEDS = {
    "000": ("ke_hoach", None, "KH-UBND", "Tân Lợi", (2024, None, None),
            "Thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2025", (2025, 2025),
            ("UBND xã Tân Lợi", "xa", "Tân Lợi", "huyện Hớn Quản")),
    "001": ("ke_hoach", None, "KH-UBND", "Cẩm Lương", (2023, 5, None),
            "Triển khai thực hiện các dự án, tiểu dự án Chương trình mục tiêu quốc gia giảm nghèo bền vững năm "
            "2022 và năm 2023 thuộc Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025 trên địa bàn xã "
            "Cẩm Lương", (2022, 2023),
            ("UBND xã Cẩm Lương", "xa", "Cẩm Lương", "huyện Cẩm Thủy")),
    "002": ("ke_hoach", None, "KH-UBND", "Quảng Minh", (2024, None, None),
            "Thực hiện công tác giảm nghèo và an sinh xã hội năm 2024", (2024, 2024),
            ("UBND phường Quảng Minh", "xa", "Quảng Minh", "thị xã Việt Yên")),
    "003": ("ke_hoach", None, "KH-UBND", "Vinh Yên", (2022, 5, None),
            "Thực hiện chương trình giảm nghèo năm 2022", (2022, 2022),
            ("UBND thành phố Vĩnh Yên", "huyen", "Vĩnh Yên", "Vĩnh Phúc")),
    "004": ("ke_hoach", "3456", "KH-UBND", "Gia Lai", (2023, 12, 8),
            "THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG NĂM 2024 TRÊN ĐỊA BÀN TỈNH GIA LAI",
            (2024, 2024), ("UBND tỉnh Gia Lai", "tinh", "Gia Lai", None)),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_header(prefix: str) -> None:
    plan = plan_of(seed(prefix))
    doc_type, number, symbol, place, date, title, period, issuer = SEEDS[prefix]
    assert plan.doc_type.value == doc_type
    assert (plan.number, plan.symbol, plan.place) == (number, symbol, place)
    assert (plan.issue_date.year, plan.issue_date.month, plan.issue_date.day) == date
    assert plan.title == title
    assert (plan.period.start_year, plan.period.end_year) == period
    assert (plan.issuer.name, plan.issuer.level, plan.issuer.unit, plan.issuer.parent) == issuer


def test_issuer_resolved_in_the_gazetteer() -> None:
    # Tân Lợi is a commune name in three districts; the legal basis "của UBND huyện Hớn Quản" chooses.
    tan_loi = plan_of(seed("000")).issuer
    assert (tan_loi.province, tan_loi.code) == ("Bình Phước", "25342")
    # "Ủy ban nhân dân thành phố ban hành …" with the place misspelt "Vinh Yên" in the header
    vinh_yen = plan_of(seed("003")).issuer
    assert (vinh_yen.unit_type, vinh_yen.province, vinh_yen.code) == ("thành phố", "Vĩnh Phúc", "243")
    gia_lai = plan_of(seed("004")).issuer
    assert (gia_lai.province, gia_lai.code) == ("Gia Lai", "64")


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_header_spans_slice_to_their_values(prefix: str) -> None:
    document = kehoach.read(seed(prefix))
    plan = plan_of(seed(prefix))
    text = document.text
    for name, span in plan.evidence.items():
        assert text[span.start:span.end] == span.text, name
    ev = plan.evidence
    assert ev["symbol"].text == plan.symbol
    if plan.number:
        assert ev["number"].text == plan.number
    else:
        assert ev["number"].text.startswith("Số")  # the blank is shown with its line
    assert ev["place"].text == plan.place
    assert " ".join(ev["title"].text.split()) == plan.title
    assert str(plan.issue_date.year) in ev["issue_date"].text
    assert str(plan.period.start_year) in ev["period"].text
    issuer_text = " ".join(ev["issuer"].text.split()).casefold()
    assert plan.issuer.unit_type in issuer_text
    assert plan.issuer.span == ev["issuer"]


def _synthetic_cases() -> list[Path]:
    paths = []
    for gold in sorted((SYNTHETIC / "gold").glob("*.json")) + sorted(SYNTHETIC.glob("chains/*/gold/*.json")):
        folder = gold.parent.parent / "plans" if gold.parent.parent == SYNTHETIC else gold.parent.parent
        source = folder / json.loads(gold.read_text(encoding="utf-8"))["source"]
        if source.is_file():
            paths.append(gold)
    return paths


@pytest.mark.parametrize("gold_path", _synthetic_cases(), ids=lambda p: p.stem)
def test_synthetic_header_equals_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    folder = gold_path.parent.parent / "plans" if gold_path.parent.parent == SYNTHETIC else gold_path.parent.parent
    plan = plan_of(folder / gold["source"])
    assert (plan.number, plan.symbol, plan.place) == (gold["number"], gold["symbol"], gold["place"])
    assert plan.issue_date.model_dump() == gold["issue_date"]
    assert (plan.issuer.level, plan.issuer.unit) == (gold["issuer"]["level"], gold["issuer"]["unit"])
    assert plan.issuer.name == gold["issuer"]["name"]
    assert plan.period.model_dump(exclude={"span"}) == gold["period"]
    # a plan issued as the annex of a Quyết định (syn05) is a ke_hoach with the plan's own title
    assert plan.doc_type.value == gold["doc_type"]
    assert plan.title == gold["title"]
