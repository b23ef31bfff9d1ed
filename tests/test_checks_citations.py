"""Cited documents: two dates, two subjects, symbol year vs date, after the plan, national reference list,
symbols without their issuing body."""

from __future__ import annotations

from pathlib import Path

import kehoach
from kehoach.pipeline.checks.citations import after
from kehoach.pipeline.checks.registry import run_internal
from kehoach.schemas.plan import PartialDate

from conftest import seed

HEADER = """ỦY BAN NHÂN DÂN
HUYỆN HƯỚNG HÓA
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 120/KH-UBND
Hướng Hóa, ngày 10 tháng 3 năm 2023

KẾ HOẠCH
Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2023

"""


def findings(tmp_path: Path, text: str, *codes: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


def seed_findings(prefix: str, *codes: str):
    doc = kehoach.read(seed(prefix))
    return run_internal(kehoach.extract(doc, with_findings=False), doc, set(codes))


def test_seed_003_decree_cited_with_the_year_of_another_date() -> None:
    [conflict] = seed_findings("003", "citation_date_conflict")
    assert conflict.data["dates"] == ["2018-07-09", "2015-07-09"]
    assert all("61/2015/NĐ-CP" in e.text for e in conflict.evidence)
    [year] = seed_findings("003", "number_year_mismatch")
    assert year.data["symbol_year"] == 2015 and year.data["date_year"] == 2018
    assert "ngày 09/7/2018" in year.evidence[0].text
    # the reference list knows 61/2015/NĐ-CP, but the wrong date is already reported as a symbol/date mismatch
    assert seed_findings("003", "national_doc_mismatch") == []


def test_seed_004_programme_of_cooperation_with_two_dates_and_a_bare_resolution_symbol() -> None:
    [conflict] = seed_findings("004", "citation_date_conflict")
    assert conflict.data["number"] == "3067/CTrPH-UBND-BTTUBMTTQ"
    assert conflict.data["dates"] == ["2017-08-09", "2017-07-09"]
    [bare] = seed_findings("004", "malformed_symbol")
    assert bare.data["number"] == "24/2021/NQ" and "24/2021/QH15" in bare.message
    assert [e.line for e in bare.evidence] == [18, 47]


def test_national_document_with_a_wrong_date(tmp_path) -> None:
    text = HEADER + ("Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/{year} của Thủ tướng Chính phủ phê duyệt Chương trình "
                     "mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025;\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ nghèo.\n")
    assert findings(tmp_path, text.format(year="2022"), "national_doc_mismatch") == []
    [f] = findings(tmp_path, text.format(year="2021"), "national_doc_mismatch")
    assert f.data["reference_date"] == "2022-01-18" and "18/01/2021" in f.evidence[0].text


def test_symbol_year_against_its_date(tmp_path) -> None:
    text = HEADER + ("Căn cứ Quyết định số 08/2022/QĐ-UBND ngày 14/3/{year} của UBND tỉnh Quảng Trị ban hành quy định "
                     "quản lý các chương trình mục tiêu quốc gia;\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ nghèo.\n")
    assert findings(tmp_path, text.format(year="2022"), "number_year_mismatch") == []
    [f] = findings(tmp_path, text.format(year="2021"), "number_year_mismatch")
    assert f.data["symbol_year"] == 2022 and f.data["date_year"] == 2021


def test_document_cited_after_the_plan(tmp_path) -> None:
    text = HEADER + ("Căn cứ Kế hoạch số 45/KH-UBND ngày 15/02/2023 của UBND tỉnh Quảng Trị; Quyết định số 356/QĐ-UBND "
                     "ngày {date} của UBND tỉnh Quảng Trị về việc giao kế hoạch vốn năm 2023.\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ.\n")
    assert findings(tmp_path, text.format(date="05/3/2023"), "citation_after_issue") == []
    [f] = findings(tmp_path, text.format(date="05/4/2023"), "citation_after_issue")
    assert f.data["number"] == "356/QĐ-UBND" and f.data["issued"] == "10/03/2023"


def test_same_number_in_two_years_is_two_documents(tmp_path) -> None:
    text = HEADER + ("Căn cứ Kế hoạch số 45/KH-UBND ngày 15/02/2023 của UBND tỉnh Quảng Trị;\n\nI. MỤC TIÊU\n\n"
                     "1. Tiếp tục thực hiện Kế hoạch số 45/KH-UBND ngày {date} của UBND tỉnh Quảng Trị.\n")
    assert findings(tmp_path, text.format(date="20/01/2022"), "citation_date_conflict") == []
    [f] = findings(tmp_path, text.format(date="25/02/2023"), "citation_date_conflict")
    assert f.data["dates"] == ["2023-02-15", "2023-02-25"]


def test_after_takes_blank_parts_at_their_latest() -> None:
    may_2022 = PartialDate(year=2022, month=5)
    assert after(PartialDate(year=2022, month=6, day=1), may_2022)
    assert not after(PartialDate(year=2022, month=5, day=31), may_2022)
    assert not after(PartialDate(year=2022, month=12, day=1), PartialDate(year=2022))


def test_a_date_inside_the_title_is_not_the_documents_date(tmp_path) -> None:
    text = HEADER + ("Căn cứ Quyết định số 12/2022/QĐ-UBND của UBND tỉnh Quảng Trị sửa đổi quy định ban hành ngày "
                     "10/3/2021 về quản lý các chương trình mục tiêu quốc gia;\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ nghèo.\n")
    assert findings(tmp_path, text, "number_year_mismatch", "citation_date_conflict") == []


def test_seed_003_documents_cited_without_date_or_issuer() -> None:
    found = {f.data["number"]: f for f in seed_findings("003", "citation_incomplete")}
    assert set(found) == {"157/2007/QĐ-TTg", "190/2014/TT-BTC", "14/2020/NQ-HĐND"}
    assert found["14/2020/NQ-HĐND"].data["no_date"] and found["14/2020/NQ-HĐND"].data["no_issuer"]
    assert found["190/2014/TT-BTC"].data["no_date"] and not found["190/2014/TT-BTC"].data["no_issuer"]
    assert not found["157/2007/QĐ-TTg"].data["no_issuer"]  # "QĐ-TTg" names the Prime Minister
    assert found["157/2007/QĐ-TTg"].evidence[0].text.startswith("Quyết định số 157/2007/QĐ-TTg")
    assert all(f.severity == "info" for f in found.values())


def test_complete_citations(tmp_path) -> None:
    text = HEADER + (
        "Căn cứ Quyết định số 728/QĐ-UBND ngày 12/10/2017 của UBND tỉnh Quảng Trị ban hành Chương trình hành động;\n\n"
        "Xét đề nghị của Trưởng phòng Lao động - Thương binh và Xã hội huyện tại Tờ trình số 85/TTr-LĐTBXH ngày "
        "10/3/2023.\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ nghèo theo Quyết định số 728/QĐ-UBND; thực hiện Luật Trợ giúp "
        "pháp lý.\n")
    assert findings(tmp_path, text, "citation_incomplete") == []  # a short second mention is the same document


def test_incomplete_citations(tmp_path) -> None:
    text = HEADER + (
        "Căn cứ Nghị quyết số 14/2020/NQ-HĐND quy định chính sách hỗ trợ hộ không có khả năng thoát nghèo; "
        "Thông tư số 190/2014/TT-BTC của Bộ Tài chính;\n\nI. MỤC TIÊU\n\n1. Giảm 850 hộ nghèo.\n")
    found = {f.data["number"]: f for f in findings(tmp_path, text, "citation_incomplete")}
    assert found["14/2020/NQ-HĐND"].data["missing"] == "ngày ban hành và cơ quan ban hành"
    assert found["190/2014/TT-BTC"].data["missing"] == "ngày ban hành"
    # the date and issuer written at a later mention complete the citation
    later = text.replace("1. Giảm 850 hộ nghèo.", "1. Thực hiện Nghị quyết số 14/2020/NQ-HĐND ngày 14/12/2020 của "
                                                  "HĐND tỉnh Quảng Trị.")
    assert [f.data["number"] for f in findings(tmp_path, later, "citation_incomplete")] == ["190/2014/TT-BTC"]
