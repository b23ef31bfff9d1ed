"""Amounts in digits against the same amounts in words."""

from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.pipeline.checks.amounts import amount_pairs
from kehoach.pipeline.checks.registry import run_internal

from conftest import seed


def findings(tmp_path: Path, text: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    doc = kehoach.read(path)
    return run_internal(kehoach.extract(doc, with_findings=False), doc, {"amount_words_mismatch"})


@pytest.mark.parametrize("text", [
    "Kinh phí thực hiện: 5.000.000đ (năm triệu đồng)",
    "Kinh phí: 12 triệu đồng (mười hai triệu đồng).",
    "Tổng vốn 1.215,6 tỷ đồng (Một nghìn hai trăm mười lăm tỷ sáu trăm triệu đồng).",
    "Tổng: 350.000.000 đồng (Bằng chữ: Ba trăm năm mươi triệu đồng chẵn)",
    "Hỗ trợ 2.500.000 đồng (hai triệu rưỡi) mỗi hộ.",
    "Kinh phí 105.000.000 đồng\nBằng chữ: Một trăm linh năm triệu đồng.",
])
def test_matching_amounts_stay_quiet(tmp_path, text) -> None:
    assert findings(tmp_path, text + "\n") == []


def test_words_that_drop_part_of_the_amount(tmp_path) -> None:
    text = "Tổ chức 02 hội nghị đối thoại chính sách tại thôn. Kinh phí: 18.500.000 đồng (Mười tám triệu đồng).\n"
    [f] = findings(tmp_path, text)
    assert f.data["amount_vnd"] == 18_500_000 and f.data["words_vnd"] == 18_000_000
    assert f.evidence[0].text == "18.500.000 đồng (Mười tám triệu đồng)"


def test_words_on_the_next_line(tmp_path) -> None:
    [f] = findings(tmp_path, "Tổng kinh phí: 150.000.000 đồng\nBằng chữ: Một trăm năm mươi lăm triệu đồng.\n")
    assert f.data["words_vnd"] == 155_000_000


def test_seed_001_amounts_agree() -> None:
    doc = kehoach.read(seed("001"))
    pairs = list(amount_pairs(doc.text))
    assert [(v, w) for _, _, v, _, _, w in pairs] == [(5_000_000, 5_000_000), (9_000_000, 9_000_000),
                                                      (12_000_000, 12_000_000)]
    assert run_internal(kehoach.extract(doc, with_findings=False), doc, {"amount_words_mismatch"}) == []
