"""Projects and sub-projects against the programme catalogues (QĐ 90/QĐ-TTg, QĐ 1719/QĐ-TTg)."""

from __future__ import annotations

from pathlib import Path

import kehoach
from kehoach.pipeline.checks.catalogue import mentions
from kehoach.pipeline.checks.registry import CheckContext, run_internal

from conftest import ROOT, seed

SYN = ROOT / "corpus" / "synthetic" / "plans"

HEAD = """KẾ HOẠCH
Thực hiện Chương trình mục tiêu quốc gia {programme} năm 2024

I. NỘI DUNG

"""
POVERTY = "giảm nghèo bền vững"
ETHNIC = "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi"


def context(path: Path) -> CheckContext:
    doc = kehoach.read(path)
    return CheckContext(plan=kehoach.extract(doc, with_findings=False), document=doc)


def unknown(path: Path):
    ctx = context(path)
    return run_internal(ctx.plan, ctx.document, {"unknown_project"})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_mentions_are_tied_to_their_project(tmp_path) -> None:
    body = ("1. Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng\n\na) Tiểu dự án 2: Cải thiện dinh dưỡng\n\n"
            "2. Phòng Kinh tế: thực hiện Dự án 4 (Tiểu dự án 1, Tiểu dự án 3), Dự án 6 - Tiểu dự án 2; "
            "Tiểu dự án 1 Dự án 7; Dự án 2, Tiểu dự án 2 Dự án 6.\n")
    ctx = context(write(tmp_path, HEAD.format(programme=POVERTY) + body))
    got = sorted({(m.project, m.subproject) for m in mentions(ctx)}, key=lambda x: (x[0], x[1] or 0))
    assert got == [(2, None), (3, None), (3, 2), (4, None), (4, 1), (4, 3), (6, None), (6, 2), (7, None), (7, 1)]


def test_subproject_that_does_not_exist_in_the_poverty_programme() -> None:
    [f] = unknown(SYN / "syn13_xa_hieu_giam_ngheo_2024_du_thao.txt")
    assert (f.data["project"], f.data["subproject"]) == (3, 4)
    assert f.evidence[0].text.startswith("b) Tiểu dự án 4: Hỗ trợ phát triển sản xuất theo chuỗi giá trị")
    assert len(f.evidence) == 2  # the heading and the row "Dự án 3 - Tiểu dự án 4" of the budget table


def test_project_of_another_programme_in_a_poverty_plan() -> None:
    [f] = unknown(SYN / "syn16_phuong_nguyen_thai_hoc_giam_ngheo_2025.txt")
    assert (f.data["project"], f.data["subproject"]) == (8, None)
    assert "vùng đồng bào dân tộc thiểu số" in f.message  # where the content comes from


def test_ethnic_programme_projects_are_known(tmp_path) -> None:
    body = "1. Dự án 10, Tiểu dự án 1: Tuyên truyền, vận động.\n\n2. Dự án 5, Tiểu dự án 3: Đào tạo nghề.\n"
    assert unknown(write(tmp_path, HEAD.format(programme=ETHNIC) + body)) == []
    assert len(unknown(write(tmp_path, HEAD.format(programme=POVERTY) + body))) == 2


def test_seed_plans_name_only_existing_projects() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        assert unknown(seed(prefix)) == [], prefix


def names(path: Path):
    ctx = context(path)
    return run_internal(ctx.plan, ctx.document, {"programme_name_mismatch"})


def test_seed_004_programme_named_with_words_of_another() -> None:
    [f] = names(seed("004"))
    assert " ".join(f.evidence[0].text.split()) == "Chương trình mục tiêu quốc gia giảm nghèo và an sinh xã hội bền vững"
    assert f.evidence[1].text == "Chương trình MTQG giảm nghèo bền vững" and f.data["programme_key"] == "giam_ngheo_2021_2025"
    from fixtures.clean_seeds import corrected

    _, text = corrected("004")
    assert " ".join(text.split()).count("mục tiêu quốc gia giảm nghèo bền vững (kèm theo") == 1


def test_programme_names_written_right_or_cut_short(tmp_path) -> None:
    body = ("1. Thực hiện Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025; Chương trình mục tiêu quốc gia "
            "giảm nghèo; Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và miền núi; Chương trình mục tiêu "
            "quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số; các Chương trình mục tiêu quốc gia "
            "trên địa bàn; Chương trình giảm nghèo nhanh và bền vững của tỉnh.\n")
    assert names(write(tmp_path, HEAD.format(programme=POVERTY) + body)) == []


def test_programme_named_with_inserted_words(tmp_path) -> None:
    body = ("1. Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội và an ninh quốc phòng vùng đồng bào dân "
            "tộc thiểu số và miền núi: hỗ trợ nhà ở.\n")
    [f] = names(write(tmp_path, HEAD.format(programme=ETHNIC) + body))
    assert f.data["programme_key"] == "dtts_mien_nui_2021_2030"
    assert " ".join(f.evidence[0].text.split()).endswith("và an ninh quốc phòng vùng đồng bào dân tộc thiểu số và miền núi")
    # without the right name anywhere in the plan there is nothing to compare with
    alone = "KẾ HOẠCH\nThực hiện công tác năm 2024\n\nI. NỘI DUNG\n\n" + body
    assert names(write(tmp_path, alone)) == []
