"""The plan database as analysts' tables: XLSX (one sheet each), CSV or Parquet (one file each).

Tables: plans, legal_refs, targets, projects, assignments, budgets, deadlines, findings, read with pandas
from the store (current plan versions unless asked for all). Each child table repeats the plan's number
and issuer so a sheet reads on its own; JSON columns (dates seen, mentions, finding data) become JSON text,
and findings carry their evidence as text.

Text from documents is untrusted: in XLSX every string is written as a string cell, so "=HYPERLINK(…)" in a
plan stays text and never becomes a formula; characters XML cannot hold are dropped and cells are cut at
Excel's 32,767-character limit. Files are written to a temporary name and renamed, so a reader never sees
half a file.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from kehoach.parsers.errors import MissingDependency
from kehoach.pipeline.store.db import Store
from kehoach.pipeline.store.models import (
    AssignmentRow,
    BudgetRow,
    DeadlineRow,
    DocumentRow,
    FindingRow,
    LegalRefRow,
    PlanRow,
    ProjectRow,
    TargetRow,
)

FORMATS = ("xlsx", "csv", "parquet")
XLSX_CELL_LIMIT = 32767
_SPAN = ("span_start", "span_end", "span_line", "span_page")


def _columns(model, skip: tuple[str, ...] = ()) -> list[ColumnElement]:
    return [c for c in model.__table__.c if c.name not in skip]


def _plan_context() -> list[ColumnElement]:
    """The plan columns every child table repeats, so one sheet reads on its own."""
    return [PlanRow.source.label("plan_source"), PlanRow.issuer_name.label("plan_issuer"),
            PlanRow.number.label("plan_number"), PlanRow.symbol.label("plan_symbol")]


def _plans() -> Select:
    keep = [c for c in _columns(PlanRow, ("json", "symbol_key", "unit_key", "parent_key", "province_key"))]
    return (select(*keep, DocumentRow.sha256, DocumentRow.format.label("file_format"))
            .join(DocumentRow, DocumentRow.id == PlanRow.document_id).order_by(PlanRow.id))


def _child(model, skip: tuple[str, ...] = (), order: tuple = ()) -> Callable[[], Select]:
    def query() -> Select:
        cols = [c for c in _columns(model, skip) if c.name not in _SPAN] + [model.__table__.c[s] for s in _SPAN]
        return (select(*cols, *_plan_context()).join(PlanRow, PlanRow.id == model.plan_id)
                .order_by(model.plan_id, *(order or (model.id,))))
    return query


def _findings() -> Select:
    cols = [c for c in _columns(FindingRow) if c.name not in _SPAN] + [FindingRow.__table__.c[s] for s in _SPAN]
    return (select(*cols, *_plan_context()).join(PlanRow, PlanRow.id == FindingRow.plan_id)
            .order_by(FindingRow.plan_id, FindingRow.id))


# Table name → query. Order is the sheet order.
TABLES: dict[str, Callable[[], Select]] = {
    "plans": _plans,
    "legal_refs": _child(LegalRefRow, ("number_key",), (LegalRefRow.ord,)),
    "targets": _child(TargetRow, ("scope_key",), (TargetRow.kind, TargetRow.ord)),
    "projects": _child(ProjectRow, (), (ProjectRow.ord,)),
    "assignments": _child(AssignmentRow, (), (AssignmentRow.ord,)),
    "budgets": _child(BudgetRow, (), (BudgetRow.ord,)),
    "deadlines": _child(DeadlineRow, (), (DeadlineRow.ord,)),
    "findings": _findings,
}


def _json_text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _span_texts(spans) -> str | None:
    if not isinstance(spans, list) or not spans:
        return None
    return " | ".join(s.get("text") or "" for s in spans if isinstance(s, dict)) or None


def _tidy(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """JSON columns to text; findings get their evidence as plain text beside the spans."""
    if name == "findings":
        df.insert(df.columns.get_loc("evidence"), "evidence_text", df["evidence"].map(_span_texts))
        df.insert(df.columns.get_loc("related"), "related_text", df["related"].map(_span_texts))
    for col in ("dates_seen", "mentions", "evidence", "related", "data"):
        if col in df.columns:
            df[col] = df[col].map(_json_text)
    return df


def read_tables(store: Store, current_only: bool = True) -> dict[str, pd.DataFrame]:
    """Every table as a DataFrame (the same frames the files are written from)."""
    frames: dict[str, pd.DataFrame] = {}
    with store.engine.connect() as conn:
        for name, query in TABLES.items():
            stmt = query()
            if current_only:
                stmt = stmt.where(PlanRow.is_current.is_(True))
            frames[name] = _tidy(name, pd.read_sql(stmt, conn))
    return frames


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _cell_value(value):
    """A value openpyxl can write: no NaN, no XML-illegal characters, within the cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar → Python
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > XLSX_CELL_LIMIT:
            value = value[:XLSX_CELL_LIMIT - 1] + "…"
    return value


def write_xlsx(frames: dict[str, pd.DataFrame], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, df in frames.items():
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, start=1):
            widest = max((len(str(v)) for v in df[col].head(200) if _cell_value(v) is not None), default=0)
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, len(str(col)) + 2, widest + 2))
        if len(df.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
        header = []
        for col in df.columns:
            cell = WriteOnlyCell(ws, value=str(col))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in df.itertuples(index=False, name=None):
            cells = []
            for value in row:
                value = _cell_value(value)
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "=": never a formula
                cells.append(cell)
            ws.append(cells)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(out)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _write_each(
    frames: dict[str, pd.DataFrame], folder: Path, suffix: str, write: Callable[[pd.DataFrame, Path], None],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        target = folder / f"{name}.{suffix}"
        tmp = _tmp(target)
        try:
            write(df, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def export_tables(store: Store, fmt: str, out: str | Path, current_only: bool = True) -> dict[str, int]:
    """Write the tables as ``fmt`` to ``out`` (the .xlsx file, or a folder of .csv / .parquet files);
    returns the rows written per table."""
    out = Path(out)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependency(str(out), "Parquet export needs pyarrow: pip install pyarrow") from None
    frames = read_tables(store, current_only)
    if fmt == "xlsx":
        write_xlsx(frames, out)
    elif fmt == "csv":
        # UTF-8 with a BOM: Excel then opens Vietnamese text right; pandas reads it either way.
        _write_each(frames, out, "csv", lambda df, p: df.to_csv(p, index=False, encoding="utf-8-sig"))
    else:
        _write_each(frames, out, "parquet", lambda df, p: df.to_parquet(p, index=False))
    return {name: len(df) for name, df in frames.items()}
