"""Targets and baselines read from the seeds and the synthetic plans, values asserted as the plans write them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract import extract_plan
from kehoach.pipeline.extract.targets import sentences

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"
CHAINS = ROOT / "corpus" / "synthetic" / "chains"


@lru_cache(maxsize=None)
def _read(path: Path):
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def _seed(prefix: str):
    return _read(seed(prefix))


def _syn(prefix: str):
    return _read(next(SYN.glob(f"{prefix}*.txt")))


def _figures(items, scope: str | None = None) -> list[tuple[float, float | None, str]]:
    return [(t.value, t.value_max, t.unit) for t in items if scope is None or t.scope == scope]


def test_seed_000_targets_and_the_situation_apart():
    _, plan = _seed("000")
    assert _figures(plan.targets) == [(100.0, None, "%"), (100.0, None, "%")]
    assert "thẻ bảo hiểm y tế" in plan.targets[0].indicator
    assert {t.scope for t in plan.targets} == {"xã Tân Lợi"}
    assert {t.year for t in plan.targets} == {2025}
    # "Cuối năm 2024 toàn xã có 03 hộ nghèo, chiếm 0,001% …": the situation a 2025 plan starts from
    assert _figures(plan.baselines) == [(3.0, None, "hộ"), (0.001, None, "%"), (1.0, None, "hộ"),
                                        (13.0, None, "hộ"), (0.05, None, "%"), (2.0, None, "hộ")]


def test_seed_001_counts_of_households_and_classes():
    _, plan = _seed("001")
    assert _figures(plan.targets) == [(17.0, None, "hộ"), (5.0, None, "hộ"), (1.0, None, "lớp"), (1.0, None, "lớp")]
    first = plan.targets[0]
    assert (first.direction, first.year) == ("reduce_by", 2023)
    assert "lớp đào tạo nghề cho người lao động thuộc hộ nghèo" in plan.targets[2].indicator
    assert plan.baselines == []


def test_seed_002_text_targets_once_and_the_appendix_table():
    doc, plan = _seed("002")
    text_targets = [t for t in plan.targets if t.table is None]
    # "giảm còn 0,43%" is said in 1. Mục tiêu and again in 2.1 Chỉ tiêu chung and in the total row: one target
    assert _figures(text_targets) == [(0.43, None, "%"), (100.0, None, "%"), (0.97, None, "%"),
                                      (100.0, None, "%"), (100.0, None, "%"), (100.0, None, "%")]
    assert text_targets[0].direction == "reduce_to"
    assert doc.text[text_targets[0].span.start:text_targets[0].span.end] == "0,43%"
    # per-unit rows: the "Có khả năng thoát nghèo 2024" and "Cuối năm 2024" columns are targets
    assert _figures(plan.targets, "TDP Khả Lý Thượng") == [
        (1.0, None, "hộ"), (0.1, None, "%"), (6.0, None, "hộ"), (0.59, None, "%"),
        (4.0, None, "hộ"), (0.4, None, "%"), (11.0, None, "hộ"), (1.09, None, "%"),
    ]
    assert len(_figures(plan.targets, "TDP Khả Lý Hạ")) == 8
    total = [t for t in plan.targets if t.table is not None and t.scope == "phường Quảng Minh"]
    assert _figures(total) == [(4.0, None, "hộ"), (0.13, None, "%"), (13.0, None, "hộ"),
                               (15.0, None, "hộ"), (0.5, None, "%"), (29.0, None, "hộ")]
    # the analysis of 2023 and the "Phê duyệt cuối năm 2023" columns are baselines
    baseline_values = _figures(plan.baselines)
    for expected in [(17.0, None, "hộ"), (29.0, None, "nhân khẩu"), (0.57, None, "%"), (58.8, None, "%"),
                     (1011.0, None, "hộ"), (0.69, None, "%")]:
        assert expected in baseline_values
    assert len(plan.targets) == 52


def test_seed_003_ranges():
    _, plan = _seed("003")
    assert _figures(plan.targets)[:4] == [(85.0, None, "hộ"), (0.2, 0.25, "%"), (65.0, 70.0, "hộ"), (0.2, 0.25, "%")]
    assert [t.direction for t in plan.targets[:4]] == ["reduce_by"] * 4
    assert len(plan.targets) == 9


def test_seed_004_text_and_per_district_table():
    _, plan = _seed("004")
    text = [t for t in plan.targets if t.table is None]
    assert _figures(text) == [(6.11, None, "%"), (2.0, None, "%"), (3.0, None, "%"), (5.5, None, "%")]
    assert text[0].direction == "reduce_to"
    assert text[3].scope == "huyện Kông Chro"
    # the total row repeats the 2% of the text; the Kông Chro row repeats its 5,5%: each counted once
    assert _figures(plan.targets, "tỉnh Gia Lai").count((2.0, None, "%")) == 1
    assert _figures(plan.targets, "Huyện Kông Chro") == [(715.0, None, "hộ")]
    assert (7449.0, None, "hộ") in _figures(plan.targets, "tỉnh Gia Lai")
    assert _figures(plan.targets, "Huyện Đak Đoa") == [(2.0, None, "%"), (640.0, None, "hộ")]
    assert len(plan.targets) == 38
    # "Tổng số hộ dân cư cuối năm 2023" and "Kết quả rà soát cuối năm 2023" are the situation
    assert _figures(plan.baselines, "tỉnh Gia Lai") == [
        (388231.0, None, "hộ"), (31502.0, None, "hộ"), (8.11, None, "%")]
    assert len(plan.baselines) == 54


def test_synthetic_units_ranges_fractions_and_asides():
    _, plan = _syn("syn05")
    first = plan.targets[0]
    assert (first.value, first.value_max, first.unit, first.direction) == (4.0, 5.0, "%", "reduce_by")
    assert (600.0, None, "lao động") in _figures(plan.targets)
    # a table of yearly figures: one target per year row
    assert [(t.year, t.value) for t in plan.targets if t.table is not None][:2] == [(2022, 51.0), (2022, 4.35)]

    _, plan = _syn("syn07")
    assert (18.5, None, "tiêu chí/xã") in _figures(plan.targets)
    assert (52.0, None, "triệu đồng/người/năm") in _figures(plan.targets)

    _, plan = _syn("syn10")
    nineteen = [t for t in plan.targets if t.value == 19.0 and t.unit == "tiêu chí"]
    assert len(nineteen) == 1 and nineteen[0].year == 2024

    _, plan = _syn("syn12")
    # "đạt 62% vào năm 2026 (năm 2023 đạt 56,4%)": the bracket speaks of 2023
    assert (62.0, None, "%") in _figures(plan.targets)
    assert (56.4, None, "%") in _figures(plan.baselines) and (56.4, None, "%") not in _figures(plan.targets)


def test_indicator_reads_as_what_is_measured():
    _, plan = _syn("syn01")
    indicators = {t.value: t.indicator for t in plan.targets if t.unit == "hộ"}
    assert indicators[12.0] == "hộ nghèo dân tộc thiểu số thiếu nhà ở được hỗ trợ nhà ở"
    assert indicators[65.0] == "hộ được hỗ trợ nước sinh hoạt phân tán"


def test_repeated_target_in_the_tasks_is_counted_once():
    _, plan = _syn("syn01")
    # "Hỗ trợ nhà ở cho 12 hộ …" in II.2 and again in III.1 with the villages named
    assert _figures(plan.targets).count((12.0, None, "hộ")) == 1
    assert _figures(plan.targets).count((35.0, None, "lao động")) == 1


def test_rates_and_labels_are_not_targets():
    _, plan = _syn("syn01")
    values = _figures(plan.targets) + _figures(plan.baselines)
    assert all(unit != "triệu đồng" for _, _, unit in values)  # "mức hỗ trợ 40 triệu đồng/hộ" is a rate
    _, plan = _seed("001")
    assert all(t.value not in (2.0, 3.0, 4.0, 6.0, 7.0) for t in plan.targets)  # "Dự án 2", "Tiểu dự án 3" …


ALL = sorted((ROOT / "corpus" / "seeds").glob("*.txt")) + sorted(SYN.glob("*.txt")) + sorted(CHAINS.glob("*/*.txt"))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem[:24])
def test_spans_slice_the_text(path):
    doc, plan = _read(path)
    for t in plan.targets + plan.baselines:
        assert t.span is not None
        assert doc.text[t.span.start:t.span.end] == t.span.text
        assert t.span.line == doc.line_of(t.span.start)
        assert t.span.text.strip()


def test_sentences_split_at_semicolons_blank_lines_and_list_dashes():
    text = "Giảm 85 hộ nghèo; giảm 65 hộ.\n\n- 100% hộ. Năm 2024 đạt"
    assert [text[s:e] for s, e in sentences(text, 0, len(text))] == [
        "Giảm 85 hộ nghèo", " giảm 65 hộ", "- 100% hộ", " Năm 2024 đạt"]
