"""The HTML audit report: the evidence of real findings quoted (seed 000's blank "Số: /KH-UBND", the Kon Tum
chain's cross-level deviations with the higher plan's words beside them), failed files listed, and every
piece of document text escaped, however hostile.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select
from typer.testing import CliRunner

from kehoach.pipeline.checks.crosslevel import crosscheck
from kehoach.pipeline.cli import app
from kehoach.pipeline.report import ReportSelectionError, build_report, render_report, write_report
from kehoach.pipeline.store import DocumentMeta, Store, ingest_items, ingest_paths, ingest_plan
from kehoach.pipeline.store.models import FindingRow
from kehoach.schemas.plan import Finding, Issuer, PartialDate, Plan, Span

from conftest import ROOT, seed

CHAIN = ROOT / "corpus" / "synthetic" / "chains" / "kontum_giamngheo_2024"

HOSTILE_TEXT = (
    'UBND xã "Tân Hòa" <script>alert(1)</script>\n'
    "Số: 12/KH-UBND\n"
    "Tổng cộng <img src=x onerror=alert(2)> 7.449 hộ & 'khác'\n"
)
EVIL = "<img src=x onerror=alert(2)>"


def _hostile_plan() -> Plan:
    start = HOSTILE_TEXT.index(EVIL)
    return Plan(
        source="/nộp/evil<script>alert(4)</script>.txt", sha256="e" * 64, format="txt", doc_type="ke_hoach",
        number="12", symbol="KH-UBND",
        issuer=Issuer(name='UBND xã "Tân Hòa" <b>', level="xa", unit="Tân Hòa", unit_type="xã"),
        issue_date=PartialDate(year=2024, month=3, day=1),
        title='<script>alert(1)</script> "Kế hoạch" & \'thử\'',
        findings=[Finding(
            code="sum_mismatch", severity="error", message='Tổng "7.449" khác <script>alert(3)</script>',
            message_en="Total differs </p><script>alert(5)</script>",
            evidence=[Span(start=start, end=start + len(EVIL), line=3, text=EVIL)],
        )],
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    """Seed 000 (a draft), the Kon Tum chain with its cross-level findings, a hostile plan and a failed file."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('report') / 'plans.db'}")
    with s.session() as session:
        ingest_paths(session, [seed("000"), CHAIN])
        ingest_plan(session, _hostile_plan(), text=HOSTILE_TEXT)
        ingest_items(session, [(None, DocumentMeta(
            path="/nộp/hỏng <b>\"x\"</b>.pdf", sha256="f" * 64, size=1234, outcome="corrupt",
            error="damaged PDF <script>alert(6)</script>"))])
        crosscheck(session)
    yield s
    s.dispose()


@pytest.fixture(scope="module")
def html(store: Store, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    assert write_report(store, out) == 11  # seed 000, the nine chain plans, the hostile plan
    return out.read_text(encoding="utf-8")


def test_document_text_is_escaped_everywhere(html: str) -> None:
    for n in range(1, 7):
        assert f"<script>alert({n})" not in html
    assert "<img" not in html and '"Tân Hòa" <b>' not in html and '<b>"x"</b>' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;Kế hoạch&#34; &amp; &#39;thử&#39;" in html  # the title
    assert "<mark>&lt;img src=x onerror=alert(2)&gt;</mark>" in html  # the evidence, highlighted in its line
    assert "UBND xã &#34;Tân Hòa&#34; &lt;b&gt;" in html
    assert "damaged PDF &lt;script&gt;alert(6)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # the page's own filter, nothing else


def test_page_is_self_contained_and_allows_only_its_own_script(html: str) -> None:
    assert all(v.startswith("#") for v in re.findall(r'(?:href|src)="([^"]*)"', html))
    assert "<link" not in html and "@import" not in html and "url(" not in html
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_internal_finding_quotes_its_evidence_with_line(html: str) -> None:
    section = html[html.index("UBND xã Tân Lợi </h2>".replace(" </h2>", " <small>")):]
    section = section[:section.index("</section>")]
    assert "<code>draft_blank_number</code>" in section
    assert "<mark>Số: /KH-UBND</mark>" in section and "dòng 3" in section
    assert "<dd>…/…/2024</dd>" in section  # the draft's blank day and month


def test_cross_level_findings_show_both_sides(store: Store, html: str) -> None:
    with store.session() as s:
        rows = s.execute(select(FindingRow).where(FindingRow.origin == "crosslevel",
                                                  FindingRow.code != "missing_submission")).scalars().all()
    assert rows, "the Kon Tum chain has planted cross-level deviations"
    for f in rows:
        assert f"<code>{f.code}</code>" in html
        for span in f.evidence + f.related:
            assert f"<mark>{escape(span['text'])}</mark>" in html
    # The planted wrong date: xã Tân Lập cites 38/KH-UBND of 25/01/2024; Kon Rẫy issued it on 22/01/2024.
    tan_lap = html[html.index("UBND xã Tân Lập <small>"):]
    tan_lap = tan_lap[:tan_lap.index("</section>")]
    assert "38/KH-UBND ngày 25/01/2024" in tan_lap and "<mark>ngày 22 tháng 01 năm 2024</mark>" in tan_lap
    assert "Kế hoạch cấp trên:" in tan_lap and "38/KH-UBND — UBND huyện Kon Rẫy" in tan_lap


def test_citation_graph_and_failed_files(html: str) -> None:
    kon_ray = html[html.index("UBND huyện Kon Rẫy <small>"):]
    kon_ray = kon_ray[:kon_ray.index("</section>")]
    assert "4125/KH-UBND — UBND tỉnh Kon Tum" in kon_ray  # the province plan it implements
    assert "Được thực hiện bởi" in kon_ray and "UBND xã Đăk Ruồng" in kon_ray
    assert "Văn bản được viện dẫn nhưng không có trong cơ sở dữ liệu" in html
    failed = html[html.index('id="failed"'):]
    assert "/nộp/hỏng &lt;b&gt;&#34;x&#34;&lt;/b&gt;.pdf" in failed and "<code>corrupt</code>" in failed


def test_selection_by_unit_and_errors(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "tan_loi.html"
    assert write_report(store, out, unit="xã Tân Lợi") == 1
    page = out.read_text(encoding="utf-8")
    assert "Số: /KH-UBND" in page and "Kon Rẫy <small>" not in page and 'id="failed"' not in page
    with pytest.raises(ReportSelectionError, match="no plan in the database"):
        write_report(store, out, unit="xã Không Có")
    with store.session() as s:
        view = build_report(s)
    assert render_report(view).count('<section class="plan') == 11


def test_cli_report(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "--db", store.url, "--out", str(out), "--plan", "4125/KH-UBND"])
    assert result.exit_code == 0, result.output
    assert "UBND tỉnh Kon Tum" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["report", "--db", store.url, "--out", str(out), "--unit", "xã Không Có"])
    assert bad.exit_code == 2 and "no plan in the database" in bad.stderr
