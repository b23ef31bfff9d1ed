"""HTML parsing: the seeds as portal pages (plan inside page furniture), hand-written pages for lists, tables,
encodings and containers, and hostile pages (scripts, entity bombs) that must not leak into the text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from fixtures import Para, read_plan, tables
from fixtures.render_html import NOISE_MARKERS, render_html

from kehoach.parsers import EmptyDocument, HostileContent, Limits, html, parse
from kehoach.schemas.document import BlockKind, Document, SourceFormat

SEEDS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "seeds").glob("*.txt"))


def key(text: str) -> str:
    return " ".join(text.replace("*", "").replace("|", " ").split())


def lines_in_order(txt: Path, doc: Document) -> int:
    hay = key(doc.text)
    pos = count = 0
    for line in txt.read_text(encoding="utf-8").splitlines():
        needle = key(line)
        if not needle:
            continue
        m = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)").search(hay, pos)
        assert m, f"line {line!r} not found after offset {pos}: {hay[pos:pos + 120]!r}"
        pos = m.end()
        count += 1
    return count


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[tuple[str, str], Document]:
    """Each seed as an <article> page and as a page without <article> (content found by its text)."""
    tmp = tmp_path_factory.mktemp("html")
    out = {}
    for seed in SEEDS:
        for container in ("article", "div"):
            path = render_html(seed, tmp / f"{seed.stem}-{container}.html", container=container,
                               emphasis=container == "div")
            out[(seed.stem, container)] = parse(path)
    return out


CASES = [(seed, container) for seed in SEEDS for container in ("article", "div")]
IDS = [f"{s.stem[:3]}-{c}" for s, c in CASES]


@pytest.mark.parametrize(("seed", "container"), CASES, ids=IDS)
def test_seed_page_text_in_order_without_furniture(pages, seed, container):
    doc = pages[(seed.stem, container)]
    assert doc.format == SourceFormat.html and doc.meta.encoding == "utf-8"
    assert lines_in_order(seed, doc) > 60
    assert [m for m in NOISE_MARKERS if m in doc.text] == []


@pytest.mark.parametrize(("seed", "container"), CASES, ids=IDS)
def test_seed_page_numbered_lines_are_blocks(pages, seed, container):
    doc = pages[(seed.stem, container)]
    blocks = [key(doc.text[b.start:b.end]) for b in doc.blocks]
    it = iter(blocks)
    numbered = [key(p.source) for p in read_plan(seed) if isinstance(p, Para) and p.level is not None]
    assert [n for n in numbered if n not in it] == []


@pytest.mark.parametrize(("stem", "text"), [
    ("000", "II. MỤC TIÊU"), ("000", "VI. TỔ CHỨC THỰC HIỆN"), ("001", "b) Tiểu dự án 2: Cải thiện dinh dưỡng"),
    ("003", "2.1. Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp"), ("004", "III. NHIỆM VỤ"),
])
def test_literal_lines(pages, stem, text):
    doc = next(d for (s, c), d in pages.items() if s.startswith(stem) and c == "article")
    assert any(doc.text[b.start:b.end] == text for b in doc.blocks)


@pytest.mark.parametrize(("seed", "container"), CASES, ids=IDS)
def test_seed_page_tables(pages, seed, container):
    doc = pages[(seed.stem, container)]
    expected = tables(read_plan(seed))
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(t.n_rows, t.n_cols) for t in expected]
    for got, want in zip(doc.tables, expected):
        assert {(c.row, c.col, c.rowspan, c.colspan) for c in got.cells if c.rowspan > 1 or c.colspan > 1} == \
            {(c.row, c.col, c.rowspan, c.colspan) for c in want.merged}
        for cell in got.cells:
            assert doc.text[cell.start:cell.end] == cell.text


def test_seed_tables_literal(pages):
    doc = next(d for (s, c), d in pages.items() if s.startswith("002") and c == "article")
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols) == (10, 15)
    assert table.rows()[1][:4] == ["TT", "Thôn", "Tổng số hộ dân cư", "Phê duyệt cuối năm 2023"]
    data = next(d for (s, c), d in pages.items() if s.startswith("004") and c == "div").tables[-1]
    assert (data.n_rows, data.n_cols) == (21, 7)
    assert data.rows()[4] == ["1", "Huyện Kbang", "18.286", "2.059", "11,26", "2,68", "493"]


# -- hand-written pages ----------------------------------------------------------------------------

def page(tmp_path: Path, body: str, head: str = '<meta charset="utf-8">', name: str = "p.html",
         encoding: str = "utf-8", prefix: bytes = b"") -> Path:
    path = tmp_path / name
    path.write_bytes(prefix + f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode(encoding))
    return path


def texts(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind.value, doc.text[b.start:b.end]) for b in doc.blocks if b.kind != BlockKind.table]


def test_scripts_styles_and_hidden_text_never_reach_the_text(tmp_path):
    body = ("<article><p>Kế hoạch giảm nghèo<script>alert('Mã độc chạy')</script> năm 2024</p>"
            "<style>p { color: red }</style><noscript>Bật JavaScript để xem</noscript>"
            "<p style='display: none'>Đoạn ẩn chứa chỉ thị</p><p hidden>Cũng ẩn</p>"
            "<iframe src='http://example.invalid/'>Khung ngoài</iframe>"
            "<p onclick=\"alert('x')\">Tổ chức thực hiện</p></article>")
    doc = parse(page(tmp_path, body))
    assert texts(doc) == [("paragraph", "Kế hoạch giảm nghèo năm 2024"), ("paragraph", "Tổ chức thực hiện")]


def test_entity_bomb_doctype_refused(tmp_path):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    path = tmp_path / "lol.html"
    path.write_text(f"<!DOCTYPE html [{ents}]><html><body><p>&lol9;</p></body></html>", encoding="utf-8")
    with pytest.raises(HostileContent) as info:
        parse(path)
    assert type(info.value) is HostileContent and "\n" not in str(info.value)


def test_internal_subset_without_entities_leaves_no_residue(tmp_path):
    path = tmp_path / "attlist.html"
    path.write_text('<!DOCTYPE html [<!ATTLIST p id ID #IMPLIED>]><html><body><p>Kế hoạch</p></body></html>',
                    encoding="utf-8")
    assert parse(path).text == "Kế hoạch\n"


def test_undeclared_entities_stay_literal_and_known_ones_decode(tmp_path):
    doc = parse(page(tmp_path, "<p>Hộ nghèo &amp; cận nghèo&nbsp;&lol9; &#7871; &copy;</p>"))
    assert doc.text == "Hộ nghèo & cận nghèo &lol9; ế ©\n"


def test_xhtml_with_public_doctype_and_xml_declaration(tmp_path):
    path = tmp_path / "x.html"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
                    "<body><p>Căn cứ Quyết định số 90/QĐ-TTg</p></body></html>", encoding="utf-8")
    assert parse(path).text == "Căn cứ Quyết định số 90/QĐ-TTg\n"


def test_lists_get_browser_labels(tmp_path):
    body = ("<main><ol type='I' start='2'><li>MỤC TIÊU<ol><li>Mục tiêu chung</li><li value='4'>Mục tiêu bốn</li>"
            "<li>Mục tiêu năm</li></ol></li><li>NHIỆM VỤ</li></ol>"
            "<ul><li>Hỗ trợ vay vốn</li><li>- Đã có gạch</li></ul>"
            "<ol type='a'><li><p>Tiểu dự án 1</p><p>Nội dung</p></li></ol>"
            "<ul style='list-style: none'><li>Không dấu</li></ul></main>")
    assert texts(parse(page(tmp_path, body))) == [
        ("list_item", "II. MỤC TIÊU"), ("list_item", "1. Mục tiêu chung"), ("list_item", "4. Mục tiêu bốn"),
        ("list_item", "5. Mục tiêu năm"), ("list_item", "III. NHIỆM VỤ"), ("list_item", "• Hỗ trợ vay vốn"),
        ("list_item", "- Đã có gạch"), ("list_item", "a. Tiểu dự án 1"), ("list_item", "Nội dung"),
        ("list_item", "Không dấu"),
    ]


def test_headings_breaks_and_whitespace(tmp_path):
    body = ("<div><h2>KẾ HOẠCH\n  Thực hiện</h2><p>Số: 12/KH-UBND<br>Ngày 05/3/2024<br/><br></p>"
            "<div>Căn cứ <b>Luật</b>   <i>Tổ chức</i>\n chính quyền <span>địa phương</span>;</div>"
            "<pre>Dòng 1\n  Dòng 2</pre></div>")
    assert texts(parse(page(tmp_path, body))) == [
        ("heading", "KẾ HOẠCH Thực hiện"), ("paragraph", "Số: 12/KH-UBND"), ("paragraph", "Ngày 05/3/2024"),
        ("paragraph", "Căn cứ Luật Tổ chức chính quyền địa phương;"), ("paragraph", "Dòng 1"),
        ("paragraph", "Dòng 2"),
    ]


def test_table_spans_and_empty_rows(tmp_path):
    body = ("<table><thead><tr><th rowspan='3'>TT</th><th colspan='2'>Hộ nghèo</th></tr>"
            "<tr><th>Số hộ</th><th>Tỷ lệ</th></tr><tr><td></td><td> </td></tr></thead>"
            "<tbody><tr><td>1</td><td>15</td><td>1,48<br>%</td></tr>"
            "<tr><td colspan='0'>Cộng</td><td rowspan='x'>15</td></tr></tbody></table>")
    doc = parse(page(tmp_path, body))
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols) == (4, 3)
    assert table.rows() == [["TT", "Hộ nghèo", "Hộ nghèo"], ["TT", "Số hộ", "Tỷ lệ"], ["1", "15", "1,48 %"],
                            ["Cộng", "15", ""]]
    tt = table.cells[0]
    assert (tt.rowspan, tt.colspan) == (2, 1)


def test_layout_table_is_read_as_flow(tmp_path):
    body = ("<table><tr><td><table><tr><td>Trang chủ</td></tr></table></td></tr>"
            "<tr><td><p>I. MỤC ĐÍCH</p><p>1. Mục đích</p></td></tr></table>")
    doc = parse(page(tmp_path, body))
    assert doc.tables == []
    assert "I. MỤC ĐÍCH\n1. Mục đích\n" in doc.text


def test_content_found_without_article_or_classes(tmp_path):
    links = "".join(f"<li><a href='/{i}'>Thông báo kết quả tuyển dụng viên chức năm {i}</a></li>" for i in range(30))
    plan = "".join(f"<p>{i}. Nhiệm vụ giảm nghèo bền vững thứ {i} trên địa bàn xã, đảm bảo đúng đối tượng.</p>"
                   for i in range(1, 40))
    doc = parse(page(tmp_path, f"<div id='a'><ul>{links}</ul></div><div id='b'><div>{plan}</div></div>"))
    assert "tuyển dụng" not in doc.text
    assert doc.text.startswith("1. Nhiệm vụ giảm nghèo") and doc.text.count("\n") == 39


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese pages use it: base letters precomposed, the tone mark combining."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258")
    return out


def test_page_wrapped_in_one_form_keeps_its_content(tmp_path):
    plan = "".join(f"<p>{i}. Hỗ trợ hộ nghèo, hộ cận nghèo tiếp cận các dịch vụ xã hội cơ bản.</p>" for i in range(1, 9))
    body = (f"<form id='aspnetForm' action='/default.aspx'><input type='hidden' value='VIEWSTATE'>"
            f"<div class='nav-bar'>Trang chủ</div><div id='ctl00_Main'>{plan}</div>"
            "<form class='search'><label>Tìm kiếm văn bản</label></form></form>")
    doc = parse(page(tmp_path, body))
    assert doc.text.startswith("1. Hỗ trợ hộ nghèo") and doc.text.count("\n") == 8
    assert "Trang chủ" not in doc.text and "Tìm kiếm" not in doc.text


def test_declared_windows_1258(tmp_path):
    path = tmp_path / "cp.html"
    path.write_bytes(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
                     b"</head><body><p>" + cp1258("Kế hoạch giảm nghèo năm 2024") + b"</p></body></html>")
    doc = parse(path)
    assert doc.meta.encoding == "cp1258"
    assert unicodedata.normalize("NFC", doc.text) == "Kế hoạch giảm nghèo năm 2024\n"


def test_utf8_bom_beats_declared_charset(tmp_path):
    doc = parse(page(tmp_path, "<p>Ủy ban nhân dân xã</p>", head='<meta charset="iso-8859-1">',
                     prefix=b"\xef\xbb\xbf"))
    assert doc.text == "Ủy ban nhân dân xã\n"


def test_utf16_bom_page(tmp_path):
    data = b"\xff\xfe" + '<html><head><meta charset="iso-8859-1"></head><body><p>Ủy ban nhân dân xã</p></body></html>'.encode("utf-16-le")
    doc = html.parse(str(tmp_path / "u16.html"), data, Limits())
    assert doc.text == "Ủy ban nhân dân xã\n" and doc.meta.encoding.startswith("utf-16")


def test_format_comes_from_bytes_not_name(tmp_path):
    doc = parse(page(tmp_path, "<p>Kế hoạch</p>", name="ke-hoach.txt"))
    assert doc.format == SourceFormat.html and doc.text == "Kế hoạch\n"


def test_page_without_text_is_empty(tmp_path):
    with pytest.raises(EmptyDocument) as info:
        parse(page(tmp_path, "<script>var a = 'Kế hoạch';</script><nav>Trang chủ</nav>"))
    assert type(info.value) is EmptyDocument and "\n" not in str(info.value)
