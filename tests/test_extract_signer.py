"""The signer of each seed, and the signature-block layouts that flattening produces."""

from __future__ import annotations

import pytest

import kehoach
from kehoach.pipeline.extract.signer import read_signer

from conftest import ROOT, seed

SEEDS = {
    "000": (None, "CHỦ TỊCH", None),  # a draft: position only
    "001": ("Bùi Quốc Bảo", "CHỦ TỊCH", None),
    "002": ("Nguyễn Thị Hương", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH"),  # "**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**"
    "003": ("Đào Văn Quyết", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH"),  # "KT.CHỦ TỊCH"
    "004": ("Nguyễn Thị Thanh Lịch", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH"),  # "TM. ỦY BAN NHÂN\nDÂN"
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_signer(prefix: str) -> None:
    document = kehoach.read(seed(prefix))
    signer = kehoach.extract(document, with_findings=False).signer
    assert (signer.name, signer.position, signer.authority) == SEEDS[prefix]
    span = signer.span
    assert document.text[span.start:span.end] == span.text
    assert (signer.name or signer.position) in span.text


BLOCKS = [
    ("TM. ỦY BAN NHÂN DÂN\nKT.CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐào Văn Quyết",
     ("Đào Văn Quyết", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH")),
    ("TM. ỦY BAN NHÂN\nDÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Thị Thanh Lịch",
     ("Nguyễn Thị Thanh Lịch", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH")),
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)\n\nSùng Mí Vàng", ("Sùng Mí Vàng", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN")),
    ("| TM. ỦY BAN NHÂN DÂN\n| KT. CHỦ TỊCH\n| PHÓ CHỦ TỊCH\n|", (None, "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH")),
    ("**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**\n\nThạch Thị Sa Rưng", ("Thạch Thị Sa Rưng", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH")),
    ("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nY Bhiu Niê", ("Y Bhiu Niê", "CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH")),
]


@pytest.mark.parametrize("block, expected", BLOCKS)
def test_signature_blocks(block: str, expected: tuple) -> None:
    signer, used = read_signer(block, 0, len(block))
    assert (signer.name, signer.position, signer.authority) == expected
    for start, end in used:
        assert block[start:end].strip() == block[start:end]
        assert block[start:end]


def test_decision_signer_for_an_annexed_plan() -> None:
    # syn05: the plan annexed to the Quyết định has no signature; the decision's is the plan's.
    path = ROOT / "corpus" / "synthetic" / "plans" / "syn05_qd_huyen_ky_son_giam_ngheo_2022_2025.txt"
    signer = kehoach.extract(path, with_findings=False).signer
    assert (signer.name, signer.position, signer.authority) == ("Vi Văn Sơn", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN")
