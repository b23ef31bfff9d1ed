"""Export of the plan database: XLSX with one sheet per table and real rows (seed 004, Kế hoạch 3456/KH-UBND
of UBND tỉnh Gia Lai), CSV and Parquet files, text from documents kept as text (never a formula), and a
clear one-line error when Parquet's package is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kehoach.parsers.errors import MissingDependency
from kehoach.pipeline.cli import app
from kehoach.pipeline.export import TABLES, export_tables, read_tables
from kehoach.pipeline.store import Store, ingest_paths, ingest_plan
from kehoach.schemas.plan import Issuer, Plan, Target

from conftest import SEEDS

FORMULA = '=HYPERLINK("http://example.invalid/x","bấm vào đây")'


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    """The five seeds through the extractor, and a plan whose text looks like spreadsheet formulas."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('export') / 'plans.db'}")
    with s.session() as session:
        ingest_paths(session, SEEDS)
        ingest_plan(session, Plan(
            source="formula.txt", sha256="c" * 64, number="7", symbol="KH-UBND", title=FORMULA,
            issuer=Issuer(name="UBND xã Thử\x07", level="xa", unit="Thử"),
            targets=[Target(indicator="+SUM(A1:A9)", value=1.5, unit="%", year=2024)],
        ))
    yield s
    s.dispose()


def test_xlsx_has_every_table_with_real_rows(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "plans.xlsx"
    counts = export_tables(store, "xlsx", out)
    sheets = pd.read_excel(out, sheet_name=None, dtype=str)
    assert list(sheets) == list(TABLES) == ["plans", "legal_refs", "targets", "projects", "assignments", "budgets",
                                            "deadlines", "findings"]
    assert {name: len(df) for name, df in sheets.items()} == counts

    plans = sheets["plans"].set_index("number")
    assert plans.loc["3456", "symbol"] == "KH-UBND"
    assert plans.loc["3456", "unit"] == "Gia Lai" and plans.loc["3456", "level"] == "tinh"
    assert plans.loc["3456", "issue_date"] == "2023-12-08"
    assert "json" not in plans.columns and len(plans) == 6

    for table in ("legal_refs", "targets", "assignments"):
        rows = sheets[table][sheets[table]["plan_number"] == "3456"]
        assert len(rows) > 0, f"seed 004 has {table}"
    refs = sheets["legal_refs"]
    assert "90/QĐ-TTg" in set(refs.loc[refs["plan_number"] == "3456", "number"])

    findings = sheets["findings"]
    draft = findings[(findings["code"] == "draft_blank_number") & findings["plan_source"].str.startswith(str(SEEDS[0]))]
    assert draft["evidence_text"].tolist() == ["Số: /KH-UBND"] and draft["span_line"].tolist() == ["3"]


def test_xlsx_keeps_document_text_as_text(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "plans.xlsx"
    export_tables(store, "xlsx", out)
    wb = load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    title = next(c for c in cells if c.value == FORMULA)
    assert title.data_type == "s"
    assert next(c for c in cells if c.value == "+SUM(A1:A9)").data_type == "s"
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == "UBND xã Thử" for c in cells)  # the control character dropped, not the cell
    assert wb["plans"].freeze_panes == "A2"


def test_csv_one_file_per_table(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    counts = export_tables(store, "csv", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    targets = pd.read_csv(out / "targets.csv", encoding="utf-8-sig", dtype={"plan_number": str})
    assert len(targets) == counts["targets"] and list(targets.columns[:4]) == ["id", "plan_id", "ord", "kind"]
    gia_lai = targets[targets["plan_number"] == "3456"]
    assert len(gia_lai) > 0 and (gia_lai["plan_issuer"] == "UBND tỉnh Gia Lai").all()
    assert FORMULA in pd.read_csv(out / "plans.csv", encoding="utf-8-sig")["title"].tolist()


def test_parquet_round_trip(store: Store, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="Parquet export is optional: pyarrow is not installed here")
    out = tmp_path / "pq"
    export_tables(store, "parquet", out)
    plans = pd.read_parquet(out / "plans.parquet")
    assert "3456" in set(plans["number"].dropna())
    frames = read_tables(store)
    assert len(pd.read_parquet(out / "findings.parquet")) == len(frames["findings"])


def test_parquet_without_pyarrow_is_a_one_line_error(store: Store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(MissingDependency, match="Parquet export needs pyarrow: pip install pyarrow"):
        export_tables(store, "parquet", tmp_path / "pq")
    assert not (tmp_path / "pq").exists()
    args = ["export", "--db", store.url, "--format", "parquet", "--out", str(tmp_path / "pq")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: Parquet export needs pyarrow: pip install pyarrow"


def test_cli_export(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(app, ["export", "--db", store.url, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "plans: 6 rows" in result.stderr and out.exists()
    assert not list(tmp_path.glob(".*.tmp"))
    bad = CliRunner().invoke(app, ["export", "--db", store.url, "--format", "ods", "--out", str(out)])
    assert bad.exit_code == 2 and "--format must be one of xlsx, csv, parquet" in bad.stderr
