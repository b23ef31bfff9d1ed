"""kehoach: read Vietnamese government plans, extract them into validated records, and audit them.

The public surface used by the CLI, notebooks and analysts::

    import kehoach
    doc = kehoach.read("plan.pdf")          # Document: normalised text, blocks, tables, page/line map
    plan = kehoach.extract(doc)             # Plan: every field with its evidence span
    findings = kehoach.check(plan, doc)     # internal consistency findings
    store = kehoach.Store("kehoach.db")    # the plan database (SQLite file, or a postgresql:// URL)
"""

from __future__ import annotations

from kehoach.api import check, extract, read, segment

__all__ = ["Store", "check", "extract", "read", "segment"]


def __getattr__(name: str):
    """``kehoach.Store`` is imported on first use: SQLAlchemy is not needed to read or extract a plan."""
    if name == "Store":
        from kehoach.pipeline.store import Store

        return Store
    raise AttributeError(f"module 'kehoach' has no attribute {name!r}")
__version__ = "0.1.0"
