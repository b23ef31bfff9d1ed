"""The plan database on SQLite and on a real PostgreSQL server (KEHOACH_TEST_PG_URL, set by .ci/postgres.sh).

Plans are built in code in the shape the extractor gives (province plan 3456/KH-UBND of Gia Lai with a
per-district table, a district plan citing it, a commune plan citing the district), so that the store is
tested on its own; the last test ingests the real seed files through kehoach.extract.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, func, inspect, select, text
from typer.testing import CliRunner

import kehoach
from kehoach.pipeline.commands_db import register
from kehoach.pipeline.store import Store, graph, ingest_paths, ingest_plan
from kehoach.pipeline.store.db import DatabaseURLError, make_engine, resolve_url
from kehoach.pipeline.store.graph import parse_unit, symbol_key
from kehoach.pipeline.store.models import (
    AssignmentRow,
    Base,
    BudgetRow,
    DeadlineRow,
    DocumentRow,
    FindingRow,
    LegalRefRow,
    PlanRow,
    ProjectRow,
    TargetRow,
)
from kehoach.schemas.plan import (
    Assignment,
    Budget,
    Deadline,
    Finding,
    Issuer,
    LegalRef,
    PartialDate,
    Period,
    Plan,
    Project,
    Signer,
    Span,
    Target,
)

PG_URL = os.environ.get("KEHOACH_TEST_PG_URL")
SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database: a SQLite file, or a new schema on the PostgreSQL test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_URL:
        pytest.skip("KEHOACH_TEST_PG_URL not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.dispose()


def sp(start: int, end: int, line: int) -> Span:
    return Span(start=start, end=end, line=line)


def province() -> Plan:
    return Plan(
        source="tinh_gia_lai_3456.txt",
        sha256="a" * 64,
        format="txt",
        doc_type="ke_hoach",
        number="3456",
        symbol="KH-UBND",
        issuer=Issuer(name="UBND tỉnh Gia Lai", level="tinh", unit="Gia Lai", unit_type="tỉnh", span=sp(0, 28, 1)),
        issue_date=PartialDate(year=2023, month=12, day=8),
        title="Thực hiện Chương trình MTQG giảm nghèo bền vững năm 2024",
        period=Period(start_year=2024, end_year=2024),
        legal_bases=[
            LegalRef(
                type="quyet_dinh",
                number="90/QĐ-TTg",
                date="2022-01-18",
                issuer="Thủ tướng Chính phủ",
                in_preamble=True,
                span=sp(200, 240, 9),
            )
        ],
        targets=[
            Target(
                indicator="mức giảm tỷ lệ hộ nghèo",
                value=2.0,
                unit="%",
                year=2024,
                scope="tỉnh Gia Lai",
                direction="reduce_by",
                span=sp(300, 302, 12),
            ),
            Target(
                indicator="mức giảm tỷ lệ hộ nghèo",
                value=2.68,
                unit="%",
                year=2024,
                scope="Huyện Kbang",
                direction="reduce_by",
                table=0,
                span=sp(400, 404, 20),
            ),
        ],
        evidence={"number": sp(33, 45, 2)},
    )


def district(**changes) -> Plan:
    plan = Plan(
        source="huyen_kbang_120.txt",
        sha256="b" * 64,
        format="txt",
        doc_type="ke_hoach",
        number="120",
        symbol="KH-UBND",
        issuer=Issuer(name="UBND huyện Kbang", level="huyen", unit="Kbang", unit_type="huyện", province="Gia Lai"),
        issue_date=PartialDate(year=2024, month=1, day=15),
        period=Period(start_year=2024, end_year=2024),
        legal_bases=[
            LegalRef(
                type="ke_hoach",
                number="3456/KH - UBND",
                date="2023-12-08",
                issuer="UBND tỉnh Gia Lai",
                in_preamble=True,
                span=sp(90, 150, 5),
            )
        ],
        references=[
            LegalRef(
                type="quyet_dinh",
                number="90/QĐ-TTg",
                date="2022-01-18",
                issuer="Thủ tướng Chính phủ",
                span=sp(500, 540, 30),
                mentions=[sp(500, 540, 30), sp(900, 911, 50)],
            )
        ],
        targets=[
            Target(
                indicator="mức giảm tỷ lệ hộ nghèo",
                value=2.68,
                unit="%",
                year=2024,
                direction="reduce_by",
                span=sp(200, 205, 8),
            )
        ],
        projects=[
            Project(
                programme="giam_ngheo_2021_2025",
                project=3,
                subproject=2,
                name="Cải thiện dinh dưỡng",
                budget_vnd=1_250_000_000,
                lead="Trung tâm Y tế huyện",
                span=sp(600, 640, 35),
            )
        ],
        assignments=[
            Assignment(
                body="Phòng Lao động - Thương binh và Xã hội",
                role="chu_tri",
                tasks="Tham mưu UBND huyện",
                span=sp(700, 740, 40),
            )
        ],
        budgets=[
            Budget(
                amount_vnd=3_500_000_000,
                in_words="Ba tỷ năm trăm triệu đồng",
                in_words_vnd=3_500_000_000,
                purpose="Dự án 4",
                span=sp(750, 790, 42),
            )
        ],
        deadlines=[
            Deadline(
                date=PartialDate(month=12, day=15),
                recurring="yearly",
                what="báo cáo kết quả",
                who="UBND các xã, thị trấn",
                span=sp(800, 830, 45),
            )
        ],
        signer=Signer(name="Nguyễn Văn A", position="Chủ tịch", authority="TM. ỦY BAN NHÂN DÂN; CHỦ TỊCH"),
        findings=[
            Finding(
                code="citation_date_conflict",
                severity="warning",
                message="Hai ngày khác nhau",
                evidence=[sp(90, 150, 5)],
            )
        ],
    )
    return plan.model_copy(update=changes)


def commune(number="120/KH-UBND", date="2024-01-15", issuer="UBND huyện Kbang", **changes) -> Plan:
    plan = Plan(
        source="xa_dak_rong.txt",
        sha256="c" * 64,
        format="txt",
        doc_type="ke_hoach",
        number=None,
        symbol="KH-UBND",
        issuer=Issuer(
            name="UBND xã Đak Rong",
            level="xa",
            unit="Đak Rong",
            unit_type="xã",
            parent="huyện Kbang",
            province="Gia Lai",
        ),
        issue_date=PartialDate(year=2024),
        period=Period(start_year=2024, end_year=2024),
        legal_bases=[
            LegalRef(type="ke_hoach", number=number, date=date, issuer=issuer, in_preamble=True, span=sp(60, 120, 4))
        ],
    )
    return plan.model_copy(update=changes)


def snapshot(session) -> dict:
    """Every stored value except the times a file was last seen and the runs log."""
    out = {}
    for model in (PlanRow, LegalRefRow, TargetRow, ProjectRow, AssignmentRow, BudgetRow, DeadlineRow, FindingRow):
        cols = [c for c in model.__table__.c if c.name != "created"]
        out[model.__tablename__] = sorted(
            json.dumps(list(row), default=str, sort_keys=True) for row in session.execute(select(*cols))
        )
    cols = [c for c in DocumentRow.__table__.c if c.name != "last_seen"]
    out["documents"] = sorted(json.dumps(list(r), default=str) for r in session.execute(select(*cols)))
    return out


# --- schema -----------------------------------------------------------------------------------------------


def test_migrations_create_the_models_schema_and_views(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
        names = set(inspect(conn).get_view_names())
    assert {"v_citations", "v_unresolved", "v_implements"} <= names
    Store(store.url).dispose()  # opening again finds the schema current and changes nothing


def test_migrations_ship_inside_the_package():
    from importlib.resources import files

    from kehoach.pipeline.store.db import head_revision

    versions = files("kehoach.pipeline.store") / "migrations" / "versions"
    assert (versions / "0001_initial.py").is_file()
    assert (files("kehoach.pipeline.store") / "migrations" / "env.py").is_file()
    assert head_revision() == "0001"


# --- ingest -----------------------------------------------------------------------------------------------


def test_plan_becomes_rows_with_spans_and_json(store):
    plan = district()
    with store.session() as s:
        result = ingest_plan(s, plan, text="x" * 1000)
        assert (result.status, result.version) == ("new", 1)
        row = s.get(PlanRow, result.plan_id)
        assert (row.number, row.symbol, row.symbol_key, row.level, row.unit_key, row.province_key) == (
            "120",
            "KH-UBND",
            "120/kh/ubnd",
            "huyen",
            "kbang",
            "gia lai",
        )
        assert (row.issue_date, row.period_start, row.period_end, row.signer_name) == (
            "2024-01-15",
            2024,
            2024,
            "Nguyễn Văn A",
        )
        assert Plan.model_validate(row.json) == plan
        refs = s.execute(select(LegalRefRow).order_by(LegalRefRow.ord)).scalars().all()
        assert [(r.number, r.number_key, r.in_preamble) for r in refs] == [
            ("3456/KH - UBND", "3456/kh/ubnd", True),
            ("90/QĐ-TTg", "90/qđ/ttg", False),
        ]
        assert refs[1].mentions[1] == {"start": 900, "end": 911, "line": 50, "page": None, "text": None}
        project = s.execute(select(ProjectRow)).scalar_one()
        assert (project.project, project.subproject, project.budget_vnd, project.span_start, project.span_line) == (
            3,
            2,
            1_250_000_000,
            600,
            35,
        )
        budget = s.execute(select(BudgetRow)).scalar_one()
        assert (budget.amount_vnd, budget.in_words_vnd) == (3_500_000_000, 3_500_000_000)
        deadline = s.execute(select(DeadlineRow)).scalar_one()
        assert (deadline.year, deadline.month, deadline.day, deadline.recurring) == (None, 12, 15, "yearly")
        finding = s.execute(select(FindingRow)).scalar_one()
        assert (finding.origin, finding.code, finding.evidence) == (
            "internal",
            "citation_date_conflict",
            [{"start": 90, "end": 150, "line": 5, "page": None, "text": None}],
        )
        doc = s.get(DocumentRow, row.document_id)
        assert (doc.sha256, doc.outcome, doc.format, len(doc.text)) == ("b" * 64, "ok", "txt", 1000)


def test_same_content_twice_changes_nothing(store):
    with store.session() as s:
        ingest_plan(s, province())
        ingest_plan(s, district())
        before = snapshot(s)
        again = ingest_plan(s, district())
        assert (again.status, again.plan_id) == ("unchanged", None)
        assert snapshot(s) == before


def test_changed_file_becomes_a_new_version_and_the_old_stays(store):
    with store.session() as s:
        ingest_plan(s, province())
        old = ingest_plan(s, district())
        ingest_plan(s, commune())
        new = ingest_plan(s, district(sha256="d" * 64, title="Kế hoạch (sửa đổi)"))
        assert (new.status, new.version) == ("version", 2)
        rows = s.execute(
            select(PlanRow.id, PlanRow.version, PlanRow.is_current, PlanRow.title)
            .where(PlanRow.source == "huyen_kbang_120.txt")
            .order_by(PlanRow.version)
        ).all()
        assert rows == [(old.plan_id, 1, False, None), (new.plan_id, 2, True, "Kế hoạch (sửa đổi)")]
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 4
        # The commune's citation moves to the current version; the old version keeps its own rows.
        ref = s.execute(
            select(LegalRefRow).join(PlanRow, PlanRow.id == LegalRefRow.plan_id).where(PlanRow.unit == "Đak Rong")
        ).scalar_one()
        assert ref.resolved_plan_id == new.plan_id
        assert s.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.plan_id == old.plan_id)) == 1
        assert [e.citing.unit for e in graph.implementing(s, old.plan_id)] == ["Đak Rong"]


def test_draft_without_number_is_versioned_by_path(store):
    with store.session() as s:
        first = ingest_plan(s, commune())
        second = ingest_plan(s, commune(sha256="e" * 64, number="15"))
        assert (first.version, second.version) == (1, 2)
        keys = s.execute(select(PlanRow.plan_key).order_by(PlanRow.id)).scalars().all()
        assert keys == ["path:xa_dak_rong.txt"] * 2


HOSTILE = '\'; DROP TABLE plans; -- "quoted" \\ back\\slash %s %(x)s ?'


def test_hostile_text_round_trips_intact(store):
    plan = district(
        title=HOSTILE,
        targets=[Target(indicator=HOSTILE, value=1.0, unit="%' OR '1'='1", scope="xã O'Reilly")],
        references=[LegalRef(number="1/KH-UBND'; DELETE FROM legal_refs; --", issuer=HOSTILE)],
    )
    with store.session() as s:
        result = ingest_plan(s, plan, text=HOSTILE)
        row = s.get(PlanRow, result.plan_id)
        assert row.title == HOSTILE and row.json["title"] == HOSTILE
        target = s.execute(select(TargetRow)).scalar_one()
        assert (target.indicator, target.unit, target.scope) == (HOSTILE, "%' OR '1'='1", "xã O'Reilly")
        assert s.get(DocumentRow, row.document_id).text == HOSTILE
        edges = graph.citing(s, "1/KH-UBND'; DELETE FROM legal_refs; --")
        assert [e.issuer for e in edges] == [HOSTILE]
        assert s.scalar(select(func.count()).select_from(LegalRefRow)) == 2
    assert {"plans", "legal_refs"} <= set(inspect(store.engine).get_table_names())


# --- resolution and queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "date", "issuer", "resolution", "confidence"),
    [
        ("120/KH-UBND", "2024-01-15", "UBND huyện Kbang", "exact_number_date", 1.0),
        ("120/KH – UBND", "2024-01-15", "Ủy ban nhân dân huyện", "exact_number_date", 1.0),  # the district above
        ("120/KH-UBND", "2024-01-20", "UBND huyện Kbang", "number_only", 0.8),
        ("120/KH-UBND", None, None, "number_only", 0.6),
        ("121/KH-UBND", "2024-01-15", "UBND huyện Kbang", "unit_level_year", 0.7),
        ("120/KH-UBND", "2024-01-15", "UBND huyện Mang Yang", "unresolved", 0.0),
        ("91/KH-UBND", "2023-04-20", "UBND huyện Kbang", "unresolved", 0.0),
    ],
)
def test_reference_resolution(store, number, date, issuer, resolution, confidence):
    with store.session() as s:
        ingest_plan(s, province())
        dist = ingest_plan(s, district())
        ingest_plan(s, commune(number, date, issuer))
        ref = s.execute(
            select(LegalRefRow).join(PlanRow, PlanRow.id == LegalRefRow.plan_id).where(PlanRow.unit == "Đak Rong")
        ).scalar_one()
        assert (ref.resolution, ref.confidence) == (resolution, confidence)
        assert ref.resolved_plan_id == (dist.plan_id if resolution != "unresolved" else None)


def test_reference_waiting_for_a_plan_resolves_when_it_arrives(store):
    with store.session() as s:
        ingest_plan(s, commune())
        assert [e.number for e in graph.unresolved(s)] == ["120/KH-UBND"]
        dist = ingest_plan(s, district())
        assert [e.cited.id for e in graph.citing(s, "120/KH-UBND")] == [dist.plan_id]
        assert [e.number for e in graph.unresolved(s)] == ["3456/KH - UBND", "90/QĐ-TTg"]  # province not in yet


def test_queries_and_sql_views_agree(store):
    with store.session() as s:
        prov = ingest_plan(s, province())
        dist = ingest_plan(s, district())
        ingest_plan(s, commune())
        citing = graph.citing(s, "3456/KH-UBND")
        assert [(e.citing.unit, e.cited.id, e.resolution) for e in citing] == [
            ("Kbang", prov.plan_id, "exact_number_date")
        ]
        assert [e.citing.unit for e in graph.citing(s, "90/QĐ - TTg")] == ["Gia Lai", "Kbang"]
        assert [e.citing.unit for e in graph.implementing(s, dist.plan_id)] == ["Đak Rong"]
        assert [e.citing.unit for e in graph.implementing(s, prov.plan_id)] == ["Kbang"]
        missing = sorted((e.citing.unit, e.number) for e in graph.unresolved(s))
        assert missing == [("Gia Lai", "90/QĐ-TTg"), ("Kbang", "90/QĐ-TTg")]
        assert [e.citing.unit for e in graph.unresolved(s, "ke_hoach")] == []

        sql = s.execute(
            text("SELECT citing_unit, cited_number FROM v_unresolved ORDER BY citing_unit, cited_number")
        ).all()
        assert [tuple(r) for r in sql] == missing
        sql = s.execute(text("SELECT citing_unit, resolved_unit, resolution FROM v_implements")).all()
        assert sorted(tuple(r) for r in sql) == [
            ("Kbang", "Gia Lai", "exact_number_date"),
            ("Đak Rong", "Kbang", "exact_number_date"),
        ]
        assert s.scalar(text("SELECT count(*) FROM v_citations")) == 4
        assert [p.id for p in graph.find_plans(s, "huyen_kbang_120.txt")] == [dist.plan_id]
        assert [p.id for p in graph.find_plans(s, str(dist.plan_id))] == [dist.plan_id]
        assert [p.unit for p in graph.plans_of_unit(s, "Huyện Kbang")] == ["Kbang"]


def test_crosscheck_findings_stored(store):
    from kehoach.pipeline.checks.crosslevel import crosscheck

    with store.session() as s:
        ingest_plan(s, province(), text="T" * 1000)
        ingest_plan(
            s,
            district(
                targets=[
                    Target(
                        indicator="tỷ lệ hộ nghèo giảm",
                        value=1.5,
                        unit="%",
                        year=2024,
                        direction="reduce_by",
                        span=sp(200, 205, 8),
                    )
                ]
            ),
            text="H" * 1000,
        )
        report = crosscheck(s, units_under=None, catalogue=None)
        assert [cf.finding.code for cf in report.findings] == ["target_less_demanding"]
        row = s.execute(select(FindingRow).where(FindingRow.origin == "crosslevel")).scalar_one()
        assert row.evidence == [{"start": 200, "end": 205, "line": 8, "page": None, "text": "HHHHH"}]
        assert row.related == [{"start": 400, "end": 404, "line": 20, "page": None, "text": "TTTT"}]
        assert (row.related_source, row.data["assigned"], row.data["actual"]) == (
            "tinh_gia_lai_3456.txt",
            [2.68],
            [1.5],
        )


def test_dot_export(tmp_path):
    store = Store(tmp_path / "g.db")
    with store.session() as s:
        ingest_plan(s, province())
        ingest_plan(s, district(title='Kế hoạch "giảm nghèo"'))
        dot = graph.to_dot(graph.citations(s))
    store.dispose()
    assert dot.startswith("digraph citations {") and dot.rstrip().endswith("}")
    assert 'plan2 -> plan1 [label="exact_number_date 1.00", style=solid];' in dot
    assert dot.count("  doc_90_qđ_ttg [label=") == 1 and dot.count("-> doc_90_qđ_ttg [style=dotted]") == 2
    assert 'label="UBND huyện Kbang 120/KH-UBND (2024-01-15)"' in dot


# --- keys and URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("91/KH – UBND", "91/kh/ubnd"),
        ("Số: 91/KH-UBND", "91/kh/ubnd"),
        ("47- KH/TU", "47/kh/tu"),
        ("24/2021/NQ-QH15", "24/2021/nq/qh15"),
        ("90/QĐ-TTg", "90/qđ/ttg"),
        ("", None),
    ],
)
def test_symbol_keys(written, key):
    assert symbol_key(written) == key


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("UBND huyện Cẩm Thủy", ("ubnd", "huyện", "cẩm thủy", "huyen")),
        ("Ủy ban nhân dân tỉnh", ("ubnd", "tỉnh", None, "tinh")),
        ("Uỷ ban nhân dân thị xã Việt Yên", ("ubnd", "thị xã", "việt yên", "huyen")),
        ("UBND TP. Vĩnh Yên", ("ubnd", "tp", "vĩnh yên", None)),
        ("HĐND tỉnh Gia Lai", ("hđnd", "tỉnh", "gia lai", "tinh")),
        ("Tỉnh ủy Gia Lai", ("tỉnh ủy", None, "gia lai", "tinh")),
        ("Chủ tịch UBND xã Tân Lợi", ("ubnd", "xã", "tân lợi", "xa")),
        ("Thủ tướng Chính phủ", ("thủ tướng chính phủ", None, None, None)),
        ("UBND huyện Kbang về việc thực hiện", ("ubnd", "huyện", "kbang", "huyen")),
    ],
)
def test_issuers_are_split_into_body_type_unit_and_level(written, parts):
    # Unit types and bodies come from corpus/reference (admin_units/unit_types.yaml, patterns/issuers.jsonl).
    unit = parse_unit(written)
    assert (unit.body, unit.type, unit.name, unit.level) == parts


def test_database_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEHOACH_DB", raising=False)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'kehoach.db'}"
    monkeypatch.setenv("KEHOACH_DB", "plans.sqlite")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'plans.sqlite'}"
    assert resolve_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(DatabaseURLError, match="not a database URL"):
        make_engine("nosuchdialect://x")


# --- files and the CLI ------------------------------------------------------------------------------------


def fake_extract(doc, with_findings=True):
    """Stands in for the extractor so that file handling is tested alone: number and unit from the header."""
    import re

    number = re.search(r"Số: (\d+)/(\S+)", doc.text)
    unit = re.search(r"UBND xã (.+)", doc.text).group(1).strip()
    return Plan(
        source=doc.source,
        sha256=doc.sha256,
        format=doc.format.value,
        doc_type="ke_hoach",
        number=number.group(1),
        symbol=number.group(2),
        issuer=Issuer(name=f"UBND xã {unit}", level="xa", unit=unit, parent="huyện Kbang"),
        issue_date=PartialDate(year=2024),
        period=Period(start_year=2024, end_year=2024),
    )


def test_cli_ingest_folder_unchanged_failed_and_new_version(tmp_path, monkeypatch):
    monkeypatch.setattr(kehoach, "extract", fake_extract)
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_text("UBND xã Đak Rong\nSố: 15/KH-UBND\nKẾ HOẠCH giảm nghèo năm 2024\n", encoding="utf-8")
    (folder / "b.txt").write_text("UBND xã Sơn Lang\nSố: 16/KH-UBND\nKẾ HOẠCH giảm nghèo năm 2024\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.json").write_text("{}", encoding="utf-8")  # not a plan format: left out of folders
    db = tmp_path / "cli.db"
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    first = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--json"])
    assert first.exit_code == 2, first.output  # the empty file fails, after the others are in
    assert first.stderr.strip() == f"error[empty]: {(folder / 'empty.txt').resolve()}: file is empty"
    files = {Path(f["path"]).name: f for f in json.loads(first.stdout)["files"]}
    assert {name: f["status"] for name, f in files.items()} == {"a.txt": "new", "b.txt": "new", "empty.txt": "empty"}
    assert files["empty.txt"]["error"].endswith("empty.txt: file is empty")

    again = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["counts"] == {"unchanged": 3}

    (folder / "a.txt").write_text(
        "UBND xã Đak Rong\nSố: 17/KH-UBND\nKẾ HOẠCH giảm nghèo năm 2024 (sửa)\n", encoding="utf-8"
    )
    changed = runner.invoke(app, ["ingest", str(folder / "a.txt"), "--db", str(db)])
    assert changed.exit_code == 0 and changed.stdout.split()[:2] == ["version", "v2"]

    table = runner.invoke(app, ["graph", "--db", str(db)])
    assert table.exit_code == 0 and "0 citations" in table.stderr
    dot = runner.invoke(app, ["graph", "--db", str(db), "--format", "dot"])
    assert dot.stdout.startswith("digraph citations {")
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--db", str(db)])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_cli_graph_queries(tmp_path):
    db = tmp_path / "g.db"
    store = Store(db)
    with store.session() as s:
        ingest_plan(s, province())
        ingest_plan(s, district())
        ingest_plan(s, commune())
    store.dispose()
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    cites = runner.invoke(app, ["graph", "--db", str(db), "--cites", "3456/KH-UBND", "--format", "json"])
    assert [(e["citing"]["unit"], e["cited"]["number"]) for e in json.loads(cites.stdout)] == [("Kbang", "3456")]
    lower = runner.invoke(app, ["graph", "--db", str(db), "--implements", "120/KH-UBND", "--format", "json"])
    assert [e["citing"]["unit"] for e in json.loads(lower.stdout)] == ["Đak Rong"]
    unresolved = runner.invoke(app, ["graph", "--db", str(db), "--unresolved"])
    assert unresolved.stdout.count("90/QĐ-TTg") == 2 and "2 citations" in unresolved.stderr
    bad = runner.invoke(app, ["graph", "--db", str(db), "--format", "svg"])
    assert bad.exit_code == 2


def test_seed_corpus_ingests_through_the_extractor(tmp_path):
    """The five real seeds through kehoach.read + kehoach.extract (needs the extractor)."""
    store = Store(tmp_path / "seeds.db")
    with store.session() as s:
        report = ingest_paths(s, [SEEDS])
        assert report.counts() == {"new": 5}
        province_plan = s.execute(
            select(PlanRow).where(PlanRow.source.endswith("004_10eda197f87e4d1b.txt"))
        ).scalar_one()
        assert (province_plan.number, province_plan.symbol, province_plan.level, province_plan.unit) == (
            "3456",
            "KH-UBND",
            "tinh",
            "Gia Lai",
        )
        assert province_plan.issue_date == "2023-12-08"
        cited = {e.number for e in graph.unresolved(s)}
        assert {"90/QĐ-TTg", "424/UBND-VX", "91/KH-UBND", "67/KH-UBND", "109/KH-UBND"} <= cited
        assert len(s.get(DocumentRow, province_plan.document_id).text) > 10_000
        assert ingest_paths(s, [SEEDS]).counts() == {"unchanged": 5}
    store.dispose()
