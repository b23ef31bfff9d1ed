"""The plan database as SQLAlchemy 2 tables: files, plan versions, and every extracted list as rows.

One row per file in ``documents`` (keyed by content hash, so an unchanged file is recognised), one row per
plan version in ``plans`` (``plan_key`` ties versions together, ``is_current`` marks the newest), and one
table per extracted list, each row with its evidence span. ``legal_refs`` holds the edges of the citation
graph: the cited document as written and the plan it resolved to, with how and how sure.

The schema itself is created by the Alembic migration ``migrations/versions/0001_initial.py``; these
classes must stay in step with it (tests/test_store.py compares them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# JSON columns: JSONB on PostgreSQL (queryable and indexable by analysts), JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")

# How a reference was resolved; confidence falls in this order.
RESOLUTIONS = ("exact_number_date", "number_only", "unit_level_year", "unresolved")


class Base(DeclarativeBase):
    pass


class SpanColumns:
    """Evidence span of one row: offsets into the document's normalised text, line and page."""

    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    span_line: Mapped[int | None] = mapped_column(Integer)
    span_page: Mapped[int | None] = mapped_column(Integer)


class DocumentRow(Base):
    """One file as read: its bytes' hash, format and the outcome of reading it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    format: Mapped[str | None] = mapped_column(String(16))
    size: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(32), nullable=False, doc="ok, or the ParseError code.")
    error: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text, doc="Normalised text the spans point into.")
    first_seen: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    last_seen: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    __table_args__ = (Index("ix_documents_path", "path"),)


class PlanRow(Base):
    """One version of one plan: header fields as columns, the whole interchange JSON in ``json``."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    plan_key: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(64))
    symbol: Mapped[str | None] = mapped_column(String(128))
    symbol_key: Mapped[str | None] = mapped_column(
        String(200), doc='"3456/kh/ubnd": number and symbol, case and separators folded, for matching.'
    )
    issuer_name: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(Text)
    unit_type: Mapped[str | None] = mapped_column(String(32))
    unit_key: Mapped[str | None] = mapped_column(Text, doc="Unit name folded for matching.")
    parent: Mapped[str | None] = mapped_column(Text)
    parent_key: Mapped[str | None] = mapped_column(Text)
    province: Mapped[str | None] = mapped_column(Text)
    province_key: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(16))
    issue_year: Mapped[int | None] = mapped_column(Integer)
    issue_month: Mapped[int | None] = mapped_column(Integer)
    issue_day: Mapped[int | None] = mapped_column(Integer)
    issue_date: Mapped[str | None] = mapped_column(String(10), doc="ISO date when all three parts are known.")
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(Text)
    json: Mapped[dict] = mapped_column(JsonType, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("plan_key", "version", name="uq_plans_key_version"),
        Index("ix_plans_document", "document_id"),
        Index("ix_plans_symbol_key", "symbol_key"),
        Index("ix_plans_unit", "level", "unit_key"),
        Index("ix_plans_parent", "parent_key"),
        Index("ix_plans_current", "is_current"),
    )


class LegalRefRow(SpanColumns, Base):
    """An edge of the citation graph: a document cited by a plan, and the plan it resolved to."""

    __tablename__ = "legal_refs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    type: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(200))
    number_key: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[str | None] = mapped_column(String(10))
    dates_seen: Mapped[list] = mapped_column(JsonType, nullable=False, default=list)
    issuer: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    in_preamble: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mentions: Mapped[list] = mapped_column(JsonType, nullable=False, default=list)
    resolved_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(String(32), nullable=False, default="unresolved")
    confidence: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)

    __table_args__ = (
        Index("ix_legal_refs_plan", "plan_id"),
        Index("ix_legal_refs_number_key", "number_key"),
        Index("ix_legal_refs_resolved", "resolved_plan_id"),
        Index("ix_legal_refs_resolution", "resolution"),
    )


class TargetRow(SpanColumns, Base):
    """A quantitative target (kind "target") or a baseline figure (kind "baseline")."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="target")
    indicator: Mapped[str] = mapped_column(Text, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32), nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)
    scope: Mapped[str | None] = mapped_column(Text)
    scope_key: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(16))
    table_index: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_targets_plan", "plan_id"), Index("ix_targets_scope", "scope_key"))


class ProjectRow(SpanColumns, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    programme: Mapped[str | None] = mapped_column(String(64))
    project: Mapped[int] = mapped_column(Integer, nullable=False)
    subproject: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    budget_vnd: Mapped[int | None] = mapped_column(BigInteger)
    lead: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_projects_plan", "plan_id"),)


class AssignmentRow(SpanColumns, Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    tasks: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_assignments_plan", "plan_id"),)


class BudgetRow(SpanColumns, Base):
    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_vnd: Mapped[int] = mapped_column(BigInteger, nullable=False)
    in_words: Mapped[str | None] = mapped_column(Text)
    in_words_vnd: Mapped[int | None] = mapped_column(BigInteger)
    purpose: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_budgets_plan", "plan_id"),)


class DeadlineRow(SpanColumns, Base):
    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[int | None] = mapped_column(Integer)
    recurring: Mapped[str | None] = mapped_column(String(32))
    what: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_deadlines_plan", "plan_id"),)


class RunRow(Base):
    """One command run against the database: what it was asked and what it counted."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(32), nullable=False)
    started: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    counts: Mapped[dict] = mapped_column(JsonType, nullable=False, default=dict)
    args: Mapped[dict] = mapped_column(JsonType, nullable=False, default=dict)


class FindingRow(SpanColumns, Base):
    """A finding on a plan: internal (from extraction) or cross-level (with the higher plan's evidence)."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)
    origin: Mapped[str] = mapped_column(String(16), nullable=False, doc="internal | crosslevel")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    related_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    message_en: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list] = mapped_column(JsonType, nullable=False, default=list)
    related: Mapped[list] = mapped_column(JsonType, nullable=False, default=list)
    related_source: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JsonType, nullable=False, default=dict)

    __table_args__ = (
        Index("ix_findings_plan", "plan_id"),
        Index("ix_findings_code", "code"),
        Index("ix_findings_origin", "origin"),
    )


CHILD_TABLES = (LegalRefRow, TargetRow, ProjectRow, AssignmentRow, BudgetRow, DeadlineRow, FindingRow)
