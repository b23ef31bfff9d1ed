"""Reference data: real lookups a plan's issuer, citations, projects and task lists need."""

from __future__ import annotations

import pytest

from kehoach.pipeline.reference import (
    admin_units,
    ascii_key,
    bodies,
    doc_types,
    fold_tone_placement,
    level_of,
    name_key,
    national_documents,
    programme,
    programmes,
    symbol_key,
)
from kehoach.schemas.plan import DocType

# --- keys -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, folded",
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thuỷ Xuân Tiên", "Thủy Xuân Tiên"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("THUỶ", "THỦY"),
        ("Hoàng", "Hoàng"),  # tone before a final consonant stays where it is
        ("Quý", "Quý"),  # after q the u belongs to the consonant
        ("Hòa", "Hòa"),
    ],
)
def test_fold_tone_placement(written, folded):
    assert fold_tone_placement(written) == folded


def test_keys():
    assert name_key("Bà Rịa – Vũng Tàu") == name_key("bà rịa-vũng tàu")
    assert ascii_key("Đắk Lắk") == "dak lak"
    assert symbol_key("90 / QĐ – TTg") == symbol_key("90/QD-TTG")


# --- administrative units -------------------------------------------------------------------------------


def test_gazetteer_size():
    au = admin_units()
    assert len(au.provinces("legacy")) == 63
    assert len(au.provinces("2025")) == 34
    assert sum(1 for u in au.units if u.era == "legacy" and u.level == "huyen") == 696
    assert sum(1 for u in au.units if u.era == "legacy" and u.level == "xa") == 10035


def test_tan_loi_xa_candidates_include_hon_quan():
    found = admin_units().find("xã", "Tân Lợi")
    chains = {(u.district.full_name if u.district else None, u.province.full_name) for u in found}
    assert ("Huyện Hớn Quản", "Tỉnh Bình Phước") in chains
    assert ("Huyện Đồng Phú", "Tỉnh Bình Phước") in chains  # a namesake in the same province
    assert all(u.level == "xa" and u.type == "Xã" for u in found)


def test_issuer_with_parent_resolves_to_one_unit():
    found = admin_units().find("xã", "Tân Lợi", within="huyện Hớn Quản")
    assert [str(u) for u in found] == ["Xã Tân Lợi, Huyện Hớn Quản, Tỉnh Bình Phước"]
    assert found[0].code == "25342"


def test_quang_minh_phuong_under_viet_yen():
    found = admin_units().find("phường", "Quảng Minh", within="Việt Yên")
    assert len(found) == 1
    unit = found[0]
    assert (unit.district.type, unit.district.name) == ("Thị xã", "Việt Yên")
    assert unit.province.name == "Bắc Giang"
    assert unit.level == "xa"


def test_vinh_yen_thanh_pho_is_district_level():
    found = admin_units().find("thành phố", "Vĩnh Yên")
    assert len(found) == 1
    assert found[0].level == "huyen"
    assert found[0].parent.full_name == "Tỉnh Vĩnh Phúc"


def test_gia_lai_tinh_and_its_districts():
    au = admin_units()
    gia_lai = au.find("tỉnh", "Gia Lai", era="legacy")
    assert len(gia_lai) == 1 and gia_lai[0].level == "tinh"
    districts = au.units_under(gia_lai[0])
    assert len(districts) >= 17
    assert "Kông Chro" in {d.name for d in districts}
    assert {d.type for d in districts} <= {"Thành phố", "Thị xã", "Huyện"}
    with pytest.raises(LookupError):
        au.units_under("Gia Lai")  # names the legacy and the 2025 province


@pytest.mark.parametrize(
    "variant, canonical",
    [("Thuỷ Xuân Tiên", "Thủy Xuân Tiên"), ("Hoà Thạch", "Hòa Thạch")],
)
def test_tone_placement_variants_find_the_same_unit(variant, canonical):
    au = admin_units()
    assert au.find("xã", variant) == au.find("xã", canonical) != []


@pytest.mark.parametrize(
    "text, type_, name, level",
    [
        ("UBND huyện Hớn Quản", None, None, None),  # not a unit phrase: no leading type word
        ("huyện Hớn Quản", "huyện", "Hớn Quản", "huyen"),
        ("TP. Vĩnh Yên", "TP.", "Vĩnh Yên", "huyen"),
        ("thị xã Việt Yên", "thị xã", "Việt Yên", "huyen"),
        ("Phường 1", "Phường", "1", "xa"),
    ],
)
def test_unit_phrases(text, type_, name, level):
    au = admin_units()
    got_type, got_name = au.split_type(text)
    assert got_type == type_
    if type_ is None:
        return
    assert got_name == name
    found = au.find(None, text)
    assert found and {u.level for u in found} == {level}


@pytest.mark.parametrize(
    "word, level",
    [
        ("xã", "xa"), ("phường", "xa"), ("thị trấn", "xa"),
        ("huyện", "huyen"), ("quận", "huyen"), ("thị xã", "huyen"), ("thành phố thuộc tỉnh", "huyen"),
        ("tỉnh", "tinh"), ("thành phố trực thuộc trung ương", "tinh"),
        ("thành phố", None),  # either level: the gazetteer decides
    ],
)
def test_level_of_unit_type(word, level):
    assert level_of(word) == level


def test_unaccented_lookup_is_opt_in():
    au = admin_units()
    assert au.find("xa", "Tan Loi") == []
    assert "Hớn Quản" in {u.district.name for u in au.find("xa", "Tan Loi", loose=True) if u.district}


def test_legacy_commune_successor_2025():
    au = admin_units()
    tan_loi = au.find("xã", "Tân Lợi", within="Hớn Quản")[0]
    after = au.successors(tan_loi)
    assert after and after[0].era == "2025" and after[0].province.name == "Đồng Nai"


# --- programmes -----------------------------------------------------------------------------------------


def test_programme_keys():
    assert set(programmes()) == {"giam_ngheo_2021_2025", "dtts_mien_nui_2021_2030", "nong_thon_moi_2021_2025"}
    with pytest.raises(KeyError, match="giam_ngheo_2021_2025"):
        programme("giam_ngheo")


def test_giam_ngheo_catalogue_structure():
    gn = programme("giam_ngheo_2021_2025")
    assert (gn.source.number, gn.source.date, gn.source.type) == ("90/QĐ-TTg", "2022-01-18", DocType.quyet_dinh)
    assert [p.number for p in gn.projects] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.number for s in gn.project(3).subprojects] == [1, 2]
    assert gn.project(3).subproject(2).name == "Cải thiện dinh dưỡng"
    assert gn.project(5).subprojects == ()
    assert gn.project(8) is None and not gn.has(8)
    assert gn.has(4, 3) and not gn.has(4, 4) and not gn.has(5, 1)
    assert sum(len(p.subprojects) or 1 for p in gn.projects) == 13  # "7 Dự án với 13 tiểu dự án"
    assert gn.project(6).name == "Truyền thông và giảm nghèo về thông tin"


@pytest.mark.parametrize(
    "sentence, key",
    [
        ("Thực hiện Chương trình MTQG giảm nghèo bền vững năm 2025", "giam_ngheo_2021_2025"),
        ("Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025", "nong_thon_moi_2021_2025"),
        ("Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và miền núi", "dtts_mien_nui_2021_2030"),
    ],
)
def test_programme_aliases(sentence, key):
    assert [k for k, p in programmes().items() if p.mentioned_in(sentence)] == [key]


def test_other_catalogues():
    dtts = programme("dtts_mien_nui_2021_2030")
    assert len(dtts.projects) == 10 and dtts.source.number == "1719/QĐ-TTg"
    assert dtts.investment_policy.number == "120/2020/QH14"
    ntm = programme("nong_thon_moi_2021_2025")
    assert ntm.projects == () and len(ntm.components) == 11 and not ntm.components_verified


# --- national documents, types, bodies ------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, number, date, issuer",
    [
        ("90/QĐ-TTg", "90/QĐ-TTg", "2022-01-18", "Thủ tướng Chính phủ"),
        ("07/2021/NĐ-CP", "07/2021/NĐ-CP", "2021-01-27", "Chính phủ"),
        ("24/2021/NQ-QH15", "24/2021/QH15", "2021-07-28", "Quốc hội"),
        ("61/2015/ND-CP", "61/2015/NĐ-CP", "2015-07-09", "Chính phủ"),
        ("05-CT/TW", "05-CT/TW", "2021-06-23", "Ban Bí thư"),
        ("1719/QĐ-TTg", "1719/QĐ-TTg", "2021-10-14", "Thủ tướng Chính phủ"),
    ],
)
def test_national_documents(written, number, date, issuer):
    doc = national_documents().get(written)
    assert (doc.number, doc.date, doc.issuer) == (number, date, issuer)


def test_every_national_document_says_how_it_was_checked():
    docs = list(national_documents())
    assert len(docs) >= 20
    assert all(d.verified_by for d in docs)
    assert len({d.number for d in docs}) == len(docs)
    assert national_documents().get("999/QĐ-TTg") is None


@pytest.mark.parametrize(
    "text, code, variant",
    [
        ("Quyết định số 90/QĐ-TTg", DocType.quyet_dinh, None),
        ("Thông tư liên tịch số 09/2016/TTLT-BLĐTBXH-BTC", DocType.thong_tu, "thong_tu_lien_tich"),
        ("Công văn số 424/UBND-VX", DocType.cong_van, None),
        ("Chương trình phối hợp số 3067/CTrPH-UBND-BTTUBMTTQ", DocType.chuong_trinh, "chuong_trinh_phoi_hop"),
        ("Kế hoạch số 47-KH/TU", DocType.ke_hoach, None),
    ],
)
def test_doc_type_words(text, code, variant):
    entry = doc_types().by_word(text)
    assert (entry.code, entry.variant) == (code, variant)


@pytest.mark.parametrize(
    "abbreviation, party, code",
    [("QĐ", False, DocType.quyet_dinh), ("NĐ", False, DocType.nghi_dinh), ("TTr", False, DocType.to_trinh),
     ("CTrPH", False, DocType.chuong_trinh), ("ĐA", False, DocType.de_an), ("TT", False, DocType.thong_tu),
     ("TT", True, DocType.khac)],
)
def test_symbol_abbreviations(abbreviation, party, code):
    assert doc_types().by_abbreviation(abbreviation, party=party).code == code


@pytest.mark.parametrize(
    "code, name, level",
    [("TTg", "Thủ tướng Chính phủ", "trung_uong"), ("QH15", "Quốc hội", "trung_uong"),
     ("BTC", "Bộ Tài chính", "trung_uong"), ("TU", "Tỉnh ủy / Thành ủy", "tinh"), ("HU", "Huyện ủy", "huyen"),
     ("ĐU", "Đảng ủy", "xa"), ("UBND", "Ủy ban nhân dân", None)],
)
def test_issuer_codes(code, name, level):
    issuer = doc_types().issuer(code)
    assert (issuer.name, issuer.level) == (name, level)


@pytest.mark.parametrize(
    "phrase, key, level",
    [
        ("Phòng Lao động - Thương binh và Xã hội huyện", "phong_ldtbxh", "huyen"),
        ("Phòng LĐ-TB&XH", "phong_ldtbxh", "huyen"),
        ("Sở Lao động – Thương binh và Xã hội", "so_ldtbxh", "tinh"),
        ("UBND các xã, thị trấn", "ubnd", None),
        ("Uỷ ban MTTQ Việt Nam xã", "mttq", None),
        ("Hội LHPN xã", "hoi_phu_nu", None),
        ("Đoàn Thanh niên", "doan_thanh_nien", None),
        ("Hội Cựu chiến binh", "hoi_cuu_chien_binh", None),
        ("Ngân hàng Chính sách xã hội huyện", "nhcsxh", None),
        ("Trạm Y tế xã", "tram_y_te", "xa"),
        ("Đài truyền thanh xã", "dai_truyen_thanh", None),
        ("Công chức Văn hóa - Xã hội", "cong_chuc_vhxh", "xa"),
        ("công chức Địa chính - Xây dựng", "cong_chuc_dia_chinh", "xa"),
        ("Công chức Tài chính - Kế toán", "cong_chuc_tai_chinh_ke_toan", "xa"),
        ("Văn phòng HĐND- UBND thành phố", "van_phong_hdnd_ubnd", "huyen"),
        ("Trưởng ấp", "truong_thon", "xa"),
    ],
)
def test_bodies(phrase, key, level):
    body = bodies().match(phrase)
    assert body is not None and body.key == key
    if level:
        assert body.levels == (level,)


def test_unknown_body():
    assert bodies().match("Công ty TNHH Một thành viên") is None


def test_units_under_by_names():
    from kehoach.pipeline.reference import units_under

    districts = units_under("Gia Lai")
    assert len(districts) == 17 and "Huyện Kông Chro" in districts
    communes = units_under("tỉnh Gia Lai", "huyện Kbang")  # case of "KBang" differs in the gazetteer
    assert "Xã Sơn Lang" in communes and "Thị trấn KBang" in communes
    assert units_under("Bình Phước", "Hớn Quản")[:1] and "Xã Tân Lợi" in units_under("Bình Phước", "Hớn Quản")
    assert units_under("Không Có") == [] and units_under("Gia Lai", "Không Có") == []


def test_programme_projects_pairs():
    from kehoach.pipeline.reference import programme_projects

    pairs = programme_projects("giam_ngheo_2021_2025")
    assert {(3, None), (3, 1), (3, 2), (5, None), (4, 3)} <= pairs
    assert (5, 1) not in pairs and (8, None) not in pairs
    assert programme_projects("nong_thon_moi_2021_2025") is None and programme_projects("khong_co") is None
