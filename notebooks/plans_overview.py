# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Plans overview
#
# What the plan database holds, as pandas tables: plans per level, their targets, the national-programme
# projects they take up, the findings, who cites Quyết định 90/QĐ-TTg, and the documents plans cite that the
# database does not hold.
#
# The database is `$KEHOACH_DB` (a SQLAlchemy URL or a SQLite file), else `kehoach.db` in the working folder
# when it exists. When neither holds a plan, the bundled corpus (`corpus/seeds`, `corpus/synthetic`) is
# ingested into a temporary SQLite file first, so the notebook always has something to show.
# Every value from a document is bound as a parameter (`:name`), never pasted into the SQL.

# %%
import os
import tempfile
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select, text

import kehoach
from kehoach.pipeline.checks.crosslevel import crosscheck
from kehoach.pipeline.store import Store, ingest_paths
from kehoach.pipeline.store.graph import symbol_key
from kehoach.pipeline.store.models import PlanRow

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)


def find_corpus() -> Path:
    """The bundled corpus: $KEHOACH_CORPUS, else a corpus/ folder above the working folder or the package."""
    if os.environ.get("KEHOACH_CORPUS"):
        return Path(os.environ["KEHOACH_CORPUS"])
    for start in (Path.cwd(), Path(kehoach.__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / "corpus" / "seeds").is_dir():
                return folder / "corpus"
    raise FileNotFoundError("corpus/seeds not found: set KEHOACH_CORPUS to the corpus folder")


def plan_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(PlanRow))


url = os.environ.get("KEHOACH_DB") or ("kehoach.db" if Path("kehoach.db").exists() else None)
store = Store(url) if url else None
if store is None or plan_count(store) == 0:
    corpus = find_corpus()
    store = Store(Path(tempfile.mkdtemp(prefix="kehoach-notebook-")) / "plans.db")
    with store.session() as session:
        ingested = ingest_paths(session, [corpus / "seeds", corpus / "synthetic"])
        checked = crosscheck(session)
    print(f"ingested {ingested.counts()} from {corpus}; {len(checked.findings)} cross-level findings")
print(store, "-", plan_count(store), "plan versions")
engine = store.engine


def sql(query: str, **params) -> pd.DataFrame:
    """A query as a DataFrame; values are bound parameters."""
    with engine.connect() as conn:
        return pd.read_sql(text(query), conn, params=params)


# %% [markdown]
# ## Plans per level
# Current versions only (`is_current`): a changed file is a new version and the old one stays.

# %%
levels = sql("""
    SELECT level, COUNT(*) AS plans, COUNT(number) AS numbered, MIN(issue_year) AS first_year,
           MAX(issue_year) AS last_year
    FROM plans WHERE is_current GROUP BY level
    ORDER BY CASE level WHEN 'trung_uong' THEN 0 WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 WHEN 'xa' THEN 3 ELSE 4 END
""")
levels

# %% [markdown]
# ## Targets
# One row per quantitative target (baselines are kept apart, `kind = 'baseline'`), with the plan it is from.

# %%
targets = sql("""
    SELECT p.issuer_name AS issuer, COALESCE(p.number, '…') || '/' || COALESCE(p.symbol, '') AS plan,
           t.indicator, t.value, t.unit, t.year, t.scope, t.direction
    FROM targets t JOIN plans p ON p.id = t.plan_id
    WHERE p.is_current AND t.kind = 'target'
    ORDER BY p.id, t.ord
""")
print(len(targets), "targets in", targets["issuer"].nunique(), "plans")
targets.head(15)

# %% [markdown]
# ## Projects by programme
# The national target programmes' projects (Dự án) and sub-projects (Tiểu dự án) plans take up.

# %%
projects = sql("""
    SELECT COALESCE(pr.programme, '(unknown)') AS programme, pr.project, pr.subproject,
           COUNT(DISTINCT pr.plan_id) AS plans, SUM(pr.budget_vnd) AS budget_vnd
    FROM projects pr JOIN plans p ON p.id = pr.plan_id
    WHERE p.is_current
    GROUP BY 1, pr.project, pr.subproject
    ORDER BY 1, pr.project, pr.subproject
""")
projects["subproject"] = projects["subproject"].astype("Int64")
projects["budget_vnd"] = projects["budget_vnd"].astype("Int64")
projects_by_programme = projects.groupby("programme").agg(projects=("project", "nunique"), plans=("plans", "sum"))
projects_by_programme

# %%
projects.head(20)

# %% [markdown]
# ## Findings by code
# Internal findings come from each plan on its own, cross-level ones from comparing it with the plans it
# implements.

# %%
findings = sql("""
    SELECT f.origin, f.severity, f.code, COUNT(*) AS findings, COUNT(DISTINCT f.plan_id) AS plans
    FROM findings f JOIN plans p ON p.id = f.plan_id
    WHERE p.is_current
    GROUP BY f.origin, f.severity, f.code
    ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, findings DESC, f.code
""")
findings

# %% [markdown]
# ## Which plans cite Quyết định 90/QĐ-TTg
# Citations are matched on a folded key (`90/qđ/ttg`), so "90/QĐ-TTg", "90/QĐ - TTg" and "90/qđ-ttg" agree.
# `dates_seen` shows every date a plan gives it: a wrong date is an internal finding.

# %%
cites_90 = sql("""
    SELECT p.issuer_name AS issuer, p.level, COALESCE(p.number, '…') || '/' || COALESCE(p.symbol, '') AS plan,
           r.number AS cited, r.date, r.dates_seen, p.source
    FROM legal_refs r JOIN plans p ON p.id = r.plan_id
    WHERE p.is_current AND r.number_key = :key
    ORDER BY p.level, p.issuer_name
""", key=symbol_key("90/QĐ-TTg"))
print(len(cites_90), "plans cite 90/QĐ-TTg")
cites_90

# %% [markdown]
# ## Documents cited but not in the database
# The view `v_unresolved` lists every reference that resolved to no plan: national laws and decrees (expected),
# and local plans nobody has submitted yet (worth asking for).

# %%
unresolved = sql("""
    SELECT cited_type, cited_number, MIN(cited_date) AS date, COUNT(DISTINCT cited_date) AS dates_given,
           COUNT(DISTINCT citing_plan_id) AS citing_plans
    FROM v_unresolved
    GROUP BY cited_type, cited_number
    ORDER BY citing_plans DESC, cited_type, cited_number
""")
print(len(unresolved), "documents cited and not in the database")
unresolved.head(20)

# %%
local_plans_missing = unresolved[unresolved["cited_type"] == "ke_hoach"]
local_plans_missing
