"""DOCX (and legacy DOC) parsing: the seeds rendered with real Word numbering and tables, hand-built packages
for the corners of WordprocessingML, and hostile or broken files that must fail with the right error."""

from __future__ import annotations

import random
import re
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import docx
import pytest
from fixtures import Para, read_plan, tables
from fixtures.render_docx import render_docx
from lxml import etree

from kehoach.parsers import (
    CorruptDocument,
    DecompressionBomb,
    EncryptedDocument,
    HostileContent,
    Limits,
    MissingDependency,
    TooLarge,
    UnsupportedFormat,
    parse,
)
from kehoach.parsers.numbering import bullet, format_number, letters, roman
from kehoach.schemas.document import BlockKind, Document, SourceFormat

SEEDS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "seeds").glob("*.txt"))
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
NUMBERED = re.compile(r"^(?:[IVXLC]+\.|\d{1,2}\.|[a-z]\)) ")


def key(text: str) -> str:
    """Text compared as a reader compares it: no markdown asterisks or cell bars, spaces collapsed."""
    return " ".join(text.replace("*", "").replace("|", " ").split())


def assert_lines_in_order(txt: Path, doc: Document) -> int:
    """Every non-empty line of the TXT (bar-only separators aside) occurs in the parsed text, in order."""
    hay = key(doc.text)
    pos = 0
    count = 0
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
def rendered(tmp_path_factory) -> dict[str, tuple[Path, Path, Document]]:
    """Each seed rendered to DOCX once (markdown emphasis as bold/italic runs) and parsed."""
    out = {}
    tmp = tmp_path_factory.mktemp("docx")
    for seed in SEEDS:
        path = render_docx(seed, tmp / f"{seed.stem}.docx", emphasis=True)
        out[seed.stem] = (seed, path, parse(path))
    return out


def block_texts(doc: Document, *kinds: BlockKind) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if not kinds or b.kind in kinds]


# -- seeds rendered with Word numbering -------------------------------------------------------------

def test_five_seeds_present():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_numbered_labels_come_from_numbering_and_read_as_written(rendered, seed):
    _, path, doc = rendered[seed.stem]
    expected = [it.source for it in read_plan(seed) if isinstance(it, Para) and it.level is not None]
    assert expected, "every seed has numbered sections"
    # The labels are not in the paragraphs' text: Word draws them from numbering.xml.
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    written = ["".join(t.text or "" for t in p.iter(W + "t")) for p in root.iter(W + "p")]
    assert not [t for t in written if NUMBERED.match(key(t))]
    # The parser puts them back exactly as a reader sees them, as whole blocks, in order.
    blocks = [key(t) for t in block_texts(doc, BlockKind.heading, BlockKind.list_item)]
    it = iter(blocks)
    missing = [e for e in expected if key(e) not in it]
    assert missing == []


@pytest.mark.parametrize(("stem", "text", "kind"), [
    ("000", "I. MỤC ĐÍCH, YÊU CẦU", BlockKind.heading),
    ("000", "II. MỤC TIÊU", BlockKind.heading),
    ("000", "VI. TỔ CHỨC THỰC HIỆN", BlockKind.heading),  # the seed skips III-V: startOverride
    ("000", "1. Mục đích", BlockKind.list_item),
    ("000", "6. Các áp/sóc", BlockKind.list_item),
    ("001", "b) Tiểu dự án 2: Cải thiện dinh dưỡng", BlockKind.list_item),
    ("003", "c) Nội dung hỗ trợ", BlockKind.list_item),
    ("003", "2.1. Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp", BlockKind.paragraph),  # literal
    ("004", "III. NHIỆM VỤ", BlockKind.heading),
    ("002", "- Cuối năm 2024 tỷ lệ hộ nghèo chung trên địa bàn phường", BlockKind.list_item),
])
def test_literal_labels(rendered, stem, text, kind):
    doc = next(v[2] for k, v in rendered.items() if k.startswith(stem))
    hits = [b for b in doc.blocks if doc.text[b.start:b.end].startswith(text)]
    assert hits, f"no block starts with {text!r}"
    assert hits[0].kind == kind


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_every_line_in_order(rendered, seed):
    _, _, doc = rendered[seed.stem]
    assert assert_lines_in_order(seed, doc) > 60
    assert doc.format == SourceFormat.docx
    for block in doc.blocks:
        assert doc.text[block.start:block.end].strip()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_tables_are_grids_with_merges(rendered, seed):
    _, _, doc = rendered[seed.stem]
    expected = tables(read_plan(seed))
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(t.n_rows, t.n_cols) for t in expected]
    for got, want in zip(doc.tables, expected):
        assert {(c.row, c.col, c.rowspan, c.colspan) for c in got.cells if c.rowspan > 1 or c.colspan > 1} == \
            {(c.row, c.col, c.rowspan, c.colspan) for c in want.merged}
        for cell in got.cells:
            assert doc.text[cell.start:cell.end] == cell.text
        assert [c.text for c in got.cells] == [key(c.text) for c in sorted(want.cells, key=lambda c: (c.row, c.col))]


def test_tab_table_grid_literal(rendered):
    doc = next(v[2] for k, v in rendered.items() if k.startswith("002"))
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols) == (10, 15)
    grid = table.rows()
    assert grid[0][:4] == ["TT", "Thôn", "Tổng số hộ dân cư", "HỘ NGHÈO"]
    assert grid[2][0] == "TT" and grid[0][8] == "HỘ NGHÈO" and grid[0][9] == "HỘ CẬN NGHÈO"
    poor = next(c for c in table.cells if c.text == "HỘ NGHÈO")
    assert (poor.row, poor.col, poor.rowspan, poor.colspan) == (0, 3, 1, 6)
    assert grid[4][:4] == ["1", "TDP Khả Lý Thượng", "1.011", "7"]
    assert grid[9][1:3] == ["Cộng", "2.991"]


def test_pipe_table_grid_literal(rendered):
    doc = next(v[2] for k, v in rendered.items() if k.startswith("004"))
    letterhead, data = doc.tables[0], doc.tables[-1]
    assert letterhead.rows()[0][0].startswith("ỦY BAN NHÂN DÂN TỈNH GIA LAI")
    assert letterhead.rows()[1] == ["Số: 3456/KH-UBND", "Gia Lai, ngày 08 tháng 12 năm 2023"]
    assert (data.n_rows, data.n_cols) == (21, 7)
    assert data.rows()[-1] == ["17", "Huyện Đức Cơ", "19.628", "2.001", "10,19", "2,20", "435"]
    assert data.rows()[3][:3] == ["I", "Tổng cộng toàn tỉnh", "388.231"]
    assert any(c.colspan > 1 for c in data.cells)


# -- hand-built packages for WordprocessingML corners ----------------------------------------------

CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="/word/footer1.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://example.invalid/" TargetMode="External"/>
</Relationships>"""
NS = (f'xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def font(name: str) -> str:
    return f'<w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}"/></w:rPr>'


DECIMAL = lvl(0, "decimal", "%1.") + lvl(1, "decimal", "%1.%2.") + lvl(2, "lowerLetter", "%3)")
BULLETS = (lvl(0, "bullet", chr(0xF0B7), extra=font("Symbol")) + lvl(1, "bullet", chr(0xF02D), extra=font("Symbol"))
           + lvl(2, "bullet", "o", extra=font("Courier New")))
OUTLINE = (lvl(0, "upperRoman", "%1.", extra='<w:pStyle w:val="Muc"/>')
           + lvl(1, "upperLetter", "%2.", start=26, extra='<w:lvlRestart w:val="0"/>')
           + lvl(2, "upperRoman", "%1.%3", extra='<w:isLgl/><w:suff w:val="nothing"/>'))
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:numbering {NS}>
<w:abstractNum w:abstractNumId="1">{DECIMAL}</w:abstractNum>
<w:abstractNum w:abstractNumId="2">{BULLETS}</w:abstractNum>
<w:abstractNum w:abstractNumId="3">{OUTLINE}</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
</w:numbering>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:styles {NS}>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Muc"><w:name w:val="Mục La Mã"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Dau"><w:name w:val="Gạch đầu dòng"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>
</w:styles>"""


def p(text: str = "", num: tuple[int, int] | None = None, style: str | None = None, runs: str | None = None) -> str:
    ppr = ""
    if num or style:
        pstyle = '<w:pStyle w:val="%s"/>' % style if style else ""
        numpr = '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr>' % (num[1], num[0]) if num else ""
        ppr = "<w:pPr>" + pstyle + numpr + "</w:pPr>"
    if runs is None:
        runs = '<w:r><w:t xml:space="preserve">' + text + "</w:t></w:r>"
    return "<w:p>" + ppr + runs + "</w:p>"


def cell(content: str, extra: str = "") -> str:
    return f"<w:tc><w:tcPr>{extra}</w:tcPr>{content}</w:tc>"


BODY = "".join([
    p("MỤC ĐÍCH", style="Muc"),                              # I. via the style's numPr and the level's pStyle
    p("Mục đích chung", num=(1, 0)),                         # 1.
    p("Chỉ tiêu", num=(1, 1)),                               # 1.1.
    p("Chỉ tiêu phụ", num=(1, 1)),                           # 1.2.
    p("thứ nhất", num=(1, 2)),                               # a)
    p("thứ hai", num=(4, 2)),                                # b): instance 4 shares abstract 1's counters
    p("Hai", num=(1, 0)),                                    # 2.  (resets 1.x and a))
    p("Con của hai", num=(1, 1)),                            # 2.1.
    p("Bảy", num=(5, 0)),                                    # 7.  startOverride gives instance 5 its own count
    p("Gạch Symbol", num=(2, 0)),                            # • (Symbol F0B7)
    p("Gạch ngang", style="Dau"),                            # - (Symbol F02D, ilvl from the style)
    p("Tròn rỗng", num=(2, 2)),                              # • (Courier "o")
    p("NỘI DUNG", style="Muc"),                              # II.
    p("Chữ Z", num=(3, 1)),                                  # Z.
    p("Chữ AA", num=(3, 1)),                                 # AA.
    p("pháp lý", num=(3, 2)),                                # 2.1 legal numbering, no separator
    p("BA", style="Muc"),                                    # III.
    p("Chữ BB không khởi động lại", num=(3, 1)),             # BB. lvlRestart=0: no reset by III.
    p("Không đánh số", num=(0, 0)),                          # numId 0: no numbering
    p("Định nghĩa thiếu", num=(99, 0)),                      # missing definition: no label, a warning
    p(style="Heading2", runs='<w:r><w:t>Tiêu đề </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>đậm</w:t></w:r>'),
    p(runs='<w:r><w:t>Còn </w:t></w:r><w:del w:id="1"><w:r><w:delText>đã xóa </w:delText></w:r></w:del>'
           '<w:ins w:id="2"><w:r><w:t>được thêm </w:t></w:r></w:ins>'
           '<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn </w:t></w:r>'
           '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
           '<w:r><w:t>dòng</w:t><w:br/><w:t>mới</w:t><w:tab/><w:t>tab</w:t><w:noBreakHyphen/><w:t>x</w:t></w:r>'
           '<w:r><w:sym w:font="Symbol" w:char="F0B3"/><w:t>5</w:t></w:r>'),
    p(runs='<w:r><w:t>Neo hộp</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
           '<w:txbxContent><w:p><w:r><w:t>Chữ trong hộp văn bản</w:t></w:r></w:p></w:txbxContent>'
           '</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
           '<w:p><w:r><w:t>Chữ trong hộp văn bản</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
           '</mc:Fallback></mc:AlternateContent></w:r>'),
    '<w:sdt><w:sdtPr/><w:sdtContent>' + p("Trong điều khiển nội dung") + '</w:sdtContent></w:sdt>',
    "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
    "<w:tr>" + cell(p("TT"), '<w:vMerge w:val="restart"/>') + cell(p("Kết quả"), '<w:gridSpan w:val="2"/>') + "</w:tr>"
    "<w:tr>" + cell(p(""), "<w:vMerge/>") + cell(p("Số hộ")) + cell(p("Tỷ lệ")) + "</w:tr>"
    "<w:tr>" + cell(p(""), "<w:vMerge/>") + cell(p("")) + cell(p("")) + "</w:tr>"
    "<w:tr>" + cell(p("1")) + cell(p("12")) + cell(
        "<w:tbl><w:tr>" + cell(p("lồng")) + cell(p("nhau")) + "</w:tr></w:tbl>" + p("sau")) + "</w:tr>"
    "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>" + cell(p("Cộng"), '<w:gridSpan w:val="2"/>') + "</w:tr>"
    "</w:tbl>",
    p("Kết thúc", num=(1, 0)),                               # 3. (continues abstract 1 after the table)
    '<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:footerReference w:type="default" r:id="rId4"/></w:sectPr>',
])
HEADER = f'<?xml version="1.0"?><w:hdr {NS}>' + p("ỦY BAN NHÂN DÂN XÃ", num=(1, 0)) + "</w:hdr>"
FOOTER = f'<?xml version="1.0"?><w:ftr {NS}>' + p("Trang chân") + "</w:ftr>"


def document_xml(body: str = BODY) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'


def make_docx(path: Path, parts: dict[str, str | bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    files: dict[str, str | bytes] = {
        "[Content_Types].xml": CT, "_rels/.rels": ROOT_RELS, "word/_rels/document.xml.rels": DOC_RELS,
        "word/document.xml": document_xml(), "word/numbering.xml": NUMBERING, "word/styles.xml": STYLES,
        "word/header1.xml": HEADER, "word/footer1.xml": FOOTER,
    }
    files.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            if name not in drop:
                zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Document:
    return parse(make_docx(tmp_path_factory.mktemp("crafted") / "khac.docm"))


def test_crafted_numbering_labels(crafted):
    lines = crafted.text.split("\n")
    body = lines[1:]
    expected = [
        "I. MỤC ĐÍCH", "1. Mục đích chung", "1.1. Chỉ tiêu", "1.2. Chỉ tiêu phụ", "a) thứ nhất", "b) thứ hai",
        "2. Hai", "2.1. Con của hai", "7. Bảy", "• Gạch Symbol", "- Gạch ngang", "• Tròn rỗng", "II. NỘI DUNG",
        "Z. Chữ Z", "AA. Chữ AA", "2.1pháp lý", "III. BA", "BB. Chữ BB không khởi động lại", "Không đánh số",
        "Định nghĩa thiếu",
    ]
    assert body[:len(expected)] == expected
    assert lines[0] == "1. ỦY BAN NHÂN DÂN XÃ"  # header numbering counts apart from the body's
    assert "Kết thúc" in crafted.text and "3. Kết thúc" in lines
    assert crafted.meta.warnings == ["numbering definitions missing: 99"]


def test_crafted_kinds_and_styles(crafted):
    by_text = {crafted.text[b.start:b.end]: b for b in crafted.blocks}
    assert by_text["I. MỤC ĐÍCH"].kind == BlockKind.heading and by_text["I. MỤC ĐÍCH"].style == "Mục La Mã"
    assert by_text["Tiêu đề đậm"].kind == BlockKind.heading and by_text["Tiêu đề đậm"].style == "Heading 2"
    assert by_text["1.1. Chỉ tiêu"].kind == BlockKind.list_item
    assert by_text["Không đánh số"].kind == BlockKind.paragraph


def test_crafted_runs_text_boxes_and_story_order(crafted):
    text = crafted.text
    assert "Còn được thêm 5dòng\nmới\ttab-x≥5" in text
    assert "đã xóa" not in text and "ẩn" not in text and "PAGE" not in text
    assert text.count("Chữ trong hộp văn bản") == 1
    assert text.index("Neo hộp") < text.index("Chữ trong hộp văn bản") < text.index("Trong điều khiển nội dung")
    assert text.startswith("1. ỦY BAN NHÂN DÂN XÃ\n")
    assert text.rstrip("\n").endswith("Trang chân")
    assert text.index("Kết thúc") < text.index("Trang chân")


def test_crafted_table_merges_and_nested(crafted):
    (table,) = crafted.tables
    assert (table.n_rows, table.n_cols) == (4, 3)  # the empty row inside the vertical merge is dropped
    assert table.rows() == [
        ["TT", "Kết quả", "Kết quả"],
        ["TT", "Số hộ", "Tỷ lệ"],
        ["1", "12", "lồng nhau sau"],
        ["", "Cộng", "Cộng"],
    ]
    tt = table.cells[0]
    assert (tt.rowspan, tt.colspan) == (2, 1)


STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
STRICT_RELS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@pytest.mark.parametrize("parts", [
    {name: xml.replace(W_NS, STRICT_W) for name, xml in
     (("word/document.xml", document_xml()), ("word/numbering.xml", NUMBERING), ("word/styles.xml", STYLES))},
    {"_rels/.rels": ROOT_RELS.replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                                      STRICT_RELS)},
], ids=["strict-namespaces", "strict-relationships"])
def test_strict_ooxml_is_unsupported(tmp_path, parts):
    err = raises(UnsupportedFormat, make_docx(tmp_path / "strict.docx", parts))
    assert "Strict Open XML" in str(err)


@pytest.mark.parametrize("content_type", [
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
], ids=["docm", "dotx", "dotm"])
def test_macro_and_template_packages_read_like_docx(tmp_path, content_type):
    path = make_docx(tmp_path / "mau.docx", {"[Content_Types].xml": CT.replace(
        "application/vnd.ms-word.document.macroEnabled.main+xml", content_type)})
    with pytest.raises(ValueError, match="not a Word file"):
        docx.Document(str(path))  # python-docx alone refuses them: the content type is rewritten in memory
    doc = parse(path)
    assert "I. MỤC ĐÍCH" in doc.text.split("\n") and "3. Kết thúc" in doc.text.split("\n")
    assert doc.meta.warnings == ["numbering definitions missing: 99"]


def test_relationships_to_missing_parts_are_dropped(tmp_path):
    dangling = ('<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'attachedTemplate" Target="NULL"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/hyperlink" Target="#_top"/><Relationship Id="rId10" Type="'
                'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/x.emz"/>'
                '</Relationships>')
    rels = DOC_RELS.replace("</Relationships>", dangling)
    path = make_docx(tmp_path / "null.docx", {"word/_rels/document.xml.rels": rels, "word/media/x.emz": b"\0" * 9})
    with pytest.raises(KeyError, match="NULL"):
        docx.Document(str(path))  # python-docx issue #797
    doc = parse(path)
    assert "I. MỤC ĐÍCH" in doc.text.split("\n")
    assert doc.meta.warnings[0] == \
        "word/_rels/document.xml.rels: relationships to missing parts dropped (NULL, #_top, media/x.emz)"


def hf(tag: str, text: str) -> str:
    return f'<?xml version="1.0"?><w:{tag} {NS}>' + p(text) + f"</w:{tag}>"


@pytest.mark.parametrize("even", [False, True], ids=["same-even-odd", "even-and-odd"])
def test_headers_and_footers_a_reader_sees(tmp_path, even):
    rel = ('<Relationship Id="{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" '
           'Target="{}"/>')
    rels = DOC_RELS.replace("</Relationships>", "".join(rel.format(*r) for r in (
        ("rId6", "header", "header2.xml"), ("rId7", "header", "header3.xml"), ("rId8", "footer", "footer2.xml"),
        ("rId9", "header", "header4.xml"), ("rId10", "settings", "settings.xml"))) + "</Relationships>")
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:headerReference w:type="first" r:id="rId6"/>'
            '<w:headerReference w:type="even" r:id="rId7"/><w:footerReference w:type="default" r:id="rId4"/>'
            '<w:footerReference w:type="first" r:id="rId8"/><w:titlePg/></w:sectPr>')
    second = '<w:sectPr><w:headerReference w:type="default" r:id="rId9"/></w:sectPr>'
    body = p("Mục một") + f"<w:p><w:pPr>{sect}</w:pPr></w:p>" + p("Mục hai") + p(
        runs='<w:r><w:t>a</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r><w:r><w:t>b</w:t></w:r>') + second
    settings = f'<w:settings {NS}>' + ("<w:evenAndOddHeaders/>" if even else "") + "</w:settings>"
    path = make_docx(tmp_path / "hf.docx", {
        "word/_rels/document.xml.rels": rels, "word/document.xml": document_xml(body), "word/settings.xml": settings,
        "word/header2.xml": hf("hdr", "Đầu trang đầu"), "word/header3.xml": hf("hdr", "Đầu trang chẵn"),
        "word/footer2.xml": hf("ftr", "Chân trang đầu"), "word/header4.xml": hf("hdr", "Đầu phần hai")})
    lines = parse(path).text.split("\n")
    # Section 1 shows its first-page header (titlePg) and its even-page one only when the document alternates;
    # section 2 has its own default header and inherits the default footer, which is read once.
    assert lines == ["Đầu trang đầu", "1. ỦY BAN NHÂN DÂN XÃ", *(["Đầu trang chẵn"] if even else []),
                     "Đầu phần hai", "Mục một", "Mục hai", "a b", "Chân trang đầu", "Trang chân", ""]


def test_number_formats():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1994)] == ["I", "IV", "IX", "XIV", "XL", "MCMXCIV"]
    assert [letters(n) for n in (1, 26, 27, 53)] == ["a", "z", "aa", "aaa"]
    assert format_number(3, "decimalZero") == "03" and format_number(3, "lowerRoman") == "iii"
    assert format_number(3, "vietnameseCounting") == "3"
    assert [bullet(c, f) for c, f in ((chr(0xF0B7), "Symbol"), (chr(0xF02D), "Symbol"), ("–", None), ("+", None),
                                      (chr(0xF0A7), "Wingdings"), ("", None))] == ["•", "-", "-", "+", "•", ""]


# -- hostile and broken files ----------------------------------------------------------------------

def raises(exc_type, path, limits=None):
    with pytest.raises(exc_type) as info:
        parse(path, limits)
    assert type(info.value) is exc_type
    assert "\n" not in str(info.value) and str(info.value).startswith(str(path))
    return info.value


def test_zip_bomb_member_refused(tmp_path):
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("word/media/image1.png", "w", force_zip64=True) as fh:
            zeros = bytes(1 << 20)
            for _ in range(300):
                fh.write(zeros)
    assert path.stat().st_size < 1_000_000
    err = raises(DecompressionBomb, path)
    assert "word/media/image1.png" in str(err)


def test_total_inflated_size_over_limit(tmp_path):
    noise = random.Random(0).randbytes(2_000_000)  # incompressible: only the total can trip
    path = make_docx(tmp_path / "big.docx", {"word/media/noise.bin": noise})
    raises(DecompressionBomb, path, Limits(max_decompressed=1_000_000))


def test_member_lying_about_its_size_is_not_inflated(tmp_path):
    path = make_docx(tmp_path / "liar.docx", {"word/document.xml": document_xml(p("x" * 4_000_000))})
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    small = struct.pack("<I", 1000)
    data[info.header_offset + 22:info.header_offset + 26] = small  # local header: uncompressed size
    central = next(m.start() for m in re.finditer(rb"PK\x01\x02", bytes(data))
                   if data[m.start() + 46:].startswith(info.filename.encode()))
    data[central + 24:central + 28] = small  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("word/document.xml").file_size == 1000
    raises(CorruptDocument, path)  # inflation stops at the declared size and the CRC check fails


@pytest.mark.parametrize("name", ["word/document.xml", "word/styles.xml", "customXml/item1.xml"])
def test_external_entity_refused(tmp_path, name):
    xxe = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<w:document {NS}><w:body>' + p("&xxe;") + "</w:body></w:document>")
    err = raises(HostileContent, make_docx(tmp_path / "xxe.docx", {name: xxe}))
    assert name in str(err) and "root:" not in str(err)


def test_entity_in_part_typed_xml_by_content_type_refused(tmp_path):
    xxe = ('<?xml version="1.0"?><!DOCTYPE w:hdr [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<w:hdr {NS}>' + p("&xxe;") + "</w:hdr>")
    ct = CT.replace("</Types>", '<Override PartName="/word/header1.dat" ContentType='
                    '"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>')
    path = make_docx(tmp_path / "dat.docx", {"[Content_Types].xml": ct, "word/header1.dat": xxe,
                                            "word/_rels/document.xml.rels": DOC_RELS.replace("header1.xml", "header1.dat")})
    err = raises(HostileContent, path)
    assert "word/header1.dat" in str(err)


def test_billion_laughs_refused(tmp_path):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [{ents}]><w:document {NS}><w:body>{p("&lol9;")}</w:body></w:document>'
    raises(HostileContent, make_docx(tmp_path / "lol.docx", {"word/document.xml": bomb}))


def test_utf16_doctype_refused(tmp_path):
    xml = (f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
           f'<w:document {NS}><w:body>{p("&a;")}</w:body></w:document>').encode("utf-16")
    raises(HostileContent, make_docx(tmp_path / "u16.docx", {"word/document.xml": xml}))


def test_zip_without_document_is_unsupported(tmp_path):
    raises(UnsupportedFormat, make_docx(tmp_path / "x.docx", drop=("word/document.xml",)))


def test_package_without_content_types_is_corrupt(tmp_path):
    err = raises(CorruptDocument, make_docx(tmp_path / "noct.docx", drop=("[Content_Types].xml",)))
    assert "[Content_Types].xml" in str(err)


def test_truncated_docx_is_corrupt(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(good[: len(good) // 2])
    raises(CorruptDocument, path)


def test_damaged_member_is_corrupt(tmp_path):
    path = make_docx(tmp_path / "dmg.docx", {"word/document.xml": document_xml(p("chữ " * 5000))})
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + 100
    data[start:start + 200] = bytes(200)
    path.write_bytes(bytes(data))
    raises(CorruptDocument, path)


def test_malformed_xml_is_corrupt(tmp_path):
    err = raises(CorruptDocument, make_docx(tmp_path / "bad.docx", {"word/document.xml": "<w:document><w:body>"}))
    assert "word/document.xml" in str(err)


# -- OLE: encrypted packages, other Office files, legacy .doc --------------------------------------

def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (v3, 512-byte sectors): FAT in sector 0, directory in 1, streams after."""
    assert len(streams) <= 3
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fatsect, end]
    data_sectors: list[bytes] = []
    entries = []
    for name, body in streams.items():
        n = max(1, -(-len(body) // 512))
        first = 2 + len(data_sectors)
        fat.extend(list(range(first + 1, first + n)) + [end])
        padded = body + bytes(n * 512 - len(body))
        data_sectors.extend(padded[i:i + 512] for i in range(0, len(padded), 512))
        entries.append((name, 2, first, len(body)))

    def entry(name: str, kind: int, start: int, size: int, right: int, child: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", free, right, child)
                + bytes(16 + 4 + 16) + struct.pack("<III", start, size, 0))

    directory = entry("Root Entry", 5, end, 0, free, 1 if entries else free)
    for i, (name, kind, start, size) in enumerate(entries):
        directory += entry(name, kind, start, size, i + 2 if i + 1 < len(entries) else free, free)
    directory = directory.ljust(512, b"\0")
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return bytes(header) + fat_sector + directory + b"".join(data_sectors)


def word_stream(encrypted: bool = False) -> bytes:
    fib = struct.pack("<HH", 0xA5EC, 0x00C1) + bytes(6) + struct.pack("<H", 0x0100 if encrypted else 0)
    return fib.ljust(4096, b"\0")


def test_encrypted_docx_in_ole(tmp_path):
    path = tmp_path / "matkhau.docx"
    path.write_bytes(cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60), "EncryptedPackage": bytes(600)}))
    err = raises(EncryptedDocument, path)
    assert "password" in str(err)


def test_encrypted_legacy_doc(tmp_path):
    path = tmp_path / "cu.doc"
    path.write_bytes(cfb({"WordDocument": word_stream(encrypted=True), "1Table": bytes(512)}))
    raises(EncryptedDocument, path)


def test_excel_ole_is_unsupported(tmp_path):
    path = tmp_path / "bang.doc"
    path.write_bytes(cfb({"Workbook": bytes(5000)}))
    err = raises(UnsupportedFormat, path)
    assert "Excel" in str(err)


def test_truncated_ole_is_corrupt(tmp_path):
    path = tmp_path / "cut.doc"
    path.write_bytes(cfb({"WordDocument": word_stream()})[:700])
    raises(CorruptDocument, path)


def test_legacy_doc_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = tmp_path / "cu.doc"
    path.write_bytes(cfb({"WordDocument": word_stream(), "1Table": bytes(512)}))
    err = raises(MissingDependency, path)
    assert "[doc]" in str(err) and "LibreOffice" in str(err)


CP, SLEEP = shutil.which("cp"), shutil.which("sleep")


def fake_soffice(bin_dir: Path, body: str) -> None:
    """A stand-in for LibreOffice on an otherwise empty PATH (commands it uses are spelled out in full)."""
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text("#!/bin/sh\n" + body.format(cp=CP, sleep=SLEEP))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_legacy_doc_converted_by_soffice(tmp_path, monkeypatch):
    converted = make_docx(tmp_path / "converted.docx")
    fake_soffice(tmp_path / "bin", 'while [ "$1" != "--outdir" ]; do shift; done\n{cp} "%s" "$2/input.docx"\n' % converted)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    path = tmp_path / "cu.doc"
    data = cfb({"WordDocument": word_stream(), "1Table": bytes(512)})
    path.write_bytes(data)
    doc = parse(path)
    assert doc.format == SourceFormat.doc and doc.size == len(data)
    assert "I. MỤC ĐÍCH" in doc.text.split("\n")
    assert doc.meta.warnings[-1] == "converted from .doc by LibreOffice"


def test_legacy_doc_conversion_failure_and_timeout(tmp_path, monkeypatch):
    path = tmp_path / "cu.doc"
    path.write_bytes(cfb({"WordDocument": word_stream(), "1Table": bytes(512)}))
    fake_soffice(tmp_path / "fail", 'echo "Error: source file could not be loaded" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(tmp_path / "fail"))
    err = raises(CorruptDocument, path)
    assert "could not be loaded" in str(err)
    fake_soffice(tmp_path / "slow", "{sleep} 30\n")
    monkeypatch.setenv("PATH", str(tmp_path / "slow"))
    raises(TooLarge, path, Limits(max_seconds=1))
