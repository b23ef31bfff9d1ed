"""Deadlines and target years against the plan's date and period; two deadlines for one duty; the plan's own
date written differently in its appendix caption."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.dates import text_deadlines
from kehoach.pipeline.checks.registry import run_internal

from conftest import ROOT, seed

PLAN = """ỦY BAN NHÂN DÂN
HUYỆN ĐẮK GLONG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 163/KH-UBND
Đắk Glong, ngày 18 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện Chương trình giảm nghèo năm 2024 trên địa bàn huyện Đắk Glong

Căn cứ Kế hoạch số 110/KH-UBND ngày 01/3/2024 của UBND tỉnh Đắk Nông thực hiện Chương trình năm 2024.

I. MỤC TIÊU

1. Giảm 4% tỷ lệ hộ nghèo.
2. Phấn đấu đến cuối năm {target_year} tỷ lệ hộ nghèo của huyện còn dưới 20%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Dân tộc: tổng hợp báo cáo năm trước ngày {report}.

2. UBND các xã: Hoàn thành phê duyệt danh sách hộ được hỗ trợ nhà ở trước ngày {approve}; hoàn thành hỗ trợ nhà ở trong quý III năm 2024.

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Nguyễn Văn An
"""


def findings(tmp_path: Path, text: str, *codes: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


def seed_findings(path: Path, *codes: str):
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


CODES = ("deadline_before_issue", "deadline_outside_period", "target_year_outside_period")


def test_deadlines_read_from_text() -> None:
    text = "gửi trước ngày 31/01/2024; xây dựng trong quý I năm 2024; tổ chức trong tháng 5/2025; trước ngày 20 hằng tháng"
    assert [d.date.iso() for d in text_deadlines(text)] == ["2024-01-31", "2024-03-31", "2025-05-31"]


def test_a_clean_plan_is_quiet(tmp_path) -> None:
    text = PLAN.format(target_year="2024", report="10/12/2024", approve="30/4/2024")
    assert findings(tmp_path, text, *CODES) == []


def test_deadline_before_the_plan_is_issued(tmp_path) -> None:
    text = PLAN.format(target_year="2024", report="10/12/2024", approve="28/02/2024")
    [f] = findings(tmp_path, text, *CODES)
    assert f.code == "deadline_before_issue" and f.data["deadline"] == "2024-02-28"
    assert f.evidence[0].text == "Hoàn thành phê duyệt danh sách hộ được hỗ trợ nhà ở trước ngày 28/02/2024"


def test_deadline_and_target_after_the_period(tmp_path) -> None:
    text = PLAN.format(target_year="2026", report="10/12/2025", approve="30/4/2024")
    found = {f.code: f for f in findings(tmp_path, text, *CODES)}
    assert set(found) == {"deadline_outside_period", "target_year_outside_period"}
    assert found["target_year_outside_period"].data["year"] == 2026
    # a report on the last year due early in the next one is normal
    early = PLAN.format(target_year="2024", report="15/01/2025", approve="30/4/2024")
    assert findings(tmp_path, early, *CODES) == []


def test_seed_004_build_in_quarter_one_but_send_by_end_of_january() -> None:
    [f] = seed_findings(seed("004"), "deadline_conflict")
    assert f.data["dates"] == ["2024-03-31", "2024-01-31"]
    assert "trong quý I năm 2024" in " ".join(f.evidence[0].text.split())


def test_a_deadline_given_to_another_body_is_not_a_conflict() -> None:
    chain = ROOT / "corpus" / "synthetic" / "chains" / "kontum_giamngheo_2024" / "tinh_kon_tum.txt"
    assert seed_findings(chain, "deadline_conflict") == []


def test_seed_002_appendix_dated_while_the_header_is_blank() -> None:
    [f] = seed_findings(seed("002"), "date_conflict")
    assert " ".join(f.evidence[0].text.split()) == "Kèm theo Kế hoạch số: /KH-UBND ngày 22 /02/2024"
    assert seed_findings(seed("004"), "date_conflict") == []  # caption 08/12/2023 = header


def _kind(sentence: str, year: int, future: bool) -> str | None:
    from kehoach.pipeline.checks.dates import target_year_kind
    from kehoach.pipeline.checks.registry import config

    return target_year_kind(sentence, 0, len(sentence), year, future, config()["target_year_outside_period"])


@pytest.mark.parametrize("sentence, year, future, aim", [
    # states of a past year: baselines, whatever an extractor takes them for
    ("Theo kết quả rà soát cuối năm 2021 (chuẩn nghèo giai đoạn 2022 - 2025), toàn huyện có 6.472 hộ, trong đó "
     "2.561 hộ nghèo, chiếm 39,57%", 2021, False, False),
    ("Tỷ lệ hộ gia đình có nhà tiêu hợp vệ sinh đến 31/12/2022 đạt 78,5%", 2022, False, False),
    ("Tỷ lệ hộ nghèo năm 2023 còn 3,2%", 2023, False, False),
    ("Tỷ lệ hộ nghèo của xã giảm còn 3,5% vào cuối năm 2021", 2021, False, False),
    ("Tính đến cuối năm 2023, toàn xã đã có 512 hộ được hỗ trợ nhà ở", 2023, False, False),
    ("Kết quả rà soát năm 2026 đạt 95%", 2026, True, False),  # a state, even of a later year
    # the span of a programme is not a target year
    ("Mục tiêu giai đoạn 2021 - 2025: giảm tỷ lệ hộ nghèo bình quân 1%/năm", 2025, True, False),
    # explicit aims
    ("Phấn đấu đến cuối năm 2026 tỷ lệ hộ nghèo dân tộc thiểu số của huyện còn dưới 20%", 2026, True, True),
    ("Tỷ lệ hộ nghèo giảm còn 5% vào cuối năm 2026", 2026, True, True),
    ("Đến năm 2027 tỷ lệ lao động qua đào tạo đạt 70%", 2027, True, True),
    ("Phấn đấu đến cuối năm 2021 giảm 50 hộ nghèo", 2021, False, True),  # last year's plan copied
])
def test_target_year_kind(sentence, year, future, aim) -> None:
    assert (_kind(sentence, year, future) == "aim") is aim


BASELINE_PLAN = PLAN.replace(
    "1. Giảm 4% tỷ lệ hộ nghèo.",
    "1. Theo kết quả rà soát cuối năm 2023 (chuẩn nghèo giai đoạn 2022 - 2025), toàn huyện có 6.472 hộ, trong đó "
    "2.561 hộ nghèo, chiếm 39,57%.\n\n2. Tỷ lệ hộ có nhà tiêu hợp vệ sinh đến 31/12/2023 đạt 78,5%.\n\n3. Giảm 4% tỷ lệ "
    "hộ nghèo.")


def _with_target(tmp_path: Path, text: str, words: str, year: int):
    """The plan's findings when its extraction also lists ``words`` as a target of ``year`` (as an extractor that
    mistakes a baseline for a target does)."""
    from kehoach.pipeline.nlp import evidence
    from kehoach.schemas.plan import Target

    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    plan = kehoach.extract(doc, with_findings=False)
    start = doc.text.index(words)
    plan.targets.append(Target(indicator=words, value=1, unit="%", year=year,
                               span=evidence(doc, start, start + len(words))))
    return run_internal(plan, doc, {"target_year_outside_period"})


def test_a_baseline_taken_for_a_target_is_not_outside_the_period(tmp_path) -> None:
    text = BASELINE_PLAN.format(target_year="2024", report="10/12/2024", approve="30/4/2024")
    assert _with_target(tmp_path, text, "2.561 hộ nghèo, chiếm 39,57%", 2023) == []
    assert _with_target(tmp_path, text, "đến 31/12/2023 đạt 78,5%", 2023) == []
    [f] = _with_target(tmp_path, text.replace("đến cuối năm 2024 tỷ lệ", "đến cuối năm 2023 tỷ lệ"),
                       "tỷ lệ hộ nghèo của huyện còn dưới 20%", 2023)
    assert f.data["year"] == 2023
    assert f.evidence[0].text == "Phấn đấu đến cuối năm 2023 tỷ lệ hộ nghèo của huyện còn dưới 20%"


APPENDIX = """
PHỤ LỤC
CHỈ TIÊU GIẢM HỘ NGHÈO
(Kèm theo Kế hoạch số 163/KH-UBND ngày 18/3/2024 của UBND huyện Đắk Glong)

TT\tĐơn vị\tHộ nghèo cuối năm 2023\t{header}
1\tXã Quảng Sơn\t412\t40
2\tXã Đắk Ha\t388\t38
\tCộng\t800\t78
"""


def test_a_table_column_of_targets_for_a_later_year(tmp_path) -> None:
    base = PLAN.format(target_year="2024", report="10/12/2024", approve="30/4/2024")
    [f] = findings(tmp_path, base + APPENDIX.format(header="Chỉ tiêu giảm hộ nghèo năm 2026 (hộ)"),
                   "target_year_outside_period")
    assert f.data["quote"] == "Chỉ tiêu giảm hộ nghèo năm 2026 (hộ)" and f.data["year"] == 2026
    assert f.evidence[0].text == "Chỉ tiêu giảm hộ nghèo năm 2026 (hộ)" and [e.text for e in f.evidence[1:]] == ["40", "38", "78"]
    assert findings(tmp_path, base + APPENDIX.format(header="Chỉ tiêu giảm hộ nghèo năm 2024 (hộ)"),
                    "target_year_outside_period") == []


def test_recurring_marker_matches_after_the_date() -> None:
    """The marker is matched at the offset just after the day ("… ngày 20| hằng tháng"), not at the text start."""
    from kehoach.pipeline.checks.dates import _RECURRING

    text = "Các xã báo cáo tiến độ trước ngày 20 hằng tháng về UBND huyện."
    after_day = text.index(" hằng")
    assert _RECURRING.match(text, after_day)
    assert not _RECURRING.match(text, text.index(" về"))
