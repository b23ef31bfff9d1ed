"""Legal bases and references: the citation grammar on real sentences, then whole seeds against their gold.

Rows are sentences from the seeds and the synthetic plans with the citations a reader takes from them
(eyecite style): type, full symbol, ISO date, issuer as written, start of the subject.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.extract.citations import read_citations, type_from_symbol
from kehoach.pipeline.nlp import build_nlp
from kehoach.schemas.plan import Plan

from conftest import ROOT, seed

GOLD = ROOT / "corpus" / "gold"


def cite(text: str):
    return [c for c in read_citations(build_nlp().make_doc(text)) if c.kind in ("full", "law")]


def row(c) -> tuple:
    issuer = " và ".join(p.text() for p in c.issuers) or None
    return c.type, c.number, c.date.iso if c.date else None, issuer


SENTENCES = [
    (  # seed 000, preamble
        "Căn cứ Công văn số 424/UBND-VX ngày 10/03/2023 của UBND huyện Hớn Quản về việc thực hiện Chương trình "
        "mục tiêu quốc gia Giảm nghèo bền vững giai đoạn 2021 - 2025 trên địa bàn.",
        [("cong_van", "424/UBND-VX", "2023-03-10", "UBND huyện Hớn Quản", "về việc thực hiện Chương trình")],
    ),
    (  # seed 003, preamble: "," before the date, a subject opened by "Quy định", two citations chained by ";"
        "Căn cứ Nghị định số 07/2021/NĐ-CP, ngày 27/1/2021 của Chính phủ Quy định chuẩn nghèo đa chiều giai "
        "đoạn 2021 -2025; Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ Phê duyệt Chương "
        "trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025;",
        [("nghi_dinh", "07/2021/NĐ-CP", "2021-01-27", "Chính phủ", "Quy định chuẩn nghèo đa chiều"),
         ("quyet_dinh", "90/QĐ-TTg", "2022-01-18", "Thủ tướng Chính phủ", "Phê duyệt Chương trình")],
    ),
    (  # seed 003, II.6: a subject citing another document with its own date
        "Nghị định số 74/2019/NĐ-CP ngày 23/9/2019 của Chính phủ Sửa đổi, bổ sung một số điều của Nghị định số "
        "61/2015/NĐ-CP ngày 09/7/2015; Nghị quyết số 19/2021/NQ-HĐND ngày 21/12/2021 của HĐND tỉnh Vĩnh Phúc "
        "về chính sách hỗ trợ hoạt động giáo dục nghề nghiệp",
        [("nghi_dinh", "74/2019/NĐ-CP", "2019-09-23", "Chính phủ", "Sửa đổi, bổ sung một số điều của Nghị định số "
                                                                    "61/2015/NĐ-CP ngày 09/7/2015"),
         ("nghi_dinh", "61/2015/NĐ-CP", "2015-07-09", None, None),
         ("nghi_quyet", "19/2021/NQ-HĐND", "2021-12-21", "HĐND tỉnh Vĩnh Phúc", "về chính sách hỗ trợ")],
    ),
    (  # seed 003: citations chained by "," and a subject that ends at the next one
        "Quyết định số 28/2015/QĐ-TTg ngày 21/7/2015 của Thủ tướng Chính phủ về tín dụng đối với hộ mới thoát "
        "nghèo, Quyết định số 02/2021/QĐ-TTg ngày 21/01/2021 của Thủ tướng Chính phủ về sửa đổi",
        [("quyet_dinh", "28/2015/QĐ-TTg", "2015-07-21", "Thủ tướng Chính phủ", "về tín dụng đối với hộ mới thoát nghèo"),
         ("quyet_dinh", "02/2021/QĐ-TTg", "2021-01-21", "Thủ tướng Chính phủ", "về sửa đổi")],
    ),
    (  # seed 003: a law by its name; a number without a date; a paragraph break inside a citation
        "Luật Trợ giúp pháp lý và các quy định hiện hành; Thông tư số 190/2014/TT-BTC của Bộ Tài chính về việc "
        "Quy định thực hiện chính sách hỗ trợ tiền điện; thực hiện theo Nghị định\n\nsố 78/2002/NĐ-CP ngày "
        "04/10/2002 của Chính phủ về tín dụng người nghèo",
        [("luat", None, None, None, "Luật Trợ giúp pháp lý"),
         ("thong_tu", "190/2014/TT-BTC", None, "Bộ Tài chính", "về việc Quy định thực hiện"),
         ("nghi_dinh", "78/2002/NĐ-CP", "2002-10-04", "Chính phủ", "về tín dụng người nghèo")],
    ),
    (  # seed 004, preamble as flattened: type words and dates wrapped over lines, Party symbols
        "Thực hiện Nghị quyết số\n24/2021/NQ ngày 28 tháng 7 năm 2021 của Quốc hội phê duyệt chủ trương đầu tư\n"
        "Chương trình mục tiêu quốc gia (MTQG) giảm nghèo bền vững giai đoạn 2021-2025;\nNghị quyết số 05-NQ/TU "
        "ngày 12 tháng 4 năm 2017 của Ban Chấp hành Đảng bộ tỉnh\nGia Lai về giảm nhanh; Kế hoạch số 47-KH/TU, "
        "ngày 21\ntháng 10 năm 2021 của Tỉnh ủy thực hiện Chỉ thị số 05-CT/TW ngày 23/6/2021 của\nBan Bí thư về "
        "tăng cường sự lãnh đạo của Đảng",
        [("nghi_quyet", "24/2021/NQ", "2021-07-28", "Quốc hội", "phê duyệt chủ trương đầu tư Chương trình"),
         ("nghi_quyet", "05-NQ/TU", "2017-04-12", "Ban Chấp hành Đảng bộ tỉnh Gia Lai", "về giảm nhanh"),
         ("ke_hoach", "47-KH/TU", "2021-10-21", "Tỉnh ủy", "thực hiện Chỉ thị số 05-CT/TW ngày 23/6/2021"),
         ("chi_thi", "05-CT/TW", "2021-06-23", "Ban Bí thư", "về tăng cường sự lãnh đạo")],
    ),
    (  # seed 004, V.3: a joint programme, "giữa … và …"
        "Chương trình phối hợp số\n3067/CTrPH-UBND-BTTUBMTTQ ngày 09/8/2017 giữa UBND tỉnh và Ban Thường trực Ủy\n"
        "ban MTTQVN tỉnh về thực hiện giảm nghèo bền vững",
        [("chuong_trinh", "3067/CTrPH-UBND-BTTUBMTTQ", "2017-08-09", "UBND tỉnh và Ban Thường trực Ủy ban MTTQVN tỉnh",
          "về thực hiện giảm nghèo bền vững")],
    ),
    (  # synthetic syn05: a law and the amending law that names it
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
        "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
        [("luat", None, "2015-06-19", None, "Luật Tổ chức chính quyền địa phương"),
         ("luat", None, "2019-11-22", None, "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật "
                                             "Tổ chức chính quyền địa phương")],
    ),
    (  # dates written with dashes; a minister as issuer; the session of a council
        "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27-01-2021 của Chính phủ; Thông tư số 15/2022/TT-BTC ngày 04 "
        "tháng 3 năm 2022 của Bộ trưởng Bộ Tài chính quy định quản lý; Nghị quyết số 25/2022/NQ-HĐND ngày "
        "9/12/2022 của HĐND tỉnh Gia Lai khóa XII, kỳ họp thứ 8 về ban hành quy định",
        [("nghi_dinh", "07/2021/NĐ-CP", "2021-01-27", "Chính phủ", None),
         ("thong_tu", "15/2022/TT-BTC", "2022-03-04", "Bộ trưởng Bộ Tài chính", "quy định quản lý"),
         ("nghi_quyet", "25/2022/NQ-HĐND", "2022-12-09", "HĐND tỉnh Gia Lai", "về ban hành quy định")],
    ),
    (  # two symbols after one type word share the date and issuer written after the last
        "Triển khai các Nghị quyết số 35/2022/NQ-HĐND, 39/2022/NQ-HĐND ngày 09/12/2022 của HĐND tỉnh về cơ chế",
        [("nghi_quyet", "35/2022/NQ-HĐND", "2022-12-09", "HĐND tỉnh", "về cơ chế"),
         ("nghi_quyet", "39/2022/NQ-HĐND", "2022-12-09", "HĐND tỉnh", "về cơ chế")],
    ),
]


@pytest.mark.parametrize("text, expected", SENTENCES)
def test_citation_grammar(text: str, expected: list[tuple]) -> None:
    found = cite(text)
    assert [row(c) for c in found] == [e[:4] for e in expected]
    for c, e in zip(found, expected):
        if e[4] is None:
            assert c.title is None or c.kind == "law"
        else:
            assert c.title.startswith(e[4]), c.title
        # the span starts at the type word (or the symbol) and covers the symbol and the date
        span = text[c.start:c.end]
        if c.number:
            assert c.number in span.replace("\n", " ") or c.number in span


def test_short_forms_and_the_plan_itself() -> None:
    text = ("Thực hiện Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ; triển khai Quyết định số 90 "
            "và Kế hoạch số 12/KH-UBND ngày 02/3/2023 của UBND huyện. Các xã căn cứ Kế hoạch nêu trên và Kế hoạch "
            "này để thực hiện trên địa bàn; Kế hoạch trên địa bàn xã.")
    kinds = [(c.kind, c.type, c.number or c.short_number) for c in read_citations(build_nlp().make_doc(text))]
    assert kinds == [("full", "quyet_dinh", "90/QĐ-TTg"), ("short_number", "quyet_dinh", "90"),
                     ("full", "ke_hoach", "12/KH-UBND"), ("short_back", "ke_hoach", None),
                     ("self", "ke_hoach", None)]


def test_type_from_symbol() -> None:
    assert [type_from_symbol(s) for s in ("90/QĐ-TTg", "47-KH/TU", "424/UBND-VX", "24/2021/QH15",
                                          "3067/CTrPH-UBND-BTTUBMTTQ", "05-CT/TW", "85/TTr-LĐTBXH")] == [
        "quyet_dinh", "ke_hoach", "cong_van", "luat", "chuong_trinh", "chi_thi", "to_trinh"]


# --- whole plans -----------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def plan_of(path: Path) -> Plan:
    return kehoach.extract(path, with_findings=False)


def gold_of(prefix: str) -> dict:
    return json.loads(next(GOLD.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_refs_equal_gold(prefix: str) -> None:
    plan, gold = plan_of(seed(prefix)), gold_of(prefix)
    for key in ("legal_bases", "references"):
        got = [(r.type, r.number, r.date) for r in getattr(plan, key)]
        want = [(r["type"], r["number"], r["date"]) for r in gold[key]]
        assert sorted(got, key=str) == sorted(want, key=str), key


def test_seed_000_legal_basis_and_reference() -> None:
    plan = plan_of(seed("000"))
    (basis,) = plan.legal_bases
    assert (basis.number, basis.date, basis.issuer) == ("424/UBND-VX", "2023-03-10", "UBND huyện Hớn Quản")
    (ref,) = plan.references
    assert (ref.number, ref.issuer) == ("90/QĐ-TTg", "Thủ tướng Chính phủ")
    assert len(ref.mentions) == 2  # I.1 and I.2 cite it again


def test_seed_003_two_dates_for_one_decree() -> None:
    plan = plan_of(seed("003"))
    ref = next(r for r in plan.references if r.number == "61/2015/NĐ-CP")
    assert ref.date == "2018-07-09"
    assert ref.dates_seen == ["2018-07-09", "2015-07-09"]
    assert [m.text.split(" ngày")[0] for m in ref.mentions] == ["Nghị định số 61/2015/NĐ-CP"] * 2
    basis = next(r for r in plan.legal_bases if r.number == "113/KH-UBND")
    assert basis.issuer == "UBND thành phố Vĩnh Yên"  # "của Ủy ban nhân dân thành phố", completed
    assert len(basis.mentions) == 2  # preamble and III.1: one entry, a legal basis
    laws = [r.title for r in plan.references if r.type == "luat"]
    assert laws == ["Luật Trợ giúp pháp lý", "Luật bảo hiểm y tế"]


def test_seed_004_party_documents_and_short_mentions() -> None:
    plan = plan_of(seed("004"))
    resolution = next(r for r in plan.legal_bases if r.number == "05-NQ/TU")
    assert resolution.issuer == "Ban Chấp hành Đảng bộ tỉnh Gia Lai"
    # preamble, inside 728/QĐ-UBND's subject, I.1 ("Nghị\nquyết số"), V.1, V.2 ("Nghị quyết Nghị quyết số")
    assert len(resolution.mentions) == 5
    assert next(r for r in plan.legal_bases if r.number == "47-KH/TU").issuer == "Tỉnh ủy Gia Lai"
    programme = next(r for r in plan.references if r.type == "chuong_trinh")
    assert programme.dates_seen == ["2017-08-09", "2017-07-09"]
    # the appendix caption "Kèm theo Kế hoạch số: 3456/KH-UBND" is the plan itself
    assert all(r.number != "3456/KH-UBND" for r in plan.all_refs())


def test_seed_002_blank_self_caption_is_not_a_reference() -> None:
    plan = plan_of(seed("002"))
    assert [r.number for r in plan.all_refs()] == ["67/KH-UBND"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_spans_slice_to_their_evidence(prefix: str) -> None:
    document = kehoach.read(seed(prefix))
    plan = plan_of(seed(prefix))
    for ref in plan.all_refs():
        for span in [ref.span, *ref.mentions]:
            assert document.text[span.start:span.end] == span.text
            assert document.line_of(span.start) == span.line
        if ref.number:
            assert ref.number in " ".join(ref.span.text.split()).replace("- ", "-")
        else:
            assert " ".join(ref.span.text.split()) == ref.title


def test_decision_preamble_gives_legal_bases(tmp_path: Path) -> None:
    plan = plan_of(ROOT / "corpus" / "synthetic" / "plans" / "syn05_qd_huyen_ky_son_giam_ngheo_2022_2025.txt")
    assert [r.number or r.title for r in plan.legal_bases] == [
        "Luật Tổ chức chính quyền địa phương",
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
        "24/2021/QH15", "90/QĐ-TTg", "27/2022/NĐ-CP", "298/KH-UBND", "85/TTr-LĐTBXH"]
    assert plan.legal_bases[0].issuer == "Quốc hội"
    # "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND …)" is the decision that issues the plan
    assert plan.references == []


def test_short_number_resolves_to_the_full_citation(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(
        "Số: 12/KH-UBND\nKon Tum, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\nThực hiện giảm nghèo năm 2024\n\n"
        "Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ;\n\n"
        "I. MỤC TIÊU\n\nThực hiện đúng Quyết định số 90 và Kế hoạch số 5/KH-UBND ngày 02/02/2024 của UBND tỉnh; "
        "các xã bám sát Kế hoạch nêu trên và Kế hoạch này.\n", encoding="utf-8")
    plan = kehoach.extract(path, with_findings=False)
    (basis,) = plan.legal_bases
    assert basis.number == "90/QĐ-TTg" and [m.text for m in basis.mentions][1] == "Quyết định số 90"
    (ref,) = plan.references
    assert ref.number == "5/KH-UBND" and [m.text for m in ref.mentions][1] == "Kế hoạch nêu trên"


PLAN_WITH_BASIS_SECTION = """UBND HUYỆN NAM TRÀ MY | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
UBND XÃ TRÀ TẬP | Độc lập - Tự do - Hạnh phúc
Số: 21 /KH-UBND | Trà Tập, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện Nghị quyết số 88/2019/QH14 của Quốc hội trên địa bàn xã năm 2024

I. CĂN CỨ XÂY DỰNG KẾ HOẠCH
- Nghị quyết số 88/2019/QH14 ngày 18/11/2019 của Quốc hội phê duyệt Đề án tổng thể phát triển kinh tế - xã hội \
vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021 - 2030;
- Quyết định số 1719/QĐ-TTg ngày 14 tháng 10 năm 2021 của Thủ tướng Chính phủ;
- Văn bản số 512/UBND-DT ngày 20-02-2024 của UBND huyện Nam Trà My về việc triển khai.

II. MỤC TIÊU
1. Giảm tỷ lệ hộ nghèo 4% theo Quyết định số 1719 nêu trên.
2. Thực hiện theo Nghị quyết số 10/2023/NQ-HĐND ngày 12/7/2023 của HĐND tỉnh Quảng Nam về chính sách hỗ trợ; \
Nghị quyết nêu trên được triển khai đến các thôn.

III. TỔ CHỨC THỰC HIỆN
Các thôn triển khai Kế hoạch này; báo cáo theo Mẫu số 02/BC-UBND.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Hồ Văn Lên
"""


def test_legal_bases_in_a_numbered_basis_section(tmp_path: Path) -> None:
    """No preamble: the bases sit in "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH"; the title cites what the plan implements."""
    path = tmp_path / "tra_tap.txt"
    path.write_text(PLAN_WITH_BASIS_SECTION, encoding="utf-8")
    plan = kehoach.extract(path, with_findings=False)
    assert plan.title == "Thực hiện Nghị quyết số 88/2019/QH14 của Quốc hội trên địa bàn xã năm 2024"
    assert [(r.number, r.date) for r in plan.legal_bases] == [
        ("88/2019/QH14", "2019-11-18"), ("1719/QĐ-TTg", "2021-10-14"), ("512/UBND-DT", "2024-02-20")]
    assert len(plan.legal_bases[0].mentions) == 2  # the title and the basis section
    assert plan.legal_bases[1].mentions[1].text == "Quyết định số 1719"
    (ref,) = plan.references  # "Mẫu số 02/BC-UBND" is a form, not a document
    assert (ref.number, ref.issuer) == ("10/2023/NQ-HĐND", "HĐND tỉnh Quảng Nam")
    assert ref.mentions[1].text == "Nghị quyết nêu trên"
    assert (plan.issuer.name, plan.issuer.parent, plan.issuer.province) == ("UBND xã Trà Tập", "huyện Nam Trà My",
                                                                            "Quảng Nam")
