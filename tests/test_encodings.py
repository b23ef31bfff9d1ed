"""Text encodings: a real plan written in every encoding Vietnamese offices have used reads back the same.

The encoders below are built from the same JSON tables the decoders use (corpus/reference/encodings), so a
round trip checks that the tables are one-to-one and that the decoders compose what the encoders split.
"""

from __future__ import annotations

import codecs
import json
import random
import unicodedata
from importlib.resources import files
from pathlib import Path

import pytest

from kehoach.parsers import EmptyDocument, UnsupportedFormat, parse
from kehoach.parsers.encodings import decode, vietnamese_score
from kehoach.parsers.legacy_fonts import decode_legacy
from kehoach.parsers.legacy_tables import decode_tcvn3, decode_vni

SEED = sorted((Path(__file__).parent.parent / "corpus" / "seeds").glob("000_*.txt"))[0]
SOURCE = "\n".join(SEED.read_text(encoding="utf-8").split("\n")[:40])

LOWER = "ăâđêôơư" "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
UPPER = LOWER.upper()
TONES = "\u0300\u0301\u0303\u0309\u0323"


def _table(name: str) -> dict:
    return json.loads((files("kehoach.reference") / "encodings" / f"{name}.json").read_text(encoding="utf-8"))


def encode_tcvn3(text: str, vn2_capitals: bool = False) -> bytes:
    """As a .VnTime writer would: toned capitals become the lower-case byte (the .VnTimeH convention),
    or the VN2 byte where VN2 has one and ``vn2_capitals`` is set."""
    t = _table("tcvn3")
    inverse = {ch: bytes.fromhex(h) for h, ch in t["letters"].items()}
    if vn2_capitals:
        inverse |= {ch: bytes.fromhex(h) for h, ch in t["vn2_capitals"].items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in inverse:
            out += inverse[ch]
        elif ch.isupper() and ch.lower() in inverse:
            out += inverse[ch.lower()]
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    t = _table("vni")
    inverse = {ch: bytes.fromhex(h) for h, ch in (t["singles"] | t["pairs"]).items()}
    return b"".join(inverse.get(ch) or ch.encode("cp1252") for ch in unicodedata.normalize("NFC", text))


def encode_cp1258(text: str) -> bytes:
    """cp1258 has a few precomposed letters; the rest are base letter + combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in nfd if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


# --- tables ---------------------------------------------------------------------------------------------


def test_tcvn3_table_is_vn3():
    t = _table("tcvn3")
    letters = set(t["letters"].values()) - {"\u00a0"}
    assert letters == set(LOWER) | set("ĂÂÊÔƠƯĐ")  # 67 lower-case + 7 capitals
    assert len(t["letters"]) == 75
    assert t["letters"]["B8"] == "á" and t["letters"]["AE"] == "đ" and t["letters"]["FE"] == "ỵ"


def test_vni_table_covers_every_letter_once():
    t = _table("vni")
    decoded = list(t["singles"].values()) + list(t["pairs"].values())
    assert sorted(decoded) == sorted(LOWER + UPPER)
    assert t["pairs"]["61F8"] == "à" and t["pairs"]["61E1"] == "ấ" and t["singles"]["F1"] == "đ"


@pytest.mark.parametrize("letters", [LOWER, UPPER], ids=["lower", "upper"])
def test_vni_round_trip(letters):
    words = " ".join(letters) + " " + "".join(letters)
    assert decode_vni(encode_vni(words)) == words


def test_tcvn3_round_trip_lower_case_and_what_vn3_vn2_hold():
    assert decode_tcvn3(encode_tcvn3(" ".join(LOWER))) == " ".join(LOWER)
    assert decode_tcvn3(encode_tcvn3("Ă Â Ê Ô Ơ Ư Đ")) == "Ă Â Ê Ô Ơ Ư Đ"
    vn2 = "".join(_table("tcvn3")["vn2_capitals"].values())
    assert len(vn2) == 16
    assert decode_tcvn3(encode_tcvn3(" ".join(vn2), vn2_capitals=True)) == " ".join(vn2)


@pytest.mark.parametrize(
    "written, read",
    [
        ("KẾ HOẠCH", "KẾ HOẠCH"),
        ("I. MỤC ĐÍCH, YÊU CẦU", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("ỦY BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
        ("UỶ BAN NHÂN DÂN XÃ LŨNG CÚ", "UỶ BAN NHÂN DÂN XÃ LŨNG CÚ"),  # across "BAN", an all-capital bridge
        ("III. NỘI DUNG VÀ KINH PHÍ THỰC HIỆN", "III. NỘI DUNG VÀ KINH PHÍ THỰC HIỆN"),
        ("Sở LĐTBXH; Sở GD&ĐT", "Sở LĐTBXH; Sở GD&ĐT"),  # acronyms do not make "Sở" a capital word
        ("Số: 12/KH-UBND", "Số: 12/KH-UBND"),  # mixed case: "Số" is not a capital word
        ("Tân Lợi, ngày 05 tháng 3 năm 2024", "Tân Lợi, ngày 05 tháng 3 năm 2024"),
        ("UBND xã Hà Nội", "UBND xã Hà Nội"),
        ("Ủy ban nhân dân", "ủy ban nhân dân"),  # a title-case toned capital has no TCVN3 byte: stays lower
    ],
)
def test_tcvn3_capitals_restored_in_capital_words(written, read):
    assert decode_tcvn3(encode_tcvn3(written)) == read


# --- a real plan in every encoding -----------------------------------------------------------------------

CASES = [
    ("utf-16-le-bom", lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be-bom", lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le", lambda s: s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", lambda s: s.encode("utf-16-be"), "utf-16-be"),
    ("utf-8-sig", lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
    ("utf-8", lambda s: s.encode("utf-8"), "utf-8"),
    ("utf-8-crlf", lambda s: s.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ("cp1258", encode_cp1258, "cp1258"),
    ("tcvn3", encode_tcvn3, "tcvn3"),
    ("tcvn3-vn2", lambda s: encode_tcvn3(s, vn2_capitals=True), "tcvn3"),
    ("vni", encode_vni, "vni"),
]


@pytest.mark.parametrize("label, encode, expected_encoding", CASES, ids=[c[0] for c in CASES])
def test_seed_reads_back_in_every_encoding(tmp_path, label, encode, expected_encoding):
    path = tmp_path / f"plan-{label}.txt"
    path.write_bytes(encode(SOURCE))
    doc = parse(path)
    assert doc.meta.encoding == expected_encoding
    assert unicodedata.normalize("NFC", doc.text) == unicodedata.normalize("NFC", SOURCE)
    assert "KẾ HOẠCH" in doc.text and "Quyết định số 90/QĐ-TTg ngày 18/01/2022" in doc.text


def test_legacy_encodings_are_told_apart():
    """Each legacy byte string decodes as Vietnamese only with its own table."""
    for name, encode in (("cp1258", encode_cp1258), ("tcvn3", encode_tcvn3), ("vni", encode_vni)):
        data = encode(SOURCE)
        scores = {
            "cp1258": vietnamese_score(data.decode("cp1258", errors="replace")),
            "tcvn3": vietnamese_score(decode_tcvn3(data)),
            "vni": vietnamese_score(decode_vni(data)),
        }
        assert max(scores, key=scores.get) == name
        assert scores[name] > 0.5
        assert all(v < 0 for k, v in scores.items() if k != name)


@pytest.mark.parametrize(
    "data, encoding",
    [
        (b"Annual report 2024: budget and schedule.", "utf-8"),  # ASCII is valid UTF-8
        ("Café au lait, naïve résumé, 25°C".encode("cp1252"), "cp1258"),
        ("Price list – “special” offer… ©".encode("cp1252"), "cp1258"),
    ],
)
def test_western_text_is_not_taken_for_tcvn3(data, encoding):
    text, name = decode(data)
    assert name == encoding
    assert text == data.decode("cp1252")


def test_ascii_alone_is_cp1258_for_the_legacy_picker():
    assert decode_legacy(b"UBND xa Tan Loi, KH so 12") == ("UBND xa Tan Loi, KH so 12", "cp1258")


def test_short_legacy_phrases():
    phrase = "Điều 5. Tổ chức thực hiện"
    assert decode(encode_cp1258(phrase)) == (phrase, "cp1258")
    assert decode(encode_tcvn3(phrase)) == (phrase, "tcvn3")
    assert decode(encode_vni(phrase)) == (phrase, "vni")


def test_utf8_with_one_damaged_byte_stays_utf8():
    data = SOURCE.encode("utf-8")
    cut = data.index("Mục đích".encode()) + 1
    text, name = decode(data[:cut] + b"\xff" + data[cut:])
    assert name == "utf-8"
    assert text.count("\ufffd") == 1


# --- files that are not text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"   \r\n\t\n  ", codecs.BOM_UTF8 + b" \n", codecs.BOM_UTF16_LE + " \n \n".encode("utf-16-le")],
    ids=["empty", "whitespace", "utf8-bom-whitespace", "utf16-whitespace"],
)
def test_empty_text_files(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocument):
        parse(path)


def test_random_bytes_named_txt(tmp_path):
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(random.Random(20240305).randbytes(4096))
    with pytest.raises(UnsupportedFormat):
        parse(path)


def test_nfd_file_is_kept_decomposed_until_normalisation(tmp_path):
    nfd = unicodedata.normalize("NFD", SOURCE)
    path = tmp_path / "mac.txt"
    path.write_bytes(nfd.encode("utf-8"))
    doc = parse(path)
    assert doc.meta.encoding == "utf-8"
    assert doc.text == nfd and not unicodedata.is_normalized("NFC", doc.text)
    assert unicodedata.normalize("NFC", doc.text) == unicodedata.normalize("NFC", SOURCE)
