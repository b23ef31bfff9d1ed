"""The plan database: documents, plan versions, extracted lists with spans, findings, runs; analyst views.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JsonType = sa.JSON().with_variant(JSONB(), "postgresql")


def _span() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer()) for name in ("span_start", "span_end", "span_line", "span_page")]


def _plan_fk() -> sa.Column:
    return sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False)


LEVEL_RANK = "CASE {0} WHEN 'xa' THEN 0 WHEN 'huyen' THEN 1 WHEN 'tinh' THEN 2 WHEN 'trung_uong' THEN 3 END"

V_CITATIONS = """
CREATE VIEW v_citations AS
SELECT r.id AS ref_id, r.ord AS ref_ord,
       p.id AS citing_plan_id, p.source AS citing_file, p.level AS citing_level, p.unit AS citing_unit,
       p.number AS citing_number, p.symbol AS citing_symbol, p.issue_date AS citing_issue_date,
       r.type AS cited_type, r.number AS cited_number, r.date AS cited_date, r.issuer AS cited_issuer,
       r.title AS cited_title, r.in_preamble, r.resolution, r.confidence,
       q.id AS resolved_plan_id, q.source AS resolved_file, q.level AS resolved_level, q.unit AS resolved_unit,
       q.number AS resolved_number, q.symbol AS resolved_symbol, q.issue_date AS resolved_issue_date
FROM legal_refs r
JOIN plans p ON p.id = r.plan_id
LEFT JOIN plans q ON q.id = r.resolved_plan_id
WHERE p.is_current
"""

V_UNRESOLVED = "CREATE VIEW v_unresolved AS SELECT * FROM v_citations WHERE resolution = 'unresolved'"

V_IMPLEMENTS = f"""
CREATE VIEW v_implements AS
SELECT * FROM v_citations
WHERE resolved_plan_id IS NOT NULL
  AND {LEVEL_RANK.format("citing_level")} < {LEVEL_RANK.format("resolved_level")}
"""


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("size", sa.BigInteger()),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("text", sa.Text()),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_documents_path", "documents", ["path"])

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plan_key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.String(32)),
        sa.Column("number", sa.String(64)),
        sa.Column("symbol", sa.String(128)),
        sa.Column("symbol_key", sa.String(200)),
        sa.Column("issuer_name", sa.Text()),
        sa.Column("level", sa.String(16)),
        sa.Column("unit", sa.Text()),
        sa.Column("unit_type", sa.String(32)),
        sa.Column("unit_key", sa.Text()),
        sa.Column("parent", sa.Text()),
        sa.Column("parent_key", sa.Text()),
        sa.Column("province", sa.Text()),
        sa.Column("province_key", sa.Text()),
        sa.Column("unit_code", sa.String(16)),
        sa.Column("issue_year", sa.Integer()),
        sa.Column("issue_month", sa.Integer()),
        sa.Column("issue_day", sa.Integer()),
        sa.Column("issue_date", sa.String(10)),
        sa.Column("period_start", sa.Integer()),
        sa.Column("period_end", sa.Integer()),
        sa.Column("title", sa.Text()),
        sa.Column("signer_name", sa.Text()),
        sa.Column("json", JsonType, nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("plan_key", "version", name="uq_plans_key_version"),
    )
    op.create_index("ix_plans_document", "plans", ["document_id"])
    op.create_index("ix_plans_symbol_key", "plans", ["symbol_key"])
    op.create_index("ix_plans_unit", "plans", ["level", "unit_key"])
    op.create_index("ix_plans_parent", "plans", ["parent_key"])
    op.create_index("ix_plans_current", "plans", ["is_current"])

    op.create_table(
        "legal_refs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32)),
        sa.Column("number", sa.String(200)),
        sa.Column("number_key", sa.String(200)),
        sa.Column("date", sa.String(10)),
        sa.Column("dates_seen", JsonType, nullable=False),
        sa.Column("issuer", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("in_preamble", sa.Boolean(), nullable=False),
        sa.Column("mentions", JsonType, nullable=False),
        sa.Column("resolved_plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="SET NULL")),
        sa.Column("resolution", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        *_span(),
    )
    op.create_index("ix_legal_refs_plan", "legal_refs", ["plan_id"])
    op.create_index("ix_legal_refs_number_key", "legal_refs", ["number_key"])
    op.create_index("ix_legal_refs_resolved", "legal_refs", ["resolved_plan_id"])
    op.create_index("ix_legal_refs_resolution", "legal_refs", ["resolution"])

    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_max", sa.Float()),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("scope", sa.Text()),
        sa.Column("scope_key", sa.Text()),
        sa.Column("direction", sa.String(16)),
        sa.Column("table_index", sa.Integer()),
        *_span(),
    )
    op.create_index("ix_targets_plan", "targets", ["plan_id"])
    op.create_index("ix_targets_scope", "targets", ["scope_key"])

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(64)),
        sa.Column("project", sa.Integer(), nullable=False),
        sa.Column("subproject", sa.Integer()),
        sa.Column("name", sa.Text()),
        sa.Column("budget_vnd", sa.BigInteger()),
        sa.Column("lead", sa.Text()),
        *_span(),
    )
    op.create_index("ix_projects_plan", "projects", ["plan_id"])

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("tasks", sa.Text()),
        *_span(),
    )
    op.create_index("ix_assignments_plan", "assignments", ["plan_id"])

    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("in_words", sa.Text()),
        sa.Column("in_words_vnd", sa.BigInteger()),
        sa.Column("purpose", sa.Text()),
        *_span(),
    )
    op.create_index("ix_budgets_plan", "budgets", ["plan_id"])

    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("month", sa.Integer()),
        sa.Column("day", sa.Integer()),
        sa.Column("recurring", sa.String(32)),
        sa.Column("what", sa.Text()),
        sa.Column("who", sa.Text()),
        *_span(),
    )
    op.create_index("ix_deadlines_plan", "deadlines", ["plan_id"])

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("finished", sa.DateTime()),
        sa.Column("counts", JsonType, nullable=False),
        sa.Column("args", JsonType, nullable=False),
    )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _plan_fk(),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("related_plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="SET NULL")),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text()),
        sa.Column("evidence", JsonType, nullable=False),
        sa.Column("related", JsonType, nullable=False),
        sa.Column("related_source", sa.Text()),
        sa.Column("data", JsonType, nullable=False),
        *_span(),
    )
    op.create_index("ix_findings_plan", "findings", ["plan_id"])
    op.create_index("ix_findings_code", "findings", ["code"])
    op.create_index("ix_findings_origin", "findings", ["origin"])

    op.execute(V_CITATIONS)
    op.execute(V_UNRESOLVED)
    op.execute(V_IMPLEMENTS)


def downgrade() -> None:
    for view in ("v_implements", "v_unresolved", "v_citations"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    for table in (
        "findings",
        "runs",
        "deadlines",
        "budgets",
        "assignments",
        "projects",
        "targets",
        "legal_refs",
        "plans",
        "documents",
    ):
        op.drop_table(table)
