"""Projects of the national target programmes the plans carry out, mapped to the catalogue."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract import extract_plan

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"


@lru_cache(maxsize=None)
def _read(path: Path):
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def _pairs(plan) -> list[tuple[int, int | None]]:
    return [(p.project, p.subproject) for p in plan.projects]


def _plan_of(tmp_path: Path, body: str):
    path = tmp_path / "plan.txt"
    path.write_text(
        "KẾ HOẠCH\nThực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2024\n\n" + body, encoding="utf-8"
    )
    doc = kehoach.read(str(path))
    return doc, extract_plan(doc)


def test_seed_001_project_items_with_sub_projects_and_the_tieu_typo():
    doc, plan = _read(seed("001"))
    # a project whose sub-projects are listed is their container, not one more entry
    assert _pairs(plan) == [(2, None), (3, 1), (3, 2), (4, 1), (4, 3), (6, 1), (6, 2), (7, 1), (7, 2)]
    by_pair = {(p.project, p.subproject): p for p in plan.projects}
    # "a Tiêu dự án 1, Dự án 7: Nâng cao năng lực thực hiện Chương trình" (sic)
    assert by_pair[(7, 1)].name == "Nâng cao năng lực thực hiện Chương trình"
    assert by_pair[(7, 1)].span.text == "Tiêu dự án 1"
    assert by_pair[(7, 2)].budget_vnd == 12_000_000
    assert by_pair[(6, 2)].budget_vnd == 5_000_000
    assert by_pair[(3, 2)].lead == "công chức văn phòng"
    assert by_pair[(3, 1)].name == "Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp"
    assert {p.programme for p in plan.projects} == {"giam_ngheo_2021_2025"}
    for p in plan.projects:
        assert doc.text[p.span.start:p.span.end] == p.span.text


def test_seed_004_projects_named_in_the_tasks_of_each_department():
    _, plan = _read(seed("004"))
    assert sorted(_pairs(plan), key=lambda p: (p[0], p[1] or 0)) == [
        (1, None), (2, None), (3, 1), (3, 2), (4, None), (5, None), (6, None), (6, 1), (6, 2), (7, None)]
    leads = {(p.project, p.subproject): p.lead for p in plan.projects}
    assert leads[(3, 2)] == "Sở Y tế"
    assert leads[(5, None)] == "Sở Xây dựng"
    assert leads[(6, 1)] == "Sở Thông tin và Truyền thông"
    # a project the catalogue names when the plan does not
    assert next(p for p in plan.projects if p.project == 1).name.startswith("Hỗ trợ đầu tư phát triển hạ tầng")


def test_seed_003_projects_named_by_the_catalogue_names_only():
    _, plan = _read(seed("003"))
    assert _pairs(plan) == [(2, None), (3, 1), (3, 2), (4, None), (6, 1), (6, 2), (7, 1), (7, 2)]
    assert plan.projects[1].name == "Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp"


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_plans_without_projects(prefix):
    assert _read(seed(prefix))[1].projects == []


def test_synthetic_lists_and_mentions():
    _, plan = _read(next(SYN.glob("syn04*.txt")))
    assert _pairs(plan) == [(1, None), (2, None), (3, 1), (3, 2), (4, 1), (5, 1), (5, 3), (5, 4), (6, None),
                            (7, None), (8, None), (9, 1), (9, 2), (10, 1), (10, 2), (10, 3)]
    assert {p.programme for p in plan.projects} == {"dtts_mien_nui_2021_2030"}
    # "- Dự án 3: Tiểu dự án 1 - …; Tiểu dự án 2 - …" and the budget list "- Dự án 3: 3,5 tỷ đồng"
    _, plan = _read(next(SYN.glob("syn02*.txt")))
    assert (3, None) not in _pairs(plan) and (3, 1) in _pairs(plan) and (3, 2) in _pairs(plan)
    assert next(p for p in plan.projects if p.project == 5).budget_vnd == 6_400_000_000
    # the new-rural programme numbers its parts "Nội dung thành phần số 02"
    _, plan = _read(next(SYN.glob("syn07*.txt")))
    assert _pairs(plan) == [(2, None), (3, None), (7, None), (11, None)]


@pytest.mark.parametrize(
    "body, pairs",
    [
        ("I. NỘI DUNG\n\n1. Dự án 4 (Tiểu dự án 3): Hỗ trợ việc làm bền vững\n\n2. Dự án 2: Đa dạng hóa sinh kế\n",
         [(4, 3), (2, None)]),
        ("I. NỘI DUNG\n\n- TDA1 - Dự án 3: hỗ trợ sản xuất.\n- Dự án 5: Hỗ trợ nhà ở.\n", [(3, 1), (5, None)]),
        ("I. NỘI DUNG\n\n1. Dự án 4 - Tiểu dự án 1 và Tiểu dự án 3, Dự án 6 - Tiểu dự án 2.\n",
         [(4, 1), (4, 3), (6, 2)]),
        ("I. NỘI DUNG\n\n1. Dự án 3 gồm Tiểu dự án 1, 2.\n", [(3, 1), (3, 2)]),
    ],
)
def test_how_sub_projects_find_their_project(tmp_path, body, pairs):
    _, plan = _plan_of(tmp_path, body)
    assert _pairs(plan) == pairs


def test_projects_in_a_cited_title_are_not_carried_out(tmp_path):
    body = ("I. NỘI DUNG\n\n1. Thực hiện theo Quyết định số 880/QĐ-TTg về Tiểu dự án 2 thuộc Dự án 1.\n\n"
            "2. Dự án 6: Truyền thông và giảm nghèo về thông tin.\n")
    _, plan = _plan_of(tmp_path, body)
    assert _pairs(plan) == [(6, None)]


def test_roman_numbered_project(tmp_path):
    _, plan = _plan_of(tmp_path, "I. NỘI DUNG\n\n1. Dự án IV: Phát triển giáo dục nghề nghiệp, việc làm bền vững.\n")
    assert _pairs(plan) == [(4, None)]
    assert plan.projects[0].name == "Phát triển giáo dục nghề nghiệp, việc làm bền vững"
