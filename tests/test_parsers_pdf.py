"""PDF parser: the five seeds rendered to PDF come back word for word, with pages, ruled tables as grids
(merged cells included, text not repeated, pdfplumber used only on ruled pages), and bad PDFs fail with one
typed, one-line error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kehoach.parsers import ocr, parse
from kehoach.parsers.errors import (
    CorruptDocument,
    EncryptedDocument,
    NoTextLayer,
    TooLarge,
    UnsupportedFormat,
)
from kehoach.parsers.limits import Limits
from kehoach.schemas.document import BlockKind, SourceFormat

from conftest import SEEDS, seed
from fixtures.render_pdf import (
    render_drawn_grid,
    render_encrypted,
    render_framed_text,
    render_image_only,
    render_landscape_rotated,
    render_mixed_scan,
    render_pdf,
    shift_origin,
    write_random,
    write_truncated,
)

# Lines as the seeds have them, which must come back verbatim from the PDF.
LITERALS = {
    "000": ["Số: /KH-UBND", "Tân Lợi, ngày tháng năm 2024", "I. MỤC ĐÍCH, YÊU CẦU"],
    "001": ["Số: /KH-UBND", "Cẩm Lương, ngày tháng 05 năm 2023", "IV. TỔ CHỨC THỰC HIỆN"],
    "002": ["Số: /KH-UBND", "Quảng Minh, ngày tháng năm 2024", "II. PHÂN TÍCH KẾT QUẢ HỘ NGHÈO NĂM 2023"],
    "003": ["Số: /KH-UBND Vinh Yên, ngày tháng 5 năm 2022", "IV. KINH PHÍ THỰC HIỆN"],
    "004": ["Số: 3456/KH-UBND", "Nguyễn Thị Thanh Lịch",
            "THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG"],
}


def words(text: str) -> list[str]:
    """Words in order, ignoring line breaks, tabs and the " | " that separates table cells."""
    return [w for w in re.split(r"[\s|]+", text) if w]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("seed_pdfs")
    return {p.name[:3]: render_pdf(p, out / f"{p.stem}.pdf") for p in SEEDS}


@pytest.fixture(scope="session")
def seed_docs(seed_pdfs):
    return {key: parse(path) for key, path in seed_pdfs.items()}


def test_seeds_present() -> None:
    assert [p.name[:3] for p in SEEDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_text_comes_back_in_order(key, seed_docs, seed_pdfs) -> None:
    doc = seed_docs[key]
    assert doc.format == SourceFormat.pdf
    assert doc.meta.pages > 1
    assert len(doc.page_starts) == doc.meta.pages == len(pdfium.PdfDocument(seed_pdfs[key]))
    assert words(doc.text) == words(seed(key).read_text(encoding="utf-8"))
    assert doc.meta.warnings == [] and doc.meta.ocr is False


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_literal_lines(key, seed_docs) -> None:
    text = seed_docs[key].text
    for literal in LITERALS[key]:
        assert literal in text, literal


@pytest.mark.parametrize("key", ["000", "004"])
def test_page_of_matches_the_page_pdfium_shows(key, seed_docs, seed_pdfs) -> None:
    """A long line read straight from page 2 (and every other page) is found on that page of the Document."""
    doc = seed_docs[key]
    flat = doc.text
    pdf = pdfium.PdfDocument(seed_pdfs[key])
    checked = 0
    for number in range(1, len(pdf) + 1):
        raw = pdf[number - 1].get_textpage().get_text_bounded()
        lines = [squash(line) for line in raw.replace("\r\n", "\n").split("\n")]
        probe = max(lines, key=len)
        if len(probe) < 40 or flat.count(probe) != 1:
            continue
        assert doc.page_of(flat.index(probe)) == number, probe
        checked += 1
    assert checked >= len(pdf) - 2
    first_heading = flat.index("KẾ HOẠCH")
    assert doc.page_of(first_heading) == 1
    assert doc.page_of(len(flat) - 1) == len(pdf)


def test_string_on_page_two(seed_docs, seed_pdfs) -> None:
    """The first long line pdfium shows on page 2 of seed 003 is on page 2 of the Document, the line
    before it on page 1."""
    doc = seed_docs["003"]
    pdf = pdfium.PdfDocument(seed_pdfs["003"])
    page2 = pdf[1].get_textpage().get_text_bounded().replace("\r\n", "\n").split("\n")
    line = next(squash(x) for x in page2 if len(x.strip()) >= 40)
    at = doc.text.find(line)
    assert at > 0 and doc.text.count(line) == 1
    assert doc.page_of(at) == 2
    assert doc.page_of(doc.page_starts[1] - 1) == 1 and doc.page_of(doc.page_starts[1]) == 2
    assert doc.locate(at).page == 2


def test_blocks_carry_their_page(seed_docs) -> None:
    for doc in seed_docs.values():
        for block in doc.blocks:
            assert block.page == doc.page_of(block.start)
            assert doc.text[block.start:block.end].strip()


def test_wrapped_lines_join_into_paragraphs(seed_docs) -> None:
    """A seed paragraph that wraps over several PDF lines is one block again."""
    doc = seed_docs["001"]
    paragraph = ("Kế hoạch nhằm cụ thể hóa các nhiệm vụ và giải pháp, phân công rõ ràng trách nhiệm cho từng ngành, "
                 "từng Đoàn thể, trong tổ chức thực hiện công tác giảm nghèo;")
    hits = [b for b in doc.blocks if doc.text[b.start:b.end].startswith(paragraph)]
    assert len(hits) == 1
    assert "\n" not in doc.text[hits[0].start:hits[0].end]


# ---------------------------------------------------------------------------------------------- tables


def test_seed_002_table_grid(seed_docs) -> None:
    doc = seed_docs["002"]
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (10, 15)
    assert table.page == doc.meta.pages
    by_text = {c.text: c for c in table.cells}
    assert (by_text["HỘ NGHÈO"].row, by_text["HỘ NGHÈO"].col, by_text["HỘ NGHÈO"].colspan) == (0, 3, 6)
    assert (by_text["HỘ CẬN NGHÈO"].col, by_text["HỘ CẬN NGHÈO"].colspan) == (9, 6)
    assert (by_text["TT"].rowspan, by_text["Thôn"].rowspan) == (3, 3)
    grid = table.grid()
    assert grid[2][0] is by_text["TT"] and grid[0][8] is by_text["HỘ NGHÈO"]
    seed_rows = [line.split("\t") for line in seed("002").read_text(encoding="utf-8").splitlines()
                 if line.count("\t") >= 2]
    data_rows = [[cell.strip() for cell in row][:15] for row in seed_rows[3:]]
    assert table.rows()[3:] == data_rows
    for cell in table.cells:
        assert doc.text[cell.start:cell.end] == cell.text
    assert any(b.kind == BlockKind.table and b.table == 0 for b in doc.blocks)


def test_table_text_not_repeated(seed_docs) -> None:
    doc = seed_docs["002"]
    for text in ["TDP Khả Lý Thượng", "HỘ CẬN NGHÈO", "Có khả năng thoát cận nghèo 2024", "2.991"]:
        assert doc.text.count(text) == 1, text
    table = doc.tables[0]
    before, after = doc.text[:table.start], doc.text[table.end:]
    assert "TDP Đông Long" not in before + after


def test_seed_004_header_and_appendix_tables(seed_docs) -> None:
    doc = seed_docs["004"]
    header = doc.tables[0]
    assert header.page == 1 and (header.n_rows, header.n_cols) == (2, 2)
    assert header.rows()[1][0] == "Số: 3456/KH-UBND"
    appendix = doc.tables[1:]
    assert appendix and all(t.n_cols == 7 for t in appendix)
    assert any(c.colspan > 1 for c in appendix[0].cells)
    rows = [r for t in appendix for r in t.rows()]
    assert ["I", "Tổng cộng toàn tỉnh", "388.231", "31.502", "8,11", "2,00", "7.449"] in rows
    assert ["17", "Huyện Đức Cơ", "19.628", "2.001", "10,19", "2,20", "435"] in rows
    assert doc.text.count("Huyện Kbang") == 1


@pytest.mark.parametrize("borders", ["rects", "path"])
@pytest.mark.parametrize("in_form", [False, True])
def test_hand_drawn_grid(tmp_path, borders, in_form) -> None:
    """Borders as thin filled rectangles (Word) or one long path; optionally inside a scaled form XObject."""
    rows = [["TT", "Nội dung", "Kinh phí (triệu đồng)", ""],
            ["", "", "Năm 2024", "Năm 2025"],
            ["1", "Hỗ trợ nhà ở", "120", "150"],
            ["2", "Đào tạo nghề", "80", "95"]]
    path = render_drawn_grid(tmp_path / "grid.pdf", rows, borders=borders, span=(0, 2, 3), in_form=in_form)
    doc = parse(path)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert table.rows() == [["TT", "Nội dung", "Kinh phí (triệu đồng)", "Kinh phí (triệu đồng)"],
                            ["", "", "Năm 2024", "Năm 2025"],
                            ["1", "Hỗ trợ nhà ở", "120", "150"],
                            ["2", "Đào tạo nghề", "80", "95"]]
    assert [b.kind for b in doc.blocks] == [BlockKind.paragraph, BlockKind.table, BlockKind.paragraph]
    assert doc.text.startswith("Bảng kẻ tay: biểu tổng hợp\n")
    assert doc.text.endswith("Dòng sau bảng: hết biểu.\n")


def test_one_row_table_is_a_table(tmp_path) -> None:
    """A ruled table of one row (e.g. the last row of a table carried over to a new page) stays a table;
    a framed box of one column does not (test_framed_prose_is_not_a_table)."""
    path = render_drawn_grid(tmp_path / "one_row.pdf", [["17", "Huyện Đức Cơ", "19.628", "2.001"]])
    doc = parse(path)
    assert [t.rows() for t in doc.tables] == [[["17", "Huyện Đức Cơ", "19.628", "2.001"]]]
    assert doc.text.count("Huyện Đức Cơ") == 1


def test_table_failure_keeps_the_text(seed_pdfs, monkeypatch) -> None:
    """If the grid of a page cannot be built, the page's text stays (as lines) and a warning says so."""
    from kehoach.parsers import pdf as pdf_parser

    def broken(_page):
        raise ValueError("bad grid")

    monkeypatch.setattr(pdf_parser, "_find_tables", broken)
    doc = parse(seed_pdfs["002"])
    assert doc.tables == []
    pages = len(pdfium.PdfDocument(seed_pdfs["002"]))
    assert doc.meta.warnings == [f"page {pages}: table extraction failed (ValueError); its text is kept as lines"]
    for text in ["HỘ CẬN NGHÈO", "TDP Đông Long", "2.991"]:
        assert text in doc.text


def test_framed_prose_is_not_a_table(tmp_path) -> None:
    """A border around the text with one dividing rule makes two boxes, not a table: lines stay lines."""
    top = ["I. MỤC ĐÍCH", "1. Mục đích chung của kế hoạch", "- Gạch đầu dòng một", "II. NỘI DUNG"]
    doc = parse(render_framed_text(tmp_path / "frame.pdf", top, ["Ghi chú trong khung dưới"]))
    assert doc.tables == []
    assert doc.text == "\n".join(top + ["Ghi chú trong khung dưới"]) + "\n"


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages(tmp_path, rotation) -> None:
    """Pages stored turned with /Rotate (content drawn turned back) read upright: same words, same table
    grid, table text once. pdfium's and pdfplumber's coordinates must agree for every rotation."""
    doc = parse(render_landscape_rotated(seed("002"), tmp_path / "turned.pdf", rotation=rotation))
    assert words(doc.text) == words(seed("002").read_text(encoding="utf-8"))
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(10, 15)]
    assert doc.text.count("TDP Khả Lý Thượng") == 1
    assert doc.meta.warnings == []


def test_page_origin_off_zero(tmp_path, seed_docs, seed_pdfs) -> None:
    """A MediaBox that does not start at (0, 0) (content moved with it) gives the same tables, text once."""
    doc = parse(shift_origin(seed_pdfs["004"], tmp_path / "shifted.pdf", dx=-37.5, dy=61.0))
    assert [t.rows() for t in doc.tables] == [t.rows() for t in seed_docs["004"].tables]
    assert words(doc.text) == words(seed("004").read_text(encoding="utf-8"))
    assert doc.text.count("Huyện Kbang") == 1


def test_pdfplumber_only_on_ruled_pages(seed_pdfs, monkeypatch) -> None:
    """pdfplumber is opened only for a PDF with ruled pages, reads only those pages and closes each one."""
    import pdfplumber
    from pdfplumber.page import Page

    opened, closed = [], []
    real_open, real_close = pdfplumber.open, Page.close

    def spy_open(*args, **kwargs):
        opened.append("pdf")
        return real_open(*args, **kwargs)

    def spy_close(page):
        closed.append(page.page_number)
        return real_close(page)

    monkeypatch.setattr(pdfplumber, "open", spy_open)
    monkeypatch.setattr(Page, "close", spy_close)
    for key in ["000", "001", "003"]:
        assert parse(seed_pdfs[key]).tables == []
    assert opened == [] and closed == []
    doc = parse(seed_pdfs["004"])
    n = doc.meta.pages
    assert opened == ["pdf"]
    # Each ruled page is closed right after use; closing the pdfplumber PDF at the end closes every page.
    assert closed[:3] == sorted({t.page for t in doc.tables}) == [1, n - 1, n]
    assert closed[3:] == list(range(1, n + 1))


def test_tables_off_reads_table_text_as_lines(seed_pdfs, monkeypatch) -> None:
    """parse(..., tables=False) (the benchmark's text path) never opens pdfplumber; table text stays as lines."""
    import pdfplumber

    from kehoach.parsers import pdf as pdf_parser

    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("pdfplumber opened"))
    path = seed_pdfs["002"]
    doc = pdf_parser.parse(str(path), path.read_bytes(), Limits(), tables=False)
    assert doc.tables == [] and doc.meta.warnings == []
    assert words(doc.text) == words(seed("002").read_text(encoding="utf-8"))


def test_pdfplumber_cannot_open_keeps_the_text(seed_pdfs, monkeypatch) -> None:
    """If pdfminer cannot read the file, each ruled page says so once and all text is kept."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    def refuse(*_args, **_kwargs):
        raise PdfminerException("unreadable")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    doc = parse(seed_pdfs["004"])
    n = doc.meta.pages
    assert doc.tables == []
    assert doc.meta.warnings == [f"page {p}: table extraction failed (PdfminerException); its text is kept as lines"
                                 for p in (1, n - 1, n)]
    assert words(doc.text) == words(seed("004").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- bad input


def one_line(err: Exception) -> str:
    message = str(err)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_user_password_is_encrypted(tmp_path) -> None:
    path = render_encrypted(seed("000"), tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(EncryptedDocument) as info:
        parse(path)
    assert type(info.value) is EncryptedDocument
    assert one_line(info.value) == f"{path}: encrypted PDF: a password is needed to open it"


def test_owner_password_only_parses(tmp_path) -> None:
    """Opens without a password in pdfium and in pdfplumber (its table is read too)."""
    path = render_encrypted(seed("002"), tmp_path / "owner.pdf", user_password="", owner_password="x")
    doc = parse(path)
    assert doc.format == SourceFormat.pdf
    assert words(doc.text) == words(seed("002").read_text(encoding="utf-8"))
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(10, 15)] and doc.meta.warnings == []


def test_image_only_without_ocr_is_no_text_layer(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    path = render_image_only(tmp_path / "scan.pdf", ["KẾ HOẠCH", "Số: 12/KH-UBND"])
    with pytest.raises(NoTextLayer) as info:
        parse(path)
    assert type(info.value) is NoTextLayer
    assert one_line(info.value) == (f"{path}: PDF has no text layer; install the [ocr] extra and Debian "
                                    "tesseract-ocr-vie to read scanned pages")


def test_scanned_page_among_text_pages_is_a_warning(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    path = render_mixed_scan(tmp_path / "mixed.pdf", "Trang một: KẾ HOẠCH số 5/KH-UBND", ["Trang hai"])
    doc = parse(path)
    assert doc.text == "Trang một: KẾ HOẠCH số 5/KH-UBND\n"
    assert doc.meta.pages == 2 and doc.page_starts == [0, len(doc.text)]
    assert doc.meta.warnings == ["page 2 is scanned (no text layer) and skipped: install the [ocr] extra "
                                 "and Debian tesseract-ocr-vie to read scanned pages"]


@pytest.mark.skipif(not ocr.available(), reason=f"OCR not usable here: {ocr.missing()}")
def test_image_only_with_ocr(tmp_path) -> None:
    path = render_image_only(tmp_path / "scan.pdf", ["KẾ HOẠCH thực hiện giảm nghèo", "Số: 12/KH-UBND"], pages=1)
    doc = parse(path)
    assert doc.meta.ocr is True and doc.meta.pages == 1
    assert "KẾ HOẠCH thực hiện giảm nghèo" in doc.text
    assert "12/KH-UBND" in doc.text


def test_truncated_pdf_is_corrupt(tmp_path, seed_pdfs) -> None:
    path = write_truncated(seed_pdfs["001"], tmp_path / "half.pdf")
    with pytest.raises(CorruptDocument) as info:
        parse(path)
    assert type(info.value) is CorruptDocument
    assert one_line(info.value) == (f"{path}: damaged PDF: its structure cannot be read "
                                    "(truncated or not a PDF)")


def test_pdf_header_then_garbage_is_corrupt(tmp_path) -> None:
    path = tmp_path / "fake.pdf"
    write_random(path, size=2048)
    path.write_bytes(b"%PDF-1.7\n" + path.read_bytes())
    with pytest.raises(CorruptDocument) as info:
        parse(path)
    assert type(info.value) is CorruptDocument
    one_line(info.value)


def test_random_bytes_named_pdf_are_unsupported(tmp_path) -> None:
    path = write_random(tmp_path / "x.pdf")
    with pytest.raises(UnsupportedFormat) as info:
        parse(path)
    assert type(info.value) is UnsupportedFormat  # sniff finds no %PDF- and the bytes are binary
    assert one_line(info.value) == (f"{path}: binary data of an unknown format "
                                    "(not PDF, DOCX, DOC, HTML or text)")


def test_pdf_named_txt_is_read_as_pdf(tmp_path, seed_pdfs) -> None:
    path = tmp_path / "plan.txt"
    shutil.copyfile(seed_pdfs["000"], path)
    doc = parse(path)
    assert doc.format == SourceFormat.pdf
    assert "Tân Lợi, ngày tháng năm 2024" in doc.text


def test_too_many_pages(seed_pdfs) -> None:
    n = len(pdfium.PdfDocument(seed_pdfs["004"]))
    with pytest.raises(TooLarge) as info:
        parse(seed_pdfs["004"], limits=Limits(max_pages=3))
    assert one_line(info.value) == f"{seed_pdfs['004']}: PDF has {n} pages, over the limit of 3"


def test_time_limit(seed_pdfs) -> None:
    with pytest.raises(TooLarge) as info:
        parse(seed_pdfs["003"], limits=Limits(max_seconds=0))
    assert one_line(info.value) == f"{seed_pdfs['003']}: parsing took longer than 0 s"
